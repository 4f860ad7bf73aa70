"""Staff open the admin with their password and a second factor, through the real forms."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User

from tests.factories import staff_second_factor, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Aiguille-du-Midi-3842"


@pytest.fixture
def chef():
    return User.objects.create_superuser("chef", "chef@millet.example", PASSWORD)


def sign_in(client, username="chef", password=PASSWORD, path="/admin/login/"):
    return client.post(
        f"{path}?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
    )


def test_staff_without_a_second_factor_cannot_open_the_admin(client, chef):
    response = sign_in(client)

    assert response.status_code == 302
    # The password alone opens nothing: every admin page sends to the second factor.
    for path in ("/admin/", "/admin/shop/order/", "/en/admin/catalog/product/"):
        page = client.get(path, follow=True)
        assert "/admin/deuxieme-facteur/" in page.redirect_chain[-1][0], path
        assert "Configurer l’application d’authentification" in page.text
    assert client.get("/admin/donnees-personnelles/").status_code == 302
    assert not Authenticator.objects.exists()


def test_a_code_from_the_authenticator_app_opens_the_admin(client, chef):
    secret = staff_second_factor(chef)
    sign_in(client)

    wrong = client.post("/admin/deuxieme-facteur/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "Code incorrect" in wrong.text or "incorrect" in wrong.text.lower()
    assert client.get("/admin/").status_code == 302

    right = client.post("/admin/deuxieme-facteur/", {"code": totp_code(secret), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_code_step_never_sends_staff_to_another_site(client, chef):
    secret = staff_second_factor(chef)
    sign_in(client)

    response = client.post(
        "/admin/deuxieme-facteur/", {"code": totp_code(secret), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/admin/"


def test_the_admin_signs_in_at_one_address_in_every_language(client, chef):
    assert client.get("/en/admin/login/")["Location"] == "/admin/login/"
    response = client.get("/en/admin/login/?next=/en/admin/shop/order/")
    assert response["Location"] == "/admin/login/?next=/en/admin/shop/order/"
    # A password posted to the English address is not even read.
    posted = sign_in(client, path="/en/admin/login/")
    assert posted.status_code == 302 and posted["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_a_shopper_account_never_opens_the_admin(client):
    shopper = User.objects.create_user("client-1", "paul@example.org", PASSWORD)
    staff_second_factor(shopper)

    response = sign_in(client, username="client-1")

    assert response.status_code == 200
    assert "/admin/" not in response.get("Location", "")
    assert client.get("/admin/").status_code == 302
