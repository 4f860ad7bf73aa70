"""The warehouse's documents, printed by staff from the orders' admin list: a packing
slip per order and a pick list by SKU, as PDF, read back as text."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import RequestFactory
from django.utils import translation
from pypdf import PdfReader

from shop.documents import (
    packing_slips_html,
    pick_list_items,
    print_packing_slips,
    print_pick_list,
)
from shop.models import Order
from shop.services import Customer, order_place
from tests.factories import make_product, make_variant, unique
from tests.shop.factories import make_store


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def variant(sku, name, size="M", colour="Rouge"):
    product = make_product(name=name, price=Decimal("79.90"))
    return make_variant(product=product, sku=sku, size=size, colour=colour, stock=20)


def home_order(items, **customer):
    return order_place(
        items={v.pk: quantity for v, quantity in items},
        customer=Customer(
            email="lea@example.org",
            name="Léa Martin",
            street="3 chemin des Alpages",
            postcode="73000",
            city="Chambéry",
            **customer,
        ),
        delivery=Order.Delivery.HOME,
        payment_method=Order.Payment.TRANSFER,
        checkout_key=unique("key"),
    )


def collect_order(items, store, language="fr"):
    return order_place(
        items={v.pk: quantity for v, quantity in items},
        customer=Customer(email="anne@example.org", name="Anne Durand"),
        delivery=Order.Delivery.COLLECT,
        store=store,
        payment_method=Order.Payment.AT_STORE,
        checkout_key=unique("key"),
        language=language,
    )


@pytest.fixture
def batch():
    """Two orders sharing a SKU, and a third, unselected, holding it too."""
    tent = variant("TENTE-2P-VERT", "Tente Trekker 2", size="2 places", colour="Vert")
    jacket = variant("VESTE-M-ROUGE", "Veste Trilogy")
    bag = variant("SAC-30-NOIR", "Sac Hiker 30", size="30 L", colour="Noir")
    store = make_store(
        name="Millet Grenoble", street="8 place Grenette", postcode="38000", city="Grenoble"
    )
    home = home_order([(jacket, 2), (tent, 1)])
    collect = collect_order([(jacket, 3), (bag, 1)], store)
    other = home_order([(jacket, 4)])
    selected = Order.objects.filter(pk__in=[home.pk, collect.pk])
    return {"home": home, "collect": collect, "other": other, "selected": selected}


def admin_request(user=None):
    request = RequestFactory().get("/en/admin/shop/order/")
    request.user = user or User.objects.create_superuser(unique("admin"), "a@example.org", "x")
    return request


@pytest.mark.django_db
def test_the_packing_slips_of_two_orders_give_each_its_page_address_and_lines(batch):
    response = print_packing_slips(admin.site._registry[Order], admin_request(), batch["selected"])

    home, collect = pages_text(response.content)
    assert batch["home"].number in home and batch["collect"].number not in home
    assert "Léa Martin" in home and "3 chemin des Alpages" in home and "73000 Chambéry" in home
    assert "VESTE-M-ROUGE 2" in home and "TENTE-2P-VERT 1" in home
    assert "Veste Trilogy" in home and "2 places / Vert" in home
    assert "SAC-30-NOIR" not in home
    assert batch["collect"].number in collect and "Anne Durand" in collect
    assert "Millet Grenoble" in collect and "8 place Grenette" in collect
    assert "38000 Grenoble" in collect
    assert "VESTE-M-ROUGE 3" in collect and "SAC-30-NOIR 1" in collect
    assert "TENTE-2P-VERT" not in collect


@pytest.mark.django_db
def test_a_packing_slip_shows_no_price(batch):
    response = print_packing_slips(admin.site._registry[Order], admin_request(), batch["selected"])

    text = "".join(pages_text(response.content))
    assert "79,90" not in text and "79.90" not in text and "€" not in text


@pytest.mark.django_db
def test_the_packing_slip_is_in_the_staff_s_language_whatever_the_order_s(batch):
    english = collect_order([(make_variant(stock=1), 1)], make_store(), language="en")

    with translation.override("en"):
        response = print_packing_slips(
            admin.site._registry[Order], admin_request(), Order.objects.filter(pk=english.pk)
        )

    (page,) = pages_text(response.content)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    assert any(month in page for month in months)  # Django's French date format


@pytest.mark.django_db
def test_the_packing_slips_read_the_orders_in_two_queries(batch, django_assert_num_queries):
    with django_assert_num_queries(2):  # the orders with their store; their lines
        html = packing_slips_html(batch["selected"])
    assert html.count('<section class="slip">') == 2


@pytest.mark.django_db
def test_the_pick_list_sums_each_sku_over_the_selected_orders_sorted_by_sku(batch):
    home, collect = batch["home"].number, batch["collect"].number

    items = pick_list_items(batch["selected"])

    assert [(item.sku, item.quantity, item.orders) for item in items] == [
        ("SAC-30-NOIR", 1, [(collect, 1)]),
        ("TENTE-2P-VERT", 1, [(home, 1)]),
        ("VESTE-M-ROUGE", 5, sorted([(home, 2), (collect, 3)])),
    ]


@pytest.mark.django_db
def test_the_pick_list_reads_the_lines_in_one_query(batch, django_assert_num_queries):
    with django_assert_num_queries(1):  # the selected orders' lines, with their numbers
        assert len(pick_list_items(batch["selected"])) == 3


@pytest.mark.django_db
def test_the_pick_list_pdf_gives_the_total_per_sku_and_the_orders_it_goes_to(batch):
    response = print_pick_list(admin.site._registry[Order], admin_request(), batch["selected"])

    (page,) = pages_text(response.content)
    assert page.index("SAC-30-NOIR") < page.index("TENTE-2P-VERT") < page.index("VESTE-M-ROUGE")
    jacket = page[page.index("VESTE-M-ROUGE") :]
    assert jacket.startswith("VESTE-M-ROUGE Veste Trilogy M / Rouge 5")
    assert f"{batch['home'].number} (2)" in jacket and f"{batch['collect'].number} (3)" in jacket
    assert batch["other"].number not in page
    tent = page[page.index("TENTE-2P-VERT") : page.index("VESTE-M-ROUGE")]
    assert f"2 places / Vert 1 {batch['home'].number} (1)" in tent


@pytest.mark.django_db
def test_the_actions_answer_a_pdf_attachment_named_after_what_it_holds(batch):
    modeladmin, request = admin.site._registry[Order], admin_request()
    one = Order.objects.filter(pk=batch["home"].pk)

    slips = print_packing_slips(modeladmin, request, batch["selected"])
    slip = print_packing_slips(modeladmin, request, one)
    picks = print_pick_list(modeladmin, request, batch["selected"])

    for response in (slips, slip, picks):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith('attachment; filename="')
        assert response["Content-Disposition"].endswith('.pdf"')
    assert batch["home"].number in slip["Content-Disposition"]
    assert batch["home"].number not in slips["Content-Disposition"]
    assert len(PdfReader(BytesIO(slip.content)).pages) == 1


@pytest.mark.django_db
def test_staff_who_may_only_view_orders_may_print_them():
    clerk = User.objects.create_user(unique("clerk"), is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    registered = type(admin.site._registry[Order])
    actions = [print_packing_slips, print_pick_list]
    printing = type("PrintingOrderAdmin", (registered,), {"actions": actions})
    modeladmin = printing(Order, admin.site)

    actions = modeladmin.get_actions(admin_request(User.objects.get(pk=clerk.pk)))

    assert {"print_packing_slips", "print_pick_list"} <= set(actions)
    nobody = User.objects.create_user(unique("nobody"), is_staff=True)
    assert not {"print_packing_slips", "print_pick_list"} & set(
        modeladmin.get_actions(admin_request(nobody))
    )
