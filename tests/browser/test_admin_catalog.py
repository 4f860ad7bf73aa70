from django.contrib.auth.models import User

from catalog.models import Product
from tests.factories import image_bytes, make_activity, make_category, make_product, make_variant


def test_staff_create_a_product_with_two_variants_and_an_image(journey, tmp_path):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    make_category(name="Sacs à dos", slug="sacs-a-dos")
    make_activity(name="Randonnée", slug="randonnee")
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

    page.locator("#id_variants-0-sku").fill("HIKAIR30-U-BLEU")
    page.locator("#id_variants-0-colour_fr").fill("Bleu")
    page.locator("#id_variants-0-colour_en").fill("Blue")
    page.locator("#id_variants-0-stock").fill("6")
    page.get_by_role("button", name="Ajouter un objet Déclinaison supplémentaire").click()
    page.locator("#id_variants-1-sku").fill("HIKAIR30-U-NOIR")
    page.locator("#id_variants-1-colour_fr").fill("Noir")
    page.locator("#id_variants-1-stock").fill("2")
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
    assert product.variants.count() == 2
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
    page.locator("#id_colour_fr").fill("Rouge")
    page.locator("#id_stock").fill("3")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/catalog/variant/")
    journey.check()

    assert product.variants.get().sku == "HIKAIR30-U-ROUGE"
