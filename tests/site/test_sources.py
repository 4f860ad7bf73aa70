"""Every story the site tells has its source: docs/sources.md, kept in step with the fixtures.

docs/sources.md holds two tables. “Claims” numbers each claim about the brand and quotes,
in French, the sentence of a source article (../shared/seeds/) that supports it. “Story
records” lists every record of the fixtures that tells the story (people, expeditions,
timeline events, and the products whose text cites it) with the claims it makes and a
fingerprint of its fields. A record whose text, links or dates change gets a new
fingerprint, and this test fails until someone has read the record against its sources
and written the new fingerprint in its row.
"""

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from tests.site.test_shared_words import SEEDS, words

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sources.md"
STORY_MODELS = {"heritage.person", "heritage.expedition", "heritage.timelineevent"}
# Products whose own text tells part of the story.
STORY_PRODUCTS = {"sac-toile-hommage-annapurna", "sac-trail-drome-light-5"}
# What a fingerprint leaves out: when the row was last saved.
NOT_TOLD = {"updated_at"}
# A product's story is in its texts; its price and stock are the shop's own and change freely.
PRODUCT_STORY_FIELDS = ("name_", "summary_", "description_")


def fingerprint(fields: dict) -> str:
    """The first 12 hex digits of the SHA-256 of the record's fields, as sorted JSON."""
    told = {name: value for name, value in fields.items() if name not in NOT_TOLD}
    text = json.dumps(told, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def story_records() -> dict[str, str]:
    """{"model:slug": fingerprint} for every story record of the fixtures."""
    records = {}
    for path in sorted((ROOT / "fixtures").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            slug = row["fields"].get("slug")
            if row["model"] in STORY_MODELS or (
                row["model"] == "catalog.product" and slug in STORY_PRODUCTS
            ):
                fields = row["fields"]
                if row["model"] == "catalog.product":
                    fields = {
                        name: value
                        for name, value in fields.items()
                        if name.startswith(PRODUCT_STORY_FIELDS)
                    }
                records[f"{row['model']}:{slug}"] = fingerprint(fields)
    return records


def section(title: str) -> list[list[str]]:
    """The cells of each row of the table under `## title` in docs/sources.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    rows = []
    for line in text[start : end if end != -1 else None].splitlines():
        if line.startswith("|") and not re.match(r"\|\s*-", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header


def claims() -> dict[int, list[str]]:
    return {int(row[0]): row for row in section("Claims")}


def documented_records() -> dict[str, tuple[str, list[int]]]:
    """{"model:slug": (fingerprint, claim numbers)} from the “Story records” table."""
    documented = {}
    for record, print_, numbers in section("Story records"):
        documented[record.strip("`")] = (
            print_.strip("`"),
            [int(number) for number in re.findall(r"\d+", numbers)],
        )
    return documented


def test_every_story_record_has_its_row_with_its_current_fingerprint():
    documented = documented_records()
    stale = {
        record: f"fingerprint is now {current}"
        for record, current in story_records().items()
        if documented.get(record, ("", []))[0] != current
    }

    assert stale == {}, "read these records against their sources, then update docs/sources.md"
    assert set(documented) == set(story_records()), "a row names a record the fixtures lack"


def test_every_story_record_makes_only_numbered_claims():
    numbered = claims()
    for record, (_, numbers) in documented_records().items():
        assert numbers, f"{record} names no claim"
        assert set(numbers) <= set(numbered), f"{record} names a claim the table lacks"


def test_the_fingerprint_changes_with_the_story_and_not_with_the_save_time():
    fields = {"title_en": "A workshop near Lyon", "year": 1921, "updated_at": "2026-12-01"}

    assert fingerprint(fields) == fingerprint(fields | {"updated_at": "2027-01-01"})
    assert fingerprint(fields) != fingerprint(fields | {"year": 1922})
    assert fingerprint(fields) != fingerprint(fields | {"title_en": "A workshop in Lyon"})


def test_every_claim_quotes_a_sentence_its_source_holds():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"no source articles in {SEEDS}: set MILLET_SEEDS")
        pytest.skip(f"no source articles in {SEEDS} (set MILLET_SEEDS)")
    missing = {}
    for number, (_, claim, shown, source, sentence) in claims().items():
        path = SEEDS / source.strip("`")
        assert path.is_file(), f"claim {number}: no source {path.name}"
        quoted = " ".join(words(sentence))
        if not quoted or quoted not in " ".join(words(path.read_text(encoding="utf-8"))):
            missing[number] = sentence
        assert claim and shown, f"claim {number} says nothing or is shown nowhere"

    assert missing == {}
