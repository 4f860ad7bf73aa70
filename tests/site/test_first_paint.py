"""The first screen is painted without waiting for a style sheet on the pages shoppers land
on (home, catalogue, product, information pages): they carry the rules it needs inline,
allowed by their hash in the Content Security Policy, and load the whole sheet at the end
of the body (millet_site/first_paint.py)."""

import base64
import hashlib
import re

import pytest

from common import first_paint
from tests.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

STYLE = re.compile(r"<style>(.*?)</style>", re.S)
SHEET_LINK = re.compile(r'<link rel="stylesheet" href="/static/css/site(\.[0-9a-f]+)?\.css">')


def style_sources(response):
    policy = response.headers["Content-Security-Policy"]
    directive = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    return directive.split()[1:]


def landing_pages():
    product = make_variant(product=make_product(slug="sac-hiker-30")).product
    return ["/", "/produits/", product.get_absolute_url(), "/en/produits/"]


def test_landing_pages_carry_the_first_screen_s_rules_allowed_by_their_hash(client):
    for path in landing_pages():
        response = client.get(path)
        html = response.content.decode()

        (inline,) = STYLE.findall(html)
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in style_sources(response), path
        # The whole sheet: fetched at once, applied after the content it styles.
        head, body = html.split("</head>")
        assert 'rel="preload"' in head and 'as="style"' in head
        assert not SHEET_LINK.search(head), path
        assert SHEET_LINK.search(body.split("</footer>")[1]), path


def test_other_pages_wait_for_the_whole_sheet_and_carry_no_inline_rules(client):
    for path in ["/panier/", "/histoire/", "/boutiques/"]:
        html = client.get(path).content.decode()
        head = html.split("</head>")[0]

        assert SHEET_LINK.search(head), path
        assert "<style" not in html, path


def test_the_inline_rules_are_the_sheet_s_own_in_its_order_and_name_no_address():
    sheet = first_paint.SHEET.read_text()
    rules = first_paint.RULES

    assert "url(" not in rules
    assert ".site-header" in rules and ".product-card" in rules and ".site-footer" in rules
    # Every inline rule is in the sheet, in the same order: the sheet, applied after,
    # draws the page exactly as it would alone.
    position = 0
    for line in rules.splitlines():
        position = sheet.index(line, position) + len(line)
    # The rest of the pages' rules stay out of the first screen's.
    assert ".timeline__event" not in rules and ".checkout" not in rules


def test_a_page_served_from_the_cache_keeps_the_hash_that_allows_its_rules(client):
    product = make_variant(product=make_product(slug="sac-hiker-30")).product

    stored = client.get(product.get_absolute_url())
    served = client.get(product.get_absolute_url())

    assert served["X-Page-Cache"] == "hit"
    assert served.content == stored.content
    assert first_paint.SOURCE in style_sources(served)
