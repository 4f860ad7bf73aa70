"""The shop's admin site: named for the shop, its home a dashboard (millet_site/dashboard.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from millet_site.dashboard import dashboard_context


class MilletAdminSite(admin.AdminSite):
    site_header = _("Millet — shop")
    site_title = _("Millet — shop")
    index_title = _("Shop administration")

    def index(self, request, extra_context=None):
        context = {"dashboard": dashboard_context(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
