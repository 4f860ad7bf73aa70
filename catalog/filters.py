"""The catalogue listing's filters: what each one puts on products, and the sort.

`ProductFilter` validates the query string with django-filter; a value that
does not validate is ignored (the field drops out of `cleaned_data`). Every
declared filter applies its own condition through its `method`, and the `tri`
filter sorts, so `ProductFilter(request.GET, queryset=...).qs` is the listing.

The facets (FACETS) are declared once: their filters, their conditions (one Q
each, which the facet counts of catalog.facets reuse to apply "every other
filter"), the facet index's keys (catalog.facet_index) and the filter panel
(catalog.panel) are all built from these declarations.
"""

import functools
import operator
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product
from catalog.search import name_order, order_by_relevance, search_condition

SEARCH_MAX = 100
# The category (with its subcategories) whose products are sized in shoe sizes: their
# sizes are filtered as "pointure", every other product's as "taille" (a 42 shoe is
# not a 42 pair of trousers).
FOOTWEAR = "chaussures"
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
    # variant: the facet index's keys it reads, when another facet's ("<index>:<value>").
    index: str = ""
    # variant: True for footwear only (FOOTWEAR), False for every product but footwear.
    footwear: bool | None = None

    @property
    def key(self):
        """The prefix of this facet's keys in the facet index."""
        return self.index or self.param

    @property
    def params(self):
        if self.kind == "range":
            return (f"{self.param}_min", f"{self.param}_max")
        return (self.param,)

    def filters(self):
        """The django-filter filters that read this facet's parameters, each applying
        its condition (`ProductFilter.filter_facet`)."""
        method = "filter_facet"
        if self.kind == "flag":
            return {
                self.param: django_filters.BooleanFilter(
                    label=self.label, method=method, widget=forms.CheckboxInput
                )
            }
        if self.kind == "range":
            low, high = self.bounds
            return {
                param: django_filters.NumberFilter(
                    label=label, method=method, min_value=low, max_value=high
                )
                for param, label in zip(self.params, self.bound_labels, strict=True)
            }
        if self.source == "variant":
            return {self.param: TextListFilter(label=self.label, method=method)}
        return {
            self.param: django_filters.MultipleChoiceFilter(
                label=self.label, method=method, choices=list(self.choices)
            )
        }

    def swapped(self, data):
        """Whether the cleaned `data` gives this range its ends the wrong way round."""
        if not self.swap_note:
            return False
        low, high = (data.get(param) for param in self.params)
        return low is not None and high is not None and low > high

    def condition(self, param, data):
        """The Q that `param`, one of this facet's parameters, puts on products for the
        cleaned `data` (all of it: a range reads both its ends), or None."""
        if self.kind == "range":
            ends = [data.get(name) for name in self.params]
            if self.swapped(data):
                ends.reverse()
            value = ends[self.params.index(param)]
            if value is None:
                return None
            lookup = "gte" if param == self.params[0] else "lte"
            return Q(**{f"{self.field}__{lookup}": Decimal(value)})
        if not (value := data.get(param)):
            return None
        if self.kind == "flag":
            return Q(**{self.field: True})
        if self.source == "activity":
            through = Product.activities.through.objects
            return Q(Exists(through.filter(product=OuterRef("pk"), activity__slug__in=value)))
        if self.source == "variant":
            # Chosen by their French name in either language, among those the
            # product keeps as in stock (|M|L|).
            condition = Q()
            for name in value:
                condition |= Q(**{f"{self.field}s_in_stock__contains": f"|{name}|"})
            if self.footwear is not None:
                footwear = Q(category__in=Category.objects.filter(footwear_condition()))
                condition &= footwear if self.footwear else ~footwear
            return condition
        return Q(**{f"{self.field}__in": value})


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
    Facet("taille", _("Size"), "choice", "size", source="variant", footwear=False),
    Facet(
        "pointure",
        _("Shoe size"),
        "choice",
        "size",
        source="variant",
        index="taille",
        footwear=True,
    ),
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


def footwear_condition():
    """The categories whose products are sized in shoe sizes: FOOTWEAR and its children."""
    return Q(slug=FOOTWEAR) | Q(parent__slug=FOOTWEAR)


def footwear_ids(categories):
    """The pks of the footwear categories among `categories` (all of them), as
    footwear_condition() finds them, without a query."""
    slugs = {category.pk: category.slug for category in categories}
    return {
        category.pk
        for category in categories
        if FOOTWEAR in (category.slug, slugs.get(category.parent_id))
    }


class ProductFilterForm(forms.Form):
    def clean(self):
        """Always a sort that applies: the one chosen, else relevance when searching and
        our selection otherwise (relevance without a search is our selection too)."""
        data = super().clean()
        searching = bool((data.get("q") or "").strip())
        chosen = data.get("tri")
        if chosen not in SORTS or (chosen == "pertinence" and not searching):
            data["tri"] = "pertinence" if searching else "selection"
        return data


# The facets' filters, declared from FACETS; ProductFilter adds the search and the sort.
FacetFilterSet = type(
    "FacetFilterSet",
    (django_filters.FilterSet,),
    {name: flt for facet in FACETS for name, flt in facet.filters().items()},
)


class ProductFilter(FacetFilterSet):
    q = SearchFilter(label=_("Search"), method="filter_search")
    tri = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_by", choices=list(SORTS.items()), empty_label=None
    )

    class Meta:
        model = Product
        fields = []
        form = ProductFilterForm

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = tuple(activities)
        self.activity_choices = tuple((a.slug, a.name) for a in activities)
        self.filters["activite"].extra["choices"] = list(self.activity_choices)

    @property
    def cleaned_data(self):
        """The values that validate, the form validated first; {} when unbound."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    # The declared filters' methods -------------------------------------

    def filter_facet(self, queryset, name, value):
        condition = FACETS_BY_PARAM[name].condition(name, self.cleaned_data)
        return queryset if condition is None else queryset.filter(condition)

    def filter_search(self, queryset, name, value):
        terms = self.search_terms()
        return queryset.filter(search_condition(terms)) if terms else queryset

    def sort_by(self, queryset, name, value):
        if value == "pertinence":
            return order_by_relevance(queryset, self.search_terms())
        if value == "nom":
            return queryset.order_by(*name_order())
        return queryset.order_by(*ORDERINGS[value])

    # What the listing shows of them ------------------------------------

    def conditions(self):
        """One Q per active facet, keyed by the facet's parameter (a range's two ends
        together), and the search's: the declared filters' own conditions, for the
        facet counts."""
        data = self.cleaned_data
        conditions = {}
        for facet in FACETS:
            parts = [facet.condition(param, data) for param in facet.params]
            if parts := [part for part in parts if part is not None]:
                conditions[facet.param] = functools.reduce(operator.and_, parts)
        if terms := self.search_terms():
            conditions["q"] = search_condition(terms)
        return conditions

    @property
    def notes(self):
        """What the shopper is told about their query: a price range swapped."""
        data = self.cleaned_data
        return [facet.swap_note for facet in FACETS if facet.swapped(data)]

    def search_terms(self):
        return (self.cleaned_data.get("q") or "").strip()

    def sort(self):
        return self.cleaned_data.get("tri", "selection")
