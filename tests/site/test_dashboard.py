"""The admin's home is the shop's dashboard: today's orders, what to prepare, the workshop,
low stock and 30 days of sales, in a fixed number of queries."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from catalog.admin import LOW_STOCK
from repairs.models import RepairRequest
from repairs.services import repair_advance, repair_request_create
from shop.models import Order, Payment, Refund, Return
from shop.services import order_advance
from tests.factories import NO_BREAK, make_product, make_variant
from tests.shop.factories import make_order, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef():
    return User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")


@pytest.fixture
def staff_client(client, chef):
    client.force_login(chef)
    return client


def home(client, path="/admin/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().translate(NO_BREAK)


def section(html, name):
    """The HTML of one part of the dashboard, up to the next part."""
    start = html.index(f'id="dashboard-{name}"')
    ends = [html.find(mark, start + 1) for mark in ('class="module" id="dashboard-', "</section>")]
    return html[start : min(end for end in ends if end != -1)]


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def paid_days_ago(order, days=0):
    """Mark `order` paid `days` ago, as a card payment or a received transfer does."""
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.PAID, paid_at=timezone.now() - datetime.timedelta(days=days)
    )
    return order


def a_repair(**overrides):
    return repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge",
            "damage": "Bretelle déchirée.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
            **overrides,
        }
    )


def test_the_admin_is_named_for_the_shop_in_both_languages(staff_client):
    french = home(staff_client)
    english = home(staff_client, "/en/admin/")

    assert "<title>Administration de la boutique | Millet — boutique</title>" in french
    assert ">Millet — boutique</a>" in french
    assert "Django" not in text(french)
    assert ">Millet — shop</a>" in english
    assert "<title>Shop administration | Millet — shop</title>" in english


def test_today_shows_the_number_of_paid_orders_and_their_takings(staff_client):
    store = make_store()
    paid_days_ago(make_order(price="79.90", store=store))
    paid_days_ago(make_order(price="20.00", store=store))
    make_order(price="300.00", store=store)  # placed today, paid at collection: not yet takings
    cancelled = make_order(price="500.00", store=store)
    order_advance(order=cancelled, to_status=Order.Status.CANCELLED)
    paid_days_ago(make_order(price="35.00", store=store), 3)

    today = text(section(home(staff_client, "/en/admin/"), "today"))

    assert "Orders paid 2" in today
    assert "Revenue €99.90" in today


def test_orders_to_prepare_are_the_paid_ones_and_collections_paid_at_the_store(staff_client):
    at_store = make_order()  # click and collect, paid when collected
    paid = make_order(payment_method=Order.Payment.TRANSFER)
    order_advance(order=paid, to_status=Order.Status.PAID)
    make_order(payment_method=Order.Payment.TRANSFER)  # waits for the transfer
    ready = make_order()
    order_advance(order=ready, to_status=Order.Status.READY)

    today = section(home(staff_client), "today")
    listed = staff_client.get("/admin/shop/order/?prepare=todo").context["cl"].result_list

    assert "Commandes à préparer 2" in text(today)
    assert 'href="/admin/shop/order/?prepare=todo"' in today
    assert {order.pk for order in listed} == {at_store.pk, paid.pk}


def test_the_sales_chart_draws_one_bar_per_day_with_sales_and_a_table(staff_client):
    store = make_store()
    paid_days_ago(make_order(price="79.90", store=store))
    paid_days_ago(make_order(price="20.00", store=store))
    paid_days_ago(make_order(price="50.00", store=store), 10)
    paid_days_ago(make_order(price="999.00", store=store), 31)  # before the 30 days
    make_order(price="700.00", store=store, payment_method=Order.Payment.TRANSFER)  # unpaid

    sales = section(home(staff_client), "sales")

    svg = sales[sales.index("<svg") : sales.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="sales-chart-title sales-chart-summary"' in svg
    assert "<title" in svg
    bars = re.findall(
        r'<rect class="sales-chart-bar" x="\d+" y="(\d+)" width="16" height="(\d+)"', svg
    )
    # The best day (today, €99.90) fills the chart's 120 units; 50 € is half as tall.
    assert sorted(int(height) for _, height in bars) == [60, 120]
    assert "style=" not in sales
    assert "149,90 € en 3 commandes." in text(sales)
    rows = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td>(\d+)</td><td>([^<]+)</td></tr>", sales)
    assert len(rows) == 30
    assert rows[-1] == ("2", "99,90 €")
    assert rows[-11] == ("1", "50,00 €")


def test_an_empty_shop_shows_zeros_and_no_bars(staff_client):
    html = home(staff_client)

    assert "Chiffre d’affaires 0,00 €" in text(section(html, "today"))
    assert "<rect" not in section(html, "sales")
    assert "Aucun produit publié n’a un stock faible." in text(section(html, "low-stock"))


def test_repairs_are_counted_by_workshop_step(staff_client, chef):
    for _ in range(2):
        repair_advance(repair=a_repair(), to_status="received", by_user=chef)
    a_repair()
    repair_advance(repair=a_repair(), to_status="closed", by_user=chef)

    repairs = section(home(staff_client), "repairs")

    assert "Envoyée 1" in text(repairs)
    assert "Reçue à l’atelier 2" in text(repairs)
    assert "Diagnostiquée 0" in text(repairs)
    assert "Close" not in text(repairs)
    assert 'href="/admin/repairs/repairrequest/?status__exact=received"' in repairs


def test_low_stock_lists_the_ten_scarcest_variants_of_published_products(staff_client):
    jacket = make_product(name="Veste Guide Chamonix")
    make_variant(product=jacket, sku="GUIDE-M", size="M", colour="Rouge", stock=1)
    make_variant(product=jacket, sku="GUIDE-L", size="L", colour="Rouge", stock=4)
    hidden = make_product(name="Prototype", is_published=False)
    make_variant(product=hidden, sku="PROTO-U", stock=0)
    for number in range(12):
        make_variant(sku=f"SKU-{number:02d}", stock=3)

    low = section(home(staff_client), "low-stock")

    skus = re.findall(r"<td>([A-Z0-9-]+)</td><td>\d+</td>", low)
    assert skus == ["GUIDE-M", *(f"SKU-{number:02d}" for number in range(9))]
    assert "Veste Guide Chamonix (M, Rouge) GUIDE-M 1" in text(low)
    assert f'href="/admin/catalog/product/{jacket.pk}/change/"' in low


def test_staff_see_only_the_parts_they_may_view(client):
    clerk = User.objects.create_user("magasin", password="pw-magasin-1", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_variant"))
    client.force_login(clerk)
    make_order()

    html = home(client)

    assert 'id="dashboard-low-stock"' in html
    assert 'id="dashboard-today"' not in html
    assert 'id="dashboard-repairs"' not in html


@pytest.mark.parametrize("rows", [1, 12])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    staff_client, chef, rows, django_assert_num_queries
):
    store = make_store()
    for number in range(rows):
        paid_days_ago(make_order(store=store), number)
        make_variant(stock=number % 3)
        repair_advance(repair=a_repair(), to_status="received", by_user=chef)

    # 1. session, 2. user, 3. paid orders per day, 4. orders to prepare and awaiting
    # payment, 5. card refunds and 6. other refunds (the takings are paid orders less
    # refunds), 7. returns to receive and to refund, 8. repairs per step with the
    # accepted quotes, 9. low-stock variants with their products, 10. recent actions
    with django_assert_num_queries(10):
        html = home(staff_client)
    assert RepairRequest.objects.count() == rows
    assert len(re.findall(r"<td>\d+</td><td>\d+,\d\d €</td>", section(html, "sales"))) == 30


def links(html):
    """Each link's address and text in a part of the dashboard, by text."""
    return {
        text(label): address.replace("&amp;", "&")
        for address, label in re.findall(r'<a href="([^"]+)">(.*?)</a>', html)
    }


def listed(client, address):
    return {row.pk for row in client.get(address).context["cl"].result_list}


def a_return(order, **fields):
    return Return.objects.create(order=order, reason=Return.Reason.SIZE, **fields)


def test_takings_are_paid_orders_less_refunds_and_link_to_their_rows(staff_client):
    store = make_store()
    kept = paid_days_ago(make_order(price="100.00", store=store), 2)
    by_card = paid_days_ago(make_order(price="80.00", store=store), 5)
    by_transfer = paid_days_ago(make_order(price="60.00", store=store), 5)
    paid_days_ago(make_order(price="999.00", store=store), 40)  # before the 30 days
    make_order(price="500.00", store=store, payment_method=Order.Payment.TRANSFER)  # unpaid
    today = timezone.localdate()
    card_return = a_return(
        by_card,
        status=Return.Status.REFUNDED,
        refund_amount="80.00",
        refund_method=Return.RefundMethod.CARD,
        refunded_on=today,
    )
    payment = Payment.objects.create(order=by_card, attempt="try-1", amount="80.00")
    Refund.objects.create(
        payment=payment,
        parcel=card_return,
        reason=Refund.Reason.RETURN,
        amount="80.00",
        provider_id="re_1",
        key="return-1",
    )
    transfer_return = a_return(
        by_transfer,
        status=Return.Status.REFUNDED,
        refund_amount="25.00",
        refund_method=Return.RefundMethod.TRANSFER,
        refunded_on=today,
    )
    a_return(kept)  # requested, not refunded

    sales = section(home(staff_client, "/en/admin/"), "sales")
    figures = links(sales)

    assert "€240.00 in 3 orders." in text(sales)
    assert "Paid orders €240.00" in text(sales)
    assert "Refunds €105.00" in text(sales)
    assert "Takings €135.00" in text(sales)
    paid = {kept.pk, by_card.pk, by_transfer.pk}
    assert listed(staff_client, figures["€240.00"]) == paid
    assert listed(staff_client, figures["€135.00"]) == paid
    assert listed(staff_client, figures["€105.00"]) == {card_return.pk, transfer_return.pk}


def test_payments_returns_and_accepted_quotes_to_handle_link_to_their_rows(staff_client):
    store = make_store()
    awaited = {make_order(store=store).pk, make_order(store=store).pk}  # at the store
    paid_days_ago(make_order(store=store))
    to_receive = a_return(paid_days_ago(make_order(store=store)))
    to_refund = a_return(paid_days_ago(make_order(store=store)), status=Return.Status.RECEIVED)
    a_return(paid_days_ago(make_order(store=store)), status=Return.Status.REFUNDED)
    accepted, declined, waiting = a_repair(), a_repair(), a_repair()
    for repair, decision in ((accepted, "accepted"), (declined, "declined"), (waiting, "")):
        RepairRequest.objects.filter(pk=repair.pk).update(
            status="quoted", quote_amount="40.00", quote_decision=decision
        )

    html = home(staff_client, "/en/admin/")
    today, returns, repairs = (section(html, name) for name in ("today", "returns", "repairs"))

    assert "Payments awaited 2" in text(today)
    assert listed(staff_client, links(today)["2"]) == awaited
    assert "To receive 1 To refund 1" in text(returns)
    addresses = re.findall(r'href="([^"]+)"', returns)
    assert [listed(staff_client, address) for address in addresses] == [
        {to_receive.pk},
        {to_refund.pk},
    ]
    assert "Quotes accepted, repair to start 1" in text(repairs)
    (accepted_link,) = re.findall(r'href="([^"]+quote_decision[^"]+)"', repairs)
    assert listed(staff_client, accepted_link.replace("&amp;", "&")) == {accepted.pk}


def test_low_stock_uses_the_product_lists_threshold_and_links_to_its_filter(staff_client):
    low = make_product(name="Sac Prarion")
    make_variant(product=low, sku="PRARION", stock=LOW_STOCK)
    plenty = make_product(name="Sac Vertigo")
    make_variant(product=plenty, sku="VERTIGO", stock=LOW_STOCK + 1)
    empty = make_product(name="Sac Épuisé")
    make_variant(product=empty, sku="EPUISE", stock=0)

    part = section(home(staff_client, "/en/admin/"), "low-stock")
    figures = links(part)

    assert f"Low stock ({LOW_STOCK} or fewer)" in text(part)
    assert "PRARION" in part and "EPUISE" in part and "VERTIGO" not in part
    assert listed(staff_client, figures["Products low on stock"]) == {low.pk}
    assert listed(staff_client, figures["Products out of stock"]) == {empty.pk}
