"""The French catalogues are complete and their compiled forms are up to date."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in path.parts
)


def test_the_site_has_a_french_catalogue():
    assert ROOT / "locale/fr/LC_MESSAGES/django.po" in CATALOGUES


def test_every_french_message_is_translated_and_none_is_fuzzy():
    for path in CATALOGUES:
        catalogue = polib.pofile(path)
        assert catalogue.untranslated_entries() == [], path
        assert catalogue.fuzzy_entries() == [], path


def test_the_compiled_catalogue_matches_its_source():
    for path in CATALOGUES:
        source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path).translated_entries()}
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(path.with_suffix(".mo"))}
        assert compiled == source, f"run `make messages`: {path.with_suffix('.mo')} is stale"
