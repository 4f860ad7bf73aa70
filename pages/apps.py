from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Information pages")

    def ready(self):
        from pages import checks  # noqa: F401 (registers the deployment checks)
