from django.urls import path

from heritage import views

app_name = "heritage"

urlpatterns = [
    path("histoire/", views.timeline, name="timeline"),
    path("histoire/personnes/<slug:slug>/", views.person_detail, name="person"),
    path("histoire/expeditions/<slug:slug>/", views.expedition_detail, name="expedition"),
    path("histoire/<slug:slug>/", views.event_detail, name="event"),
    path("fabrique-en-france/", views.made_in_france, name="made_in_france"),
]
