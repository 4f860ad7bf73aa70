from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("adresses/nouvelle/", views.address_edit, name="address_add"),
    path("adresses/<int:pk>/", views.address_edit, name="address_edit"),
    path("adresses/<int:pk>/par-defaut/", views.address_default, name="address_default"),
    path("adresses/<int:pk>/supprimer/", views.address_delete, name="address_delete"),
    path("supprimer/", views.delete, name="delete"),
]
