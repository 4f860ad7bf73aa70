from django.contrib.auth.models import User

from catalog.models import Product
from tests.factories import image_bytes, make_category


def test_staff_create_a_product_with_two_variants_and_an_image(journey, tmp_path):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    make_category(name="Sacs à dos", slug="sacs-a-dos")
    picture = tmp_path / "hiker.jpg"
    picture.write_bytes(image_bytes("JPEG", size=(900, 1100)))
    page = journey.sign_in_to_admin("chef", "montagne-1921")

    journey.visit("/admin/catalog/product/add/")
    page.locator("#id_name_fr").fill("Sac Hiker Air 30")
    page.locator("#id_name_fr").press("Tab")
    page.locator("#id_name_en").fill("Hiker Air 30 Pack")
    assert page.locator("#id_slug").input_value() == "sac-hiker-air-30"
    # The category field is an autocomplete: type, then pick the suggestion.
    page.locator(".field-category .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Sacs")
    page.locator(".select2-results__option", has_text="Sacs à dos").click()
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
    assert product.variants.count() == 2
    assert product.images.get().renditions
    assert (product.name_en, product.images.get().alt_text_en) == (
        "Hiker Air 30 Pack",
        "Blue Hiker Air pack, front view",
    )
