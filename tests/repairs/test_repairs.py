"""Repair requests: the form, references, the workshop's moves, the e-mails and tracking."""

import re
import threading
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from repairs.models import RepairRequest, Status
from repairs.services import MoveRefused, repair_advance, repair_request_create
from tests.factories import NO_BREAK, image_bytes, make_product

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def photo(name="sac.jpg", fmt="JPEG", content=None):
    return SimpleUploadedFile(name, content or image_bytes(fmt, size=(600, 400)), "image/jpeg")


def request_data(**overrides):
    return {
        "name": "Paul Durand",
        "email": "paul@example.org",
        "phone": "",
        "product": "",
        "product_description": "Vieux sac rouge des années 1990",
        "purchase_year": "1995",
        "damage": "La bretelle gauche est déchirée à la couture.",
        "street": "8 rue du Vercors",
        "postcode": "38000",
        "city": "Grenoble",
        **overrides,
    }


def test_a_request_gets_a_reference_an_email_and_a_tracking_link(
    client, mailoutbox, on_commit, task_worker
):
    with on_commit():
        response = client.post(
            "/reparation/", request_data(photos=[photo(), photo("b.png", "PNG")]), follow=True
        )
    assert mailoutbox == []  # the worker sends it, not the page
    task_worker.run()

    repair = RepairRequest.objects.get()
    assert re.fullmatch(rf"R-{YEAR}-\d{{5}}", repair.reference)
    assert repair.photos.count() == 2
    assert [h.status for h in repair.history.all()] == ["submitted"]
    assert f"La demande {repair.reference} est envoyée" in response.content.decode().translate(
        NO_BREAK
    )
    (message,) = mailoutbox
    assert message.to == ["paul@example.org"]
    assert repair.reference in message.subject
    assert "http://127.0.0.1:8000/reparation/suivi/" in message.body


def test_the_product_can_be_picked_from_the_catalogue_and_is_prefilled_from_its_page(client):
    make_product(name="Sac Hiker 30", slug="sac-hiker-30")

    page = client.get("/reparation/?produit=sac-hiker-30").content.decode().translate(NO_BREAK)
    assert 'value="Sac Hiker 30"' in page
    assert '<option value="Sac Hiker 30">' in page
    assert client.get("/reparation/?produit=inconnu%00").status_code == 200

    client.post("/reparation/", request_data(product="sac hiker 30", product_description=""))
    assert RepairRequest.objects.get().product.slug == "sac-hiker-30"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"product": "", "product_description": ""}, "product_description", "décrivez l’article"),
        ({"product": "Sac inventé"}, "product", "n’est pas dans notre catalogue"),
        ({"purchase_year": str(YEAR + 1)}, "purchase_year", "ne peut pas être dans le futur"),
        ({"purchase_year": "1800"}, "purchase_year", "une année à partir de 1921"),
        ({"postcode": "380"}, "postcode", "cinq chiffres"),
        ({"damage": ""}, "damage", "Décrivez les dégâts"),
        ({"email": "paul"}, "email", "valide"),
    ],
)
def test_each_field_is_checked(client, changes, field, message):
    response = client.post("/reparation/", request_data(**changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not RepairRequest.objects.exists()


def bomb():
    buffer = BytesIO()
    Image.new("L", (8000, 5000)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: photo("sac.jpg", content=image_bytes("PNG")), "réalité une image PNG"),
        (lambda: photo("sac.jpg", content=image_bytes("JPEG", (900, 900))[:2000]), "endommagée"),
        (lambda: SimpleUploadedFile("notes.jpg", b"just text", "text/plain"), "pas une image"),
        (lambda: photo("bomb.png", content=bomb()), "mégapixels"),
    ],
)
def test_a_bad_photo_is_refused_and_the_rest_of_the_form_is_kept(client, upload, message):
    response = client.post("/reparation/", request_data(photos=[upload()]))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    html = response.content.decode().translate(NO_BREAK)
    assert 'value="Paul Durand"' in html
    assert "La bretelle gauche est déchirée" in html
    assert "choisir à nouveau vos photos" in html
    assert not RepairRequest.objects.exists()


def test_four_photos_are_refused(client):
    response = client.post("/reparation/", request_data(photos=[photo() for _ in range(4)]))

    assert "3 photos au plus" in " ".join(response.context["form"].errors["photos"])
    assert not RepairRequest.objects.exists()


def test_references_follow_each_other_within_a_year():
    first = repair_request_create(fields=request_data_fields())
    second = repair_request_create(fields=request_data_fields())

    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def request_data_fields(**overrides):
    data = request_data(**overrides)
    data["purchase_year"] = int(data["purchase_year"])
    data.pop("product")
    return data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_when_requests_race(require_postgres):
    references, errors = [], []

    def submit():
        try:
            references.append(repair_request_create(fields=request_data_fields()).reference)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(references)) == 8
    assert sorted(int(r[-5:]) for r in references) == list(range(1, 9))


@pytest.fixture
def workshop():
    return User.objects.create_user("atelier", password="pw-atelier-1", is_staff=True)


def test_the_status_moves_are_recorded_and_mailed(workshop, mailoutbox, on_commit, task_worker):
    repair = repair_request_create(fields=request_data_fields())

    with on_commit():
        for status in ("received", "diagnosed"):
            repair = repair_advance(repair=repair, to_status=status, by_user=workshop, note="Reçu.")
    task_worker.run()

    assert [h.status for h in repair.history.all()] == ["submitted", "received", "diagnosed"]
    assert repair.history.last().by == workshop
    assert len(mailoutbox) == 2
    assert "Diagnostiquée" in mailoutbox[-1].body
    assert "Reçu." in mailoutbox[-1].body  # the workshop's message to the shopper
    assert all(change.emailed_at for change in repair.history.exclude(status="submitted"))


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["closed"], "in_repair"),
        (["received"], "shipped_back"),
        (["received", "diagnosed"], "quoted"),  # no quote amount yet
    ],
)
def test_impossible_moves_are_refused(workshop, path, refused):
    repair = repair_request_create(fields=request_data_fields())
    for status in path:
        repair = repair_advance(repair=repair, to_status=status, by_user=workshop)

    with pytest.raises(MoveRefused):
        repair_advance(repair=repair, to_status=refused, by_user=workshop)
    assert RepairRequest.objects.get(pk=repair.pk).status == path[-1]


def quoted_repair(client, workshop, amount="35.00"):
    client.post("/reparation/", request_data())
    repair = RepairRequest.objects.get()
    for status in ("received", "diagnosed"):
        repair = repair_advance(repair=repair, to_status=status, by_user=workshop)
    repair.quote_amount = Decimal(amount)
    repair.quote_note = "Remplacement de la bretelle."
    repair.save()
    return repair_advance(repair=repair, to_status="quoted", by_user=workshop)


def test_the_shopper_accepts_the_quote_once_and_the_repair_can_start(client, workshop):
    repair = quoted_repair(client, workshop)
    with pytest.raises(MoveRefused):
        repair_advance(repair=repair, to_status="in_repair", by_user=workshop)

    page = client.get(f"/reparation/suivi/{repair.reference}/").content.decode().translate(NO_BREAK)
    assert "35,00 €" in page and "Accepter le devis" in page
    client.post(f"/reparation/suivi/{repair.reference}/devis/", {"answer": "accept"})
    response = client.post(
        f"/reparation/suivi/{repair.reference}/devis/", {"answer": "decline"}, follow=True
    )

    assert "Aucun devis n’attend votre réponse." in response.content.decode().translate(NO_BREAK)
    repair.refresh_from_db()
    assert repair.quote_decision == "accepted"
    assert repair_advance(repair=repair, to_status="in_repair", by_user=workshop).status == (
        "in_repair"
    )


def test_tracking_with_the_right_pair_shows_the_history(client, workshop):
    repair = repair_request_create(fields=request_data_fields())
    repair_advance(repair=repair, to_status="received", by_user=workshop, note="Bien reçu !")

    response = Client().post(
        "/reparation/suivi/",
        {"reference": repair.reference.lower(), "email": "PAUL@example.org"},
        follow=True,
    )

    html = response.content.decode().translate(NO_BREAK)
    assert "Reçue à l’atelier" in html
    assert "De l’atelier : Bien reçu !" in html


def test_a_wrong_pair_and_an_unknown_reference_get_the_same_answer(client):
    repair = repair_request_create(fields=request_data_fields())

    wrong_email = client.post(
        "/reparation/suivi/", {"reference": repair.reference, "email": "x@example.org"}
    )
    unknown = client.post(
        "/reparation/suivi/", {"reference": "R-2026-99999", "email": "paul@example.org"}
    )

    def answer(response):
        return (
            re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]+"',
                "",
                response.content.decode().translate(NO_BREAK),
            )
            .replace(repair.reference, "REF")
            .replace("R-2026-99999", "REF")
            .replace("x@example.org", "MAIL")
            .replace("paul@example.org", "MAIL")
        )

    assert wrong_email.status_code == unknown.status_code == 200
    assert answer(wrong_email) == answer(unknown)
    assert "Aucune demande ne correspond" in wrong_email.content.decode().translate(NO_BREAK)


def test_repeated_wrong_guesses_are_refused(client):
    for _ in range(5):
        client.post("/reparation/suivi/", {"reference": "R-2026-00001", "email": "a@example.org"})

    response = client.post(
        "/reparation/suivi/", {"reference": "R-2026-00001", "email": "a@example.org"}
    )

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode().translate(NO_BREAK)


def test_guessing_one_reference_locks_out_neither_its_owner_nor_another_shopper(client, settings):
    settings.BEHIND_PROXY = True
    owner_repair = repair_request_create(fields=request_data_fields())
    other_repair = repair_request_create(fields=request_data_fields(email="anna@example.org"))
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    guess = {"reference": owner_repair.reference, "email": "guess@example.org"}
    for _ in range(5):
        assert client.post("/reparation/suivi/", guess, **attacker).status_code == 200
    assert client.post("/reparation/suivi/", guess, **attacker).status_code == 429

    owner = Client().post(
        "/reparation/suivi/",
        {"reference": owner_repair.reference, "email": "paul@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    same_address_other_reference = Client().post(
        "/reparation/suivi/",
        {"reference": other_repair.reference, "email": "anna@example.org"},
        **attacker,
    )

    assert owner.status_code == 302
    assert same_address_other_reference.status_code == 302


def test_one_address_guessing_many_references_is_stopped_too(client):
    for number in range(20):
        client.post(
            "/reparation/suivi/", {"reference": f"R-2026-{number:05d}", "email": "a@example.org"}
        )

    response = client.post(
        "/reparation/suivi/", {"reference": "R-2026-00099", "email": "a@example.org"}
    )

    assert response.status_code == 429


def test_a_forged_forwarded_address_is_not_trusted_without_the_proxy_setting(client):
    for number in range(5):
        client.post(
            "/reparation/suivi/",
            {"reference": "R-2026-00001", "email": "a@example.org"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",  # a new address each time
        )

    response = client.post(
        "/reparation/suivi/",
        {"reference": "R-2026-00001", "email": "a@example.org"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )

    assert response.status_code == 429


def test_repair_requests_from_one_connection_are_limited_and_keep_what_was_typed(client):
    for _ in range(3):  # corrections never count
        assert client.post("/reparation/", request_data(email="")).status_code == 200
    for _ in range(10):
        assert client.post("/reparation/", request_data()).status_code == 302

    response = client.post("/reparation/", request_data())

    assert response.status_code == 429
    html = response.content.decode().translate(NO_BREAK)
    assert "a envoyé beaucoup de demandes de réparation" in html
    assert "La bretelle gauche est déchirée à la couture." in html  # kept in the form
    assert RepairRequest.objects.count() == 10


def test_nobody_reads_another_persons_request_or_photos(client, settings):
    client.post("/reparation/", request_data(photos=[photo()]))
    repair = RepairRequest.objects.get()
    picture = repair.photos.get()
    stranger = Client()

    assert (
        client.get(f"/reparation/suivi/{repair.reference}/photo/{picture.pk}/").status_code == 200
    )
    assert stranger.get(f"/reparation/suivi/{repair.reference}/").status_code == 404
    assert stranger.get(f"/reparation/envoyee/{repair.reference}/").status_code == 404
    assert (
        stranger.get(f"/reparation/suivi/{repair.reference}/photo/{picture.pk}/").status_code == 404
    )
    assert (
        stranger.post(
            f"/reparation/suivi/{repair.reference}/devis/", {"answer": "accept"}
        ).status_code
        == 404
    )
    # The file is outside MEDIA_ROOT: no public URL reaches it.
    assert picture.image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert stranger.get(f"/media/{picture.image.name}").status_code == 404


def test_the_tracking_page_runs_a_fixed_number_of_queries(
    client, workshop, django_assert_num_queries
):
    client.post("/reparation/", request_data(photos=[photo(), photo()]))
    repair = RepairRequest.objects.get()
    for status in ("received", "diagnosed", "in_repair", "shipped_back", "closed"):
        repair = repair_advance(repair=repair, to_status=status, by_user=workshop)

    # 1. session, 2. the request with its product, 3. history, 4. photos
    with django_assert_num_queries(4):
        assert client.get(f"/reparation/suivi/{repair.reference}/").status_code == 200


def test_staff_run_the_workshop_from_the_admin(client, workshop):
    admin = User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")
    client.force_login(admin)
    repair = repair_request_create(fields=request_data_fields())

    assert client.get("/admin/repairs/repairrequest/").status_code == 200
    assert client.get(f"/admin/repairs/repairrequest/{repair.pk}/change/").status_code == 200
    assert client.get("/admin/repairs/repairrequest/?age=week").context["cl"].result_count == 1
    client.post(
        "/admin/repairs/repairrequest/",
        {"action": "move_to_received", "_selected_action": [repair.pk]},
    )
    response = client.post(
        "/admin/repairs/repairrequest/",
        {"action": "move_to_closed", "_selected_action": [repair.pk]},
        follow=True,
    )
    client.post(
        "/admin/repairs/repairrequest/",
        {"action": "move_to_in_repair", "_selected_action": [repair.pk]},
    )
    repair.refresh_from_db()
    assert repair.status == Status.CLOSED
    assert response.status_code == 200
    assert repair.history.get(status="received").by == admin
