from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("panier/", views.cart_view, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart_add"),
    path("commande/", views.checkout, name="checkout"),
    path("commande/<str:token>/", views.order_detail, name="order"),
    path("commande/<str:token>/retour/", views.order_return, name="order_return"),
    path("boutiques/", views.stores, name="stores"),
]
