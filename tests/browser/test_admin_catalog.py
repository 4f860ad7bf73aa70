from django.contrib.auth.models import User

from catalog.models import Colour, Product, Size
from tests.factories import image_bytes, make_activity, make_category, make_product, make_variant


def test_staff_create_a_product_with_two_variants_and_an_image(journey, tmp_path):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    make_category(name="Sacs à dos", slug="sacs-a-dos")
    make_activity(name="Randonnée", slug="randonnee")
    Colour.objects.create(name="Bleu", name_en="Blue", position=0)
    Colour.objects.create(name="Noir", name_en="Black", position=1)
    picture = tmp_path / "hiker.jpg"
    picture.write_bytes(image_bytes("JPEG", size=(900, 1100)))
    page = journey.sign_in_to_admin("chef", "montagne-1921")

    journey.visit("/admin/catalog/product/add/")
    page.locator("#id_name_fr").fill("Sac Hiker Air 30")
    page.locator("#id_name_fr").press("Tab")
    page.locator("#id_name_en").fill("Hiker Air 30 Pack")
    assert page.locator("#id_slug").input_value() == "sac-hiker-air-30"
    category = page.get_by_label("Catégorie")
    # A required select starts on an empty choice, as the HTML standard asks.
    assert category.locator("option").first.get_attribute("value") == ""
    category.select_option(label="Sacs à dos")
    page.get_by_label("Randonnée").check()
    page.locator("#id_price").fill("119.90")
    page.locator("#id_country_of_manufacture_fr").fill("Viêt Nam")
    page.locator("#id_country_of_manufacture_en").fill("Vietnam")
    page.locator("#id_is_published").check()

    # One line per variant, its colour from the list staff keep.
    page.locator("#id_variants-0-sku").fill("HIKAIR30-U-BLEU")
    page.locator("#id_variants-0-colour_choice").select_option("Bleu")
    page.locator("#id_variants-0-stock").fill("6")
    page.get_by_role("button", name="Ajouter un objet Déclinaison supplémentaire").click()
    page.locator("#id_variants-1-sku").fill("HIKAIR30-U-NOIR")
    page.locator("#id_variants-1-colour_choice").select_option("Noir")
    page.locator("#id_variants-1-stock").fill("2")
    journey.check()  # the added line's cells are named too
    page.locator("#id_images-0-image").set_input_files(str(picture))
    page.locator("#id_images-0-alt_text_fr").fill("Sac Hiker Air bleu, vue de face")
    page.locator("#id_images-0-alt_text_en").fill("Blue Hiker Air pack, front view")

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/catalog/product/")
    journey.check()

    row = page.get_by_role("row").filter(has_text="Sac Hiker Air 30")
    assert row.count() == 1
    assert "119,90" in row.inner_text()
    assert (
        row.locator("img.admin-thumbnail").get_attribute("alt") == "Sac Hiker Air bleu, vue de face"
    )
    product = Product.objects.get(slug="sac-hiker-air-30")
    assert product.category.slug == "sacs-a-dos"
    assert list(product.activities.values_list("slug", flat=True)) == ["randonnee"]
    assert set(product.variants.values_list("colour_fr", "colour_en")) == {
        ("Bleu", "Blue"),
        ("Noir", "Black"),
    }
    assert product.images.get().renditions
    assert (product.name_en, product.images.get().alt_text_en) == (
        "Hiker Air 30 Pack",
        "Blue Hiker Air pack, front view",
    )


def test_the_product_list_shows_stock_and_published_on_a_1366_px_screen(journey):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    category = make_category(name="Vêtements de ski", slug="vetements-ski")
    product = make_product(
        name="Veste de ski freeride Gore-Tex homme", category=category, is_published=True
    )
    make_variant(product=product, stock=7)
    journey.page.set_viewport_size({"width": 1366, "height": 768})
    journey.sign_in_to_admin("chef", "montagne-1921")

    page = journey.visit("/admin/catalog/product/")

    for header in ("Stock", "Publié"):
        box = page.get_by_role("columnheader", name=header).bounding_box()
        assert box["x"] + box["width"] <= 1366, header
    row = page.get_by_role("row").filter(has_text="Veste de ski freeride")
    assert row.locator("td.field-stock").inner_text() == "7"


def test_the_product_autocomplete_of_a_variant_is_named_for_screen_readers(journey):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    product = make_product(name="Sac Hiker Air 30")
    make_product(name="Veste Guide Chamonix")
    Colour.objects.create(name="Rouge", name_en="Red")
    page = journey.sign_in_to_admin("chef", "montagne-1921")

    journey.visit("/admin/catalog/variant/add/")
    page.get_by_role("combobox", name="Produit").click()
    search = page.get_by_role("searchbox", name="Produit")
    search.fill("Hiker")
    page.get_by_role("option", name="Sac Hiker Air 30").wait_for()
    journey.check()  # the open list and its search box, too
    page.get_by_role("option", name="Sac Hiker Air 30").click()
    assert "Sac Hiker Air 30" in page.get_by_role("combobox", name="Produit").inner_text()
    page.locator("#id_sku").fill("HIKAIR30-U-ROUGE")
    page.get_by_label("Couleur").select_option("Rouge")
    page.locator("#id_stock").fill("3")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/catalog/variant/")
    journey.check()

    assert product.variants.get().sku == "HIKAIR30-U-ROUGE"


def test_staff_generate_variants_from_the_lists_and_see_them_one_line_each(journey):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    product = make_product(name="Sac Trail 25", slug="sac-trail-25")
    for position, name in enumerate(["S", "M", "L"]):
        Size.objects.create(name=name, position=position)
    Colour.objects.create(name="Rouge", name_en="Red", position=0)
    Colour.objects.create(name="Noir", name_en="Black", position=1)
    journey.page.set_viewport_size({"width": 1366, "height": 900})
    page = journey.sign_in_to_admin("chef", "montagne-1921")

    journey.visit(f"/admin/catalog/product/{product.pk}/change/")
    page.get_by_role("link", name="Générer les tailles et couleurs").click()
    journey.check()
    for name in ("S", "M", "L", "Rouge · Red", "Noir · Black"):
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Stock de départ").fill("3")
    page.get_by_role("button", name="Générer les déclinaisons").click()
    page.wait_for_url(f"**/admin/catalog/product/{product.pk}/change/")
    journey.check()

    rows = page.locator("#variants-group tbody tr.has_original")
    assert rows.count() == 6
    assert page.get_by_label("Taille · SAC-TRAIL-25-M-NOIR").input_value() == "M"
    assert page.get_by_label("Couleur · SAC-TRAIL-25-M-NOIR").input_value() == "Noir"
    # A line, not a block of fields: the six fit one screen.
    first, last = rows.first.bounding_box(), rows.last.bounding_box()
    assert last["y"] + last["height"] - first["y"] < 6 * 60

    # On a phone, each variant is a card whose cells name their column.
    page.set_viewport_size({"width": 390, "height": 844})
    journey.check()
    card = rows.first
    assert (
        card.locator("td.field-stock").evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        == '"Stock disponible"'
    )
    assert card.bounding_box()["width"] <= 390
