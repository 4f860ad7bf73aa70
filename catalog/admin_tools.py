"""The catalogue admin's tools: the sizes and colours staff keep and the forms that
choose from them, the size × colour variant generator, the bulk price change, and the
"missing English" filter and column; each a form and the service it calls."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from catalog.models import Colour, Product, ProductImage, Size, Variant, stock_flags_refresh
from catalog.signals import catalogue_changed

CENT = Decimal("0.01")
# The SKU's middle part for a product sold in one size, as in fixtures/catalog.json.
ONE_SIZE = "U"


LISTS = {"size": Size, "colour": Colour}


def staff_list(model):
    """A list staff keep (sizes or colours) in its order, as `{French name: English
    name or None}` (one query)."""
    return {name: english or None for name, english in model.objects.values_list("name", "name_en")}


def choice_label(french, english):
    return f"{french} · {english}" if english and english != french else french


class ListedNamesForm(forms.ModelForm):
    """A variant's or a picture's size and colour chosen from the lists staff keep
    (`<field>_choice`): the choice sets the French and the English names
    (`size_fr`, `size_en`…), so a colour is spelled one way on variants and pictures.
    A name the row had before the list knew it stays offered, marked, until changed.
    Build the class for a request with `with_lists()`."""

    EMPTY = {"size": _("One size"), "colour": _("No colour")}
    lists = {}  # model field: {French name: English name}, read by with_lists()

    def listed_fields(self):
        return [field for field in LISTS if f"{field}_choice" in self.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.listed_fields():
            current = getattr(self.instance, f"{field}_fr", "") or ""
            names = self.lists.get(field, {})
            choices = [("", self.EMPTY[field])]
            choices += [
                (french, choice_label(french, english)) for french, english in names.items()
            ]
            if current and current not in names:
                choices.append((current, _("%(name)s (not in the list)") % {"name": current}))
            self.fields[f"{field}_choice"].choices = choices
            self.initial.setdefault(f"{field}_choice", current)

    def _post_clean(self):
        adding = self.instance._state.adding
        for field in self.listed_fields():
            if f"{field}_choice" not in self.cleaned_data:
                continue
            chosen = self.cleaned_data[f"{field}_choice"]
            names = self.lists.get(field, {})
            if adding or chosen in names or not chosen:
                setattr(self.instance, f"{field}_fr", chosen)
                setattr(self.instance, f"{field}_en", names.get(chosen))
        super()._post_clean()


class VariantRowForm(ListedNamesForm):
    size_choice = forms.ChoiceField(label=_("size"), required=False)
    colour_choice = forms.ChoiceField(label=_("colour"), required=False)

    class Meta:
        model = Variant
        fields = ["sku", "stock"]


class VariantFormSet(forms.BaseInlineFormSet):
    """The product page's variant rows: two rows of one size and colour are refused
    here, with a message, since the database's rule on them (an expression) is one the
    forms cannot check; new rows come after the product's other variants, in the
    order typed."""

    @staticmethod
    def name_cells(form, variant):
        # A row's cells sit under column headers, which name no input: each input is
        # named for its column and its variant, for screen readers.
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = _("Delete") if name == "DELETE" else capfirst(field.label)
                field.widget.attrs["aria-label"] = f"{label} · {variant}"
        return form

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk:
            return self.name_cells(form, form.instance.sku)
        return self.name_cells(form, _("new variant %(number)s") % {"number": i + 1})

    @property
    def empty_form(self):
        return self.name_cells(super().empty_form, _("new variant"))

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk or form.has_changed())
        ]
        seen = set()
        for form in kept:
            key = (form.instance.size_fr or "", form.instance.colour_fr or "")
            if key in seen:
                raise ValidationError(
                    _(
                        "Two variants have the size “%(size)s” and the colour “%(colour)s”: "
                        "keep one."
                    )
                    % {"size": key[0] or _("One size"), "colour": key[1] or _("No colour")}
                )
            seen.add(key)
        position = 1 + max((f.instance.position for f in kept if f.instance.pk), default=-1)
        for form in kept:
            if not form.instance.pk:
                form.instance.position, position = position, position + 1


class ImageColourForm(ListedNamesForm):
    EMPTY = {"colour": _("Any colour")}
    colour_choice = forms.ChoiceField(
        label=_("colour"),
        required=False,
        help_text=_(
            "The colour this picture shows: choosing it on the product page brings the "
            "picture to the front. The colours are those of the list staff keep."
        ),
    )

    class Meta:
        model = ProductImage
        fields = []


def with_lists(form_class):
    """`form_class` holding the lists it chooses from, read once for all the forms of
    one page (one query per list)."""
    wanted = [field for field in LISTS if f"{field}_choice" in form_class.declared_fields]
    lists = {field: staff_list(LISTS[field]) for field in wanted}
    return type(form_class.__name__, (form_class,), {"lists": lists})


@transaction.atomic
def listed_name_change(*, choice: Size | Colour, old_name: str) -> int:
    """After a size or colour of the list is renamed or given another English name,
    the variants (and, for a colour, the pictures) that bear its old name take the new
    ones; the products' stock flags and facets are refreshed and their pages renewed.
    Returns how many products changed."""
    field = "size" if isinstance(choice, Size) else "colour"
    names = {f"{field}_fr": choice.name, f"{field}_en": choice.name_en or None}
    variants = Variant.objects.filter(**{f"{field}_fr": old_name}).exclude(**names)
    product_ids = set(variants.values_list("product_id", flat=True))
    variants.update(**names)
    if field == "colour":
        images = ProductImage.objects.filter(colour_fr=old_name).exclude(**names)
        product_ids |= set(images.values_list("product_id", flat=True))
        images.update(**names)
    if product_ids:
        stock_flags_refresh(product_ids)
        catalogue_changed.send(sender=Variant, product_ids=product_ids)
    return len(product_ids)


class ListedChoicesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class VariantGeneratorForm(forms.Form):
    sizes = ListedChoicesField(
        label=_("Sizes"),
        required=False,
        help_text=_("None ticked for a product sold in one size."),
    )
    colours = ListedChoicesField(
        label=_("Colours"),
        required=False,
        help_text=_("None ticked for a product without colours."),
    )
    stock = forms.IntegerField(
        label=_("Starting stock"),
        min_value=0,
        initial=0,
        help_text=_("Units on hand of each new variant."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = {"sizes": staff_list(Size), "colours": staff_list(Colour)}
        for field, names in self.lists.items():
            self.fields[field].choices = [
                (french, choice_label(french, english)) for french, english in names.items()
            ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sizes") and not cleaned.get("colours"):
            raise ValidationError(_("Tick at least one size or one colour."))
        for field in ("sizes", "colours"):
            # In the list's order, whatever the order ticked, with their English names.
            names = self.lists[field]
            cleaned[field] = [name for name in names if name in cleaned.get(field, [])]
            cleaned[f"{field}_en"] = [names[name] for name in cleaned[field]]
        return cleaned


def sku_prefix(product):
    """The first part of the product's SKUs: that of an existing variant
    (`ANNA50-U-SABLE` gives `ANNA50`), else its slug in capitals.
    Reads the product's variants."""
    sku = product.variants.order_by("position", "pk").values_list("sku", flat=True).first()
    if sku:
        return sku.rsplit("-", 2)[0] if sku.count("-") >= 2 else sku
    return product.slug.upper()[:24]


def free_sku(wanted, taken):
    """`wanted`, or `wanted-2`, `wanted-3`… the first one no variant holds yet."""
    sku, number = wanted[:40], 2
    while sku in taken:
        suffix = f"-{number}"
        sku, number = wanted[: 40 - len(suffix)] + suffix, number + 1
    return sku


@transaction.atomic
def variants_generate(
    *,
    product: Product,
    sizes: list[str],
    colours: list[str],
    sizes_en: list[str] = (),
    colours_en: list[str] = (),
    stock: int = 0,
) -> list[Variant]:
    """Create the product's missing size × colour variants (an empty list stands for
    one size, or no colour), each with `stock` units, and return them. A variant the
    product already has, by French size and colour, is left as it is, so a second run
    creates none. The stock flags are refreshed once (`stock_changed`) and the
    new rows announced (`catalogue_changed`)."""
    sizes, colours = sizes or [""], colours or [""]
    # No English name: none stored, and the English pages show the French one.
    english_size = dict(zip(sizes, sizes_en or (), strict=False))
    english_colour = dict(zip(colours, colours_en or (), strict=False))
    Product.objects.select_for_update().filter(pk=product.pk).first()
    existing = {
        (size.casefold(), colour.casefold())
        for size, colour in product.variants.values_list("size_fr", "colour_fr")
    }
    prefix = sku_prefix(product)
    last = product.variants.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    wanted = []
    for size in sizes:
        for colour in colours:
            if (size.casefold(), colour.casefold()) in existing:
                continue
            parts = [prefix, slugify(size).upper() or ONE_SIZE]
            if colour:
                parts.append(slugify(colour).upper())
            wanted.append((size, colour, "-".join(parts)))
    taken = set(
        Variant.objects.filter(sku__in=[sku for *_, sku in wanted]).values_list("sku", flat=True)
    )
    created = []
    for size, colour, sku in wanted:
        sku = free_sku(sku, taken)
        taken.add(sku)
        variant = Variant(
            product=product,
            sku=sku,
            size_fr=size,
            size_en=english_size.get(size),
            colour_fr=colour,
            colour_en=english_colour.get(colour),
            stock=stock,
            position=position,
        )
        variant.full_clean()
        created.append(variant)
        position += 1
    # One INSERT, then one refresh of the flags (which sends `stock_changed`),
    # instead of one per variant through post_save; bulk_create sends no post_save,
    # so the new rows are announced too (a card may list sizes and colours out of stock).
    Variant.objects.bulk_create(created)
    if created:
        stock_flags_refresh([product.pk])
        catalogue_changed.send(sender=Variant, product_ids=[product.pk])
    return created


class PriceChangeForm(forms.Form):
    INCREASE, DECREASE = "increase", "decrease"
    PERCENT, AMOUNT = "percent", "amount"

    direction = forms.ChoiceField(
        label=_("Increase or decrease"),
        choices=[(INCREASE, _("Increase the prices")), (DECREASE, _("Decrease the prices"))],
        widget=forms.RadioSelect,
        initial=INCREASE,
    )
    kind = forms.ChoiceField(
        label=_("Change by"),
        choices=[(PERCENT, _("a percentage")), (AMOUNT, _("an amount in euros"))],
        widget=forms.RadioSelect,
        initial=PERCENT,
    )
    value = forms.DecimalField(
        label=_("Percentage or amount"),
        min_value=CENT,
        max_digits=8,
        decimal_places=2,
        localize=True,
    )

    def new_price(self, price):
        data = self.cleaned_data
        step = data["value"]
        if data["kind"] == self.PERCENT:
            step = price * step / 100
        if data["direction"] == self.DECREASE:
            step = -step
        return (price + step).quantize(CENT, rounding=ROUND_HALF_UP)


class PriceRefused(Exception):
    """A change that would bring a price to zero or below."""


def price_changes(products, form):
    """`[(product, old price, new price)]` for these products under the valid `form`."""
    return [(product, product.price, form.new_price(product.price)) for product in products]


@transaction.atomic
def product_prices_change(*, product_ids: list[int], form: PriceChangeForm) -> int:
    """Apply the valid price `form` to these products, all or none: raises PriceRefused
    if a new price would be zero or below. Announces the change (`catalogue_changed`),
    so the pages that show these products render again. Returns how many changed."""
    products = list(
        Product.objects.select_for_update().filter(pk__in=product_ids).only("pk", "price")
    )
    changes = price_changes(products, form)
    refused = [product for product, _old, new in changes if new <= 0]
    if refused:
        raise PriceRefused(refused)
    now = timezone.now()
    for product, _old, new in changes:
        product.price, product.updated_at = new, now
    Product.objects.bulk_update(products, ["price", "updated_at"])
    # The price is no facet: only the pages showing these products need renewing.
    pks = [product.pk for product in products]
    catalogue_changed.send(sender=Product, product_ids=pks)
    return len(products)


def translated_fields(model):
    """The names of the model's fields kept in French and in English (modeltranslation)."""
    return sorted(translator.get_options_for_model(model).fields)


def english_missing(model):
    """The condition of the rows missing English: a translated field written in French
    and empty in English. A field empty in both languages misses nothing."""
    condition = Q()
    for field in translated_fields(model):
        written = ~Q(**{f"{field}_fr": ""}) & Q(**{f"{field}_fr__isnull": False})
        empty = Q(**{f"{field}_en": ""}) | Q(**{f"{field}_en__isnull": True})
        condition |= written & empty
    return condition


class MissingEnglishFilter(admin.SimpleListFilter):
    title = _("English")
    parameter_name = "anglais"

    def lookups(self, request, model_admin):
        return [("manque", _("Missing English")), ("complet", _("Complete in English"))]

    def queryset(self, request, queryset):
        missing = english_missing(queryset.model)
        match self.value():
            case "manque":
                return queryset.filter(missing)
            case "complet":
                return queryset.exclude(missing)
        return queryset


class MissingEnglishColumn:
    """A list's "missing English" column (`english_gaps`) and filter, for an admin of a
    model translated with modeltranslation. The column reads the row's own fields."""

    @admin.display(description=_("missing English"))
    def english_gaps(self, obj):
        missing = [
            capfirst(obj._meta.get_field(field).verbose_name)
            for field in translated_fields(type(obj))
            if getattr(obj, f"{field}_fr", None) and not getattr(obj, f"{field}_en", None)
        ]
        return ", ".join(str(name) for name in missing) or "—"
