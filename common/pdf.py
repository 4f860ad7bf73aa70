"""PDF documents (invoices, the terms of sale, the withdrawal form) rendered from HTML.

WeasyPrint lays the HTML out with the fonts installed on the machine (fontconfig:
DejaVu from the Debian package fonts-dejavu-core). It fetches nothing: the
documents carry their style in a <style> element, and a page that staff wrote
may hold an image or a `rel="attachment"` link to any address, which would have
WeasyPrint download it, or read a file of the server and embed it in a PDF sent
to a shopper. Every address but `data:` is refused, and the document is drawn
without it.
"""

from django.conf import settings
from PIL import ImageFile


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`. Its relative links point to the site (SITE_URL)."""
    # WeasyPrint loads Pango when it is imported (0.6 s): only the task worker and
    # the invoice download pay for it, not every start of the site.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Importing WeasyPrint makes Pillow accept truncated images in the whole process;
    # the catalogue refuses them on upload (catalog.images), whoever imported it first.
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=fetcher).write_pdf()
