from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class MilletSiteConfig(AppConfig):
    name = "millet_site"
    verbose_name = "Millet"

    def ready(self):
        from millet_site.page_cache import CONTENT_MODELS, content_changed

        # Whatever staff, the shop or a command change in these rows shows on
        # cached pages: they render again after the commit.
        for label in CONTENT_MODELS:
            model = apps.get_model(label)
            uid = f"page-cache-{label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(
                    content_changed, sender=through, dispatch_uid=f"{uid}-{field.name}"
                )
