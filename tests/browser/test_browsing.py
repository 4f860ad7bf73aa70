import re

from tests.factories import make_category, make_product, make_variant


def test_a_shopper_filters_the_catalogue_and_opens_a_product(journey):
    packs = make_category(name="Sacs à dos", slug="sacs-a-dos")
    drome = make_product(
        name="Sac de trail Drôme Light 5",
        category=packs,
        made_in_france=True,
        workshop="Drôme",
        country_of_manufacture="France",
        tier="expert",
    )
    make_variant(product=drome, size="M", colour="Rouge", stock=4)
    make_variant(product=drome, size="L", colour="Rouge", stock=0)
    for index in range(5):
        make_product(name=f"Sac ordinaire {index}", category=packs)
    journey.page.set_viewport_size({"width": 1280, "height": 900})

    page = journey.visit("/produits/")
    assert page.locator("#results-count").inner_text() == "6 produits"

    everyday = page.get_by_role("checkbox", name=re.compile("Accessible"))
    assert everyday.count() == 1
    made_in_france = page.get_by_role("checkbox", name=re.compile("Fabriqué en France"))
    made_in_france.check()
    page.wait_for_url(re.compile(r"france=true"))
    assert page.locator("#results-count").inner_text() == "1 produit"
    # The counts follow: no everyday product is made in France, so that option goes,
    # and the box just ticked keeps the focus.
    page.wait_for_function("!document.querySelector('input[name=gamme][value=entry]')")
    assert page.evaluate("document.activeElement.name") == "france"
    journey.check()

    page.get_by_role("link", name="Sac de trail Drôme Light 5").click()
    page.wait_for_url(f"**{drome.get_absolute_url()}")
    journey.check()
    sizes = page.get_by_role("group", name="Choisissez une taille et une couleur")
    assert sizes.get_by_role("radio", name="L · Rouge").is_disabled()
    sizes.get_by_role("radio", name="M · Rouge").check()
    assert sizes.get_by_role("radio", name="M · Rouge").is_checked()


def test_the_filters_work_without_javascript(browser, axe, live_server):
    make_product(name="Veste Guide", tier="expert")
    make_product(name="Polaire", tier="entry")
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()

    page.goto(live_server.url + "/produits/")
    page.get_by_role("checkbox", name=re.compile("Expert")).check()
    page.get_by_role("button", name="Afficher les produits").click()

    assert "gamme=expert" in page.url
    assert page.locator("#results-count").inner_text() == "1 produit"
    context.close()
