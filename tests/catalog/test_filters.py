"""ProductFilter on its own: django-filter's declared filters filter, and `tri` sorts."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import translation

from catalog.filters import ProductFilter
from catalog.models import Activity, Product
from tests.factories import make_activity, make_product, make_variant

pytestmark = pytest.mark.django_db


def filtered(query):
    product_filter = ProductFilter(
        QueryDict(query),
        queryset=Product.objects.published().searchable().for_listing(),
        activities=Activity.objects.all(),
    )
    return product_filter, [product.name for product in product_filter.qs]


@pytest.fixture
def rack():
    ski = make_activity(slug="ski", name="Ski")
    make_variant(
        product=make_product(name="Peuterey", tier="expert", price=Decimal("189.90")),
        size="M",
        stock=2,
    )
    make_variant(
        product=make_product(
            name="Drôme", tier="expert", price=Decimal("149.00"), activities=[ski]
        ),
        size="L",
        stock=0,
    )
    make_product(name="Hiker", tier="entry", price=Decimal("79.90"), activities=[ski])
    make_product(name="Veste", tier="expert", price=Decimal("549.00"))


def test_the_query_set_is_filtered_and_sorted_by_the_declared_filters(rack):
    assert filtered("gamme=expert&prix_max=200&tri=-prix")[1] == ["Peuterey", "Drôme"]
    assert filtered("activite=ski&tri=prix")[1] == ["Hiker", "Drôme"]
    assert filtered("stock=true")[1] == ["Peuterey"]
    assert filtered("taille=M&taille=L&tri=nom")[1] == ["Peuterey"]  # the L is sold out


def test_values_that_do_not_validate_are_ignored(rack):
    product_filter, names = filtered("gamme=legendary&prix_min=abc&prix_max=100&tri=random")

    assert names == ["Hiker"]
    assert product_filter.sort() == "selection"


def test_reversed_prices_are_swapped_and_noted(rack):
    product_filter, names = filtered("prix_min=200&prix_max=100&tri=prix")

    assert names == ["Drôme", "Peuterey"]
    with translation.override("en"):
        assert [str(note) for note in product_filter.notes] == [
            "The minimum price was above the maximum: we swapped them."
        ]
    assert filtered("prix_min=100&prix_max=200")[0].notes == []


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ("", "selection"),
        ("tri=pertinence", "selection"),
        ("q=sac", "pertinence"),
        ("q=sac&tri=random", "pertinence"),
        ("q=%20%20&tri=pertinence", "selection"),
        ("q=sac&tri=nom", "nom"),
    ],
)
def test_the_default_sort_is_relevance_when_searching_else_our_selection(query, sort):
    assert filtered(query)[0].sort() == sort
