"""The demo catalogue loads into an empty database, with its pictures, and reloads cleanly."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command

from catalog.models import Activity, Category, Product, ProductImage, Variant

pytestmark = pytest.mark.django_db

FIXTURES = ["fixtures/catalog.json", "fixtures/groups.json"]
KEY_PRODUCTS = [
    "sac-toile-hommage-annapurna",
    "sac-alpinisme-peuterey-45",
    "sac-trekking-armature-60",
    "sac-trail-drome-light-5",
    "sac-randonnee-hiker-30",
    "veste-ski-freeride-gore-tex-homme",
    "pantalon-ski-femme-alpine",
    "veste-guide-chamonix",
    "sac-couchage-duvet-expedition-20",
    "sac-couchage-randonnee-5",
    "chaussures-approche-rock",
    "doudoune-enfant-hiver",
]


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _reuse_renditions(request, settings, shared_media):
    """Renditions take a while to make: tests share one media folder, except the
    one that proves a fresh load installs every file."""
    if "fresh_media" not in request.keywords:
        settings.MEDIA_ROOT = shared_media


def load():
    call_command("loaddata", *FIXTURES, verbosity=0)


def media_files():
    root = Path(default_storage.location)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Category, Activity, Product, Variant, ProductImage)
    } | {
        "renditions": list(
            ProductImage.objects.order_by("pk").values_list("renditions", flat=True)
        ),
        "stock": list(Variant.objects.order_by("pk").values_list("stock", flat=True)),
        "files": media_files(),
    }


def test_the_demo_catalogue_covers_the_shop():
    load()
    products = Product.objects.published()

    assert products.count() >= 40
    assert set(products.values_list("brand", flat=True)) == {"millet", "lafuma"}
    assert products.filter(brand="millet").count() > 3 * products.filter(brand="lafuma").count()
    assert set(products.values_list("tier", flat=True)) == {"entry", "advanced", "expert"}
    assert set(products.values_list("audience", flat=True)) == {"men", "women", "kids", "unisex"}
    for slug in (
        "sacs-a-dos",
        "sacs-trail",
        "sacs-de-couchage",
        "vetements",
        "vetements-ski",
        "chaussures",
        "accessoires",
    ):
        assert products.filter(category__slug=slug).exists(), slug
    assert set(products.values_list("slug", flat=True)) >= set(KEY_PRODUCTS)
    assert Product.objects.exclude(country_of_manufacture="").count() == Product.objects.count()


def test_only_the_trail_pack_the_sources_name_is_made_in_france_in_the_drome():
    load()
    made_here = Product.objects.filter(made_in_france=True)

    # The sources name one product made in France: the demo data claims no other workshop.
    assert list(made_here.values_list("slug", flat=True)) == ["sac-trail-drome-light-5"]
    assert not made_here.filter(workshop="").exists()
    drome = Product.objects.get(slug="sac-trail-drome-light-5")
    assert drome.made_in_france and "Drôme" in drome.workshop
    assert drome.category.parent.slug == "sacs-a-dos"


def test_some_sizes_and_whole_products_are_sold_out():
    load()

    assert Variant.objects.filter(stock=0).count() >= 5
    assert Product.objects.in_stock().count() < Product.objects.count()
    kids_jacket = Variant.objects.get(product__slug="doudoune-enfant-hiver", size="8 ans")
    assert kids_jacket.stock == 0


@pytest.mark.fresh_media
def test_every_product_has_a_picture_whose_files_exist_after_loading():
    load()

    assert not Product.objects.filter(images__isnull=True).exists()
    # Each colour a product is sold in has its own picture, and no picture names another.
    sold = set(Variant.objects.values_list("product__slug", "colour"))
    assert set(ProductImage.objects.values_list("product__slug", "colour")) == sold
    for image in ProductImage.objects.all():
        assert default_storage.exists(image.image.name), image.image.name
        assert image.alt_text
        assert len(image.renditions) >= 3
        for rendition in image.renditions:
            assert default_storage.exists(rendition["webp"])
            assert default_storage.exists(rendition["fallback"])


def test_loading_twice_changes_nothing():
    load()
    first = snapshot()

    load()

    assert snapshot() == first


def test_the_catalogue_editor_group_can_edit_but_not_delete_products():
    load()
    group = Group.objects.get(name="Éditeurs du catalogue")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"add_product", "change_product", "view_product", "delete_variant"} <= codenames
    assert "delete_product" not in codenames
