import json
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from repairs.models import RepairRequest
from repairs.services import repair_request_create
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


def test_staff_see_the_shoppers_photo_in_the_admin_and_export_their_data(journey, tmp_path):
    User.objects.create_superuser("atelier", "atelier@millet.example", "montagne-1921")
    repair = repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Sac rouge des années 1990",
            "damage": "La bretelle gauche est décousue.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
        },
        photos=[ContentFile(image_bytes("JPEG", size=(800, 600)), name="p.jpg")],
    )
    page = journey.sign_in_to_admin("atelier", "montagne-1921")

    journey.visit(f"/admin/repairs/repairrequest/{repair.pk}/change/")
    thumbnail = page.get_by_role("img", name=f"Photo envoyée avec {repair.reference}")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 800

    journey.visit("/admin/")
    page.get_by_role("link", name="Exporter tout ce que nous conservons").click()
    page.wait_for_url("**/admin/donnees-personnelles/")
    journey.check()
    page.get_by_label("Adresse e-mail du client").fill("PAUL@example.org")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le fichier JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert [r["reference"] for r in exported["repair_requests"]] == [repair.reference]


def test_staff_move_a_repair_with_a_message_the_shopper_then_reads(journey):
    User.objects.create_superuser("atelier", "atelier@millet.example", "montagne-1921")
    repair = repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Sac rouge des années 1990",
            "damage": "La bretelle gauche est décousue.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
        }
    )
    page = journey.sign_in_to_admin("atelier", "montagne-1921")

    journey.visit(f"/admin/repairs/repairrequest/{repair.pk}/change/")
    page.get_by_role("link", name="Étape suivante, avec un message").click()
    page.wait_for_url(f"**/admin/repairs/repairrequest/{repair.pk}/move/")
    journey.check()
    page.get_by_label("Étape suivante").select_option(label="Reçue à l’atelier")
    page.get_by_label("Message au client").fill("Bien reçu, nous l’examinons jeudi.")
    page.get_by_role("button", name="Passer à l’étape et écrire au client").click()
    page.wait_for_url(f"**/admin/repairs/repairrequest/{repair.pk}/change/")
    journey.check()
    assert "est maintenant" in page.locator(".messagelist").inner_text()

    journey.page.context.clear_cookies()
    journey.visit("/reparation/suivi/")
    page.get_by_label("Référence").fill(repair.reference)
    page.get_by_label("E-mail utilisé pour la demande").fill("paul@example.org")
    page.get_by_role("button", name="Afficher ma demande").click()
    page.wait_for_url(f"**/reparation/suivi/{repair.reference}/")
    journey.check()
    assert "Bien reçu, nous l’examinons jeudi." in page.get_by_role("main").inner_text()
