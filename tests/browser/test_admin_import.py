"""Staff bring stock in from a spreadsheet: a preview first, then the whole file."""

from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.factories import make_product, make_variant


def test_staff_import_stock_from_a_csv_and_the_product_page_shows_it(journey):
    product = make_product(name="Sac Hiker 30", slug="sac-hiker-30", price="79.90")
    make_variant(product=product, sku="HIKER-30-M", size="M", colour="Rouge", stock=0)
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    csv = (
        "sku,product,size_fr,size_en,colour_fr,colour_en,stock\n"
        "HIKER-30-M,sac-hiker-30,M,,Rouge,Red,7\n"
    )

    page = journey.sign_in_to_admin("chef", "montagne-1921")
    page = journey.visit("/admin/catalog/variant/")
    page.get_by_role("link", name="Importer").click()
    page.wait_for_url("**/variant/import/")
    journey.check()
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_label("Fichier à importer").set_input_files(
        files=[{"name": "stock.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Envoyer").click()
    journey.check()

    # The preview shows the change, old → new, and has saved nothing yet.
    expect(page.get_by_role("button", name="Confirmer l’importation")).to_be_visible()
    row = page.locator(".import-preview tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").last.locator("del")).to_have_text("0")
    expect(row.locator("td").last.locator("ins")).to_have_text("7")
    shop = journey.page.context.new_page()
    shop.goto(journey.base_url + product.get_absolute_url())
    expect(shop.get_by_text("Épuisé", exact=True)).to_be_visible()

    page.get_by_role("button", name="Confirmer l’importation").click()
    journey.check()
    expect(page.locator(".messagelist")).to_contain_text("1 modifiés")

    shop.reload()
    expect(shop.get_by_text("Épuisé", exact=True)).to_have_count(0)
    # The size can be chosen again, and the shopper can add it to the cart.
    expect(shop.get_by_role("radio", name="M · Rouge")).to_be_enabled()
    shop.close()


def test_the_export_select_all_box_works_under_the_csp(journey):
    make_product(name="Sac Hiker 30", slug="sac-hiker-30")
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    page = journey.sign_in_to_admin("chef", "montagne-1921")

    page = journey.visit("/admin/catalog/product/export/")
    columns = page.locator(".selectable-field-export-row input[type=checkbox]")
    expect(columns).to_have_count(8)
    everything = page.locator("#export-select-all")

    everything.uncheck()
    for index in range(8):
        expect(columns.nth(index)).not_to_be_checked()
    page.get_by_label("Prix (€) (price)").check()
    assert everything.evaluate("box => box.indeterminate")
    everything.check()
    for index in range(8):
        expect(columns.nth(index)).to_be_checked()
    journey.check()  # no CSP violation, no console error
