"""The listing's facet counts: how many products each option of each filter would
show, with every other filter applied (disjunctive faceting: ticking a brand does
not hide the other brands), read off the facet index (catalog.facet_index); and
the names and order the sizes and colours are shown in.
"""

import functools
import operator
import re

from django.conf import settings
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.facet_index import bitmap_of, bitmaps
from catalog.filters import FACETS, FACETS_BY_PARAM
from catalog.i18n import localized
from catalog.models import Variant

SIZE_ORDER = ["XXS", "XS", "S", "S/M", "M", "L", "L/XL", "XL", "XXL", "XXXL"]
# The size filter's groups, in the order the form shows them (shoe sizes are a filter
# of their own, "pointure": see catalog.filters.FOOTWEAR).
SIZE_KINDS = [
    ("letters", _("Size")),
    ("ages", _("Children's size")),
    ("numbers", _("Trouser size")),
    ("other", _("Other sizes")),
]
# A number size: "42", "38,5", "38.5", a waist "W32", "W32/L34".
NUMBER_SIZE = re.compile(r"W?(\d+(?:[.,]\d+)?)(?:/L\d+)?", re.IGNORECASE)


def facet_counts(product_filter, products, family=(), footwear=()):
    """Counts per option of every facet of `product_filter` (a ProductFilter), each
    with the other facets' filters.

    Read from the facet index: one query for every bitmap, then ANDs and bit counts,
    whatever the size of the catalogue. The products in scope are the published ones
    of the categories `family` (all when empty). A filter the index does not hold (a
    range, a search) asks the database for the pks its condition keeps among
    `products()`, one query each. `footwear`: the pks of the footwear categories, whose
    sizes count as shoe sizes ("pointure") and not as sizes ("taille").

    "total" is the number of products every filter keeps; when every active filter
    is one the index holds, with values it knows, it is the listing's own count and
    "listing_total" holds it (None otherwise).
    """
    conditions = product_filter.conditions()
    data = product_filter.cleaned_data
    bits = bitmaps()
    scope = bits.get("published", 0)
    if family:
        scope &= functools.reduce(operator.or_, (bits.get(f"category:{pk}", 0) for pk in family))
    slugs = {activity.slug: activity.pk for activity in product_filter.activities}
    shoes = functools.reduce(operator.or_, (bits.get(f"category:{pk}", 0) for pk in footwear), 0)

    def sized(facet):
        """The products whose sizes `facet` counts: footwear, all but footwear, or all."""
        return {True: shoes, False: ~shoes}.get(facet.footwear, -1)

    kept = {}  # parameter -> the bitmap of products its filter keeps
    exact = True  # whether the total is the one the listing's own query would count
    for param, condition in conditions.items():
        facet = FACETS_BY_PARAM.get(param)
        if facet is None or facet.kind == "range":
            pks = products().filter(condition).values_list("pk", flat=True).order_by()
            kept[param] = bitmap_of(pks)
            exact = False
        elif facet.kind == "flag":
            kept[param] = bits.get(param, 0)
        else:
            values = data[param]
            if facet.source == "activity":
                values = [slugs[value] for value in values if value in slugs]
            elif facet.source == "variant":
                # The listing matches a size within the marks ("|M|"), the index
                # by name: the same products for a name it knows.
                exact &= all(f"{facet.key}:{value}" in bits for value in values)
            kept[param] = functools.reduce(
                operator.or_, (bits.get(f"{facet.key}:{value}", 0) for value in values), 0
            )
            if facet.source == "variant":
                kept[param] &= sized(facet)

    def others(param):
        """The products in scope that every filter but `param`'s keeps."""
        return functools.reduce(
            operator.and_, (mask for name, mask in kept.items() if name != param), scope
        )

    facets = {
        "total": others(None).bit_count(),
        "applies": {
            f.param: (scope & bits.get(f"has_{f.param}", 0)).bit_count()
            for f in FACETS
            if f.only_where_measured
        },
    }
    present = sorted(bits)
    for facet in FACETS:
        if facet.kind == "range":
            continue
        param, mask = facet.param, others(facet.param)

        def count(key, mask=mask):
            return (mask & bits.get(key, 0)).bit_count()

        if facet.kind == "flag":
            facets[param] = {"1": count(param)}
        elif facet.source == "product":
            facets[param] = {
                str(value): count(f"{param}:{value}") for value, _label in facet.choices
            }
        elif facet.source == "activity":
            counted = {a.slug: count(f"{param}:{a.pk}") for a in product_filter.activities}
            facets[param] = {slug: n for slug, n in counted.items() if n}
        else:  # sizes and colours in stock, by French name
            prefix, within = f"{facet.key}:", mask & sized(facet)
            counted = {
                key.removeprefix(prefix): count(key, within)
                for key in present
                if key.startswith(prefix)
            }
            facets[param] = dict(
                sorted(
                    ((value, n) for value, n in counted.items() if n),
                    key=lambda item: size_key(item[0]),
                )
            )
    variants = [f for f in FACETS if f.source == "variant"]
    facets["labels"] = variant_labels(variants, facets)
    facets["listing_total"] = facets["total"] if exact else None
    return facets


def variant_labels(variants, facets):
    """{param: {French name: name in the page's language}} of the sizes and colours
    counted: the names themselves on a French page; on another, from the names the
    variants have in it (`variant_names`), the French one where a variant has none."""
    labels = {facet.param: {value: value for value in facets[facet.param]} for facet in variants}
    if get_language() == settings.LANGUAGE_CODE:
        return labels
    names = variant_names(variants)
    for facet in variants:
        known = names[facet.param]
        labels[facet.param] = {value: known.get(value, value) for value in labels[facet.param]}
    return labels


def variant_names(variants):
    """{param: {French name: name in the active language}} of every size and colour:
    one query over the variants."""
    rows = (
        Variant.objects.rewrite(False)
        .values(*(f"{facet.field}_fr" for facet in variants))
        .annotate(**{f"shown_{facet.param}": Max(localized(facet.field)) for facet in variants})
        .order_by()
    )
    names = {facet.param: {} for facet in variants}
    for row in rows:
        for facet in variants:
            if value := row[f"{facet.field}_fr"]:
                names[facet.param][value] = row[f"shown_{facet.param}"] or value
    return names


def size_kind(size: str) -> str:
    """letters (XS…XXL), ages ("8 ans"), numbers (shoes "38,5", trousers "42", "W32")
    or other."""
    if size.upper() in SIZE_ORDER:
        return "letters"
    words = size.split()
    if len(words) > 1 and words[0].isdigit():
        return "ages"
    if NUMBER_SIZE.fullmatch(size):
        return "numbers"
    return "other"


def size_key(size: str):
    """Sizes grouped by kind, then in wearing order: XS→XXL, ages and numbers as numbers."""
    kind = size_kind(size)
    rank = [k for k, _ in SIZE_KINDS].index(kind)
    if kind == "letters":
        return (rank, False, SIZE_ORDER.index(size.upper()), "")
    if kind == "ages":
        return (rank, False, int(size.split()[0]), size)
    if kind == "numbers":  # French sizes, then waists in inches (W32)
        number = NUMBER_SIZE.fullmatch(size).group(1).replace(",", ".")
        return (rank, size[0].isalpha(), float(number), size)
    return (rank, False, 0, size.casefold())
