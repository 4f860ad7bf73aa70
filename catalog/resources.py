"""The catalogue in bulk: products and their variants' stock as CSV or XLSX rows
(django-import-export), in the admin and with `manage.py import_catalog`.

A row is found by its key (a product's slug, a variant's SKU), updated if it
exists and created if not; every row is checked as the admin form would check
it (`full_clean`), and one bad row stops the whole file: nothing is saved, and
the report names the row. Rows are saved one by one through `save()`, so a
stock change runs the same signal as an edit in the admin: the product's stock
flags, the page cache and back-in-stock alerts follow.
"""

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.tmp_storages import MediaStorage

from catalog.models import Category, Product, Variant


class TextOrNothing(widgets.CharWidget):
    """An empty cell as no text (NULL), for the optional English columns. A text that
    is already empty stays as it is (see `CatalogResource.import_field`), so an
    exported row imports back unchanged."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value or None


class MarkedDiff(resources.Diff):
    """The preview's changes as <ins> and <del>, without the inline colours the diff
    library writes, which the Content Security Policy refuses."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del"}

    def as_html(self):
        matcher = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diff = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(diff)
            cells.append(
                format_html_join(
                    "",
                    "<{0}>{1}</{0}>",
                    ((self.TAGS.get(operation, "span"), text) for operation, text in diff if text),
                )
            )
        return cells


class CatalogResource(resources.ModelResource):
    """What both files share: checked rows, unchanged rows left alone."""

    def get_diff_class(self):
        return MarkedDiff

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.null and isinstance(field.widget, widgets.CharWidget):
            field.widget = TextOrNothing()
        return field

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        empty_cell = isinstance(field.widget, TextOrNothing) and not row.get(field.column_name)
        if empty_cell and not getattr(instance, field.attribute, None):
            return  # "" or NULL already: both mean no text
        super().import_field(field, instance, row, is_m2m, **kwargs)

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ProductResource(CatalogResource):
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=widgets.ForeignKeyWidget(Category, field="slug"),
    )

    class Meta(CatalogResource.Meta):
        model = Product
        name = _("Products")
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name_fr",
            "name_en",
            "category",
            "price",
            "tier",
            "made_in_france",
            "is_published",
        ]
        export_order = fields

    def get_queryset(self):
        return Product.objects.select_related("category").order_by("slug")


class VariantResource(CatalogResource):
    product = fields.Field(
        attribute="product",
        column_name="product",
        widget=widgets.ForeignKeyWidget(Product, field="slug"),
    )

    class Meta(CatalogResource.Meta):
        model = Variant
        name = _("Variants and stock")
        import_id_fields = ["sku"]
        fields = ["sku", "product", "size_fr", "size_en", "colour_fr", "colour_en", "stock"]
        export_order = fields

    def get_queryset(self):
        return Variant.objects.select_related("product").order_by("product__slug", "sku")


class PrivateImportStorage(MediaStorage):
    """Where an uploaded file waits between the admin's preview and its confirmation:
    beside the repair photos, on storage every app server shares (the confirmation
    may reach another server than the preview) and that nginx never serves."""

    def _configure_storage(self):
        self._storage = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT / "imports")
