import re

from alerts.models import StockAlert
from tests.factories import NO_BREAK, make_product, make_variant

LINK = re.compile(r"http://127\.0\.0\.1:8000(/\S+/)")


def test_a_shopper_asks_for_a_sold_out_size_and_confirms_from_the_email(
    journey, mailoutbox, task_worker
):
    product = make_product(name="Doudoune Trilogy", slug="doudoune-trilogy")
    make_variant(product=product, size="M", colour="Noir", stock=3)
    make_variant(product=product, size="L", colour="Noir", stock=0)

    # The form carries no token (its page may come from the shared cache):
    # the browser's word on where it was sent from lets it through.
    page = journey.visit(product.get_absolute_url())
    page.get_by_label("Taille et couleur épuisées").select_option(label="L / Noir")
    page.get_by_role("textbox", name="E-mail").fill("lea@example.org")
    page.get_by_role("button", name="M’avertir").click()
    page.wait_for_url(f"**{product.get_absolute_url()}")
    journey.check()
    assert "Vérifiez votre boîte de réception" in page.content().translate(NO_BREAK)

    task_worker.run()
    (message,) = mailoutbox
    confirm, unsubscribe = LINK.findall(message.body)
    page = journey.visit(confirm)
    page.get_by_role("button", name="Confirmer mon alerte").click()
    page.wait_for_url(f"**{confirm}")
    journey.check()
    assert "Votre alerte est confirmée" in page.content().translate(NO_BREAK)
    assert StockAlert.objects.get().confirmed_at is not None

    page = journey.visit(unsubscribe)
    page.get_by_role("button", name="Annuler l’alerte").click()
    page.wait_for_url("**/alerte-stock/desinscrite/")
    journey.check()
    assert not StockAlert.objects.exists()
