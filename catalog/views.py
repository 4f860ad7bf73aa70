from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from catalog.filters import SORTS, ProductFilter, active_chips, facet_groups, without
from catalog.models import Activity, Category, Product
from catalog.templatetags.cards import product_cards
from heritage.models import TimelineEvent
from millet_site.page_cache import anonymous_page, content_version, kept_with_content

PAGE_SIZE = 24
SLUG_LENGTH = Product._meta.get_field("slug").max_length


class Listing:
    """A listing's products for the paginator, their query built only when what it
    needs of them (their number, a page of them) is not kept."""

    ordered = True

    def __init__(self, build):
        self.build = build

    @cached_property
    def products(self):
        return self.build()

    def count(self):
        return self.products.count()

    def __getitem__(self, index):  # a page of them, as lazy as the whole
        return Listing(lambda: self.products[index])

    def __iter__(self):
        return iter(self.products)

    def __len__(self):
        return len(self.products)


@require_safe
@anonymous_page
def product_list(request, category=None):
    # Categories, activities, the total and the filter panel: kept under the content
    # version, read once here, so never stale (millet_site.page_cache.kept_with_content).
    version = content_version()
    categories = kept_with_content(
        "catalog:categories", lambda: list(Category.objects.all()), version
    )
    current = None
    if category is not None:
        current = next((c for c in categories if c.slug == category), None)
        if current is None:
            raise Http404("No such category")
    activities = kept_with_content(
        "catalog:activities", lambda: list(Activity.objects.all()), version
    )

    family = []
    if current is not None:
        family = [current.pk] + [c.pk for c in categories if c.parent_id == current.pk]

    def base():
        products = Product.objects.published().searchable()
        return products.filter(category__in=family) if family else products

    product_filter = ProductFilter(
        request.GET, queryset=Product.objects.all(), activities=activities
    )
    facets = product_filter.cached_facet_counts(base, scope=category or "", family=family)
    # The conditions say what the shopper is told (a price range swapped) even when
    # the counts, the total and the cards are all kept and no query is built.
    product_filter.conditions()
    # The total is exact: facet counts may be a minute old, the list and its total never.
    listing = Listing(lambda: product_filter.filter_queryset(base().for_listing()))
    paginator = Paginator(listing, PAGE_SIZE)

    def total():
        """Counted with the facets when they were just read off the index, else by a query."""
        index_total = product_filter.index_total
        return listing.count() if index_total is None else index_total

    total_key = f"catalog:total:{product_filter.facets_key}"
    paginator.count = kept_with_content(total_key, total, version)
    page = paginator.get_page(request.GET.get("page"))
    # The page's cards too, per filters, order, page number and language: the
    # products are only read when they are not kept.
    cards = kept_with_content(
        f"catalog:cards:{product_filter.facets_key}:{product_filter.sort()}:{page.number}:"
        f"{get_language()}",
        lambda: product_cards(page.object_list, eager_first=True),
        version,
    )

    chips = active_chips(request.GET, product_filter, facets)
    context = {
        "category": current,
        "categories": categories,
        "filter": product_filter,
        "facets": facets,
        "page": page,
        "cards": cards,
        "sorts": SORTS,
        "notes": product_filter.notes,
        "groups": facet_groups(product_filter, facets, activities),
        # The panel's HTML is kept per set of counts and content version (see the template).
        "panel_key": f"{product_filter.facets_key}:{version}",
        "chips": chips,
        "clear_url": request.path,
        "drop_last_url": chips[-1]["url"] if chips else None,
        "page_query": without(request.GET, "page").lstrip("?"),
        "search": product_filter.search_terms(),
        "current_sort": product_filter.sort(),
    }
    template = "catalog/product_list.html"
    if request.headers.get("X-Requested-With") == "fetch":
        template += "#refresh"
    return render(request, template, context)


@require_safe
@anonymous_page
def product_detail(request, slug):
    # The product with its variants, pictures and activities, its events in the story
    # and the related cards: what the page reads from the rows of the catalogue and
    # the story, kept in the worker under the content version, so never stale. A
    # shopper with a cart, whom the page cache never serves, gets the page this fast.
    if len(slug) > SLUG_LENGTH:
        raise Http404("No such product")
    version = content_version()
    shown = kept_with_content(f"catalog:product:{slug}", lambda: product_page(slug), version)
    # The template keeps what it draws of the product under the same version.
    return render(request, "catalog/product_detail.html", {**shown, "content_version": version})


def product_page(slug):
    product = get_object_or_404(Product.objects.for_detail(), slug=slug)
    return {
        "product": product,
        "events": list(TimelineEvent.objects.for_product(product).order_by("position")),
        "related": list(Product.objects.related_to(product)),
    }
