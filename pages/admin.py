from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from catalog.admin_tools import MissingEnglishColumn, MissingEnglishFilter
from pages.models import FOOTER_SLUGS, DemoData, Page


# Plain TranslationAdmin, one field per language one below the other:
# modeltranslation's tabbed admin loads jQuery UI from a CDN, which the
# site's Content Security Policy (scripts from 'self' only) blocks.
@admin.register(Page)
class PageAdmin(MissingEnglishColumn, TranslationAdmin):
    list_display = [
        "title",
        "slug",
        "position",
        "left_to_complete",
        "english_gaps",
        "updated_at",
    ]
    list_editable = ["position"]
    list_filter = [MissingEnglishFilter]
    search_fields = ["slug", "title_fr", "title_en", "body_fr", "body_en"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        (None, {"fields": ["position"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["title_fr"]}

    def get_readonly_fields(self, request, obj=None):
        # Other pages, e-mails and the checkout link to a page by its slug.
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # The footer of every page links to these.
        if obj is not None and obj.slug in FOOTER_SLUGS:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("left to complete"))
    def left_to_complete(self, page):
        return page.to_complete or "—"


# The rows the demo fixtures load: staff delete them once real data has replaced the
# demo's, and the banner saying the shop is a demonstration goes with the last one.
@admin.register(DemoData)
class DemoDataAdmin(admin.ModelAdmin):
    list_display = ["fixture"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
