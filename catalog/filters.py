"""The catalogue listing's filters, search, sort and facet counts.

`ProductFilter` validates the query string with django-filter; a value that
does not validate is ignored (the field drops out of `cleaned_data`). Each
active filter becomes one condition (a Q), so the facet counts can apply
"every other filter" per group: the usual disjunctive faceting, where ticking
a brand does not hide the other brands.
"""

import functools
import operator
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
)
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.facet_index import bitmap_of, bitmaps
from catalog.i18n import localized
from catalog.models import Product, Variant
from catalog.search import CONFIGURATIONS, DOCUMENT_FIELDS

SEARCH_MAX = 100
SORTS = {
    "selection": _("Our selection"),
    "pertinence": _("Relevance"),
    "prix": _("Price, low to high"),
    "-prix": _("Price, high to low"),
    "nouveautes": _("Newest"),
    "nom": _("Name"),
}
ORDERINGS = {
    # Staff's featured products first, then the newest.
    "selection": [F("featured_position").asc(nulls_last=True), "-created_at", "-pk"],
    "prix": ["price", "pk"],
    "-prix": ["-price", "pk"],
    "nouveautes": ["-created_at", "-pk"],
}


def name_order():
    """Alphabetical, ignoring case and accents: "Sac de randonnée" before "Sac Urban".

    PostgreSQL folds with its unaccent extension (installed by the search
    migration); SQLite with the function catalog.apps registers.
    """
    name = localized("name")
    if connection.vendor == "postgresql":
        folded = Lower(Func(name, function="public.unaccent"))
    else:
        folded = Func(name, function="millet_fold")
    return [folded, "pk"]


# What NFKD leaves whole: ligatures spelt out, as PostgreSQL's unaccent does, and
# the typographic apostrophes written as the one a keyboard types.
SPELT_OUT = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"}
)


def normalise(text: str) -> str:
    """Lower-case, strip accents and control characters, spell out ligatures and write
    every apostrophe alike: 'Sac à Dos' -> 'sac a dos', 'Œil d’aigle' -> "oeil d'aigle"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(SPELT_OUT))
    kept = (
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C"
    )
    return " ".join("".join(kept).lower().split())


class FreeTextField(forms.CharField):
    """A short free-text value, with null bytes and control characters removed."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(c for c in value if unicodedata.category(c)[0] != "C")[:SEARCH_MAX]


class SearchFilter(django_filters.CharFilter):
    field_class = FreeTextField


class FreeListField(forms.MultipleChoiceField):
    """Several short free values: sizes and colours come from the data, not a fixed list."""

    def valid_value(self, value):
        return 0 < len(value) <= 40 and all(unicodedata.category(c)[0] != "C" for c in value)


class TextListFilter(django_filters.MultipleChoiceFilter):
    field_class = FreeListField


@dataclass(frozen=True)
class Facet:
    """One filter of the listing, declared once (FACETS below): its query parameter,
    label and kind, the field its condition reads and where its counts come from.
    The filter set's fields, the conditions, the counts, the chips and the filter
    panel's fieldsets are all built from these declarations.

    kind "choice": several values of `field` (checkboxes, counted per value);
    "flag": one checkbox, `field` is true; "range": from/to numbers on `field`
    (parameters `<param>_min` and `<param>_max`).
    source "product": a product field; "activity": the product's activities;
    "variant": the sizes or colours in stock the product keeps (`<field>s_in_stock`).
    """

    param: str
    label: str
    kind: str
    field: str = ""
    source: str = "product"
    choices: tuple = ()
    # flag: the chip, and the fieldset it sits in.
    chip: str = ""
    panel: str = ""
    # range: the form field's bounds and labels, the chips, and the inputs' attributes.
    bounds: tuple = (None, None)
    bound_labels: tuple = ("", "")
    chips: tuple = ("", "")
    attrs: tuple = ()
    swap_note: str = ""
    # range: shown only where products have the measure (or when in use).
    only_where_measured: bool = False

    @property
    def params(self):
        if self.kind == "range":
            return (f"{self.param}_min", f"{self.param}_max")
        return (self.param,)

    def filters(self):
        """The django-filter filters that read this facet's parameters."""
        if self.kind == "flag":
            return {
                self.param: django_filters.BooleanFilter(
                    label=self.label, method="noop", widget=forms.CheckboxInput
                )
            }
        if self.kind == "range":
            low, high = self.bounds
            return {
                param: django_filters.NumberFilter(
                    label=label, method="noop", min_value=low, max_value=high
                )
                for param, label in zip(self.params, self.bound_labels, strict=True)
            }
        if self.source == "variant":
            return {self.param: TextListFilter(label=self.label, method="noop")}
        return {
            self.param: django_filters.MultipleChoiceFilter(
                label=self.label, method="noop", choices=list(self.choices)
            )
        }

    def condition(self, data, notes):
        """The Q this facet puts on products for the cleaned `data`, or None."""
        if self.kind == "flag":
            return Q(**{self.field: True}) if data.get(self.param) else None
        if self.kind == "range":
            low, high = (data.get(param) for param in self.params)
            if self.swap_note and low is not None and high is not None and low > high:
                low, high = high, low
                notes.append(self.swap_note)
            condition = Q()
            if low is not None:
                condition &= Q(**{f"{self.field}__gte": Decimal(low)})
            if high is not None:
                condition &= Q(**{f"{self.field}__lte": Decimal(high)})
            return condition or None
        values = data.get(self.param)
        if not values:
            return None
        if self.source == "activity":
            through = Product.activities.through.objects
            return Q(Exists(through.filter(product=OuterRef("pk"), activity__slug__in=values)))
        if self.source == "variant":
            # Chosen by their French name in either language, among those the
            # product keeps as in stock (|M|L|).
            condition = Q()
            for value in values:
                condition |= Q(**{f"{self.field}s_in_stock__contains": f"|{value}|"})
            return condition
        return Q(**{f"{self.field}__in": values})


# Sizes and colours are in stock ("|M|L|" on the product); activity values are slugs.
FACETS = [
    Facet("stock", _("In stock only"), "flag", "in_stock", chip=_("In stock"), panel="available"),
    Facet(
        "france",
        _("Made in France"),
        "flag",
        "made_in_france",
        chip=_("Made in France"),
        panel="available",
    ),
    Facet("activite", _("Activity"), "choice", source="activity"),
    Facet("gamme", _("Tier"), "choice", "tier", choices=tuple(Product.Tier.choices)),
    Facet("public", _("For"), "choice", "audience", choices=tuple(Product.Audience.choices)),
    Facet("marque", _("Brand"), "choice", "brand", choices=tuple(Product.Brand.choices)),
    Facet("taille", _("Size"), "choice", "size", source="variant"),
    Facet("couleur", _("Colour"), "choice", "colour", source="variant"),
    Facet(
        "prix",
        _("Price (€)"),
        "range",
        "price",
        bounds=(0, None),
        bound_labels=(_("Min price (€)"), _("Max price (€)")),
        chips=(_("From %(value)s €"), _("Up to %(value)s €")),
        attrs=(("min", "0"), ("step", "1"), ("inputmode", "numeric")),
        swap_note=_("The minimum price was above the maximum: we swapped them."),
    ),
    Facet(
        "temp",
        _("Comfort temperature (°C, sleeping bags)"),
        "range",
        "comfort_temp_c",
        bounds=(-60, 40),
        bound_labels=(
            _("Comfort temperature at least (°C)"),
            _("Comfort temperature at most (°C)"),
        ),
        chips=(_("Comfort from %(value)s °C"), _("Comfort down to %(value)s °C")),
        attrs=(("min", "-60"), ("max", "40")),
        only_where_measured=True,
    ),
    Facet(
        "volume",
        _("Volume (L, packs)"),
        "range",
        "volume_l",
        bounds=(0, 200),
        bound_labels=(_("Volume at least (L)"), _("Volume at most (L)")),
        chips=(_("From %(value)s L"), _("Up to %(value)s L")),
        attrs=(("min", "0"), ("max", "200")),
        only_where_measured=True,
    ),
]
FACETS_BY_PARAM = {param: facet for facet in FACETS for param in facet.params}
PANELS = {"available": _("Availability")}


class ProductFilterBase(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method="noop")
    tri = django_filters.ChoiceFilter(
        label=_("Sort by"), method="noop", choices=list(SORTS.items()), empty_label=None
    )

    class Meta:
        model = Product
        fields = []

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = tuple(activities)
        self.activity_choices = tuple((a.slug, a.name) for a in activities)
        self.filters["activite"].extra["choices"] = list(self.activity_choices)
        self.notes = []

    def noop(self, queryset, name, value):
        return queryset

    # Conditions ---------------------------------------------------------

    def conditions(self):
        """One Q per active facet, keyed by the facet's parameter, and the search's."""
        if hasattr(self, "_conditions"):
            return self._conditions
        self.form.is_valid()  # fills cleaned_data with the fields that validate
        data = self.form.cleaned_data
        conditions = {}
        for facet in FACETS:
            condition = facet.condition(data, self.notes)
            if condition is not None:
                conditions[facet.param] = condition
        if search := (data.get("q") or "").strip():
            conditions["q"] = search_condition(search)
        self._conditions = conditions
        return conditions

    def search_terms(self):
        return (getattr(self.form, "cleaned_data", {}).get("q") or "").strip()

    def sort(self):
        chosen = getattr(self.form, "cleaned_data", {}).get("tri")
        if chosen in SORTS and (chosen != "pertinence" or self.search_terms()):
            return chosen
        return "pertinence" if self.search_terms() else "selection"

    def filter_queryset(self, queryset):
        for condition in self.conditions().values():
            queryset = queryset.filter(condition)
        sort = self.sort()
        if sort == "pertinence":
            return order_by_relevance(queryset, self.search_terms())
        if sort == "nom":
            return queryset.order_by(*name_order())
        return queryset.order_by(*ORDERINGS[sort])

    # Facets -------------------------------------------------------------

    def facet_counts(self, products, family=()):
        """Counts per option of every facet, each with the other facets' filters.

        Read from the facet index (catalog.facet_index): one query for every bitmap,
        then ANDs and bit counts, whatever the size of the catalogue. The products in
        scope are the published ones of the categories `family` (all when empty). A
        filter the index does not hold (a range, a search) asks the database for the
        pks it keeps among `products()`, one query each.

        When every active filter is one the index holds, with values it knows, the
        total is the listing's own count: it is left in `index_total`.
        """
        conditions = self.conditions()  # validates the form
        bits = bitmaps()
        scope = bits.get("published", 0)
        if family:
            scope &= functools.reduce(
                operator.or_, (bits.get(f"category:{pk}", 0) for pk in family)
            )
        data = self.form.cleaned_data
        slugs = {activity.slug: activity.pk for activity in self.activities}
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
                    exact &= all(f"{param}:{value}" in bits for value in values)
                kept[param] = functools.reduce(
                    operator.or_, (bits.get(f"{param}:{value}", 0) for value in values), 0
                )

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
                counted = {a.slug: count(f"{param}:{a.pk}") for a in self.activities}
                facets[param] = {slug: n for slug, n in counted.items() if n}
            else:  # sizes and colours in stock, by French name
                prefix = f"{param}:"
                counted = {
                    key.removeprefix(prefix): count(key)
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
        self.index_total = facets["total"] if exact else None
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


ProductFilter = type(
    "ProductFilter",
    (ProductFilterBase,),
    {name: flt for facet in FACETS for name, flt in facet.filters().items()},
)


SIZE_ORDER = ["XXS", "XS", "S", "S/M", "M", "L", "L/XL", "XL", "XXL", "XXXL"]
# The size filter's groups, in the order the form shows them.
SIZE_KINDS = [
    ("letters", _("Size")),
    ("ages", _("Children's size")),
    ("numbers", _("Shoe and waist size")),
    ("other", _("Other sizes")),
]


def size_kind(size: str) -> str:
    """letters (XS…XXL), ages ("8 ans"), numbers (shoes, waists) or other."""
    if size.upper() in SIZE_ORDER:
        return "letters"
    words = size.split()
    if words and words[0].isdigit():
        return "ages" if len(words) > 1 else "numbers"
    return "other"


def size_key(size: str):
    """Sizes grouped by kind, then in wearing order: XS→XXL, ages and numbers as numbers."""
    kind = size_kind(size)
    rank = [k for k, _ in SIZE_KINDS].index(kind)
    if kind == "letters":
        return (rank, SIZE_ORDER.index(size.upper()), "")
    if kind in ("ages", "numbers"):
        return (rank, int(size.split()[0]), size)
    return (rank, 0, size.casefold())


def search_condition(terms: str) -> Q:
    """Products matching `terms`, on a queryset with `ProductQuerySet.searchable()` aliases.

    PostgreSQL: full-text search in the page's language, accent-insensitive,
    on that language's indexed document. SQLite: every word of the query,
    lower-cased and without accents, appears in the folded name, summary and
    description of the page's language.
    """
    if connection.vendor == "postgresql":
        return Q(**{document_field(): search_query(terms)})
    condition = Q()
    for word in normalise(terms).split()[:8]:
        condition &= Q(search_folded__contains=word)
    return condition


def order_by_relevance(queryset, terms: str):
    """Best matches first: the name weighs more than the description (PostgreSQL)."""
    if connection.vendor == "postgresql":
        rank = SearchRank(F(document_field()), search_query(terms))
        return queryset.annotate(rank=rank).order_by("-rank", *name_order())
    return queryset.order_by(*name_order())


def document_field():
    """The search document of the page's language (PostgreSQL)."""
    return DOCUMENT_FIELDS.get(get_language(), DOCUMENT_FIELDS["fr"])


def search_query(terms):
    configuration = CONFIGURATIONS.get(get_language(), CONFIGURATIONS["fr"])
    return SearchQuery(terms, config=configuration, search_type="websearch")


def without(query, name, value=None):
    """The query string `query` (a QueryDict) minus one value of `name`, or all of it, and page."""
    remaining = query.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"


def facet_groups(product_filter, facets, activities):
    """The filter panel's fieldsets, in FACETS order, each of a kind the template draws:
    "options" (checkboxes with counts, those with no product hidden unless chosen)
    or "range" (from and to). Flags share the fieldset their facet names."""
    data = getattr(product_filter.form, "cleaned_data", {})
    labels = facets.get("labels", {})
    groups, panels = [], {}

    def option(facet, value, label, count):
        chosen = data.get(facet.param)
        checked = bool(chosen) if facet.kind == "flag" else value in (chosen or [])
        return {
            "name": facet.param,
            "value": value,
            "label": label,
            "count": count,
            "checked": checked,
        }

    def options_group(name, legend, options, keep_empty=False):
        if not keep_empty:
            options = [o for o in options if o["count"] or o["checked"]]
        if options:
            groups.append({"kind": "options", "name": name, "legend": legend, "options": options})

    for facet in FACETS:
        counts = facets.get(facet.param, {})
        if facet.kind == "flag":
            if facet.panel not in panels:
                panels[facet.panel] = {
                    "kind": "options",
                    "name": facet.panel,
                    "legend": PANELS[facet.panel],
                    "options": [],
                }
                groups.append(panels[facet.panel])
            panels[facet.panel]["options"].append(
                option(facet, "true", facet.label, counts.get("1", 0))
            )
        elif facet.kind == "range":
            values = [data.get(param) for param in facet.params]
            in_use = any(value is not None for value in values)
            if facet.only_where_measured and not (facets["applies"].get(facet.param) or in_use):
                continue
            groups.append(
                {
                    "kind": "range",
                    "name": facet.param,
                    "legend": facet.label,
                    "inputs": [
                        {"name": param, "label": label, "value": "" if value is None else value}
                        for param, label, value in zip(
                            facet.params, (_("From"), _("to")), values, strict=True
                        )
                    ],
                    "attrs": facet.attrs,
                }
            )
        elif facet.source == "variant" and facet.param == "taille":
            sizes_by_kind = {}
            for size in counts:
                label = labels.get(facet.param, {}).get(size, size)
                sizes_by_kind.setdefault(size_kind(size), []).append(
                    option(facet, size, label, counts[size])
                )
            for kind, legend in SIZE_KINDS:
                options_group(facet.param, legend, sizes_by_kind.get(kind, []))
        else:
            if facet.source == "activity":
                choices = [(a.slug, a.name) for a in activities]
            elif facet.source == "variant":
                names = labels.get(facet.param, {})
                choices = [(value, names.get(value, value)) for value in counts]
            else:
                choices = facet.choices
            options_group(
                facet.param,
                facet.label,
                [option(facet, value, label, counts.get(value, 0)) for value, label in choices],
            )
    return groups


def active_chips(request_query, product_filter, facets=None):
    """One removable chip per active filter value, in the order the shopper chose them."""
    data = getattr(product_filter.form, "cleaned_data", {})
    labels = {
        "activite": dict(product_filter.filters["activite"].extra["choices"]),
        **{facet.param: dict(facet.choices) for facet in FACETS if facet.choices},
        **((facets or {}).get("labels") or {}),
    }
    chips = []
    seen = set()
    for name in request_query:
        if name in ("page", "tri") or name not in data or name in seen:
            continue
        seen.add(name)
        cleaned = data[name]
        if cleaned in (None, "", [], False):
            continue
        if isinstance(cleaned, list):
            for value in cleaned:
                label = labels.get(name, {}).get(value, value)
                chips.append({"label": label, "url": without(request_query, name, value)})
            continue
        if name == "q":
            label = str(_("“%(value)s”")) % {"value": cleaned}
        else:
            facet = FACETS_BY_PARAM[name]
            if facet.kind == "flag":
                label = str(facet.chip)
            else:
                chip = facet.chips[facet.params.index(name)]
                label = str(chip) % {"value": cleaned}
        chips.append({"label": label, "url": without(request_query, name)})
    return chips
