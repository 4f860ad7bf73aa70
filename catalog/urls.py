from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("produits/", views.product_list, name="list"),
    path("produits/<slug:category>/", views.product_list, name="category"),
    path("produit/<slug:slug>/", views.product_detail, name="product"),
]
