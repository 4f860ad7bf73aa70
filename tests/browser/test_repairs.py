from repairs.models import RepairRequest
from tests.factories import image_bytes, make_product, make_variant


def test_a_shopper_asks_for_a_repair_from_a_product_page_and_follows_it(journey, tmp_path):
    product = make_product(
        name="Sac d’alpinisme Peuterey 45",
        slug="sac-alpinisme-peuterey-45",
        repairability="Boucles, zips et bretelles remplaçables.",
    )
    make_variant(product=product)
    picture = tmp_path / "bretelle.jpg"
    picture.write_bytes(image_bytes("JPEG", size=(800, 600)))

    page = journey.visit(product.get_absolute_url())
    page.get_by_role("link", name="Demander une réparation de ce produit").click()
    page.wait_for_url("**/reparation/?produit=sac-alpinisme-peuterey-45")
    journey.check()
    assert page.get_by_label("Produit de notre catalogue").input_value() == product.name

    page.get_by_label("Nom complet").fill("Paul Durand")
    page.get_by_label("E-mail").fill("paul@example.org")
    page.get_by_label("Qu’est-ce qui est abîmé ?").fill("La bretelle gauche est décousue.")
    page.get_by_label("Photos (3 au plus)").set_input_files(str(picture))
    page.get_by_label("Numéro et rue").fill("8 rue du Vercors")
    page.get_by_label("Code postal").fill("38000")
    page.get_by_label("Ville").fill("Grenoble")
    page.get_by_role("button", name="Envoyer ma demande de réparation").click()

    page.wait_for_url("**/reparation/envoyee/*/")
    journey.check()
    repair = RepairRequest.objects.get()
    assert repair.reference in page.get_by_role("heading", level=1).inner_text()
    assert repair.photos.count() == 1

    # Later, from another browser: the reference and e-mail open the request.
    journey.page.context.clear_cookies()
    journey.visit("/reparation/suivi/")
    page.get_by_label("Référence").fill(repair.reference)
    page.get_by_label("E-mail utilisé pour la demande").fill("paul@example.org")
    page.get_by_role("button", name="Afficher ma demande").click()
    page.wait_for_url(f"**/reparation/suivi/{repair.reference}/")
    journey.check()
    assert "Envoyée" in page.get_by_role("main").inner_text()
    assert page.get_by_role("img", name="Votre photo 1").is_visible()
