from django.urls import path, register_converter
from django.urls.converters import StringConverter

from shop import invoices, views
from shop.models import Order


class OrderTokenConverter(StringConverter):
    """An order's private token as `shop.models.new_token` makes them: the letters,
    digits, "-" and "_" of secrets.token_urlsafe, no longer than the column.

    Anything else (a NUL, which PostgreSQL refuses in a query, a stray
    character) is no order's address and gets a 404 without a query.
    """

    regex = rf"[A-Za-z0-9_-]{{1,{Order._meta.get_field('token').max_length}}}"


register_converter(OrderTokenConverter, "order_token")

app_name = "shop"

urlpatterns = [
    path("panier/", views.cart_view, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart_add"),
    path("commande/", views.checkout, name="checkout"),
    path("commande/<order_token:token>/", views.order_detail, name="order"),
    path("commande/<order_token:token>/retour/", views.order_return, name="order_return"),
    path("commande/<order_token:token>/paiement/", views.order_pay, name="order_pay"),
    path(
        "commande/<order_token:token>/paiement/verifier/",
        views.order_pay_check,
        name="order_pay_check",
    ),
    path(
        "commande/<order_token:token>/paiement/changer/",
        views.order_pay_switch,
        name="order_pay_switch",
    ),
    path("commande/<order_token:token>/facture/", invoices.invoice_download, name="invoice"),
    path("boutiques/", views.stores, name="stores"),
]
