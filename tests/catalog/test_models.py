"""The database itself refuses impossible catalogue rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import FieldFetchBlocked, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from catalog.models import Category, Product, Variant
from tests.factories import make_category, make_image, make_product, make_variant

pytestmark = pytest.mark.django_db


def refused(**changes):
    """Apply `changes` to a fresh product through an UPDATE and expect the database to refuse."""
    product = make_product()
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(**changes)


@pytest.mark.parametrize("price", [Decimal("0"), Decimal("-10.00")])
def test_a_price_must_be_positive(price):
    refused(price=price)


def test_the_comfort_temperature_cannot_be_below_the_limit():
    refused(comfort_temp_c=-20, limit_temp_c=-5)


def test_a_sleeping_bag_with_comfort_above_limit_is_fine():
    product = make_product(comfort_temp_c=5, limit_temp_c=-1)

    assert product.pk


def test_made_in_france_needs_a_workshop_and_france():
    refused(made_in_france=True, workshop="", country_of_manufacture="France")
    refused(made_in_france=True, workshop="Drôme", country_of_manufacture="Viêt Nam")


def test_every_product_names_its_country_of_manufacture():
    refused(country_of_manufacture="")


def test_brand_and_tier_must_be_known_values():
    refused(brand="decathlon")
    refused(tier="legendary")


def test_slugs_are_unique():
    make_product(slug="sac-trail-5")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(slug="sac-trail-5")


def test_stock_can_never_go_negative():
    variant = make_variant(stock=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock=F("stock") - 2)
    variant.refresh_from_db()
    assert variant.stock == 1


def test_skus_are_unique_and_one_size_colour_pair_per_product():
    variant = make_variant(sku="TRAIL5-M-ROUGE")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_variant(sku="TRAIL5-M-ROUGE")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_variant(product=variant.product, sku="OTHER", size="M", colour="Rouge")


def test_a_category_cannot_be_its_own_parent():
    category = make_category()

    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(pk=category.pk).update(parent=category)


def test_alt_text_is_required():
    image = make_image()

    with pytest.raises(IntegrityError), transaction.atomic():
        type(image).objects.filter(pk=image.pk).update(alt_text="")


def test_full_clean_explains_a_made_in_france_product_without_workshop():
    product = make_product()
    product.made_in_france = True
    product.country_of_manufacture = "France"

    with pytest.raises(ValidationError) as error:
        product.full_clean()
    assert "atelier ou sa région" in str(error.value)


def test_natural_keys_round_trip():
    variant = make_variant(sku="HIKER30-U-BLEU")
    image = make_image(product=variant.product, position=2)

    assert Product.objects.get_by_natural_key(variant.product.slug) == variant.product
    assert Variant.objects.get_by_natural_key("HIKER30-U-BLEU") == variant
    assert type(image).objects.get_by_natural_key(*image.natural_key()) == image


def test_published_and_in_stock_filters():
    sold_out = make_variant(stock=0).product
    available = make_variant(stock=3).product
    hidden = make_variant(stock=3, product=make_product(is_published=False)).product

    assert set(Product.objects.published()) == {sold_out, available}
    assert set(Product.objects.in_stock()) == {available, hidden}
    assert set(Product.objects.published().in_stock()) == {available}


def test_total_stock_adds_up_every_variant():
    product = make_product()
    make_variant(product=product, size="S", stock=2)
    make_variant(product=product, size="M", stock=3)

    assert Product.objects.with_total_stock().get(pk=product.pk).total_stock == 5
    assert Product.objects.with_total_stock().get(pk=make_product().pk).total_stock == 0


@pytest.mark.parametrize("rows", [1, 12])
def test_the_listing_queryset_takes_one_query_whatever_its_size(rows, django_assert_num_queries):
    for _ in range(rows):
        product = make_product()
        make_image(product=product, position=1, alt_text="Vue de dos")
        make_image(product=product, position=0, alt_text="Vue de face")
        make_variant(product=product)

    # The products with their category, stock flag and cover.
    with django_assert_num_queries(1):
        products = list(Product.objects.for_listing())
        covers = [(p.cover.alt_text, p.cover.width, p.cover.image.name) for p in products]
        names = [p.category.name for p in products]
    assert len(products) == rows == len(names)
    assert [alt for alt, _width, _name in covers] == ["Vue de face"] * rows
    assert all(width and name for _alt, width, name in covers)
    assert all(p.buyable for p in products)


def test_the_cover_is_the_first_image_whatever_staff_add_move_or_delete():
    product = make_product()
    assert Product.objects.get(pk=product.pk).cover is None

    back = make_image(product=product, position=2, alt_text="Vue de dos")
    assert Product.objects.get(pk=product.pk).cover == back
    front = make_image(product=product, position=1, alt_text="Vue de face")
    assert Product.objects.get(pk=product.pk).cover == front

    back.position = 0
    back.save()
    assert Product.objects.get(pk=product.pk).cover == back
    back.delete()
    assert Product.objects.get(pk=product.pk).cover == front
    front.delete()
    assert Product.objects.get(pk=product.pk).cover is None


def test_the_detail_queryset_takes_four_queries(django_assert_num_queries):
    product = make_product()
    for size in ("S", "M", "L"):
        make_variant(product=product, size=size)
    make_image(product=product)

    # 1. product + category + parent, 2. activities, 3. variants, 4. images
    with django_assert_num_queries(4):
        loaded = Product.objects.for_detail().get(pk=product.pk)
        assert [v.size for v in loaded.variants.all()] == ["L", "M", "S"]
        assert len(loaded.images.all()) == 1
        assert list(loaded.activities.all()) == []


def test_the_page_query_sets_refuse_a_lazy_load_under_the_tests(settings):
    """PAGE_FETCH_RAISE (on in tests/conftest.py): a template that reads what its query
    did not load fails the test instead of adding a query per card."""
    product = make_product(summary="Léger et solide")
    listed = Product.objects.for_listing().get(pk=product.pk)
    assert listed.category.name and listed.price  # what a card reads is loaded
    with pytest.raises(FieldFetchBlocked):
        listed.summary  # noqa: B018

    settings.PAGE_FETCH_RAISE = False
    assert Product.objects.for_listing().get(pk=product.pk).summary == "Léger et solide"
