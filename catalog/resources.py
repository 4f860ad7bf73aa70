"""The catalogue in bulk: products and their variants' stock as CSV or XLSX rows
(django-import-export), in the admin and with `manage.py import_catalog`.

A row is found by its key (a product's slug, a variant's SKU), updated if it
exists and created if not; every row is checked as the admin form would check
it (`full_clean`), and one bad row stops the whole file: nothing is saved, and
the report names the row. Rows are saved one by one through `save()`, so a
stock change runs the same signal as an edit in the admin: the product's stock
flags, the page cache and back-in-stock alerts follow.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.tmp_storages import MediaStorage

from catalog.models import Category, Colour, Product, Size, Variant

CENT = Decimal("0.01")


class TextOrNothing(widgets.CharWidget):
    """An empty cell as no text (NULL), for the optional English columns. A text that
    is already empty stays as it is (see `CatalogResource.import_field`), so an
    exported row imports back unchanged."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value or None


class KnownBySlug(widgets.ForeignKeyWidget):
    """A product or category named by its slug, or the shop's message when none has it."""

    UNKNOWN = {
        "product": _("No product has the slug “%(value)s”: check the product column."),
        "category": _("No category has the slug “%(value)s”: check the category column."),
    }

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            message = self.UNKNOWN[self.model._meta.model_name]
            raise ValueError(message % {"value": value}) from None


class Amount(widgets.DecimalWidget):
    """A price as staff write it, whatever the admin's language: "1 249,90", "1249.9",
    "89,90 €"; kept with its two decimals."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        text = "".join(force_str(value).replace("€", "").split())
        if "," in text:
            # The last of "," and "." marks the decimals; the other groups thousands.
            decimals = max(text.rfind(","), text.rfind("."))
            text = text[:decimals].replace(",", "").replace(".", "") + "." + text[decimals + 1 :]
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(
                _("“%(value)s” is not an amount: write it like 89,90.") % {"value": value}
            )
        return amount.quantize(CENT) if amount.as_tuple().exponent > -2 else amount


class WholeNumber(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


class YesOrNo(widgets.BooleanWidget):
    """1 or 0 as exported, and oui/non, vrai/faux, yes/no, true/false as typed; any
    other word is refused instead of read as "no"."""

    TRUE_VALUES = ["1", 1, True, "true", "TRUE", "True", "oui", "Oui", "OUI", "vrai", "Vrai", "yes"]
    FALSE_VALUES = [
        "0",
        0,
        False,
        "false",
        "FALSE",
        "False",
        "non",
        "Non",
        "NON",
        "faux",
        "Faux",
        "no",
    ]

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return None
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(_("“%(value)s” is neither 1 (yes) nor 0 (no).") % {"value": value})


class ChangeDiff(resources.Diff):
    """The preview's cells: a changed value as old → new, whole (<del>, <ins>), not
    the character diff the library draws with inline colours."""

    def as_html(self):
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            before, after = force_str(before), force_str(after)
            if self.new or before == after:
                cells.append(format_html("{}", after))
            else:
                cells.append(
                    format_html(
                        '<del>{}</del> <span aria-hidden="true">→</span> '
                        '<span class="visually-hidden">{}</span> <ins>{}</ins>',
                        before or "∅",
                        gettext("becomes"),
                        after or "∅",
                    )
                )
        return cells


def column_label(model, name):
    """A column of the file in the shop's words: `name_fr` as "Name (French)", from the
    model field's verbose name."""
    languages = {"_fr": _("%(field)s (French)"), "_en": _("%(field)s (English)")}
    template = languages.get(name[-3:])
    base = name[:-3] if template else name
    try:
        label = capfirst(model._meta.get_field(base).verbose_name)
    except FieldDoesNotExist:
        return name
    return template % {"field": label} if template else label


class CatalogResource(resources.ModelResource):
    """What both files share: checked rows, unchanged rows left alone."""

    def get_diff_class(self):
        return ChangeDiff

    @classmethod
    def columns(cls):
        """`[(column in the file, its label)]`, in the file's order."""
        return [
            (field.column_name, column_label(cls._meta.model, field.column_name))
            for field in cls().get_import_fields()
        ]

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = super().widget_from_django_field(f, default)
        for library, ours in (
            (widgets.DecimalWidget, Amount),
            (widgets.IntegerWidget, WholeNumber),
            (widgets.BooleanWidget, YesOrNo),
        ):
            if widget is library:
                return ours
        return widget

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
        widget=KnownBySlug(Category, field="slug"),
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
        widget=KnownBySlug(Product, field="slug"),
    )

    class Meta(CatalogResource.Meta):
        model = Variant
        name = _("Variants and stock")
        import_id_fields = ["sku"]
        fields = ["sku", "product", "size_fr", "size_en", "colour_fr", "colour_en", "stock"]
        export_order = fields

    # A size or colour a row brings must be one of the lists staff keep (catalog.Size,
    # catalog.Colour), as in the admin's forms; a name a variant already has stays.
    UNLISTED = {
        "size_fr": _("“%(value)s” is not in the list of sizes: add it there first."),
        "colour_fr": _("“%(value)s” is not in the list of colours: add it there first."),
    }

    def get_queryset(self):
        return Variant.objects.select_related("product").order_by("product__slug", "sku")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.listed = {
            "size_fr": set(Size.objects.values_list("name", flat=True)),
            "colour_fr": set(Colour.objects.values_list("name", flat=True)),
        }

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        names = getattr(self, "listed", {}).get(field.attribute)
        if names is not None and field.column_name in row:
            value = field.clean(row, **kwargs) or ""
            if value and value not in names and value != getattr(instance, field.attribute):
                raise ValueError(self.UNLISTED[field.attribute] % {"value": value})
        super().import_field(field, instance, row, is_m2m, **kwargs)


class PrivateImportStorage(MediaStorage):
    """Where an uploaded file waits between the admin's preview and its confirmation:
    beside the repair photos, on storage every app server shares (the confirmation
    may reach another server than the preview) and that nginx never serves."""

    def _configure_storage(self):
        self._storage = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT / "imports")
