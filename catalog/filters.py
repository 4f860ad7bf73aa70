"""The catalogue listing's filters, search, sort and facet counts.

`ProductFilter` validates the query string with django-filter; a value that
does not validate is ignored (the field drops out of `cleaned_data`). Each
active filter becomes one condition (a Q), so the facet counts can apply
"every other filter" per group: the usual disjunctive faceting, where ticking
a brand does not hide the other brands.
"""

import hashlib
import unicodedata
from decimal import Decimal

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.i18n import localized
from catalog.models import Product, Variant
from catalog.search import CONFIGURATIONS, DOCUMENT_FIELDS

SEARCH_MAX = 100
FACET_SECONDS = 60
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


class ProductFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method="noop")
    activite = django_filters.MultipleChoiceFilter(label=_("Activity"), method="noop", choices=[])
    marque = django_filters.MultipleChoiceFilter(
        label=_("Brand"), method="noop", choices=Product.Brand.choices
    )
    public = django_filters.MultipleChoiceFilter(
        label=_("For"), method="noop", choices=Product.Audience.choices
    )
    gamme = django_filters.MultipleChoiceFilter(
        label=_("Tier"), method="noop", choices=Product.Tier.choices
    )
    france = django_filters.BooleanFilter(
        label=_("Made in France"), method="noop", widget=forms.CheckboxInput
    )
    stock = django_filters.BooleanFilter(
        label=_("In stock only"), method="noop", widget=forms.CheckboxInput
    )
    prix_min = django_filters.NumberFilter(label=_("Min price (€)"), method="noop", min_value=0)
    prix_max = django_filters.NumberFilter(label=_("Max price (€)"), method="noop", min_value=0)
    taille = TextListFilter(label=_("Size"), method="noop")
    couleur = TextListFilter(label=_("Colour"), method="noop")
    temp_max = django_filters.NumberFilter(
        label=_("Comfort temperature at most (°C)"), method="noop", min_value=-60, max_value=40
    )
    temp_min = django_filters.NumberFilter(
        label=_("Comfort temperature at least (°C)"), method="noop", min_value=-60, max_value=40
    )
    volume_min = django_filters.NumberFilter(
        label=_("Volume at least (L)"), method="noop", min_value=0, max_value=200
    )
    volume_max = django_filters.NumberFilter(
        label=_("Volume at most (L)"), method="noop", min_value=0, max_value=200
    )
    tri = django_filters.ChoiceFilter(
        label=_("Sort by"), method="noop", choices=list(SORTS.items()), empty_label=None
    )

    class Meta:
        model = Product
        fields = []

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["activite"].extra["choices"] = [(a.slug, a.name) for a in activities]
        self.notes = []

    def noop(self, queryset, name, value):
        return queryset

    # Conditions ---------------------------------------------------------

    def conditions(self):
        """One Q per active filter group, keyed by the group's parameter name."""
        if hasattr(self, "_conditions"):
            return self._conditions
        self.form.is_valid()  # fills cleaned_data with the fields that validate
        data = self.form.cleaned_data
        conditions = {}
        if activities := data.get("activite"):
            conditions["activite"] = Q(
                Exists(
                    Product.activities.through.objects.filter(
                        product=OuterRef("pk"), activity__slug__in=activities
                    )
                )
            )
        for name, field in (("marque", "brand"), ("public", "audience"), ("gamme", "tier")):
            if values := data.get(name):
                conditions[name] = Q(**{f"{field}__in": values})
        if data.get("france"):
            conditions["france"] = Q(made_in_france=True)
        if data.get("stock"):
            conditions["stock"] = Q(in_stock=True)
        low, high = data.get("prix_min"), data.get("prix_max")
        if low is not None and high is not None and low > high:
            low, high = high, low
            self.notes.append(_("The minimum price was above the maximum: we swapped them."))
        price = Q()
        if low is not None:
            price &= Q(price__gte=Decimal(low))
        if high is not None:
            price &= Q(price__lte=Decimal(high))
        if price:
            conditions["prix"] = price
        for name, field in VARIANT_FACETS:
            if values := data.get(name):
                # Sizes and colours are chosen by their French name in either language,
                # among those the product keeps as in stock (|M|L|).
                condition = Q()
                for value in values:
                    condition |= Q(**{f"{field}s_in_stock__contains": f"|{value}|"})
                conditions[name] = condition
        temperature = Q()
        if data.get("temp_min") is not None:
            temperature &= Q(comfort_temp_c__gte=data["temp_min"])
        if data.get("temp_max") is not None:
            temperature &= Q(comfort_temp_c__lte=data["temp_max"])
        if temperature:
            conditions["temperature"] = temperature
        volume = Q()
        if data.get("volume_min") is not None:
            volume &= Q(volume_l__gte=data["volume_min"])
        if data.get("volume_max") is not None:
            volume &= Q(volume_l__lte=data["volume_max"])
        if volume:
            conditions["volume"] = volume
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

    def cached_facet_counts(self, base, scope=""):
        """facet_counts(), kept for FACET_SECONDS per filter combination.

        Facet counts scan every product the other filters leave: on a large
        catalogue they cost far more than the page itself. Shoppers mostly
        load the same few combinations, so a minute-old count is served from
        the cache; the products shown, their prices and stock stay live.
        """
        self.form.is_valid()  # fills cleaned_data with the fields that validate
        data = self.form.cleaned_data
        active = sorted(
            (name, str(value))
            for name, value in data.items()
            if name != "tri" and value not in (None, "", [], False)
        )
        # Size and colour labels are in the page's language.
        key_parts = (connection.vendor, get_language(), scope, active)
        digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()
        key = f"catalog:facets:{digest}"
        facets = cache.get(key)
        if facets is None:
            facets = self.facet_counts(base)
            cache.set(key, facets, FACET_SECONDS)
        return facets

    def facet_counts(self, base):
        """Counts per option of every facet group, each with the other groups' filters.

        Two queries whatever the catalogue: one aggregate over products (brand,
        audience, tier, made in France, in stock, and the total), and one UNION
        counting products per activity, per size and per colour in stock.
        """
        conditions = self.conditions()

        def others(group):
            q = Q()
            for name, condition in conditions.items():
                if name != group:
                    q &= condition
            return q

        # Each filter condition is computed once per product in an inner query
        # (as a boolean column); the outer aggregate only combines columns.
        flags = {
            f"match_{name}": ExpressionWrapper(condition, BooleanField())
            for name, condition in conditions.items()
        }
        flagged = base.annotate(**flags)

        def matching_others(group):
            return Q(**{f"match_{name}": True for name in conditions if name != group})

        aggregates = {"total": Count("pk", filter=matching_others(None))}
        for name, field, choices in (
            ("marque", "brand", Product.Brand.values),
            ("public", "audience", Product.Audience.values),
            ("gamme", "tier", Product.Tier.values),
        ):
            for value in choices:
                aggregates[f"{name}:{value}"] = Count(
                    "pk", filter=matching_others(name) & Q(**{field: value})
                )
        aggregates["france:1"] = Count(
            "pk", filter=matching_others("france") & Q(made_in_france=True)
        )
        aggregates["stock:1"] = Count("pk", filter=matching_others("stock") & Q(in_stock=True))
        # Which range filters mean anything here: any product of the category
        # (whatever the other filters) with a temperature, or a volume.
        aggregates["applies:temperature"] = Count("pk", filter=Q(comfort_temp_c__isnull=False))
        aggregates["applies:volume"] = Count("pk", filter=Q(volume_l__isnull=False))
        counts = flagged.aggregate(**aggregates)
        facets = {"total": counts.pop("total")}
        for key, value in counts.items():
            group, option = key.split(":")
            facets.setdefault(group, {})[option] = value

        # Activities, sizes and colours in one UNION of three grouped counts.
        def matching(group):
            return base.filter(others(group)).values("pk")

        # Sizes and colours are counted by French name, with the name to show.
        activities = (
            Product.activities.through.objects.filter(product__in=matching("activite"))
            .values_list(Value("activite"), "activity__slug")
            .annotate(n=Count("product", distinct=True), label=Max(Value("")))
            .order_by()
        )
        variant_groups = [
            Variant.objects.rewrite(False)
            .filter(product__in=matching(group), stock__gt=0, **{f"{field}_fr__gt": ""})
            .values_list(Value(group), f"{field}_fr")
            .annotate(n=Count("product", distinct=True), label=Max(localized(field)))
            .order_by()
            for group, field in VARIANT_FACETS
        ]
        facets.update(activite={}, taille={}, couleur={}, labels={"taille": {}, "couleur": {}})
        for group, option, count, label in activities.union(*variant_groups, all=True):
            facets[group][option] = count
            if label:
                facets["labels"][group][option] = label
        for group, _field in VARIANT_FACETS:
            facets[group] = dict(sorted(facets[group].items(), key=lambda item: size_key(item[0])))
        return facets


# The facets read from variants: parameter, field.
VARIANT_FACETS = (("taille", "size"), ("couleur", "colour"))


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
    """The checkbox groups of the filter form, each option with its count and state."""
    data = getattr(product_filter.form, "cleaned_data", {})
    groups = []

    def group(name, legend, options):
        chosen = set(data.get(name) or [])
        groups.append(
            {
                "name": name,
                "legend": legend,
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "count": facets.get(name, {}).get(value, 0),
                        "checked": value in chosen,
                    }
                    for value, label in options
                ],
            }
        )

    group("activite", _("Activity"), [(a.slug, a.name) for a in activities])
    group("gamme", _("Tier"), Product.Tier.choices)
    group("public", _("For"), Product.Audience.choices)
    group("marque", _("Brand"), Product.Brand.choices)
    labels = facets.get("labels", {})
    sizes_by_kind = {}
    for size in facets["taille"]:
        label = labels.get("taille", {}).get(size, size)
        sizes_by_kind.setdefault(size_kind(size), []).append((size, label))
    for kind, legend in SIZE_KINDS:
        if kind in sizes_by_kind:
            group("taille", legend, sizes_by_kind[kind])
    colours = labels.get("couleur", {})
    group("couleur", _("Colour"), [(c, colours.get(c, c)) for c in facets["couleur"]])
    for option_group in groups:
        # Options with no product are hidden unless chosen.
        option_group["options"] = [o for o in option_group["options"] if o["count"] or o["checked"]]
    return [g for g in groups if g["options"]]


def active_chips(request_query, product_filter, facets=None):
    """One removable chip per active filter value, in the order the shopper chose them."""
    data = getattr(product_filter.form, "cleaned_data", {})
    labels = {
        "activite": dict(product_filter.filters["activite"].extra["choices"]),
        "marque": dict(Product.Brand.choices),
        "public": dict(Product.Audience.choices),
        "gamme": dict(Product.Tier.choices),
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
        label = {
            "q": _("“%(value)s”"),
            "france": _("Made in France"),
            "stock": _("In stock"),
            "prix_min": _("From %(value)s €"),
            "prix_max": _("Up to %(value)s €"),
            "temp_min": _("Comfort from %(value)s °C"),
            "temp_max": _("Comfort down to %(value)s °C"),
            "volume_min": _("From %(value)s L"),
            "volume_max": _("Up to %(value)s L"),
        }[name]
        chips.append(
            {"label": str(label) % {"value": cleaned}, "url": without(request_query, name)}
        )
    return chips
