import datetime

import pytest
from django.contrib.auth.models import User

from catalog.models import Variant
from shop.models import Order, Store
from shop.services import Customer, order_place
from tests.factories import NO_BREAK, make_variant, unique
from tests.shop.factories import make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1"))
    return client


def an_order(stock=5, quantity=2, **overrides):
    variant = make_variant(stock=stock)
    fields = {
        "items": {variant.pk: quantity},
        "customer": Customer(
            email="a@example.org", name="Anne", street="1 rue", postcode="74000", city="Annecy"
        ),
        "delivery": "home",
        "payment_method": "transfer",
        "checkout_key": unique("key"),
        **overrides,
    }
    return order_place(**fields), variant


def act(client, action, orders):
    return client.post(
        "/admin/shop/order/",
        {"action": action, "_selected_action": [o.pk for o in orders]},
        follow=True,
    )


def test_staff_see_orders_with_filters_and_search(staff):
    order, _ = an_order()

    assert staff.get("/admin/shop/order/").status_code == 200
    assert staff.get(f"/admin/shop/order/{order.pk}/change/").status_code == 200
    found = staff.get(f"/admin/shop/order/?q={order.number}").context["cl"].result_list
    assert list(found) == [order]
    assert staff.get("/admin/shop/order/?status=paid").context["cl"].result_count == 0
    assert staff.get("/admin/shop/order/add/").status_code == 403


def test_admin_actions_move_orders_and_refuse_impossible_moves(staff):
    order, _ = an_order()

    act(staff, "mark_paid", [order])
    order.refresh_from_db()
    assert order.status == "paid"

    response = act(staff, "mark_collected", [order])
    order.refresh_from_db()
    assert order.status == "paid"
    assert "ne peut pas passer de « Payée » à « Retirée »" in response.content.decode().translate(
        NO_BREAK
    )


def test_cancelling_from_the_admin_puts_the_stock_back_once(staff):
    order, variant = an_order(stock=5, quantity=2)

    act(staff, "mark_cancelled", [order])
    act(staff, "mark_cancelled", [order])

    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_non_staff_cannot_open_orders(client):
    order, _ = an_order()
    client.force_login(User.objects.create_user("bob", password="pw-bob-1"))

    assert client.get(f"/admin/shop/order/{order.pk}/change/").status_code == 302


def test_the_stores_page_tells_open_closed_and_upcoming_stores_apart(client):
    make_store(name="Millet Annecy")
    make_store(
        name="Boutique éphémère de Miramas",
        kind="popup",
        city="Miramas",
        postcode="13140",
        opens_on=datetime.date(2024, 11, 15),
        closes_on=datetime.date(2025, 2, 25),
        click_and_collect=False,
    )
    make_store(name="Millet Briançon", opens_on=datetime.date(2099, 5, 1))

    html = client.get("/boutiques/").content.decode().translate(NO_BREAK)

    assert "Fermée : ouverte du 15 novembre 2024 au 25 février 2025" in html
    assert "Ouvre le 1 mai 2099" in html
    assert "Retrait en magasin : oui" in html


def test_open_on_and_collect_points():
    open_store = make_store()
    popup = make_store(
        kind="popup", opens_on=datetime.date(2024, 11, 15), closes_on=datetime.date(2025, 2, 25)
    )
    make_store(click_and_collect=False)

    assert set(Store.objects.open_on(datetime.date(2025, 1, 1))) >= {open_store, popup}
    assert popup not in Store.objects.open_on(datetime.date(2025, 2, 26))
    assert set(Store.objects.collect_points(datetime.date(2026, 11, 23))) == {open_store}


def test_the_stores_fixture_holds_the_miramas_pop_up():
    from django.core.management import call_command

    call_command("loaddata", "fixtures/stores.json", verbosity=0)

    miramas = Store.objects.get(city="Miramas")
    assert (miramas.kind, miramas.opens_on, miramas.closes_on) == (
        "popup",
        datetime.date(2024, 11, 15),
        datetime.date(2025, 2, 25),
    )
    assert "90\u00a0%" in miramas.assortment
    assert Store.objects.filter(kind="permanent", click_and_collect=True).count() >= 3


def test_open_stores_give_their_hours_phone_and_a_plain_map_link(client):
    make_store(
        name="Millet Annecy",
        street="12 rue Royale",
        phone="04 65 71 10 21",
        opening_hours="Du mardi au samedi : 10 h – 19 h\nDimanche et lundi : fermé",
    )

    html = client.get("/boutiques/").content.decode().translate(NO_BREAK)

    assert "Du mardi au samedi : 10 h – 19 h<br>Dimanche et lundi : fermé" in html
    assert '<a href="tel:+33465711021">04 65 71 10 21</a>' in html
    assert (
        "https://www.openstreetmap.org/search?query=12+rue+Royale%2C+74000+Annecy%2C+France" in html
    )
    assert "<script" not in html.split("<main")[1].split("</main>")[0]


def test_past_pop_ups_have_their_own_section_after_the_open_stores(client):
    make_store(name="Millet Annecy")
    make_store(
        name="Boutique éphémère de Miramas",
        kind="popup",
        opens_on=datetime.date(2024, 11, 15),
        closes_on=datetime.date(2025, 2, 25),
        opening_hours="Tous les jours : 10 h – 19 h",
    )

    html = client.get("/boutiques/").content.decode().translate(NO_BREAK)

    past = html.index("Boutiques éphémères passées")
    assert html.index("Millet Annecy") < past < html.index("Boutique éphémère de Miramas")
    assert "Pas de boutique éphémère en ce moment." in html
    assert "Tous les jours : 10 h – 19 h" not in html  # a closed store's hours mislead
