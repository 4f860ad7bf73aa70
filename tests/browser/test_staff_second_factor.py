"""A member of staff's first sign-in: the password, then an authenticator app to set up."""

import re

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.factories import totp_code


def test_staff_set_up_their_authenticator_app_at_the_first_sign_in(journey):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")

    page = journey.visit("/admin/")
    page.get_by_label("Nom d’utilisateur").fill("chef")
    page.get_by_label("Mot de passe").fill("montagne-1921")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/deuxieme-facteur/**")
    journey.check()
    page.get_by_role("link", name="Configurer l’application d’authentification").click()
    page.wait_for_load_state()
    journey.check()
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.get_by_label("Mot de passe").fill("montagne-1921")
        page.get_by_role("button", name=re.compile("Confirmer")).click()
        page.wait_for_url("**/2fa/totp/activate/**")
        journey.check()

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("Code")).fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_url(re.compile(r"/(admin/deuxieme-facteur|compte/2fa/recovery-codes)/"))
    journey.check()

    assert Authenticator.objects.filter(user__username="chef", type="totp").exists()
    page = journey.visit("/admin/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Deuxième facteur")
