"""Shopper accounts: sign-up with a verified address, Mon compte, a guest's history joined
once the address is verified, saved addresses at checkout, the shopper's own export and
deletion, and the page cache kept clear of signed-in visitors."""

import dataclasses
import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts.models import SavedAddress
from alerts.models import StockAlert
from shop.models import Order
from tests.factories import make_variant, unique
from tests.shop.factories import make_store
from tests.site.test_personal_data import (
    PAUL,
    TRACES,
    close,
    database_text,
    place,
    repair_for,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Cordée-du-Vercors-1921"
LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what a view defers to the commit (the e-mails it enqueues), as the commit of
    its transaction would."""
    return django_capture_on_commit_callbacks


def sign_up(client, commits, email=PAUL.email, password=PASSWORD):
    with commits(execute=True):
        return client.post(
            "/compte/signup/", {"email": email, "password1": password, "password2": password}
        )


def last_link(to, containing):
    """The link containing `containing` in the last e-mail sent to `to`."""
    (message,) = [m for m in mail.outbox if m.to == [to]][-1:]
    return next(link for link in LINK.findall(message.body) if containing in link)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def verify(client, task_worker, email=PAUL.email):
    task_worker.run()
    confirm = path_of(last_link(email, "/confirm-email/"))
    return client.post(confirm)


def test_sign_up_asks_to_verify_the_address_before_anything_is_shown(client, task_worker, commits):
    response = sign_up(client, commits)

    assert response.status_code == 302
    assert client.get("/compte/").status_code == 302  # not signed in until verified
    assert User.objects.get(email=PAUL.email)
    # The e-mail goes through the worker, in French, with the link.
    assert [m for m in mail.outbox if m.to == [PAUL.email]] == []
    task_worker.run()
    (message,) = [m for m in mail.outbox if m.to == [PAUL.email]]
    assert "/compte/confirm-email/" in message.body
    assert "Confirmez" in message.subject or "confirm" in message.subject.lower()

    response = client.post(path_of(last_link(PAUL.email, "/confirm-email/")))
    assert response.status_code == 302
    page = client.get("/compte/")
    assert page.status_code == 200
    assert "Mon compte" in page.text
    assert PAUL.email in page.text


def test_a_guest_order_joins_the_account_only_once_the_address_is_verified(
    client, task_worker, commits
):
    guest_order = place()  # placed as a guest, with Paul's address
    repair = repair_for()
    alert = StockAlert.objects.create(variant=make_variant(stock=0), email=PAUL.email.upper())
    sign_up(client, commits)
    user = User.objects.get(email=PAUL.email)

    # Signed in by force before verifying (as a session could be): nothing of the guest's.
    unverified = Client()
    unverified.force_login(user)
    page = unverified.get("/compte/")
    assert guest_order.number not in page.text
    assert repair.reference not in page.text
    assert unverified.get(f"/reparation/suivi/{repair.reference}/").status_code == 404

    verify(client, task_worker)
    assert EmailAddress.objects.get(user=user).verified
    page = client.get("/compte/")
    assert guest_order.number in page.text
    assert repair.reference in page.text
    assert alert.variant.product.name in page.text
    assert client.get(f"/reparation/suivi/{repair.reference}/").status_code == 200


def test_someone_elses_records_never_show(client, task_worker, commits):
    others = place(customer=dataclasses.replace(PAUL, email="anne@example.org"))
    sign_up(client, commits)
    verify(client, task_worker)

    page = client.get("/compte/")
    assert others.number not in page.text
    assert client.get("/compte/adresses/999999/").status_code == 404


def test_a_signed_in_shopper_checks_out_with_a_saved_address(client, task_worker, commits):
    sign_up(client, commits)
    verify(client, task_worker)
    store = make_store()
    response = client.post(
        "/compte/adresses/nouvelle/",
        {
            "label": "Maison",
            "delivery": "home",
            "name": PAUL.name,
            "phone": "0612345678",
            "street": PAUL.street,
            "postcode": PAUL.postcode,
            "city": PAUL.city,
        },
    )
    assert response.status_code == 302
    client.post(
        "/compte/adresses/nouvelle/",
        {"label": "Boutique", "delivery": "collect", "name": PAUL.name, "store": store.pk},
    )
    home = SavedAddress.objects.get(label="Maison")
    assert home.is_default and home.phone == "06 12 34 56 78"
    variant = make_variant(stock=3)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})

    form = client.get("/commande/").context["form"]
    assert form.initial["email"] == PAUL.email
    assert form.initial["street"] == PAUL.street
    assert form.initial["delivery"] == "home"
    picked = client.get("/commande/", {"adresse": SavedAddress.objects.get(label="Boutique").pk})
    assert picked.context["form"].initial["store"] == store.pk
    # Someone else's address is never picked.
    other = User.objects.create_user("x", "x@example.org", "pw")
    theirs = SavedAddress.objects.create(
        user=other, label="Ailleurs", delivery="home", name="X", street="1 rue", city="Lyon"
    )
    assert "1 rue" not in client.get("/commande/", {"adresse": theirs.pk}).text


def test_a_saved_address_refuses_bad_input_in_the_shops_words(client, task_worker, commits):
    sign_up(client, commits)
    verify(client, task_worker)

    response = client.post(
        "/compte/adresses/nouvelle/",
        {"label": "", "delivery": "home", "name": "P", "postcode": "123", "phone": "<b>"},
    )

    assert response.status_code == 200
    text = response.text.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Nommez cette adresse" in text
    assert "Indiquez le numéro et la rue." in text
    assert "Un code postal français comporte cinq chiffres." in text
    assert "Saisissez un numéro de téléphone" in text
    assert not SavedAddress.objects.exists()


def reauthenticate(client, path):
    """Open `path`, which asks for the password again first, and give it."""
    response = client.get(path)
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    return client.get(path)


def test_the_shopper_downloads_everything_held_about_them(client, task_worker, commits):
    order = place()
    repair = repair_for(photos=1)
    alert = StockAlert.objects.create(variant=make_variant(stock=0), email=PAUL.email)
    sign_up(client, commits)
    verify(client, task_worker)
    client.post(
        "/compte/adresses/nouvelle/",
        {
            "label": "Maison",
            "delivery": "home",
            "name": PAUL.name,
            "street": PAUL.street,
            "postcode": PAUL.postcode,
            "city": PAUL.city,
        },
    )

    # Signed in again just now? The export still asks only after a while; force the
    # question by clearing the record of the sign-in.
    session = client.session
    session["account_authentication_methods"] = []
    session.save()
    response = reauthenticate(client, "/compte/donnees/")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    data = json.loads(response.content)
    assert [o["number"] for o in data["orders"]] == [order.number]
    assert [r["reference"] for r in data["repair_requests"]] == [repair.reference]
    assert data["repair_requests"][0]["photos"][0]["jpeg_base64"]
    assert [a["sku"] for a in data["stock_alerts"]] == [alert.variant.sku]
    assert data["account"]["saved_addresses"][0]["street"] == PAUL.street


def test_deleting_the_account_leaves_no_personal_field_and_keeps_the_orders(
    client, task_worker, commits, on_commit
):
    from repairs.models import RepairRequest as Repair
    from shop.services import order_advance

    order = order_advance(order=order_advance(order=place(), to_status="paid"), to_status="shipped")
    staff = User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")
    repair = close(repair_for(photos=1), staff)
    StockAlert.objects.create(variant=make_variant(stock=0), email=PAUL.email)
    sign_up(client, commits)
    verify(client, task_worker)
    client.post(
        "/compte/adresses/nouvelle/",
        {
            "label": "Maison",
            "delivery": "home",
            "name": PAUL.name,
            "phone": PAUL.phone,
            "street": PAUL.street,
            "postcode": PAUL.postcode,
            "city": PAUL.city,
        },
    )
    number, total = order.number, order.total

    session = client.session
    session["account_authentication_methods"] = []
    session.save()
    page = reauthenticate(client, "/compte/supprimer/")
    assert page.status_code == 200
    refused = client.post("/compte/supprimer/", {})
    assert "Cochez la case pour confirmer." in refused.text
    with on_commit():
        response = client.post("/compte/supprimer/", {"confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(email__iexact=PAUL.email).exists()
    assert client.get("/compte/").status_code == 302  # signed out
    leaks = [(table, value) for table, value in database_text() for t in TRACES if t in value]
    assert leaks == []
    order = Order.objects.get(number=number)
    assert order.total == total and order.anonymised_at is not None
    assert Repair.objects.get(pk=repair.pk).anonymised_at is not None
    assert not StockAlert.objects.exists()


def test_an_account_with_an_order_under_way_is_not_deleted(client, task_worker, commits):
    order = place()  # awaiting its transfer
    sign_up(client, commits)
    verify(client, task_worker)
    session = client.session
    session["account_authentication_methods"] = []
    session.save()
    reauthenticate(client, "/compte/supprimer/")

    response = client.post("/compte/supprimer/", {"confirm": "on"}, follow=True)

    assert order.number in response.text
    assert User.objects.filter(email=PAUL.email).exists()
    assert Order.objects.get(pk=order.pk).email == PAUL.email


def test_a_signed_in_shoppers_pages_are_never_kept_nor_served_from_the_page_cache(
    client, task_worker, commits
):
    make_variant(stock=3)
    anonymous = Client()
    first = anonymous.get("/produits/")
    assert anonymous.get("/produits/")["X-Page-Cache"] == "hit"
    assert "Mon compte" in first.text  # the same link for everyone

    sign_up(client, commits)
    verify(client, task_worker)
    own = client.get("/produits/")
    assert "X-Page-Cache" not in own
    assert "private" in own["Cache-Control"]
    # What the anonymous visitor gets next is the kept page, byte for byte: nothing of
    # the signed-in shopper (no e-mail, no token, no message).
    again = anonymous.get("/produits/")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == anonymous.get("/produits/").content
    assert PAUL.email not in again.text
    assert "csrfmiddlewaretoken" not in again.text


def test_sign_in_pages_speak_french_and_english_and_need_no_script(client):
    french = client.get("/compte/login/")
    english = client.get("/en/compte/login/")

    assert french.status_code == english.status_code == 200
    assert "Connexion" in french.text
    assert "Sign In" in english.text
    for page in (french, english):
        assert '<label for="id_login"' in page.text
        assert '<label for="id_password"' in page.text
        assert "noindex" in page.text


def test_signing_up_with_a_taken_address_reveals_nothing(client, task_worker, commits):
    first = sign_up(client, commits)

    again = sign_up(Client(), commits)  # the same address again
    fresh = sign_up(Client(), commits, email="anne@example.org")

    # The same answer as for an address nobody has: no one learns who has an account.
    assert again.status_code == fresh.status_code == first.status_code == 302
    assert again["Location"] == fresh["Location"]
    assert User.objects.filter(email=PAUL.email).count() == 1


def unique_email():
    return f"{unique('s')}@example.org"


@pytest.mark.parametrize(
    "path", ["/compte/login/", "/en/compte/signup/", "/compte/password/reset/"]
)
def test_account_pages_are_never_stored_nor_indexed(client, path):
    response = client.get(path)

    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    robots = client.get("/robots.txt").text
    assert "Disallow: /compte/" in robots and "Disallow: /en/compte/" in robots


def test_mon_compte_runs_a_fixed_number_of_queries(
    client, task_worker, commits, django_assert_max_num_queries
):
    from shop.services import order_advance

    sign_up(client, commits)
    verify(client, task_worker)

    def count():
        with django_assert_max_num_queries(100) as captured:
            assert client.get("/compte/").status_code == 200
        return len(captured)

    place()
    one = count()
    for _ in range(4):
        order_advance(order=order_advance(order=place(), to_status="paid"), to_status="shipped")
        repair_for(photos=0)
        StockAlert.objects.create(variant=make_variant(stock=0), email=PAUL.email)
    assert count() == one <= 8


@pytest.mark.parametrize(
    "path",
    [
        "/compte/email/",
        "/compte/password/change/",
        "/compte/2fa/",
        "/compte/2fa/totp/activate/",
        "/en/compte/email/",
        "/compte/adresses/nouvelle/",
    ],
)
def test_every_account_page_opens_in_the_shops_look(client, task_worker, commits, path):
    sign_up(client, commits)
    verify(client, task_worker)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert 'class="site-header' in response.text
    assert "Messages:" not in response.text and "Menu:" not in response.text
