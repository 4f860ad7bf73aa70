"""The catalogue admin's tools: the size × colour variant generator and the bulk price
change, each a form and the service it calls."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Variant, stock_flags_refresh
from catalog.signals import catalogue_changed

CENT = Decimal("0.01")
# The SKU's middle part for a product sold in one size, as in fixtures/catalog.json.
ONE_SIZE = "U"


def names(text):
    """`"S, M, , m"` as `["S", "M"]`: trimmed, empty ones and repeats dropped."""
    kept = {}
    for name in text.split(","):
        name = " ".join(name.split())
        if name and name.casefold() not in kept:
            kept[name.casefold()] = name
    return list(kept.values())


class VariantGeneratorForm(forms.Form):
    sizes = forms.CharField(
        label=_("Sizes"),
        required=False,
        help_text=_("Comma separated, e.g. S, M, L; empty for one size."),
    )
    colours = forms.CharField(
        label=_("Colours"),
        required=False,
        help_text=_("French names, comma separated, e.g. Rouge, Noir."),
    )
    sizes_en = forms.CharField(
        label=_("Sizes in English"),
        required=False,
        help_text=_("Optional, in the same order; empty when they read the same."),
    )
    colours_en = forms.CharField(
        label=_("Colours in English"),
        required=False,
        help_text=_("Optional, in the same order, e.g. Red, Black."),
    )
    stock = forms.IntegerField(
        label=_("Starting stock"),
        min_value=0,
        initial=0,
        help_text=_("Units on hand of each new variant."),
    )

    def clean(self):
        cleaned = super().clean()
        for field in ("sizes", "colours", "sizes_en", "colours_en"):
            cleaned[field] = names(cleaned.get(field, ""))
        if not cleaned["sizes"] and not cleaned["colours"]:
            raise ValidationError(_("Type at least one size or one colour."))
        for french, english in (("sizes", "sizes_en"), ("colours", "colours_en")):
            if cleaned[english] and len(cleaned[english]) != len(cleaned[french]):
                self.add_error(
                    english,
                    _("Give as many English names as French ones (%(count)s).")
                    % {"count": len(cleaned[french])},
                )
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
    english_size = dict(zip(sizes, sizes_en, strict=False))
    english_colour = dict(zip(colours, colours_en, strict=False))
    Product.objects.select_for_update().filter(pk=product.pk).first()
    existing = {
        (size.casefold(), colour.casefold())
        for size, colour in product.variants.values_list("size_fr", "colour_fr")
    }
    prefix = sku_prefix(product)
    position = (product.variants.aggregate(last=Max("position"))["last"] or -1) + 1
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
