"""The copy edit of issue 34 stays done: none of the phrases it corrected comes back.

Each phrase below was found in shipped text (fixtures, templates, the message catalogue)
and corrected: a claim the sources do not make, French that reads badly, English that no
native speaker writes, a price written the French way on an English page, a space that may
break where French typography wants it kept. Folding case and the apostrophe's shape, the
search is for the phrase itself, wherever it is shipped.
"""

import json
import re

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

from tests.site.test_shared_words import ROOT, shipped_texts

CORRECTED = [
    # Claims the sources do not make, or contradict.
    "Devenue l'une des références mondiales de l'outdoor, Millet entre d'abord",
    "One of the world's leading outdoor names, Millet first joined",
    "Sac Annapurna 50 Réédition",
    "Annapurna 50 Reissue Pack",
    "conçue pour le quotidien des guides de haute montagne",
    "designed for the everyday work of high-mountain guides",
    "y compris des modèles qui ne sont plus au catalogue",
    "including models no longer in the catalogue",
    "répare le matériel Millet, même ancien",
    "even old gear",
    "Expédition française à l'Annapurna",
    "named after the mountain",
    "Pour son matériel le plus technique, Millet travaille avec des ateliers français",
    "For its most technical gear, Millet works with French workshops",
    # French that reads badly.
    "de grands noms l'ont choisie",
    "Millet compte parmi le matériel qu'il a choisi",
    "la maison équipe la montagne",
    "pour les courses difficiles",
    # English no native speaker writes.
    "Randonnée 5 Sleeping Bag",
    "Kids' Hiver Puffer Jacket",
    "Kids' Kid 12 Pack",
    "Men's Touring Ski Touring Trousers",
    "Expédition −20 Down Sleeping Bag",
    "the Annapurna in 1950",
    "chose mountaineering",
    "To try out new ground",
    "High-mountain athlete",
    "came down Everest by the Tibetan side",
    "sales came in where we had hoped",
    # Spaces that break where French typography keeps the words together.
    "loi n° 2004-575",
    "2 048 pixels",
]
# An amount written the French way, “249.00 €”, where English readers expect “€249.00”.
ENGLISH_AMOUNT_FRENCH_WAY = re.compile(r"\d(?:[.,]\d{2})? ?€")


def folded(text: str) -> str:
    return text.casefold().replace("\u2019", "'")


def found(texts) -> dict[str, list[str]]:
    """{phrase: [where…]} for each corrected phrase found in `texts`, (where, text) pairs."""
    hits = {}
    for where, text in texts:
        for phrase in CORRECTED:
            if folded(phrase) in folded(text):
                hits.setdefault(phrase, []).append(where)
    return hits


def site_texts():
    """The fixtures' and templates' texts (the message catalogue is checked on its own)."""
    return [(where, text) for where, text in shipped_texts() if not where.startswith("locale")]


def test_the_search_finds_a_phrase_whatever_its_case_and_apostrophe():
    assert found([("x", "…ET DE GRANDS NOMS L’ONT CHOISIE…")]) == {
        "de grands noms l'ont choisie": ["x"]
    }
    assert found([("x", "La Compagnie des guides de Chamonix est équipée par Millet.")]) == {}


def test_no_fixture_or_template_ships_a_corrected_phrase():
    assert found(site_texts()) == {}


def test_the_message_catalogue_ships_no_corrected_phrase():
    entries = [
        entry
        for entry in polib.pofile(ROOT / "locale/fr/LC_MESSAGES/django.po")
        if not entry.obsolete
    ]
    texts = [(entry.msgid[:40], f"{entry.msgid}\n{entry.msgstr}") for entry in entries]
    made_in = [entry.msgstr for entry in entries if entry.msgid == "Made in"]

    assert found(texts) == {}
    assert made_in == ["Pays de fabrication"]  # “Fabriqué en | Portugal” read badly


def test_no_synthetic_sleeping_bag_promises_down_repairs():
    promising = [
        row["fields"]["slug"]
        for row in json.loads((ROOT / "fixtures/catalog.json").read_text(encoding="utf-8"))
        if row["model"] == "catalog.product"
        and "synthétique" in row["fields"]["description_fr"]
        and (
            "duvet" in row["fields"]["repairability_fr"]
            or "down" in row["fields"]["repairability_en"]
        )
    ]

    assert promising == []


def test_english_fixture_texts_put_the_euro_sign_first():
    french_way = []
    for path in sorted((ROOT / "fixtures").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            for name, value in row["fields"].items():
                if name.endswith("_en") and isinstance(value, str):
                    french_way += ENGLISH_AMOUNT_FRENCH_WAY.findall(value)

    assert french_way == []


def test_templates_write_every_amount_through_the_price_filter():
    # An amount followed by its sign in a template is written the French way in English too.
    by_hand = re.compile(r"\}\}(?:&nbsp;|\u00a0| )?€")
    written = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.suffix in {".html", ".txt"} and by_hand.search(path.read_text(encoding="utf-8"))
    ]

    assert written == []


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", "249", "€249.00"),
        ("fr", "249", "249,00\u00a0€"),
        ("en", "1249.5", "€1,249.50"),
        ("fr", "1249.5", "1\u00a0249,50\u00a0€"),
        ("en", "-5", "\u2212€5.00"),
    ],
)
def test_the_price_filter_writes_an_amount_as_each_language_does(language, value, expected):
    with translation.override(language):
        rendered = Template("{% load typography %}{{ amount|price }}").render(
            Context({"amount": value})
        )

    assert rendered == expected


def test_a_round_threshold_drops_its_cents():
    template = Template("{% load typography %}{{ amount|price:0 }}")
    with translation.override("en"):
        english = template.render(Context({"amount": "100"}))
    with translation.override("fr"):
        french = template.render(Context({"amount": "100"}))

    assert (english, french) == ("€100", "100\u00a0€")
