"""The brand's story: every fact from the sources on the timeline, beside today's catalogue."""

import re

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client

from heritage.models import TimelineEvent
from tests.factories import make_product

pytestmark = pytest.mark.django_db

LINKED_PRODUCTS = [
    "sac-toile-hommage-annapurna",
    "sac-alpinisme-peuterey-45",
    "sac-trekking-armature-60",
    "sac-trail-drome-light-5",
    "veste-guide-chamonix",
    "chaussures-approche-rock",
]
FACTS = [
    "1921",
    "Marc Millet",
    "près de Lyon",
    "musettes en toile",
    "1937",
    "alpinisme",
    "1945",
    "deux fils",
    "Savoie",
    "premiers sacs à dos",
    "1950",
    "Annapurna 50",
    "Maurice Herzog",
    "Louis Lachenal",
    "Années 1950",
    "armature métallique",
    "vêtements techniques",
    "chaussures",
    "Lafuma",
    "Calida",
    "Millet Mountain",
    "Compagnie des guides de Chamonix",
    "Reinhold Messner",
    "Everest sans oxygène",
    "Marco Siffredi",
    "versant tibétain",
    "2005",
    "réparation",
    "à la main",
    "Miramas",
    "15 novembre 2024",
    "25 février 2025",
    "90\u00a0%",
    "Drôme",
    "Romain Millet",
]


@pytest.fixture
def story():
    for slug in LINKED_PRODUCTS:
        make_product(slug=slug, name=slug.replace("-", " ").capitalize())
    call_command("loaddata", "fixtures/heritage.json", verbosity=0)


def test_every_fact_from_the_sources_is_on_the_timeline(client, story):
    html = client.get("/histoire/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    missing = [fact for fact in FACTS if fact not in text and fact not in html]
    assert missing == []


def test_vague_dates_stay_vague(client, story):
    metal_frame = TimelineEvent.objects.get(slug="annees-1950-armature-metallique")
    growth = TimelineEvent.objects.get(slug="lafuma-puis-calida-millet-mountain")
    popup = TimelineEvent.objects.get(slug="2024-boutique-ephemere-miramas")

    assert str(metal_frame.when) == "Années 1950"
    assert str(growth.when) == "Au fil des décennies"
    assert str(popup.when) == "Du 15 novembre 2024 au 25 février 2025"


def test_the_timeline_is_grouped_by_decade_with_a_jump_list(client, story):
    html = client.get("/histoire/").content.decode()

    assert '<a href="#annees-1950">Années 1950</a>' in html
    assert 'id="annees-1950"' in html
    assert (
        html.index('id="annees-1920"')
        < html.index('id="annees-1950"')
        < html.index('id="annees-2020"')
    )


def test_events_link_to_today_s_catalogue_as_such_and_back(client, story):
    timeline = client.get("/histoire/").content.decode()
    assert "Dans le catalogue aujourd’hui\u00a0:" in timeline
    assert 'href="/produit/sac-toile-hommage-annapurna/"' in timeline

    event = client.get("/histoire/1950-annapurna-50/").content.decode()
    assert "Dans le catalogue aujourd’hui" in event
    assert 'href="/produit/sac-toile-hommage-annapurna/"' in event
    # Nothing on the page claims that today's gear descends from the event.
    assert "descend" not in event
    assert 'href="/produit/sac-alpinisme-peuterey-45/"' not in event

    product = client.get("/produit/sac-toile-hommage-annapurna/").content.decode()
    assert "Dans notre histoire" in product
    assert 'href="/histoire/1950-annapurna-50/"' in product


def test_the_story_speaks_in_the_brand_s_voice_not_a_fact_checker_s(client, story):
    pages = [client.get("/histoire/").content.decode()] + [
        client.get(event.get_absolute_url()).content.decode()
        for event in TimelineEvent.objects.all()
    ]

    for html in pages:
        assert "Les sources" not in html
        assert "sources ne" not in html


def test_each_era_has_its_drawing_and_undated_events_sit_under_their_period(client, story):
    html = client.get("/histoire/").content.decode()

    for scene in ("workshop", "turn", "savoie", "annapurna", "catalogue", "repairs", "popup"):
        assert f"/static/img/eras/{scene}.webp" in html
    assert "/static/img/eras/drome.webp" in html
    assert html.index('id="annees-1950"') < html.index('id="au-fil-des-decennies"')
    assert html.index('id="au-fil-des-decennies"') < html.index('id="annees-2000"')
    assert html.index('id="annees-2020"') < html.index('id="aujourdhui"')
    assert 'Années 1950 <span class="timeline__approximate">· année exacte inconnue</span>' in html


def test_the_lineage_tag_lists_the_events_of_a_product(story):
    product = make_product(slug="sans-histoire")
    drome = type(product).objects.get(slug="sac-trail-drome-light-5")
    template = Template("{% load heritage %}{% product_lineage product %}")

    assert "Un sac de trail fabriqué dans la Drôme" in template.render(Context({"product": drome}))
    assert template.render(Context({"product": product})).strip() == ""


def test_people_and_expedition_pages(client, story):
    herzog = client.get("/histoire/personnes/maurice-herzog/").content.decode()
    expedition = client.get("/histoire/expeditions/annapurna-1950/").content.decode()

    assert "<h1>Maurice Herzog</h1>" in herzog
    assert "L’Annapurna 50 sur l’Annapurna" in herzog
    assert "Louis Lachenal" in expedition


def test_unknown_or_unpublished_pages_are_404(client, story):
    TimelineEvent.objects.filter(slug="1937-virage-vers-l-alpinisme").update(is_published=False)

    assert client.get("/histoire/1937-virage-vers-l-alpinisme/").status_code == 404
    timeline = client.get("/histoire/").content.decode()
    assert "Le virage vers l’alpinisme" not in timeline
    assert "/histoire/1937-virage-vers-l-alpinisme/" not in timeline
    assert client.get("/histoire/nulle-part/").status_code == 404
    assert client.get("/histoire/personnes/personne/").status_code == 404
    assert client.get("/histoire/expeditions/aucune/").status_code == 404


def test_the_made_in_france_page_shows_the_drome_pack_and_its_story(client, story):
    type(make_product()).objects.filter(slug="sac-trail-drome-light-5").update(
        made_in_france=True, workshop="Drôme", country_of_manufacture="France"
    )

    html = client.get("/fabrique-en-france/").content.decode()

    assert "Sac trail drome light 5" in html
    assert "Un sac de trail fabriqué dans la Drôme" in html
    assert "Sac annapurna 50 reedition" not in html


@pytest.mark.parametrize("extra_events", [0, 30])
def test_the_timeline_runs_three_queries_whatever_its_length(
    client, story, extra_events, django_assert_num_queries
):
    products = list(type(make_product()).objects.all()[:3])
    for index in range(extra_events):
        event = TimelineEvent.objects.create(
            year=1960 + index,
            title=f"Événement {index}",
            slug=f"evenement-{index}",
            kind="product",
            summary="Résumé.",
            text="Texte.",
            position=200 + index,
        )
        event.related_products.set(products)

    # 1. events, 2. their people, 3. the products they shaped
    with django_assert_num_queries(3):
        response = client.get("/histoire/")
    assert response.status_code == 200


def test_the_event_page_runs_a_fixed_number_of_queries(client, story, django_assert_num_queries):
    # 1. event with expedition, 2. people, 3. product cards with their covers
    with django_assert_num_queries(3):
        assert client.get("/histoire/1950-annapurna-50/").status_code == 200


def test_the_expedition_page_runs_a_fixed_number_of_queries(
    client, story, django_assert_num_queries
):
    # 1. expedition, 2. its members, 3. its events (no products: the page shows none)
    with django_assert_num_queries(3):
        assert client.get("/histoire/expeditions/annapurna-1950/").status_code == 200


def test_the_story_read_again_runs_no_query_until_it_changes(
    client, story, django_assert_num_queries, django_capture_on_commit_callbacks
):
    pages = ["/histoire/", "/histoire/1950-annapurna-50/"]
    for page in pages:
        client.get(page)

    # The kept pages (common.page_cache).
    for page in pages:
        with django_assert_num_queries(0):
            assert client.get(page).status_code == 200
    event = TimelineEvent.objects.get(slug="1950-annapurna-50")
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "L’Annapurna 50 au sommet"
        event.save()
    for page in pages:
        assert "L’Annapurna 50 au sommet" in client.get(page).content.decode(), page


def test_an_over_long_or_unknown_event_address_is_a_404_and_is_not_kept(client, story):
    assert client.get("/histoire/" + "a" * 300 + "/").status_code == 404
    assert client.get("/histoire/nulle-part/").status_code == 404

    TimelineEvent.objects.create(
        year=1999, title="Plus tard", slug="nulle-part", kind="product", position=999
    )
    assert client.get("/histoire/nulle-part/").status_code == 200


@pytest.mark.parametrize(
    ("first", "then"), [("/en/histoire/", "/histoire/"), ("/histoire/", "/en/histoire/")]
)
def test_each_language_keeps_its_own_labels_drawings_and_anchors_whichever_was_seen_first(
    client, story, settings, first, then
):
    client.get(first)
    page = client.get(then).content.decode()

    if then == "/histoire/":
        assert "Années 1920" in page and "The 1920s" not in page
        assert 'id="annees-1950"' in page
    else:
        assert "The 1920s" in page and "Années 1920" not in page
        assert 'id="the-1950s"' in page
    # Every era's drawing, as on a page rendered fresh, in a new worker.
    settings.PAGE_CACHE_SECONDS = 0
    alone = Client().get(then).content.decode()
    assert page.count("<img") == alone.count("<img") > 0
