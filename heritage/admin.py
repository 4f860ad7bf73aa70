from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from catalog.admin_tools import MissingEnglishColumn, MissingEnglishFilter
from heritage.models import Expedition, Person, TimelineEvent


@admin.register(TimelineEvent)
class TimelineEventAdmin(MissingEnglishColumn, TranslationAdmin):
    list_display = [
        "position",
        "when",
        "title",
        "kind",
        "product_total",
        "is_published",
        "english_gaps",
    ]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["kind", "is_published", MissingEnglishFilter]
    search_fields = ["title_fr", "title_en", "summary_fr", "summary_en", "text_fr", "text_en"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related_products", "people", "expedition"]
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "is_published", "position"]}),
        (
            _("When"),
            {"fields": ["year", "is_approximate", "start_date", "end_date", "period_label"]},
        ),
        (_("Story"), {"fields": ["summary", "text", "image", "preview", "image_alt"]}),
        (_("Links"), {"fields": ["people", "expedition", "related_products"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_product_count()

    @admin.display(description=_("products"), ordering="product_count")
    def product_total(self, event):
        return event.product_count

    @admin.display(description=_("preview"))
    def preview(self, event):
        if not event.image:
            return "—"
        return format_html('<img src="{}" alt="{}" width="240">', event.image.url, event.image_alt)


@admin.register(Person)
class PersonAdmin(MissingEnglishColumn, TranslationAdmin):
    list_display = ["name", "role", "english_gaps"]
    list_filter = [MissingEnglishFilter]
    search_fields = ["name", "role_fr", "role_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Expedition)
class ExpeditionAdmin(MissingEnglishColumn, TranslationAdmin):
    list_display = ["name", "year", "summit", "english_gaps"]
    list_filter = [MissingEnglishFilter]
    search_fields = ["name_fr", "name_en", "summit_fr", "summit_en"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
