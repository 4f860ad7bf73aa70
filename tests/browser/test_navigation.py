def test_a_visitor_follows_the_main_navigation_without_errors(journey):
    page = journey.visit("/")

    assert page.get_by_role("heading", level=1).is_visible()
    # On a phone the navigation folds into a "Menu" disclosure.
    page.locator("summary", has_text="Menu").click()
    links = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
    targets = [
        (links.nth(i).inner_text(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    ]
    assert targets, "the main navigation has no links"

    for label, href in targets:
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name=label, exact=True
        ).click()
        page.wait_for_url(f"**{href}")
        journey.check()
        assert page.get_by_role("heading", level=1).is_visible()
        page.locator("summary", has_text="Menu").click()


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(journey):
    page = journey.visit("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Passer au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_switching_to_english_changes_the_page_language(journey):
    page = journey.visit("/")

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="EN English").click()
    page.wait_for_url("**/en/")
    journey.check()
    assert page.locator("html").get_attribute("lang") == "en"
