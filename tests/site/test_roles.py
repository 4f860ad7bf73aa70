"""The staff roles shipped in fixtures/groups.json: each group opens its own admin lists
and nothing else (docs/staff-guide.md, "Roles")."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from repairs.services import repair_request_create
from shop.models import Return
from tests.factories import make_product
from tests.shop.factories import make_order

pytestmark = pytest.mark.django_db

ROLES = ["Éditeurs du catalogue", "Boutiques", "Atelier", "Service client"]


@pytest.fixture
def groups():
    call_command("loaddata", "groups", verbosity=0)


def member(client, group_name):
    """A logged-in staff member whose only rights come from `group_name`."""
    user = User.objects.create_user(f"user-{len(group_name)}", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return client


def status(client, path):
    return client.get(path).status_code


def test_loading_the_groups_twice_changes_nothing(groups):
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    call_command("loaddata", "groups", verbosity=0)

    after = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    assert sorted(after) == sorted(ROLES)
    assert after == before
    assert all(after.values())


def test_store_staff_handle_orders_but_not_the_catalogue(client, groups):
    order = make_order()
    product = make_product()
    staff = member(client, "Boutiques")
    order.store.staff.add(*Group.objects.get(name="Boutiques").user_set.all())  # their store

    assert status(staff, "/en/admin/shop/order/") == 200
    assert status(staff, f"/en/admin/shop/order/{order.pk}/change/") == 200
    assert status(staff, "/en/admin/shop/store/") == 200
    assert status(staff, f"/en/admin/catalog/product/{product.pk}/change/") == 403
    assert status(staff, "/en/admin/catalog/product/") == 403
    assert status(staff, "/en/admin/repairs/repairrequest/") == 403


def test_the_workshop_handles_repairs_but_not_orders(client, groups):
    repair = repair_request_create(
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
    order = make_order()
    workshop = member(client, "Atelier")

    assert status(workshop, "/en/admin/repairs/repairrequest/") == 200
    assert status(workshop, f"/en/admin/repairs/repairrequest/{repair.pk}/change/") == 200
    assert status(workshop, "/en/admin/shop/order/") == 403
    assert status(workshop, f"/en/admin/shop/order/{order.pk}/change/") == 403
    assert status(workshop, "/en/admin/shop/return/") == 403


def test_customer_service_sees_orders_returns_repairs_and_the_personal_data_export(client, groups):
    order = make_order()
    parcel = Return.objects.create(order=order, reason=Return.Reason.SIZE)
    service = member(client, "Service client")

    assert status(service, "/en/admin/shop/order/") == 200
    assert status(service, f"/en/admin/shop/order/{order.pk}/change/") == 200
    assert status(service, "/en/admin/shop/return/") == 200
    assert status(service, f"/en/admin/shop/return/{parcel.pk}/change/") == 200
    assert status(service, "/en/admin/repairs/repairrequest/") == 200
    assert status(service, "/en/admin/catalog/product/") == 403
    assert 'id="personal-data-module"' in service.get("/en/admin/").content.decode()
    assert status(service, reverse("personal_data_export")) == 200
