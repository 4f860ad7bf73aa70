"""What each change renews among the kept pages: the tags of common.page_cache.

The pages name what they show (`depends_on` in the views); here every way the shop
changes those rows names the same tags, after the commit (docs/caching.md):

- `catalog`: listings, home, product pages, the story, made in France. Renewed by any
  catalogue row saved or deleted (staff, imports, fixtures), bulk actions and
  generated catalogues.
- `product:<pk>`: that product's page. Every stock change of its variants (staff edits
  renew `catalog`, which product pages show too).
- `stock`: listings (their counts and "Sold out" badges). A product sold out or back,
  a size or a colour gone or back.
- `card:<pk>`: a page showing that product's card elsewhere (home, related products,
  story pages). The same, for that product.
- `story`: timeline, events, people, expeditions, product pages, made in France. An
  event, a person or an expedition, and their links.
- `stores`: the stores page. A store.
- `pages`: the information pages. An information page.
- `demo`: every kept page (the demo banner). A demo data row loaded or deleted
  (pages.demo, which writes the banner's flag first).

An order that takes units without selling anything out renews that product's page
alone; one that sells a size out also renews the listings (their counts move) and
the pages that show its card.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.page_cache import changed

CATALOGUE = [
    "catalog.Product",
    "catalog.Variant",
    "catalog.ProductImage",
    "catalog.Category",
    "catalog.Activity",
    "catalog.SizeGuide",
]
STORY = ["heritage.TimelineEvent", "heritage.Person", "heritage.Expedition"]


def catalogue_saved(sender, **kwargs):
    """Any catalogue row saved or deleted: every page that shows the catalogue (product
    pages included) renders again."""
    changed("catalog")


def tagged(*tags):
    def receiver(sender, **kwargs):
        changed(*tags)

    return receiver


def stock_moved(sender, product_ids, moved, **kwargs):
    tags = [f"product:{pk}" for pk in product_ids]
    if moved:
        tags += ["stock", *(f"card:{pk}" for pk in moved)]
    changed(*tags)


def connect():
    from catalog.signals import catalogue_changed, stock_changed
    from pages.demo import demo_data_changed

    def on_save_and_delete(label, receiver):
        model = apps.get_model(label)
        uid = f"page-tags-{label}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

    for label in CATALOGUE:
        on_save_and_delete(label, catalogue_saved)
    Product = apps.get_model("catalog", "Product")
    m2m_changed.connect(
        catalogue_saved, sender=Product.activities.through, dispatch_uid="page-tags-activities"
    )
    for label in STORY:
        on_save_and_delete(label, tagged("story"))
        for field in apps.get_model(label)._meta.local_many_to_many:
            m2m_changed.connect(
                tagged("story"),
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"page-tags-{label}-{field.name}",
            )
    on_save_and_delete("shop.Store", tagged("stores"))
    on_save_and_delete("pages.Page", tagged("pages"))
    on_save_and_delete("pages.DemoData", demo_data_changed)
    stock_changed.connect(stock_moved, dispatch_uid="page-tags-stock")
    catalogue_changed.connect(catalogue_saved, dispatch_uid="page-tags-catalogue")
