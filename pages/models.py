"""Information pages that staff write in the admin: legal notice, terms of sale, privacy…

Their title and body exist in French and English in the same row
(django-modeltranslation, see translation.py): `page.title` and `page.body`
give the active language's text, falling back to French.
"""

import re

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# How a fact that staff must still fill in is marked in a page's body.
TO_COMPLETE_MARKERS = ("[À COMPLÉTER", "[TO COMPLETE")
# One such mark, with the <mark> element around it if there is one.
PLACEHOLDER = re.compile(r"(?:<mark>\s*)?\[(?:À COMPLÉTER|TO COMPLETE)\b[^\]]*\](?:\s*</mark>)?")
# What a shopper reads in its place: a blank, not a note to staff.
PLACEHOLDER_SHOWN = "—"
# How the demo fixture marks the made-up facts it fills in (company, address,
# registration…): "(société fictive)", "(fictitious company)".
DEMO_VALUE_MARKERS = ("fictif", "fictive", "fictitious")
# The pages every page's footer links to (templates/includes/footer.html), as
# the law asks of an online shop: they cannot be deleted. Static links keep
# the footer free of any query.
FOOTER_SLUGS = [
    "contact",
    "livraison-et-retours",
    "conditions-generales-de-vente",
    "mentions-legales",
    "confidentialite",
    "cookies",
]


class PageQuerySet(models.QuerySet):
    def for_sitemap(self):
        """Every page with what the sitemap needs: its slug and last change."""
        return self.only("slug", "updated_at").order_by("position", "pk")

    def holding(self, markers):
        """The pages whose French or English body holds any of `markers`."""
        found = models.Q()
        for marker in markers:
            found |= models.Q(body_fr__icontains=marker) | models.Q(body_en__icontains=marker)
        return self.filter(found)


class PageManager(models.Manager.from_queryset(PageQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Page(models.Model):
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_(
            "The page's address, the same in both languages. It cannot change once the "
            "page is saved: other pages and the checkout link to it."
        ),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("body"),
        help_text=_(
            "HTML: paragraphs, h2 and h3 headings, lists, links and tables. It is shown "
            "exactly as written; the site's security policy blocks any script or inline "
            "style in it. Mark what is still to fill in with [À COMPLÉTER : …] in French "
            "and [TO COMPLETE: …] in English."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the sitemap and in this list.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageManager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def shown_body(self) -> str:
        """The body in the active language as a shopper reads it: a fact staff have not
        filled in yet shows as a blank, never as the note to staff."""
        return PLACEHOLDER.sub(PLACEHOLDER_SHOWN, self.body or "")

    @property
    def to_complete(self) -> int:
        """How many facts staff must still fill in, in both languages (reads the bodies)."""
        bodies = [self.body_fr or "", self.body_en or ""]
        return sum(body.count(marker) for body in bodies for marker in TO_COMPLETE_MARKERS)


class DemoDataManager(models.Manager):
    def get_by_natural_key(self, fixture):
        return self.get(fixture=fixture)


class DemoData(models.Model):
    """A row that a demo fixture loads with its made-up content: while one exists, every
    page says the shop is a demonstration (templates/includes/demo_banner.html). A real
    shop never loads one; staff delete them once real data has replaced the demo's."""

    fixture = models.SlugField(
        _("fixture"),
        unique=True,
        help_text=_(
            "The demo fixture that loaded it. Delete it once that fixture's made-up "
            "products, stores or legal details are replaced: the demo banner goes "
            "with the last one."
        ),
    )

    objects = DemoDataManager()

    class Meta:
        verbose_name = _("demo data")
        verbose_name_plural = _("demo data")

    def __str__(self):
        return self.fixture

    def natural_key(self):
        return (self.fixture,)
