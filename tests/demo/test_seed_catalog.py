import io

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product, ProductImage, Variant

pytestmark = pytest.mark.django_db


def seed(count):
    out = io.StringIO()
    call_command("seed_catalog", products=count, stdout=out)
    return out.getvalue()


def test_it_adds_products_with_variants_and_a_picture_and_is_idempotent():
    first = seed(120)
    again = seed(120)

    assert "Added 120 seed products." in first
    assert "nothing to do" in again
    assert Product.objects.filter(slug__startswith="seed-").count() == 120
    assert Variant.objects.count() == 4 * 120
    assert ProductImage.objects.exclude(renditions=[]).count() == 120


def test_growing_adds_only_the_missing_ones():
    seed(30)
    output = seed(50)

    assert "Added 20 seed products." in output
    assert Product.objects.count() == 50


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError):
        seed(-1)
