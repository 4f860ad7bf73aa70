"""The style rules a page's first screen needs, for pages that carry them inline.

The home, catalogue, product and information pages put the rules marked in
static/css/site.css ("First paint: from here" … "to here") in a <style> in
their head, and link the whole sheet at the end of their body: the browser
paints the first screen with the HTML alone, without waiting for a style sheet,
then applies the whole sheet, whose rules repeat and complete the inline ones
in the same order. The Content Security Policy allows this one inline style by
its hash (settings.SECURE_CSP), computed here from the same text, so it holds
for pages served from the cache, which carry no nonce.

Plain Python, read once per process: the settings import it.
"""

import base64
import hashlib
import re
from pathlib import Path

SHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"
REGION = re.compile(r"/\* First paint: from here\. \*/\n(.*?)/\* First paint: to here\. \*/", re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def first_paint_rules(sheet: str) -> str:
    """The marked rules of `sheet`, in their order, without comments or blank lines."""
    rules = COMMENT.sub("", "".join(REGION.findall(sheet)))
    return "\n".join(line for line in rules.splitlines() if line.strip())


RULES = first_paint_rules(SHEET.read_text(encoding="utf-8"))
# The CSP source that allows exactly this text in a <style> element.
SOURCE = "'sha256-{}'".format(
    base64.b64encode(hashlib.sha256(RULES.encode("utf-8")).digest()).decode("ascii")
)


def release_digest(manifest: Path) -> str:
    """A name for the code being served: a digest of the collected static files' manifest
    (each file's hashed name) when there is one, and of the inline rules."""
    digest = hashlib.sha256(RULES.encode("utf-8"))
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]
