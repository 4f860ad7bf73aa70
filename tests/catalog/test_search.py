"""Search: accent-free words on SQLite, full-text search on PostgreSQL, in the page's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.search import normalise
from tests.factories import card_names, make_product

pytestmark = pytest.mark.django_db


def found(client, terms):
    response = client.get("/produits/", {"q": terms})
    return card_names(response)


@pytest.fixture
def goods():
    make_product(name="Sac de couchage Duvet Expédition", description="Garnissage en duvet d’oie.")
    make_product(name="Sac à dos Hiker 30", description="Un sac pour la randonnée à la journée.")
    make_product(
        name="Veste Guide",
        description="Une veste imperméable pour les guides.",
        summary="Sac à dos non compris.",
    )
    make_product(name="Gourde souple", description="Pour courir.")


def test_it_finds_a_word_whatever_its_case(client, goods):
    assert found(client, "duvet") == ["Sac de couchage Duvet Expédition"]
    assert found(client, "DUVET") == ["Sac de couchage Duvet Expédition"]


def test_it_finds_words_without_their_accents(client, goods):
    assert found(client, "sac a dos") == ["Sac à dos Hiker 30", "Veste Guide"]
    assert found(client, "expedition") == ["Sac de couchage Duvet Expédition"]


def test_search_terms_are_kept_in_the_box_and_shown_as_a_chip(client, goods):
    html = client.get("/produits/?q=duvet").content.decode()

    assert 'name="q" id="id_q" value="duvet"' in html
    assert "«\u202fduvet\u202f»" in html


def test_nothing_found_says_so(client, goods):
    html = client.get("/produits/?q=parapente").content.decode()

    assert "Aucun produit ne correspond" in html


@pytest.mark.postgres
def test_postgres_stems_french_words_and_ranks_the_name_first(client, goods, require_postgres):
    names = found(client, "sacs")
    # Stemming: "sacs" finds every "sac"; the two with "sac" in their name come
    # before the jacket, which only mentions it in its summary.
    assert set(names) == {"Sac à dos Hiker 30", "Sac de couchage Duvet Expédition", "Veste Guide"}
    assert names[-1] == "Veste Guide"
    assert found(client, "impermeables") == ["Veste Guide"]
    assert found(client, "randonnees") == ["Sac à dos Hiker 30"]


@pytest.mark.postgres
def test_postgres_search_uses_the_full_text_index(client, goods, require_postgres):
    with CaptureQueriesContext(connection) as queries:
        client.get("/produits/?q=duvet")
    listing = [q["sql"] for q in queries if "search_document" in q["sql"]]

    assert listing, "the search did not query the indexed document"
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM catalog_product WHERE search_document @@ "
            "websearch_to_tsquery('public.french_unaccent'::regconfig, 'duvet')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "product_search_idx" in plan


@pytest.fixture
def typeset():
    """Names and texts as staff type them: ligatures and typographic apostrophes."""
    make_product(name="Chausson d’escalade Rock", description="Pour les voies d’escalade.")
    make_product(name="Casquette Œil de lynx", description="Garde l’œil sur le sommet.")
    make_product(name="Gants Cordée", description="Pour l'escalade en hiver.")


@pytest.mark.parametrize(
    ("typed", "stored", "expected"),
    [
        ("oeil", "œil", "Casquette Œil de lynx"),
        ("ŒIL", "œil", "Casquette Œil de lynx"),
        ("d'escalade", "d’escalade", "Chausson d’escalade Rock"),
        ("l’escalade", "l'escalade", "Gants Cordée"),
    ],
)
def test_ligatures_and_apostrophes_are_found_however_they_are_typed(
    client, typeset, typed, stored, expected
):
    """A keyboard's "oe" and "'" find what staff wrote with "œ" and "’", and back: the
    same products either way. (PostgreSQL also drops "d" and "l" as French stop words,
    so there both escalade products answer.)"""
    assert expected in found(client, typed)
    assert found(client, typed) == found(client, stored)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Œil d’aigle", "oeil d'aigle"),
        ("Cæcum", "caecum"),
        ("Straße", "strasse"),
        ("l‘ami ʼ", "l'ami '"),
        ("Sac à Dos", "sac a dos"),
    ],
)
def test_the_sqlite_folding_spells_out_what_nfkd_keeps(text, folded):
    assert normalise(text) == folded


# English ------------------------------------------------------------------


def found_in_english(client, terms):
    response = client.get("/en/produits/", {"q": terms})
    return card_names(response)


@pytest.fixture
def english_goods():
    make_product(
        name="Sac de couchage Duvet Expédition",
        name_en="Expedition Down Sleeping Bag",
        description="Garnissage en duvet d’oie.",
        description_en="Filled with goose down.",
    )
    make_product(
        name="Veste Guide",
        name_en="Guide Jacket",
        description="Une veste imperméable pour les guides.",
        description_en="A waterproof jacket for guides, easy to manœuvre in.",
    )
    make_product(
        name="Casquette Œil de lynx",
        name_en="Lynx’s Eye Cap",
        description="Garde l’œil sur le sommet.",
        description_en="Keeps the sun out of a climber's eyes.",
    )
    # Not yet written in English: searched in French, the text shown.
    make_product(name="Gourde souple", description="Pour courir.")


def test_english_pages_search_the_english_texts(client, english_goods):
    assert found_in_english(client, "goose") == ["Expedition Down Sleeping Bag"]
    assert found_in_english(client, "WATERPROOF") == ["Guide Jacket"]
    # The French words of a translated product are not what English pages search...
    assert found_in_english(client, "imperméable") == []
    # ...but a product with no English text yet is found by its French one.
    assert found_in_english(client, "gourde") == ["Gourde souple"]
    # And the French pages still search the French.
    assert found(client, "impermeable") == ["Veste Guide"]
    assert found(client, "waterproof") == []


@pytest.mark.parametrize(
    ("typed", "stored", "expected"),
    [
        ("manoeuvre", "manœuvre", "Guide Jacket"),
        ("lynx's", "lynx’s", "Lynx’s Eye Cap"),
        ("climber’s", "climber's", "Lynx’s Eye Cap"),
    ],
)
def test_english_ligatures_and_apostrophes_are_found_however_they_are_typed(
    client, english_goods, typed, stored, expected
):
    assert expected in found_in_english(client, typed)
    assert found_in_english(client, typed) == found_in_english(client, stored)


def test_english_results_sort_by_their_english_name(client, english_goods):
    response = client.get("/en/produits/", {"tri": "nom"})
    names = card_names(response)

    assert names == [
        "Expedition Down Sleeping Bag",
        "Gourde souple",
        "Guide Jacket",
        "Lynx’s Eye Cap",
    ]


@pytest.mark.postgres
def test_postgres_stems_english_words_on_english_pages(client, english_goods, require_postgres):
    assert found_in_english(client, "jackets") == ["Guide Jacket"]
    assert found_in_english(client, "guide") == ["Guide Jacket"]
    assert found_in_english(client, "fillings") == ["Expedition Down Sleeping Bag"]
    assert found_in_english(client, "sleeping bags") == ["Expedition Down Sleeping Bag"]


@pytest.mark.postgres
def test_postgres_english_search_uses_its_own_index(client, english_goods, require_postgres):
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/produits/?q=goose")
    assert any("search_document_en" in q["sql"] for q in queries)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM catalog_product WHERE search_document_en @@ "
            "websearch_to_tsquery('public.english_unaccent'::regconfig, 'goose')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "product_search_en_idx" in plan
