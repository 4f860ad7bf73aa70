from shop.models import Order
from tests.factories import make_image, make_product, make_variant
from tests.shop.factories import make_store


def test_a_shopper_goes_from_the_home_page_to_a_click_and_collect_order(journey):
    product = make_product(name="Sac de trail Drôme Light 5", price="149.00")
    make_variant(product=product, size="S", colour="Rouge", stock=0)
    make_variant(product=product, size="M", colour="Rouge", stock=4, position=1)
    make_image(product=product)
    make_store(name="Millet Annecy")

    page = journey.visit("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Catalogue"
    ).click()
    journey.check()
    page.get_by_role("link", name="Sac de trail Drôme Light 5").first.click()
    journey.check()

    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()
    assert "a été ajouté à votre panier" in page.locator(".messages").inner_text()
    assert page.locator(".cart-count").first.inner_text().startswith("1")

    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/commande/")
    journey.check()
    page.get_by_label("E-mail").fill("lea@example.org")
    page.get_by_label("Nom complet").fill("Léa Martin")
    page.get_by_role("radio", name="Retrait en magasin").check()
    page.get_by_label("Magasin de retrait").select_option(label="Millet Annecy (Annecy)")
    page.get_by_role("radio", name="Paiement au retrait").check()
    page.get_by_label("J’accepte les conditions générales de vente.").check()
    page.get_by_role("button", name="Valider ma commande").click()

    page.wait_for_url("**/commande/*/")
    journey.check()
    order = Order.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Merci : la commande {order.number} est enregistrée"
    )
    assert "Retirez-la chez Millet Annecy" in page.content()
