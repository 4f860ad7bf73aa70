"""Staff run the whole catalogue from here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from catalog.admin_tools import (
    ImageColourForm,
    MissingEnglishColumn,
    MissingEnglishFilter,
    PriceChangeForm,
    PriceRefused,
    VariantFormSet,
    VariantGeneratorForm,
    VariantRowForm,
    listed_name_change,
    price_changes,
    product_prices_change,
    variants_generate,
    with_lists,
)
from catalog.facet_index import facet_index_refresh
from catalog.images import make_renditions
from catalog.models import (
    Activity,
    Category,
    Colour,
    Product,
    ProductImage,
    Size,
    SizeGuide,
    Variant,
)
from catalog.resources import ProductResource, VariantResource, column_label
from catalog.signals import catalogue_changed

LOW_STOCK = 5
# The image is required and shown as a preview: a plain file input, which
# Django labels properly, instead of the clearable widget's unlabelled one.
IMAGE_WIDGET = {models.ImageField: {"widget": forms.FileInput}}
TIER_CHANGED = ngettext_lazy(
    "%(count)s product moved to the new tier.", "%(count)s products moved to the new tier.", "count"
)


class StockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [
            ("out", _("Out of stock")),
            ("low", _("Low stock (%(n)s or fewer)") % {"n": LOW_STOCK}),
            ("in", _("In stock")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "out":
                return queryset.filter(total_stock=0)
            case "low":
                return queryset.filter(total_stock__gt=0, total_stock__lte=LOW_STOCK)
            case "in":
                return queryset.filter(total_stock__gt=0)
        return queryset


def thumbnail(image, size=64):
    """An <img> of the smallest rendition, or of the original when there is none."""
    if image is None:
        return "—"
    url = image.image.url
    if image.renditions:
        url = image.image.storage.url(image.renditions[0]["fallback"])
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-thumbnail">',
        url,
        image.alt_text,
        size,
        round(size * image.height / image.width) if image.width else size,
    )


@admin.register(Category)
class CategoryAdmin(MissingEnglishColumn, TranslationAdmin):
    list_display = ["name", "parent", "position", "product_count", "english_gaps"]
    list_select_related = ["parent"]
    list_editable = ["position"]
    list_filter = ["parent", MissingEnglishFilter]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        # An aggregate drops the model's default ordering: restate it.
        return (
            super()
            .get_queryset(request)
            .annotate(product_total=Count("products"))
            .order_by("position", "name_fr")
        )

    @admin.display(description=_("products"), ordering="product_total")
    def product_count(self, category):
        return category.product_total


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SizeGuide)
class SizeGuideAdmin(TranslationAdmin):
    list_display = ["title", "category", "row_count"]
    list_select_related = ["category"]
    search_fields = ["title_fr", "title_en", "category__name_fr"]
    autocomplete_fields = ["category"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 8})}}

    @admin.display(description=_("rows"))
    def row_count(self, guide):
        return len(guide.rows())


class VariantChoiceAdmin(admin.ModelAdmin):
    """The sizes or colours staff keep: variants and pictures choose from them. A name
    changed here changes on every variant (and picture) that bears it."""

    list_display = ["name", "name_en", "position"]
    list_editable = ["name_en", "position"]
    search_fields = ["name", "name_en"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "name_en"} & set(form.changed_data):
            old_name = form.initial.get("name", obj.name)
            count = listed_name_change(choice=obj, old_name=old_name)
            if count:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s product now shows the new name.",
                        "%(count)s products now show the new name.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )


@admin.register(Size)
class SizeAdmin(VariantChoiceAdmin):
    pass


@admin.register(Colour)
class ColourAdmin(VariantChoiceAdmin):
    pass


class VariantInline(admin.TabularInline):
    """One line per variant: its SKU, size and colour from the lists, its stock."""

    model = Variant
    form = VariantRowForm
    formset = VariantFormSet
    template = "admin/catalog/product/variant_inline.html"
    extra = 1
    fields = ["sku", "size_choice", "colour_choice", "stock"]

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, form=with_lists(self.form), **kwargs)


class ProductImageInline(TranslationStackedInline):
    model = ProductImage
    form = ImageColourForm
    extra = 1
    fields = ["preview", "image", "alt_text", "colour_choice", "position"]
    readonly_fields = ["preview"]
    formfield_overrides = IMAGE_WIDGET

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, form=with_lists(self.form), **kwargs)

    @admin.display(description=_("preview"))
    def preview(self, image):
        return thumbnail(image if image.pk else None, size=96)


class CatalogExportForm(SelectableFieldsExportForm):
    """The columns to export, labelled in the shop's words with the file's column name;
    its "select all" box works through static/js/admin-import-export.js, since the
    Content Security Policy refuses the library's inline handler."""

    def _get_field_label(self, resource, field_name):
        column = resource.fields[field_name].column_name
        return f"{column_label(resource._meta.model, column)} ({column})"

    @property
    def media(self):
        return forms.Media(js=["js/admin-import-export.js"])


class CatalogImportExport(ImportExportMixin):
    """Import and export buttons on a list: CSV or XLSX, a preview of the rows that
    change (old → new), then all rows or none (catalog/resources.py)."""

    formats = [CSV, XLSX]
    export_form_class = CatalogExportForm

    def import_action(self, request, **kwargs):
        """The library's import page, told in the shop's words: the columns by their
        labels, and the preview cut down to the rows that change."""
        response = super().import_action(request, **kwargs)
        context = response.context_data
        resource = self.get_import_resource_classes(request)[0]
        columns = resource.columns()
        labels = dict(columns)
        context["columns"] = columns
        context["fields_list"] = [
            (resource.get_display_name(), [f"{label} ({column})" for column, label in columns])
        ]
        result = context.get("result")
        if result is None:
            return response
        attributes = {
            field.attribute: field.column_name for field in resource().get_import_fields()
        }
        context["invalid_rows"] = [
            {
                "number": row.number,
                "errors": [
                    (labels.get(attributes.get(name, name), name), messages)
                    for name, messages in row.field_specific_errors.items()
                ],
                "other_errors": row.non_field_specific_errors,
                "values": row.values,
            }
            for row in result.invalid_rows
        ]
        context["changed_rows"] = [row for row in result.valid_rows() if row.import_type != "skip"]
        context["unchanged_count"] = result.totals["skip"]
        return response

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import, like its preview, saves nothing if one row is invalid.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}


@admin.register(Product)
class ProductAdmin(CatalogImportExport, MissingEnglishColumn, TranslationAdmin):
    resource_classes = [ProductResource]
    # Eight narrow columns fit a 1,366 px screen beside the menu and the filters
    # (static/css/admin.css); made in France is a filter, the home page
    # position a field of the form.
    list_display = [
        "picture",
        "name",
        "brand",
        "category",
        "price",
        "tier",
        "stock",
        "is_published",
    ]
    # Listing what is left to translate: what each product misses takes the place
    # of the shop's columns, so the list still fits 1,366 px.
    translation_display = ["picture", "name", "category", "is_published", "english_gaps"]
    list_display_links = ["picture", "name"]
    list_select_related = ["category", "cover"]
    list_filter = [
        "category",
        "brand",
        "audience",
        "tier",
        "made_in_france",
        "is_published",
        StockFilter,
        MissingEnglishFilter,
    ]
    search_fields = ["name_fr", "name_en", "slug", "variants__sku"]
    search_help_text = _("Search by name or SKU.")
    prepopulated_fields = {"slug": ["name"]}
    # A plain <select> for the few categories and ticks for the six
    # activities: the autocomplete widget leaves its search box unlabelled.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [VariantInline, ProductImageInline]
    actions = [
        "publish",
        "unpublish",
        "set_tier_entry",
        "set_tier_advanced",
        "set_tier_expert",
        "mark_made_in_france",
        "unmark_made_in_france",
        "change_prices",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "brand", "category", "activities", "audience"]}),
        (
            _("Shop"),
            {
                "fields": [
                    "price",
                    "tier",
                    "is_published",
                    "featured_position",
                    "summary",
                    "description",
                ]
            },
        ),
        (_("Origin"), {"fields": ["made_in_france", "workshop", "country_of_manufacture"]}),
        (
            _("Technical details"),
            {
                "fields": [
                    "weight_g",
                    "volume_l",
                    "comfort_temp_c",
                    "limit_temp_c",
                    "waterproofing_mm",
                    "repairability",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # A subquery, not Sum() over the join: a search on variants__sku joins the
        # variants again, and a joined sum would count each unit once per matching row.
        stock = (
            Variant.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(total=Sum("stock"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(total_stock=Coalesce(Subquery(stock, output_field=IntegerField()), 0))
        )

    def get_list_display(self, request):
        if request.GET.get(MissingEnglishFilter.parameter_name) == "manque":
            return self.translation_display
        return super().get_list_display(request)

    def get_urls(self):
        generate = path(
            "<int:product_id>/variants/generate/",
            self.admin_site.admin_view(self.generate_variants_view),
            name="catalog_product_generate_variants",
        )
        return [generate, *super().get_urls()]

    def generate_variants_view(self, request, product_id):
        """Staff who may change products create the missing size × colour variants of
        one product (`variants_generate`); those it already has are kept as they are."""
        product = get_object_or_404(Product, pk=product_id)
        if not self.has_change_permission(request, product):
            raise PermissionDenied
        form = VariantGeneratorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            created = variants_generate(product=product, **form.cleaned_data)
            if created:
                skus = ", ".join(variant.sku for variant in created)
                self.log_change(request, product, _("Variants generated: %s") % skus)
            self.message_user(
                request,
                ngettext("%(count)s variant created.", "%(count)s variants created.", len(created))
                % {"count": len(created)}
                if created
                else _("The product already has all these variants: none created."),
                messages.SUCCESS if created else messages.WARNING,
            )
            return redirect("admin:catalog_product_change", product.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate sizes and colours of %(product)s") % {"product": product},
            "opts": self.opts,
            "original": product,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalog/product/generate_variants.html", context)

    @admin.action(description=_("Change the prices"), permissions=["change"])
    def change_prices(self, request, queryset):
        """Three steps on one page: the change, its preview (old → new price of each
        product, nothing saved), then the confirmation that applies it all or none."""
        products = list(queryset.order_by("name_fr"))
        step = request.POST.get("step")
        form = PriceChangeForm(request.POST if step else None)
        if step in ("preview", "apply") and form.is_valid():
            changes = price_changes(products, form)
            refused = [product for product, _old, new in changes if new <= 0]
            if refused:
                form.add_error(
                    None,
                    ngettext(
                        "This change brings the price of %(names)s to zero or below: "
                        "choose a smaller one.",
                        "This change brings the prices of %(names)s to zero or below: "
                        "choose a smaller one.",
                        len(refused),
                    )
                    % {"names": ", ".join(str(product) for product in refused)},
                )
            elif step == "apply":
                try:
                    count = product_prices_change(
                        product_ids=[product.pk for product in products], form=form
                    )
                except PriceRefused:  # a price changed since the preview
                    form.add_error(None, _("A price changed meanwhile: check the preview again."))
                else:
                    self.message_user(
                        request,
                        ngettext("%(count)s price changed.", "%(count)s prices changed.", count)
                        % {"count": count},
                        messages.SUCCESS,
                    )
                    return None
            else:
                return self._price_page(request, products, form, changes)
        return self._price_page(request, products, form, None)

    def _price_page(self, request, products, form, changes):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change the prices"),
            "opts": self.opts,
            "form": form,
            "products": products,
            "changes": changes,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalog/product/change_prices.html", context)

    @admin.display(description=_("image"))
    def picture(self, product):
        return thumbnail(product.cover)

    @admin.display(description=_("stock"), ordering="total_stock")
    def stock(self, product):
        return product.total_stock

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not ProductImage:
            return
        replaced = [image for image, fields in formset.changed_objects if "image" in fields]
        for image in formset.new_objects + replaced:
            make_renditions(image)
            image.save(update_fields=["renditions"])

    @staticmethod
    def _selected_pks(queryset):
        return list(queryset.values_list("pk", flat=True))

    @staticmethod
    def _update(products, **values):
        """UPDATE sends no model signal: the facet index is kept here and the change is
        announced (the pages that show these products render again after the commit)."""
        count = products.update(**values, updated_at=timezone.now())
        pks = list(products.values_list("pk", flat=True))
        facet_index_refresh(pks)
        catalogue_changed.send(sender=Product, product_ids=pks)
        return count

    def _bulk_update(self, request, queryset, message, **values):
        """Update the selected products; `message` is an ngettext_lazy with %(count)s."""
        selected = Product.objects.filter(pk__in=self._selected_pks(queryset))
        count = self._update(selected, **values)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected products"), permissions=["change"])
    def publish(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            ngettext_lazy("%(count)s product published.", "%(count)s products published.", "count"),
            is_published=True,
        )

    @admin.action(description=_("Unpublish the selected products"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            ngettext_lazy(
                "%(count)s product unpublished.", "%(count)s products unpublished.", "count"
            ),
            is_published=False,
        )

    @admin.action(description=_("Set tier: everyday"), permissions=["change"])
    def set_tier_entry(self, request, queryset):
        self._bulk_update(request, queryset, TIER_CHANGED, tier=Product.Tier.ENTRY)

    @admin.action(description=_("Set tier: advanced"), permissions=["change"])
    def set_tier_advanced(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            TIER_CHANGED,
            tier=Product.Tier.ADVANCED,
        )

    @admin.action(description=_("Set tier: expert"), permissions=["change"])
    def set_tier_expert(self, request, queryset):
        self._bulk_update(request, queryset, TIER_CHANGED, tier=Product.Tier.EXPERT)

    @admin.action(description=_("Mark as made in France"), permissions=["change"])
    def mark_made_in_france(self, request, queryset):
        # The database refuses a made-in-France product without a workshop
        # or made elsewhere: only those that qualify are marked.
        selected = Product.objects.filter(pk__in=self._selected_pks(queryset))
        eligible = selected.filter(country_of_manufacture="France").exclude(workshop="")
        count = self._update(eligible, made_in_france=True)
        skipped = selected.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)s product marked as made in France.",
                "%(count)s products marked as made in France.",
                count,
            )
            % {"count": count},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)s product was left unchanged: it needs France as its country "
                    "of manufacture and a workshop.",
                    "%(count)s products were left unchanged: they need France as their country "
                    "of manufacture and a workshop.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Unmark made in France"), permissions=["change"])
    def unmark_made_in_france(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            ngettext_lazy(
                "%(count)s product no longer marked as made in France.",
                "%(count)s products no longer marked as made in France.",
                "count",
            ),
            made_in_france=False,
        )


@admin.register(Variant)
class VariantAdmin(CatalogImportExport, admin.ModelAdmin):
    resource_classes = [VariantResource]
    form = VariantRowForm
    fields = ["product", "sku", "size_choice", "colour_choice", "stock", "position"]
    list_display = ["sku", "product", "size", "colour", "stock"]
    list_select_related = ["product"]
    list_editable = ["stock"]
    list_filter = ["product__category", "product__brand"]
    search_fields = ["sku", "product__name_fr", "product__name_en"]
    autocomplete_fields = ["product"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, form=with_lists(self.form), **kwargs)

    def get_changelist_form(self, request, **kwargs):
        return StockCellForm


class StockCellForm(forms.ModelForm):
    """The stock cell of the variants' list: an input named for its variant, since the
    column's header is no label to a screen reader."""

    class Meta:
        model = Variant
        fields = ["stock"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock"].widget.attrs["aria-label"] = _("Stock of %(sku)s") % {
            "sku": self.instance.sku
        }


@admin.register(ProductImage)
class ProductImageAdmin(TranslationAdmin):
    list_display = ["preview", "alt_text", "product", "position", "width", "height"]
    list_select_related = ["product"]
    search_fields = ["alt_text_fr", "alt_text_en", "product__name_fr", "product__name_en"]
    autocomplete_fields = ["product"]
    readonly_fields = ["preview", "width", "height"]
    fields = ["product", "image", "preview", "alt_text", "position", "width", "height"]
    formfield_overrides = IMAGE_WIDGET

    @admin.display(description=_("preview"))
    def preview(self, image):
        return thumbnail(image if image.pk else None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data or not obj.renditions:
            make_renditions(obj)
            obj.save(update_fields=["renditions"])
