"""Shoppers' personal data: erasure from the admin, the export for one address, and the
retention purge."""

import base64
import datetime
import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from catalog.models import Variant
from repairs.models import RepairPhoto, RepairRequest, RepairStatusChange
from repairs.services import repair_advance, repair_request_create
from shop.models import Order, OrderLine
from shop.services import Customer, order_advance, order_anonymise, order_place
from tests.factories import image_bytes, make_variant, unique

pytestmark = pytest.mark.django_db

PAUL = Customer(
    email="paul.durand@example.org",
    name="Paul Durand",
    phone="06 12 34 56 78",
    street="8 rue du Vercors",
    postcode="38000",
    city="Grenoble",
)
# What must not survive an erasure anywhere in the database.
TRACES = ["paul.durand", "Durand", "06 12 34 56 78", "rue du Vercors", "38000", "Grenoble"]


def place(customer=PAUL, **overrides):
    variant = overrides.pop("variant", None) or make_variant(stock=5)
    return order_place(
        items={variant.pk: 2},
        customer=customer,
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
        **overrides,
    )


def repair_for(customer=PAUL, photos=1):
    return repair_request_create(
        fields={
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "product_description": "Sac rouge des années 1990",
            "damage": f"Bretelle déchirée, à renvoyer à {customer.name}, {customer.phone}.",
            "street": customer.street,
            "postcode": customer.postcode,
            "city": customer.city,
        },
        photos=[ContentFile(image_bytes("JPEG", (300, 200)), name="p.jpg") for _ in range(photos)],
    )


def close(repair, by):
    for status in ("received", "diagnosed", "shipped_back", "closed"):
        repair = repair_advance(
            repair=repair, to_status=status, by_user=by, note="Bonjour Paul Durand"
        )
    return repair


@pytest.fixture
def chef():
    return User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")


@pytest.fixture
def staff(chef):
    client = Client()
    client.force_login(chef)
    return client


def database_text():
    """Every text value of every row of every table, with where it was found."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            found.extend(
                (model.__name__, value) for value in row.values() if isinstance(value, str)
            )
    return found


def private_files(settings):
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_anonymise_action_leaves_no_personal_field_and_no_file(
    staff, chef, settings, on_commit
):
    order = order_advance(order=order_advance(order=place(), to_status="paid"), to_status="shipped")
    lines_before = list(OrderLine.objects.values("product_name", "sku", "quantity", "line_total"))
    stock_before = list(Variant.objects.values_list("pk", "stock"))
    repair = close(repair_for(photos=2), chef)
    assert len(private_files(settings)) == 2
    old_link, number, total = order.get_absolute_url(), order.number, order.total

    with on_commit():
        staff.post("/admin/shop/order/", {"action": "anonymise", "_selected_action": [order.pk]})
        staff.post(
            "/admin/repairs/repairrequest/",
            {"action": "anonymise", "_selected_action": [repair.pk]},
        )

    leaks = [
        (table, value) for table, value in database_text() for trace in TRACES if trace in value
    ]
    assert leaks == []
    assert private_files(settings) == []
    assert not RepairPhoto.objects.exists()
    # What the accounts and the workshop need stays.
    order.refresh_from_db()
    assert (order.number, order.total, order.status) == (number, total, "shipped")
    assert order.anonymised_at is not None
    assert list(OrderLine.objects.values("product_name", "sku", "quantity", "line_total")) == (
        lines_before
    )
    assert list(Variant.objects.values_list("pk", "stock")) == stock_before
    repair.refresh_from_db()
    assert repair.reference.startswith("R-")
    assert repair.item == "Sac rouge des années 1990"
    assert [s.status for s in repair.history.all()][-1] == "closed"
    # The old private link leads nowhere; the admin still opens both records.
    assert Client().get(old_link).status_code == 404
    assert staff.get(f"/admin/shop/order/{order.pk}/change/").status_code == 200
    assert staff.get(f"/admin/repairs/repairrequest/{repair.pk}/change/").status_code == 200
    assert staff.get("/admin/shop/order/?erased=yes").context["cl"].result_count == 1


def test_open_orders_and_repairs_are_not_erased_from_the_admin(staff):
    order = place()
    repair = repair_for()

    order_page = staff.post(
        "/admin/shop/order/", {"action": "anonymise", "_selected_action": [order.pk]}, follow=True
    ).content.decode()
    repair_page = staff.post(
        "/admin/repairs/repairrequest/",
        {"action": "anonymise", "_selected_action": [repair.pk]},
        follow=True,
    ).content.decode()

    assert f"La commande {order.number} est encore" in order_page
    assert f"La demande {repair.reference} est encore en cours" in repair_page
    order.refresh_from_db()
    repair.refresh_from_db()
    assert (order.email, repair.email) == (PAUL.email, PAUL.email)
    assert repair.photos.count() == 1


def test_no_email_leaves_for_an_order_erased_before_the_worker_ran(
    mailoutbox, on_commit, task_worker
):
    with on_commit():
        order = place()
    order_anonymise(order=order, even_if_open=True)

    task_worker.run()

    assert mailoutbox == []


def test_the_export_holds_every_order_and_repair_of_an_address(staff, chef):
    first = place()
    second = place(customer=Customer(**{**PAUL.__dict__, "email": "Paul.Durand@Example.org"}))
    place(customer=Customer(email="anne@example.org", name="Anne Martin"))
    repair = close(repair_for(), chef)

    response = staff.post("/admin/donnees-personnelles/", {"email": "paul.durand@example.org"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert [o["number"] for o in data["orders"]] == [first.number, second.number]
    assert data["orders"][0]["name"] == "Paul Durand"
    assert data["orders"][0]["lines"][0]["quantity"] == 2
    assert "Anne Martin" not in response.content.decode()
    (exported,) = data["repair_requests"]
    assert exported["reference"] == repair.reference
    assert exported["steps"][0]["status"] == "Envoyée"
    (photo,) = exported["photos"]
    with Image.open(BytesIO(base64.b64decode(photo["jpeg_base64"]))) as picture:
        assert picture.size == (photo["width"], photo["height"]) == (300, 200)


def test_the_export_is_for_staff_allowed_to_see_orders_and_repairs(staff):
    clerk = User.objects.create_user("vendeur", password="pw-vendeur-1", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    signed_in = Client()
    signed_in.force_login(clerk)

    anonymous = Client().post("/admin/donnees-personnelles/", {"email": PAUL.email})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert signed_in.get("/admin/donnees-personnelles/").status_code == 403
    assert "Exporter tout ce que nous conservons" in staff.get("/admin/").content.decode()
    form = staff.post("/admin/donnees-personnelles/", {"email": "pas une adresse"})
    assert form.status_code == 200
    assert "Saisissez une adresse de courriel valide" in form.content.decode()


def age(queryset, days, field):
    queryset.update(**{field: timezone.now() - datetime.timedelta(days=days)})


def snapshot():
    return (
        list(Order.objects.order_by("pk").values()),
        list(RepairRequest.objects.order_by("pk").values()),
        list(RepairStatusChange.objects.order_by("pk").values()),
        list(RepairPhoto.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
    )


def test_the_purge_dry_run_changes_nothing_and_the_run_does_what_it_listed(
    chef, settings, on_commit
):
    old_order, recent_order = place(), place()
    age(Order.objects.filter(pk=old_order.pk), 3651, "created_at")
    age(Order.objects.filter(pk=recent_order.pk), 3000, "created_at")
    old_repair, recent_repair = repair_for(), close(repair_for(), chef)
    age(RepairRequest.objects.filter(pk=old_repair.pk), 1100, "updated_at")
    expired, alive = SessionStore(), SessionStore()
    for session, days in ((expired, -1), (alive, 10)):
        session["cart"] = {"1": 1}
        session.set_expiry(datetime.timedelta(days=days))
        session.save()
    before = snapshot()

    dry = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=dry)

    assert snapshot() == before
    listed = dry.getvalue()
    assert f"order {old_order.number}" in listed
    assert f"repair {old_repair.reference}" in listed
    assert recent_order.number not in listed
    assert recent_repair.reference not in listed
    assert "Would delete 1 expired session(s)" in listed
    assert "nothing changed" in listed

    run = StringIO()
    with on_commit():
        call_command("purge_personal_data", stdout=run)

    assert [line for line in run.getvalue().splitlines() if line.startswith("  ")] == [
        line for line in listed.splitlines() if line.startswith("  ")
    ]
    assert set(Order.objects.exclude(anonymised_at=None).values_list("pk", flat=True)) == {
        old_order.pk
    }
    assert set(RepairRequest.objects.exclude(anonymised_at=None).values_list("pk", flat=True)) == {
        old_repair.pk
    }
    assert Order.objects.get(pk=old_order.pk).email == ""
    assert Order.objects.get(pk=recent_order.pk).email == PAUL.email
    assert not RepairPhoto.objects.filter(request=old_repair).exists()
    assert RepairPhoto.objects.filter(request=recent_repair).count() == 1
    assert len(private_files(settings)) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]
    assert "deleted 1 expired session(s)" in run.getvalue()

    again = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=again)
    assert "on 0 order(s)" in again.getvalue()
    assert "on 0 repair request(s)" in again.getvalue()


def test_the_retention_periods_come_from_the_settings(settings):
    settings.ORDER_RETENTION_DAYS = 30
    order = place()
    age(Order.objects.filter(pk=order.pk), 31, "created_at")
    out = StringIO()

    call_command("purge_personal_data", "--dry-run", stdout=out)

    assert f"order {order.number}" in out.getvalue()
    assert "more than 30 days ago" in out.getvalue()


def test_the_privacy_page_states_the_periods_the_purge_applies(settings):
    pages = json.loads((Path(settings.BASE_DIR) / "fixtures/pages.json").read_text())
    (privacy,) = [
        p["fields"]
        for p in pages
        if p["model"] == "pages.page" and p["fields"]["slug"] == "confidentialite"
    ]

    assert settings.ORDER_RETENTION_DAYS == 10 * 365
    assert "dix ans à compter de la commande" in privacy["body_fr"]
    assert "ten years from the order" in privacy["body_en"]
    assert settings.REPAIR_RETENTION_DAYS == 3 * 365
    assert "trois ans après la dernière étape" in privacy["body_fr"]
    assert "three years after the request’s last step" in privacy["body_en"]
    assert "COMPLÉTER : durée de conservation après la clôture" not in privacy["body_fr"]
