"""Our story is told in our own words: no run of 8 words in common with the source articles.

The facts of the brand's history come from three French articles (the seeds, kept
beside the project in ../shared/seeds/, or where MILLET_SEEDS says). Every text the
site ships, the fixtures, the templates and the message catalogue, is compared with
them after folding case, accents and punctuation; a run of 8 or more consecutive words
in common fails, with the run and where it was found. Without the articles the tests
skip, but fail where CI is set.
"""

import json
import os
import re
import unicodedata
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("MILLET_SEEDS", ROOT.parent / "shared" / "seeds"))
RUN = 8


def words(text: str) -> list[str]:
    """`text` as a list of words, lower-cased, without accents or punctuation."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.findall(r"[^\W_]+", text)


def runs(text: str, size: int = RUN) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[index : index + size]) for index in range(len(found) - size + 1)}


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def shipped_texts():
    """(where, text) for every text the site ships."""
    for path in sorted((ROOT / "fixtures").glob("*.json")):
        for text in strings(json.loads(path.read_text(encoding="utf-8"))):
            yield path.name, text
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt", ".xml"}:
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        if ".venv" in path.parts:
            continue
        for entry in polib.pofile(path):
            texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
            yield f"{path.relative_to(ROOT)}: {entry.msgid[:40]}", "\n".join(filter(None, texts))


@pytest.fixture(scope="module")
def seed_runs():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):  # CI must check, never skip: .ci/run finds them or stops
            pytest.fail(f"no source articles in {SEEDS}: set MILLET_SEEDS")
        pytest.skip(f"no source articles in {SEEDS} (set MILLET_SEEDS)")
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, f"{SEEDS} holds no article"
    return set().union(*(runs(path.read_text(encoding="utf-8")) for path in seeds))


def shared_with(text, seed_runs):
    return sorted(" ".join(run) for run in runs(text) & seed_runs)


def test_the_check_finds_a_sentence_copied_with_other_case_accents_and_punctuation(seed_runs):
    copied = "En 1950 — un de leurs MODELES apporte la gloire, puisque l'Annapurna 50…"

    assert shared_with(copied, seed_runs) != []
    assert shared_with("Pour la marque, c’est la consécration.", seed_runs) == []


def test_nothing_the_site_ships_shares_8_words_in_a_row_with_the_sources(seed_runs):
    copied = {}
    for where, text in shipped_texts():
        shared = shared_with(text, seed_runs)
        if shared:
            copied.setdefault(where, []).extend(shared)

    assert copied == {}
