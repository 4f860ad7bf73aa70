import datetime
import json
import urllib.parse
import urllib.request
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


# The test cards of the provider (the same numbers at Stripe and localstripe).
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"
CARD_3DS = "4000002760003184"


def card_token(provider_url, number=CARD_OK):
    """What Stripe.js makes of a card typed in the browser: a one-time token, asked of
    the provider directly (the shop never sees the number)."""
    data = urllib.parse.urlencode(
        {
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2031",
            "card[cvc]": "123",
            "key": "pk_test_localstripe",
        }
    ).encode()
    with urllib.request.urlopen(f"{provider_url}/v1/tokens", data) as response:  # noqa: S310
        return json.load(response)["id"]


def bank_check(provider_url, client_secret, *, success=True):
    """The shopper's answer to the bank's 3-D Secure check, as localstripe's Stripe.js sends it."""
    intent = client_secret.split("_secret_")[0]
    request = urllib.request.Request(  # noqa: S310 (localstripe's http://)
        f"{provider_url}/v1/payment_intents/{intent}/_authenticate?success={str(success).lower()}",
        data=json.dumps({"key": "pk_test_localstripe", "client_secret": client_secret}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 (localstripe's http://)
        return json.load(response)


def make_card_order(*, price="79.90", quantity=1, stock=None, variant=None, **overrides):
    """A home-delivery order to pay by card, holding its stock."""
    variant = variant or make_variant(
        product=make_product(price=Decimal(price)), stock=quantity if stock is None else stock
    )
    fields = {
        "items": {variant.pk: quantity},
        "customer": Customer(
            email="lea@example.org",
            name="Léa Martin",
            street="3 place Bellecour",
            postcode="69002",
            city="Lyon",
        ),
        "delivery": Order.Delivery.HOME,
        "payment_method": Order.Payment.CARD,
        "checkout_key": unique("key"),
        **overrides,
    }
    return order_place(**fields)
