import datetime
from decimal import Decimal

from shop.models import Order, Store
from shop.services import Customer, order_place
from tests.factories import make_product, make_variant, unique


def make_store(**overrides):
    slug = overrides.pop("slug", None) or unique("magasin")
    fields = {
        "name": f"Millet {slug}",
        "slug": slug,
        "street": "12 rue Royale",
        "postcode": "74000",
        "city": "Annecy",
        "opens_on": datetime.date(2020, 1, 1),
        "email": f"{slug}@millet.example",
        **overrides,
    }
    return Store.objects.create(**fields)


def make_order(*, price="79.90", quantity=1, store=None, **overrides):
    """A click-and-collect order paid at the store, placed through the checkout's service:
    its total is `price` × `quantity` (no delivery fee)."""
    variant = make_variant(product=make_product(price=Decimal(price)), stock=quantity)
    fields = {
        "items": {variant.pk: quantity},
        "customer": Customer(email="anne@example.org", name="Anne Martin"),
        "delivery": Order.Delivery.COLLECT,
        "store": store or make_store(),
        "payment_method": Order.Payment.AT_STORE,
        "checkout_key": unique("key"),
        **overrides,
    }
    return order_place(**fields)


def buy(variant, quantity=1):
    """An order for home delivery of `quantity` units of this existing variant."""
    return order_place(
        items={variant.pk: quantity},
        customer=Customer(email="lea@example.org", name="Léa Martin"),
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )
