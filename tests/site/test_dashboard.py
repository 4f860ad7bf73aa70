"""The admin's home is the shop's dashboard: today's orders, what to prepare, the workshop,
low stock and 30 days of sales, in a fixed number of queries."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from repairs.models import RepairRequest
from repairs.services import repair_advance, repair_request_create
from shop.models import Order
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


def placed_days_ago(order, days):
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


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


def test_today_shows_the_number_of_orders_and_their_takings(staff_client):
    store = make_store()
    make_order(price="79.90", store=store)
    make_order(price="20.00", store=store)
    cancelled = make_order(price="500.00", store=store)
    order_advance(order=cancelled, to_status=Order.Status.CANCELLED)
    placed_days_ago(make_order(price="35.00", store=store), 3)

    today = text(section(home(staff_client), "today"))

    assert "Commandes passées 2" in today
    assert "Chiffre d’affaires 99,90 €" in today


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
    make_order(price="79.90", store=store)
    make_order(price="20.00", store=store)
    placed_days_ago(make_order(price="50.00", store=store), 10)
    placed_days_ago(make_order(price="999.00", store=store), 31)  # before the 30 days

    sales = section(home(staff_client), "sales")

    svg = sales[sales.index("<svg") : sales.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="sales-chart-title sales-chart-summary"' in svg
    assert "<title" in svg
    bars = re.findall(
        r'<rect class="sales-chart-bar" x="\d+" y="(\d+)" width="16" height="(\d+)"', svg
    )
    # The best day (today, 99.90 €) fills the chart's 120 units; 50 € is half as tall.
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
        placed_days_ago(make_order(store=store), number)
        make_variant(stock=number % 3)
        repair_advance(repair=a_repair(), to_status="received", by_user=chef)

    # 1. session, 2. user, 3. sales per day, 4. orders to prepare, 5. repairs per
    # step, 6. low-stock variants with their products, 7. the user's recent actions
    with django_assert_num_queries(7):
        html = home(staff_client)
    assert RepairRequest.objects.count() == rows
    assert len(re.findall(r"<td>\d+</td><td>\d+,\d\d €</td>", section(html, "sales"))) == 30
