"""The French catalogues are complete, written with French typography, and their compiled
forms are up to date."""

import re
from pathlib import Path

import polib

from common.templatetags.typography import french_html

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


# A placeholder standing for a number, then its unit after a space that may break:
# “%(total)s €”, which `french_html` cannot tell from words.
PLACEHOLDER_AND_UNIT = re.compile(r"%(\([^)]*\))?[sdif][ \t\u202f]+(€|%(?![(\w%])|°C|L(?![\w’']))")


def test_every_french_message_carries_its_own_no_break_spaces():
    """No filter spaces the translated strings at render: the catalogue is written with
    the spaces of French typography (the rules of `french_text`, HTML tags left alone)."""
    for path in CATALOGUES:
        unspaced = [
            msgstr
            for entry in polib.pofile(path).translated_entries()
            for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]
            if french_html(msgstr) != msgstr or PLACEHOLDER_AND_UNIT.search(msgstr)
        ]
        assert unspaced == [], path


def test_the_compiled_catalogue_matches_its_source():
    for path in CATALOGUES:
        source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path).translated_entries()}
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(path.with_suffix(".mo"))}
        assert compiled == source, f"run `make messages`: {path.with_suffix('.mo')} is stale"
