"""The sitemap: every public page a search engine should know, in French and in English.

Each URL comes once per language, with its `xhtml:link` alternates (fr, en and
x-default, the French page) and the date its content last changed.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from catalog.models import Category, Product
from heritage.models import Expedition, Person, TimelineEvent
from pages.models import Page
from shop.models import Store


class MultilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


def _latest(queryset, field="updated_at"):
    return queryset.aggregate(latest=Max(field))["latest"]


class SectionSitemap(MultilingualSitemap):
    """The section pages; each dated by the newest change among the records it shows."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        products = Product.objects.published()
        return [
            ("home", _latest(products)),
            ("catalog:list", _latest(products)),
            ("heritage:timeline", _latest(TimelineEvent.objects.published())),
            ("heritage:made_in_france", _latest(products.filter(made_in_france=True))),
            ("shop:stores", _latest(Store.objects.all())),
            ("repairs:service", None),
        ]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class CategorySitemap(MultilingualSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        published = Q(products__is_published=True)
        return Category.objects.annotate(
            latest=Max("products__updated_at", filter=published)
        ).order_by("pk")

    def lastmod(self, category):
        return category.latest


class ProductSitemap(MultilingualSitemap):
    changefreq = "daily"
    priority = 0.6
    # Two entries per product (one per language): 50,000 URLs per file at most.
    limit = 20000

    def items(self):
        return Product.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


class StorySitemap(MultilingualSitemap):
    """Timeline events, the people and the expedition of the brand's story."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return [
            *TimelineEvent.objects.published().order_by("pk"),
            *Person.objects.order_by("pk"),
            *Expedition.objects.order_by("pk"),
        ]

    def lastmod(self, record):
        return record.updated_at


class InformationPageSitemap(MultilingualSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Page.objects.for_sitemap()

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "sections": SectionSitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
    "story": StorySitemap,
    "information": InformationPageSitemap,
}
