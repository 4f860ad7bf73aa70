"""`make demo` loads every fixture in fixtures/, in the order of their names, and can repeat it.

The demo orders and repair requests (fixtures/workload.json, named to sort after
catalog.json and stores.json, which it refers to) use ids from 9001: loading the
demo never overwrites an order or a request placed on the site before.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum

from repairs.models import RepairRequest, RepairStatusChange, Status
from repairs.services import repair_request_create
from shop.models import Order, OrderLine

pytestmark = pytest.mark.django_db

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _reuse_renditions(settings, shared_media):
    """The catalogue's renditions take a while to make: these tests share them."""
    settings.MEDIA_ROOT = shared_media


def load():
    call_command("loaddata", *FIXTURES, verbosity=0)


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Order, OrderLine, RepairRequest, RepairStatusChange)
    }


def test_every_fixture_loads_in_the_order_make_demo_uses_and_twice_changes_nothing():
    assert [Path(name).name for name in FIXTURES][-1] == "workload.json"

    load()
    first = snapshot()
    load()

    assert snapshot() == first


def test_the_demo_orders_are_at_several_steps_and_point_to_catalogue_variants():
    load()
    orders = Order.objects.all()

    assert orders.count() >= 6
    assert set(orders.values_list("status", flat=True)) == set(Order.Status.values)
    assert orders.to_prepare().exists()
    assert not OrderLine.objects.filter(variant__isnull=True).exists()
    for order in orders.prefetch_related("lines__variant__product"):
        assert order.email.endswith("@example.org")
        assert order.number == f"M-{order.created_at:%Y}-{order.pk:06d}"
        lines = order.lines.all()
        assert lines
        for line in lines:
            assert line.sku == line.variant.sku
            assert line.unit_price == line.variant.product.price
            assert line.line_total == line.unit_price * line.quantity
        assert order.subtotal == sum(line.line_total for line in lines)
        assert order.total == order.subtotal + order.delivery_fee
        assert (order.store is not None) == (order.delivery == Order.Delivery.COLLECT)
    assert orders.sales().aggregate(total=Sum("total"))["total"] > 0


def test_the_demo_repairs_are_at_several_steps_with_their_history():
    load()
    repairs = RepairRequest.objects.prefetch_related("history")

    assert {repair.status for repair in repairs} >= {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.QUOTED,
        Status.IN_REPAIR,
        Status.SHIPPED_BACK,
        Status.CLOSED,
    }
    for repair in repairs:
        steps = [change.status for change in repair.history.all()]
        assert steps[0] == Status.SUBMITTED
        assert steps[-1] == repair.status
        assert repair.email.endswith("@example.org")
    quoted = repairs.get(status=Status.QUOTED)
    assert quoted.quote_amount is not None and quoted.quote_decision == ""
    # The next request the site takes gets a reference of its own.
    new = repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge",
            "damage": "Bretelle déchirée.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
        }
    )
    assert RepairRequest.objects.filter(reference=new.reference).count() == 1
