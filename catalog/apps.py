from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """Give SQLite the accent-folding function that catalogue search uses."""
    if connection.vendor == "sqlite":
        from catalog.search import normalise

        connection.connection.create_function(
            "millet_fold", 1, lambda text: normalise(text or ""), deterministic=True
        )


def variant_changed(sender, instance, **kwargs):
    from catalog.models import Product, stock_flags_refresh

    if Product.objects.filter(pk=instance.product_id).exists():  # not when cascading
        stock_flags_refresh([instance.product_id])


def product_changed(sender, instance, raw=False, **kwargs):
    """Its facet bits; a product loaded from a fixture (raw) has its bits set afresh."""
    from catalog.facet_index import facet_index_refresh

    facet_index_refresh([instance.pk], reset=raw)


def activities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Products linked to or unlinked from activities: their facet bits."""
    from catalog.facet_index import facet_index_refresh

    if not reverse:
        if action.startswith("post_"):
            facet_index_refresh([instance.pk])
    elif action == "pre_clear":  # an activity's products, about to be unlinked
        instance._facet_products = list(instance.products.values_list("pk", flat=True))
    elif action == "post_clear":
        facet_index_refresh(getattr(instance, "_facet_products", ()))
    elif action in ("post_add", "post_remove"):
        facet_index_refresh(pk_set)


def image_changed(sender, instance, **kwargs):
    from catalog.models import cover_refresh

    cover_refresh([instance.product_id])


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from catalog.facet_index import activity_deleted
        from catalog.models import Activity, Product, ProductImage, Variant

        connection_created.connect(register_sqlite_functions, dispatch_uid="millet_fold")
        # A variant saved or deleted (admin, fixtures, commands) updates its
        # product's stock flags in the same transaction.
        post_save.connect(variant_changed, sender=Variant, dispatch_uid="stock-flags-save")
        post_delete.connect(variant_changed, sender=Variant, dispatch_uid="stock-flags-delete")
        # A product saved or deleted, or its activities changed: its facet bits, in the
        # same transaction (catalog.facet_index).
        post_save.connect(product_changed, sender=Product, dispatch_uid="facets-save")
        post_delete.connect(product_changed, sender=Product, dispatch_uid="facets-delete")
        m2m_changed.connect(
            activities_changed, sender=Product.activities.through, dispatch_uid="facets-m2m"
        )
        post_delete.connect(activity_deleted, sender=Activity, dispatch_uid="facets-activity")
        # An image saved or deleted sets its product's cover in the same transaction.
        post_save.connect(image_changed, sender=ProductImage, dispatch_uid="cover-save")
        post_delete.connect(image_changed, sender=ProductImage, dispatch_uid="cover-delete")
