"""Staff move a repair to its next step from its admin page, with the message the shopper reads."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django_tasks_db.models import DBTaskResult

from repairs.models import RepairRequest, Status
from repairs.services import repair_advance, repair_request_create
from tests.factories import NO_BREAK

pytestmark = pytest.mark.django_db


def a_request(**overrides):
    return repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge des années 1990",
            "damage": "La bretelle gauche est déchirée à la couture.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
            **overrides,
        }
    )


@pytest.fixture
def chef():
    return User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")


def move_url(repair):
    return f"/admin/repairs/repairrequest/{repair.pk}/move/"


def page_text(response):
    return response.content.decode().translate(NO_BREAK)


def test_the_change_page_links_to_the_move_form_which_offers_only_the_allowed_steps(client, chef):
    client.force_login(chef)
    repair = a_request()

    change_page = page_text(client.get(f"/admin/repairs/repairrequest/{repair.pk}/change/"))
    form = page_text(client.get(move_url(repair)))

    assert f'href="{move_url(repair)}"' in change_page
    assert re.findall(r'<option value="(\w+)"', form) == ["received", "closed"]
    assert "Message au client" in form


def test_a_move_with_a_note_reaches_the_shoppers_tracking_page_and_is_emailed(
    client, chef, on_commit, task_worker, mailoutbox
):
    client.force_login(chef)
    repair = a_request()
    task_worker.run()  # the request's own confirmation
    mailoutbox.clear()

    with on_commit():
        response = client.post(
            move_url(repair),
            {"to_status": "received", "note": "Bien reçu, nous l’examinons jeudi."},
            follow=True,
        )

    repair.refresh_from_db()
    assert repair.status == Status.RECEIVED
    change = repair.history.get(status="received")
    assert (change.note, change.by) == ("Bien reçu, nous l’examinons jeudi.", chef)
    assert response.redirect_chain[-1][0] == f"/admin/repairs/repairrequest/{repair.pk}/change/"
    assert f"{repair.reference} est maintenant « Reçue à l’atelier »" in page_text(response)
    # The e-mail waits in the task queue; the worker sends it with the note.
    assert DBTaskResult.objects.filter(
        task_path="repairs.tasks.repair_email_send",
        status="READY",
        args_kwargs__kwargs__change_id=change.pk,
    ).exists()
    assert task_worker.run() == 1
    (message,) = mailoutbox
    assert message.to == ["paul@example.org"]
    assert "Bien reçu, nous l’examinons jeudi." in message.body

    shopper = Client()
    tracking = shopper.post(
        "/reparation/suivi/",
        {"reference": repair.reference, "email": "paul@example.org"},
        follow=True,
    )
    assert "De l’atelier : Bien reçu, nous l’examinons jeudi." in page_text(tracking)


def test_a_move_the_service_refuses_is_explained_and_changes_nothing(client, chef, on_commit):
    client.force_login(chef)
    repair = a_request()
    for status in ("received", "diagnosed"):
        repair = repair_advance(repair=repair, to_status=status, by_user=chef)
    queued = DBTaskResult.objects.count()

    with on_commit():
        response = client.post(move_url(repair), {"to_status": "quoted", "note": "Voici le devis."})

    assert response.status_code == 200
    assert "Indiquez le montant du devis avant de l’envoyer." in page_text(response)
    repair.refresh_from_db()
    assert repair.status == Status.DIAGNOSED
    assert not repair.history.filter(status="quoted").exists()
    assert DBTaskResult.objects.count() == queued


def test_a_step_that_is_not_next_is_refused_by_the_form(client, chef):
    client.force_login(chef)
    repair = a_request()

    response = client.post(move_url(repair), {"to_status": "shipped_back", "note": ""})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(response)
    assert RepairRequest.objects.get(pk=repair.pk).status == Status.SUBMITTED


def test_a_closed_request_has_no_next_step(client, chef):
    client.force_login(chef)
    repair = repair_advance(repair=a_request(), to_status="closed", by_user=chef)

    page = page_text(client.get(move_url(repair)))

    assert "Cette demande est close" in page
    assert "<form" not in page.split('id="content-main"')[1]


def test_staff_who_may_only_view_repairs_cannot_move_them(client):
    viewer = User.objects.create_user("accueil", password="pw-accueil-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_repairrequest"))
    client.force_login(viewer)
    repair = a_request()

    assert client.get(move_url(repair)).status_code == 403
    assert client.post(move_url(repair), {"to_status": "received"}).status_code == 403
    assert RepairRequest.objects.get(pk=repair.pk).status == Status.SUBMITTED
    change_page = page_text(client.get(f"/admin/repairs/repairrequest/{repair.pk}/change/"))
    assert move_url(repair) not in change_page


def test_a_shopper_is_sent_to_the_admin_login(client):
    client.force_login(User.objects.create_user("alice", "alice@example.org", "pw-alice-1"))
    repair = a_request()

    response = client.post(move_url(repair), {"to_status": "received"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert RepairRequest.objects.get(pk=repair.pk).status == Status.SUBMITTED


def test_the_form_needs_its_csrf_token(chef):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(chef)
    repair = a_request()

    forged = browser.post(move_url(repair), {"to_status": "received", "note": "Piège"})
    form = browser.get(move_url(repair))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    genuine = browser.post(
        move_url(repair), {"to_status": "received", "csrfmiddlewaretoken": token}
    )

    assert forged.status_code == 403
    assert genuine.status_code == 302
    assert RepairRequest.objects.get(pk=repair.pk).history.get(status="received").note == ""


def test_the_next_step_page_shows_the_damage_and_the_photos(client, chef):
    from django.core.files.base import ContentFile

    from tests.factories import image_bytes

    client.force_login(chef)
    repair = repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge des années 1990",
            "damage": "La bretelle gauche est déchirée à la couture.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
        },
        photos=[ContentFile(image_bytes("JPEG", (300, 200)), name="p.jpg")],
    )
    photo = repair.photos.get()

    form = page_text(client.get(move_url(repair)))

    assert "La bretelle gauche est déchirée à la couture." in form
    photo_url = f"/admin/repairs/repairrequest/{repair.pk}/photo/{photo.pk}/"
    assert f'<img src="{photo_url}"' in form
    assert client.get(photo_url).status_code == 200
