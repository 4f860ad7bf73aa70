"""The product page's main picture follows the colour a shopper chooses."""

from tests.factories import make_image, make_product, make_variant


def test_choosing_a_colour_brings_its_picture_to_the_front(journey):
    jacket = make_product(name="Veste Guide Chamonix")
    make_variant(product=jacket, size="M", colour="Rouge", stock=3)
    make_variant(product=jacket, size="M", colour="Noir", stock=2, position=1)
    make_image(product=jacket, position=0, colour="Rouge", alt_text="Veste rouge, face")
    make_image(product=jacket, position=1, colour="Rouge", alt_text="Veste rouge, dos")
    make_image(product=jacket, position=2, colour="Noir", alt_text="Veste noire, face")

    page = journey.visit(jacket.get_absolute_url())
    pictures = page.locator(".product__gallery img")
    assert pictures.first.get_attribute("alt") == "Veste rouge, face"

    # The colours are swatches (issue 31): each brings its picture and its sizes.
    swatches = page.locator("[data-swatches]")
    swatches.get_by_role("radio", name="Noir", exact=True).check()
    assert pictures.first.get_attribute("alt") == "Veste noire, face"
    assert pictures.count() == 3  # the others are still there, behind
    page.get_by_role("radio", name="M · Noir").check()

    swatches.get_by_role("radio", name="Rouge", exact=True).check()
    assert page.get_by_role("radio", name="M · Rouge").is_checked()
    assert [p.get_attribute("alt") for p in pictures.all()] == [
        "Veste rouge, face",
        "Veste rouge, dos",
        "Veste noire, face",
    ]
    journey.check()
