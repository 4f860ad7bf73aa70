from django.urls import path, register_converter
from django.urls.converters import StringConverter

from repairs import views


class RepairReferenceConverter(StringConverter):
    """A repair request's reference as `repairs.services.next_reference` makes them,
    "R-2026-00042": the year, then at least five digits, within the column's 20 characters.

    Anything else (a NUL, which PostgreSQL refuses in a query, a stray
    character) is no request's address and gets a 404 without a query.
    """

    regex = r"R-[0-9]{4}-[0-9]{5,13}"


register_converter(RepairReferenceConverter, "repair_reference")

app_name = "repairs"

urlpatterns = [
    path("reparation/", views.service, name="service"),
    path("reparation/envoyee/<repair_reference:reference>/", views.sent, name="sent"),
    path("reparation/suivi/", views.tracking, name="tracking"),
    path("reparation/suivi/<repair_reference:reference>/", views.detail, name="detail"),
    path(
        "reparation/suivi/<repair_reference:reference>/devis/",
        views.quote_answer,
        name="quote_answer",
    ),
    path(
        "reparation/suivi/<repair_reference:reference>/photo/<int:photo_id>/",
        views.photo,
        name="photo",
    ),
]
