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


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        connection_created.connect(register_sqlite_functions, dispatch_uid="millet_fold")
