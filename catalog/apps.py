from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """Give SQLite the accent-folding function that catalogue search uses."""
    if connection.vendor == "sqlite":
        from catalog.filters import normalise

        connection.connection.create_function(
            "millet_fold", 1, lambda text: normalise(text or ""), deterministic=True
        )


def variant_changed(sender, instance, **kwargs):
    from catalog.models import Product, stock_flags_refresh

    if Product.objects.filter(pk=instance.product_id).exists():  # not when cascading
        stock_flags_refresh([instance.product_id])


def image_changed(sender, instance, **kwargs):
    from catalog.models import cover_refresh

    cover_refresh([instance.product_id])


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.models import ProductImage, Variant

        connection_created.connect(register_sqlite_functions, dispatch_uid="millet_fold")
        # A variant saved or deleted (admin, fixtures, commands) updates its
        # product's stock flags in the same transaction.
        post_save.connect(variant_changed, sender=Variant, dispatch_uid="stock-flags-save")
        post_delete.connect(variant_changed, sender=Variant, dispatch_uid="stock-flags-delete")
        # An image saved or deleted sets its product's cover in the same transaction.
        post_save.connect(image_changed, sender=ProductImage, dispatch_uid="cover-save")
        post_delete.connect(image_changed, sender=ProductImage, dispatch_uid="cover-delete")
