"""The sitemap: every public page a search engine should know."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Category, Product
from pages.models import Page


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["home", "catalog:list"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Category.objects.order_by("pk")


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6
    limit = 5000

    def items(self):
        return Product.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


class InformationPageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Page.objects.for_sitemap()

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
    "information": InformationPageSitemap,
}
