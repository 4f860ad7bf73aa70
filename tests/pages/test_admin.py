"""Staff write each page in French and English in the admin."""

import re

import pytest
from django.contrib.auth.models import User

from pages.models import Page
from tests.pages.test_pages import make_page

pytestmark = pytest.mark.django_db

FIELDS = ["title_fr", "title_en", "body_fr", "body_en"]


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    client.force_login(user)
    return client


@pytest.fixture
def page():
    return Page.objects.create(
        slug="cookies",
        title_fr="Cookies",
        title_en="Cookies",
        body_fr="<p>Seulement les nécessaires. [À COMPLÉTER : durée]</p>",
        body_en="<p>Only the necessary ones.</p>",
    )


def test_staff_edit_both_languages_of_a_page(staff_client, page):
    html = staff_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()

    for name in FIELDS:
        assert f'name="{name}"' in html, name
    # The slug is fixed once the page exists: other pages and the checkout link to it.
    assert 'name="slug"' not in html


def test_the_page_form_loads_no_script_from_another_site(staff_client, page):
    html = staff_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()

    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assert sources
    # Paths on this site only: the Content Security Policy would block any other.
    assert all(re.match(r"/[^/]", source) for source in sources), sources


def test_a_new_page_needs_its_title_and_body_in_both_languages(staff_client):
    data = {
        "slug": "garantie",
        "title_fr": "Garantie",
        "title_en": "",
        "body_fr": "<p>Deux ans.</p>",
        "body_en": "",
        "position": 70,
    }

    refused = staff_client.post("/admin/pages/page/add/", data)
    assert refused.status_code == 200
    assert not Page.objects.exists()

    data |= {"title_en": "Guarantee", "body_en": "<p>Two years.</p>"}
    assert staff_client.post("/admin/pages/page/add/", data).status_code == 302
    saved = Page.objects.get(slug="garantie")
    assert (saved.title_fr, saved.title_en) == ("Garantie", "Guarantee")


def test_the_list_shows_how_much_is_left_to_complete(staff_client, page):
    html = staff_client.get("/admin/pages/page/").content.decode()

    assert re.search(r'<td class="field-left_to_complete">1</td>', html)


def test_a_page_the_footer_links_to_cannot_be_deleted(staff_client):
    legal = make_page(slug="mentions-legales")
    other = make_page(slug="a-propos-de-nous")

    assert staff_client.get(f"/admin/pages/page/{legal.pk}/delete/").status_code == 403
    assert staff_client.get(f"/admin/pages/page/{other.pk}/delete/").status_code == 200
