"""A shopper's account, from sign-up to a forgotten password, in Chromium."""

import re

from django.core import mail
from playwright.sync_api import expect

from shop.models import Order
from shop.services import order_advance
from tests.factories import make_image, make_product, make_variant

EMAIL = "lea@example.org"
LINK = re.compile(r"https?://[^\s\"<>]+")


def link_in_last_email(task_worker, to, containing):
    task_worker.run()
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return next(link for link in LINK.findall(message.body) if containing in link)


def test_a_shopper_signs_up_orders_returns_and_comes_back_after_a_reset(journey, task_worker):
    product = make_product(name="Sac Hiker 30", price="80.00")
    make_variant(product=product, size="M", colour="Rouge", stock=4)
    make_image(product=product)

    # Sign up: the address is verified from the e-mail's link before anything else.
    page = journey.visit("/compte/signup/")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill("Cordée-du-Vercors-1921")
    page.get_by_label("Mot de passe (confirmation)").fill("Cordée-du-Vercors-1921")
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_url("**/compte/confirm-email/")
    journey.check()
    confirm = link_in_last_email(task_worker, EMAIL, "/confirm-email/")
    page = journey.visit(re.sub(r"^https?://[^/]+", "", confirm))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/compte/")
    journey.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")

    # An order, with the e-mail address filled in from the account.
    page = journey.visit(product.get_absolute_url())
    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/commande/")
    journey.check()
    expect(page.get_by_label("E-mail")).to_have_value(EMAIL)
    page.get_by_label("Nom complet").fill("Léa Martin")
    page.get_by_role("radio", name="Livraison à domicile").check()
    page.get_by_label("Numéro et rue").fill("1 rue du Lac")
    page.get_by_label("Code postal").fill("74000")
    page.get_by_label("Ville").fill("Annecy")
    page.get_by_role("radio", name="Virement bancaire").check()
    page.get_by_label("J’accepte les conditions générales de vente.").check()
    page.get_by_role("button", name=re.compile("Commander")).click()
    page.wait_for_url("**/commande/*/")
    order = Order.objects.get(email=EMAIL)
    order_advance(order=order_advance(order=order, to_status="paid"), to_status="shipped")

    # Mon compte finds it, and the return is asked for from there.
    page = journey.visit("/compte/")
    orders = page.get_by_role("region", name="Commandes")
    expect(orders).to_contain_text(order.number)
    expect(orders).to_contain_text("Expédiée")
    orders.get_by_role("link", name="Retourner un article").click()
    page.wait_for_url("**/retour/")
    journey.check()
    page.get_by_label("Sac Hiker 30").fill("1")
    page.get_by_label("Pourquoi nous le renvoyez-vous ?").select_option(
        label="La taille ne convient pas"
    )
    page.get_by_role("button", name="Demander le retour").click()
    page.wait_for_url(f"**{order.get_absolute_url()}")
    page = journey.visit("/compte/")
    expect(page.get_by_role("region", name="Retours")).to_contain_text("Demandé")

    # Sign out, then a forgotten password: reset from the e-mail's link.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/")
    journey.check()
    page = journey.visit("/compte/password/reset/")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_role("button", name=re.compile("Réinitialiser")).click()
    page.wait_for_url("**/compte/password/reset/done/")
    journey.check()
    reset = link_in_last_email(task_worker, EMAIL, "/password/reset/key/")
    page = journey.visit(re.sub(r"^https?://[^/]+", "", reset))
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Refuge-du-Goûter-3835")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("Refuge-du-Goûter-3835")
    page.get_by_role("button", name=re.compile("Modifier le mot de passe")).click()
    page.wait_for_url("**/compte/password/reset/key/done/")
    journey.check()

    # Signed in again with the new password, the order is still there.
    page = journey.visit("/compte/login/")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill("Refuge-du-Goûter-3835")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/compte/")
    journey.check()
    expect(page.get_by_role("region", name="Commandes")).to_contain_text(order.number)
