from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerte-stock/", views.subscribe, name="subscribe"),
    path("alerte-stock/<slug:token>/confirmer/", views.confirm, name="confirm"),
    path("alerte-stock/<slug:token>/desinscription/", views.unsubscribe, name="unsubscribe"),
    path("alerte-stock/desinscrite/", views.unsubscribed, name="unsubscribed"),
]
