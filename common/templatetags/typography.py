"""French typography where text is rendered: the no-break spaces a French reader expects.

The translated strings carry their own: every msgstr of locale/fr/LC_MESSAGES/django.po
is written with them (tests/site/test_translations.py checks it). Staff type product
texts, store notes, the story and the legal pages with an ordinary keyboard, so their
spaces before “:” or “?” and inside « » are plain ones that a browser may break at the
end of a line: the templates show those fields through the `french` filter, in pages
and in e-mails alike. The stored text stays as typed, English pages are left alone,
and nothing is kept between requests. The conventions, those of the Imprimerie
nationale as most French publishers apply them:

- a narrow no-break space (U+202F) before ; ? ! and inside « »;
- a no-break space (U+00A0) before :, between a number and its unit or the
  euro sign, and between groups of thousands (the separator Django's French
  number formats use);
- a true minus sign (U+2212) before a negative number, as in −20 °C.

Only plain spaces that are already there are changed; in HTML, text inside tags
(but for alt, title, aria-label and meta content), scripts, styles, code and
form fields is left as it is.
"""

import re

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space
MINUS = "\u2212"

# Units and signs that stay on the line of their number.
UNITS = r"(?:%|€|°C|°|g|kg|mm|cm|km|L|ml|cl|litres?|ans?|mois|jours?|h|min|Ko|Mo|Go)"
RULES = [
    (r"[ \t\u00a0]+([;?!])", NNBSP + r"\1"),
    (r"[ \t\u202f]+:", NBSP + ":"),
    (r"«[ \t\u00a0]+", "«" + NNBSP),
    (r"[ \t\u00a0]+»", NNBSP + "»"),
    (rf"(\d)[ \t\u202f]+(?={UNITS}(?!\w))", r"\1" + NBSP),
    (r"(?<![\w\-−–—.,/])-(?=\d)", MINUS),
    (r"(\d\u00a0h)[ \t](?=\d\d(?!\d))", r"\1" + NBSP),  # 9 h 30 stays in one piece
]
RULES = [(re.compile(pattern), replacement) for pattern, replacement in RULES]
# 1 450 or 12 000 000, not a phone number (04 65 71 10 21) nor a postcode.
THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u202f]\d{3})+(?!\d)")
# What any rule could change: most pieces of a page have none of it and are left at once.
CANDIDATE = re.compile(r"[ \t\u00a0\u202f][:;?!»]|«|\d[ \t\u202f]|-\d")
# Blocks whose text is code or what a person is typing: left as they are.
SKIPPED = re.compile(r"(<(script|style|pre|code|textarea)\b.*?</\2\s*>)", re.I | re.S)
TAG = re.compile(r"(<[^>]*>)")
# The attribute values that people read (the others are addresses, names, code).
READ_ATTRIBUTE = re.compile(r'(\s(?:alt|title|aria-label|content)=")([^"]*)(")')
# The same in tags joined by NULs (french_tags): a value never runs into the next tag.
READ_ATTRIBUTE_JOINED = re.compile(r'(\s(?:alt|title|aria-label|content)=")([^"\x00]*)(")')


def french_text(text: str) -> str:
    """`text` (no markup) with French no-break spaces and minus signs."""
    if not CANDIDATE.search(text):
        return text
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return THOUSANDS.sub(lambda match: re.sub(r"[ \u202f]", NBSP, match.group()), text)


def _french_attribute(match):
    return match.group(1) + french_text(match.group(2)) + match.group(3)


def french_html(html: str) -> str:
    """`html` with `french_text` applied to its text and to the attributes people read."""
    if "<" not in html:
        return french_text(html)
    # split() gives markup, block, tag name, markup, block, tag name…
    chunks = SKIPPED.split(html)
    for index in range(0, len(chunks), 3):
        pieces = TAG.split(chunks[index])  # text, tag, text, tag…
        for position in with_candidates(pieces[0::2]):
            pieces[2 * position] = french_text(pieces[2 * position])
        pieces[1::2] = french_tags(pieces[1::2])
        chunks[index] = "".join(pieces)
    return "".join(chunk for index, chunk in enumerate(chunks) if index % 3 != 2)


def french_tags(tags):
    """`tags` with `french_text` applied to the attributes people read. Tags are most of
    a page's characters but hold few such attributes: those are found in one pass over
    the tags joined, rather than by looking for what a rule could change in every tag."""
    joined = "\x00".join(tags)
    spaced = READ_ATTRIBUTE_JOINED.sub(_french_attribute, joined)
    if spaced == joined:
        return tags
    result = spaced.split("\x00")
    if len(result) != len(tags):  # a tag held a NUL of its own
        return [READ_ATTRIBUTE.sub(_french_attribute, tag) for tag in tags]
    return result


def with_candidates(pieces):
    """The positions of the pieces that any rule could change, found in one pass over
    them all: a page has thousands of pieces and only a few dozen to change."""
    joined = "\x00".join(pieces)  # no rule matches across a NUL
    positions, piece, counted = [], 0, 0
    for match in CANDIDATE.finditer(joined):
        piece += joined.count("\x00", counted, match.start())
        counted = match.start()
        if not positions or positions[-1] != piece:
            positions.append(piece)
    return positions


@register.filter(is_safe=True, needs_autoescape=True)
def french(value, autoescape=True):
    """On a French page, `value` with French no-break spaces; as is otherwise.

    `value` is text, or HTML when it is marked safe (`page.body|safe`,
    `event.text|linebreaks`); where autoescaping is off (the text e-mails) it is
    plain text."""
    in_french = (get_language() or "").startswith("fr")
    if not autoescape:
        return french_text(str(value)) if in_french else value
    html = conditional_escape(value)
    if not in_french:
        return html
    # The text was escaped above, or came marked safe: only spaces change.
    return mark_safe(french_html(str(html)))  # noqa: S308


@register.filter(is_safe=True)
def signed(value):
    """A number with a true minus sign when it is negative: −20, not -20."""
    if value is None or value == "":
        return ""
    return str(value).replace("-", MINUS)


@register.filter(is_safe=True)
def price(value, decimals=2):
    """An amount in euros as its reader writes it: “249,00 €” on a French page, with a
    no-break space, and “€249.00” on an English one, the sign first as English readers
    expect. The figure is Django's own with grouped thousands (1 249,00 € and €1,249.00);
    `price:0` drops the cents of a round amount such as a threshold (100 €, €100)."""
    if value is None or value == "":
        return ""
    amount = floatformat(value, f"{int(decimals)}g")
    if (get_language() or "").startswith("fr"):
        return f"{amount}{NBSP}€"
    if amount.startswith("-"):
        return f"{MINUS}€{amount[1:]}"
    return f"€{amount}"


@register.simple_tag
def colon():
    """The colon between a label and its value: “Total : 12,00 €” with a no-break space
    in French, “Total: €12.00” in English, for templates whose label and value are
    translated apart."""
    return f"{NBSP}:" if (get_language() or "").startswith("fr") else ":"
