"""Django's admin app, with the shop's own site as `admin.site`.

Apart from millet_site/admin_site.py, which reads models: an app's config is
imported before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class MilletAdminConfig(AdminConfig):
    default_site = "millet_site.admin_site.MilletAdminSite"
