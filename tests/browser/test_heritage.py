from django.core.management import call_command

from tests.factories import make_product
from tests.heritage.test_timeline import LINKED_PRODUCTS


def test_a_reader_jumps_to_1950_and_reaches_a_product_from_the_annapurna(journey):
    for slug in LINKED_PRODUCTS:
        make_product(slug=slug, name=slug.replace("-", " ").capitalize())
    call_command("loaddata", "fixtures/heritage.json", verbosity=0)

    page = journey.visit("/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Notre histoire"
    ).click()
    page.wait_for_url("**/histoire/")
    journey.check()

    page.get_by_role("navigation", name="Aller à une période").get_by_role(
        "link", name="Années 1950"
    ).click()
    page.wait_for_url("**/histoire/#annees-1950")
    assert page.locator("#annees-1950").is_visible()

    page.get_by_role("link", name="L’Annapurna 50 sur l’Annapurna").click()
    page.wait_for_url("**/histoire/1950-annapurna-50/")
    journey.check()
    assert "Maurice Herzog" in page.content()

    page.get_by_role("link", name="Sac toile hommage annapurna").first.click()
    page.wait_for_url("**/produit/sac-toile-hommage-annapurna/")
    journey.check()
    assert page.get_by_role("region", name="Dans notre histoire").is_visible()
