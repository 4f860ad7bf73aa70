from django.apps import AppConfig


class MilletSiteConfig(AppConfig):
    name = "millet_site"
    verbose_name = "Millet"

    def ready(self):
        from millet_site import page_tags

        # Whatever staff, the shop or a command change renews the kept pages that
        # show it, after the commit.
        page_tags.connect()
