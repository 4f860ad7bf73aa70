"""Each staff group of fixtures/groups.json opens what its work needs and nothing else, and
store staff see only the click-and-collect orders of the stores they are linked to
(docs/staff-guide.md, "Roles")."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from repairs.services import repair_request_create
from shop.models import Order, Return
from shop.services import order_advance
from tests.factories import make_category, make_product, make_variant, unique
from tests.shop.factories import buy, make_order, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def groups():
    call_command("loaddata", "groups", verbosity=0)


def member(client, *group_names, superuser=False):
    """A logged-in staff member whose rights come from `group_names` only."""
    make = User.objects.create_superuser if superuser else User.objects.create_user
    user = make(unique("staff"), email="staff@millet.example", password="pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=group_names))
    client.force_login(user)
    client.user = user
    return client


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def status(client, name, *args):
    return client.get(url(name, *args)).status_code


def listed(client, query=""):
    response = client.get(url("admin:shop_order_changelist") + query)
    assert response.status_code == 200
    return {order.number for order in response.context["cl"].result_list}


@pytest.fixture
def two_stores():
    """Annecy's and Lyon's click-and-collect orders, and one delivered at home."""
    annecy, lyon = make_store(city="Annecy"), make_store(city="Lyon")
    return {
        "annecy": make_order(store=annecy),
        "lyon": make_order(store=lyon),
        "home": buy(make_variant(stock=1)),
    }


def test_store_staff_see_only_their_stores_click_and_collect_orders(
    client, two_stores, django_assert_num_queries
):
    staff = member(client, "Boutiques")
    annecy, lyon = two_stores["annecy"], two_stores["lyon"]
    annecy.store.staff.add(staff.user)

    # The session, its user and their permissions (2), the store-staff check for the
    # list and again for its store filter, the stores of that filter, the count twice
    # (filtered and total), the page's orders, the date hierarchy's first and last
    # days, then its days.
    with django_assert_num_queries(12):
        assert listed(staff) == {annecy.number}
    assert status(staff, "admin:shop_order_change", annecy.pk) == 200
    # Another store's order, or a delivery, is not there for them: not shown, not moved.
    response = staff.get(url("admin:shop_order_change", lyon.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("admin:index")
    assert status(staff, "admin:shop_order_change", two_stores["home"].pk) == 302
    assert staff.post(url("admin:shop_order_step", lyon.pk, "ready")).status_code == 404
    lyon.refresh_from_db()
    assert lyon.status == Order.Status.AWAITING_PAYMENT


def test_store_staff_linked_to_no_store_see_no_order(client, two_stores):
    staff = member(client, "Boutiques")

    assert listed(staff) == set()


def test_a_store_moves_its_own_order_from_its_page(client, two_stores):
    staff = member(client, "Boutiques")
    annecy = two_stores["annecy"]
    annecy.store.staff.add(staff.user)

    response = staff.post(url("admin:shop_order_step", annecy.pk, "ready"))

    assert response.status_code == 302
    annecy.refresh_from_db()
    assert annecy.status == Order.Status.READY


def test_the_dashboard_counts_only_the_stores_orders_for_its_staff(client, two_stores):
    staff = member(client, "Boutiques")
    annecy = two_stores["annecy"]
    annecy.store.staff.add(staff.user)
    order_advance(order=two_stores["lyon"], to_status=Order.Status.READY)

    dashboard = staff.get(url("admin:index")).context["dashboard"]

    assert dashboard["to_prepare"] == 1  # Annecy's, to pay at collection
    assert dashboard["awaiting_payment"] == 1


def test_a_superuser_or_customer_service_in_the_stores_group_see_every_order(client, two_stores):
    everyone = {order.number for order in two_stores.values()}

    assert listed(member(client, "Boutiques", superuser=True)) == everyone
    assert listed(member(client, "Service client")) == everyone


def test_store_staff_cannot_open_the_catalogues_change_forms(client, two_stores):
    variant = make_variant(product=make_product(category=make_category()))
    staff = member(client, "Boutiques")

    assert status(staff, "admin:catalog_product_change", variant.product.pk) == 403
    assert status(staff, "admin:catalog_variant_change", variant.pk) == 403
    assert status(staff, "admin:catalog_category_change", variant.product.category.pk) == 403
    assert status(staff, "admin:catalog_product_changelist") == 403
    assert status(staff, "admin:shop_return_changelist") == 403
    assert status(staff, "admin:repairs_repairrequest_changelist") == 403


def test_the_workshop_sees_repairs_and_no_order(client, two_stores):
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
    workshop = member(client, "Atelier")

    assert status(workshop, "admin:repairs_repairrequest_changelist") == 200
    assert status(workshop, "admin:repairs_repairrequest_change", repair.pk) == 200
    assert status(workshop, "admin:shop_order_changelist") == 403
    assert status(workshop, "admin:shop_order_change", two_stores["annecy"].pk) == 403
    assert status(workshop, "admin:shop_return_changelist") == 403
    assert status(workshop, "personal_data_export") == 403


def test_customer_service_sees_orders_returns_and_the_personal_data_export(client, two_stores):
    parcel = Return.objects.create(order=two_stores["annecy"], reason=Return.Reason.SIZE)
    service = member(client, "Service client")

    assert status(service, "admin:shop_order_change", two_stores["lyon"].pk) == 200
    assert status(service, "admin:shop_return_change", parcel.pk) == 200
    assert status(service, "personal_data_export") == 200
    assert 'id="personal-data-module"' in service.get(url("admin:index")).text
    assert status(service, "admin:catalog_product_changelist") == 403


def test_catalogue_editors_see_the_catalogue_and_no_order(client, two_stores):
    product = make_product(category=make_category())
    editor = member(client, "Éditeurs du catalogue")

    assert status(editor, "admin:catalog_product_change", product.pk) == 200
    assert status(editor, "admin:catalog_category_change", product.category.pk) == 200
    assert status(editor, "admin:shop_order_changelist") == 403
    assert status(editor, "admin:shop_order_change", two_stores["annecy"].pk) == 403
    assert status(editor, "admin:repairs_repairrequest_changelist") == 403
    assert status(editor, "personal_data_export") == 403


def test_the_home_names_no_library_and_links_its_tools_in_the_shops_words(client):
    chef = member(client, superuser=True)

    response = chef.get(url("admin:index"))

    labels = {app["app_label"] for app in response.context["app_list"]}
    assert {"shop", "catalog", "repairs"} <= labels
    assert not labels & {"axes", "django_tasks_database"}
    maintenance = response.text[response.text.index('id="maintenance-module"') :]
    tasks = url("admin:django_tasks_database_dbtaskresult_changelist")
    lockouts = url("admin:axes_accessattempt_changelist")
    assert tasks in maintenance
    assert lockouts in maintenance
    assert chef.get(tasks).status_code == chef.get(lockouts).status_code == 200
    # Staff groups have no right to them: no box.
    assert (
        'id="maintenance-module"'
        not in member(client, "Service client").get(url("admin:index")).text
    )
