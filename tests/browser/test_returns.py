"""A shopper sends part of an order back from its private page."""

from playwright.sync_api import expect

from shop.models import Order
from shop.services import Customer, order_advance, order_place
from tests.factories import make_product, make_variant, unique


def test_a_shopper_returns_one_bag_of_a_shipped_order(journey):
    bag = make_variant(product=make_product(name="Sac Hiker 30", price="80.00"), stock=5)
    order = order_place(
        items={bag.pk: 2},
        customer=Customer(
            email="lea@example.org",
            name="Léa Martin",
            street="1 rue",
            postcode="74000",
            city="Annecy",
        ),
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)

    page = journey.visit(order.get_absolute_url())
    page.get_by_role("link", name="Retourner des articles").click()
    page.wait_for_url("**/retour/")
    journey.check()
    page.get_by_label("Sac Hiker 30").fill("1")
    page.get_by_label("Pourquoi nous le renvoyez-vous ?").select_option(
        label="La taille ne convient pas"
    )
    page.get_by_role("button", name="Demander le retour").click()
    page.wait_for_url(f"**{order.get_absolute_url()}")
    journey.check()

    expect(page.get_by_role("status")).to_contain_text("Votre retour est enregistré")
    returns = page.get_by_role("region", name="Retours")
    expect(returns).to_contain_text("Demandé")
    expect(returns).to_contain_text("1 × Sac Hiker 30")
