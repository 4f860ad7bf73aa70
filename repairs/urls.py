from django.urls import path

from repairs import views

app_name = "repairs"

urlpatterns = [
    path("reparation/", views.service, name="service"),
    path("reparation/envoyee/<str:reference>/", views.sent, name="sent"),
    path("reparation/suivi/", views.tracking, name="tracking"),
    path("reparation/suivi/<str:reference>/", views.detail, name="detail"),
    path("reparation/suivi/<str:reference>/devis/", views.quote_answer, name="quote_answer"),
    path("reparation/suivi/<str:reference>/photo/<int:photo_id>/", views.photo, name="photo"),
]
