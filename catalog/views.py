from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.facets import facet_counts
from catalog.filters import SORTS, ProductFilter
from catalog.models import Activity, Category, Product
from catalog.panel import active_chips, facet_groups, without
from catalog.templatetags.cards import product_cards
from common.page_cache import anonymous_page, depends_on, fragment_version, when_drawn

PAGE_SIZE = 24
# What `listing()` gives the template.
LISTING_SHOWS = [
    "facets",
    "page",
    "cards",
    "notes",
    "groups",
    "chips",
    "drop_last_url",
    "page_query",
    "search",
    "current_sort",
]
SLUG_LENGTH = Product._meta.get_field("slug").max_length


@require_safe
@anonymous_page
def product_list(request, category=None):
    # Names, counts, "Sold out" badges: the catalogue and its stock (docs/caching.md).
    # Read before any row, for the drawn listing each worker keeps under them.
    depends_on(request, "catalog", "stock")
    version = fragment_version("catalog", "stock")
    categories = list(Category.objects.all())
    current = None
    if category is not None:
        current = next((c for c in categories if c.slug == category), None)
        if current is None:
            raise Http404("No such category")
    context = {
        "category": current,
        "categories": categories,
        "fragment_version": version,
        "sorts": SORTS,
        "clear_url": request.path,
        **when_drawn(lambda: listing(request, current, categories), *LISTING_SHOWS),
    }
    template = "catalog/product_list.html"
    if request.headers.get("X-Requested-With") == "fetch":
        template += "#refresh"
    return render(request, template, context)


def listing(request, current, categories):
    """What the listing's results and filter panel show: its queries run only when the
    template draws them, not when the worker kept them drawn."""
    activities = list(Activity.objects.all())
    family = []
    if current is not None:
        family = [current.pk] + [c.pk for c in categories if c.parent_id == current.pk]

    def base():
        products = Product.objects.published().searchable()
        return products.filter(category__in=family) if family else products

    product_filter = ProductFilter(
        request.GET, queryset=base().for_listing(), activities=activities
    )
    facets = facet_counts(product_filter, base, family)
    paginator = Paginator(product_filter.qs, PAGE_SIZE)
    if facets["listing_total"] is not None:  # counted with the facets: no COUNT query
        paginator.count = facets["listing_total"]
    page = paginator.get_page(request.GET.get("page"))
    chips = active_chips(request.GET, product_filter, facets)
    return {
        "facets": facets,
        "page": page,
        "cards": product_cards(page.object_list, eager_first=True),
        "notes": product_filter.notes,
        "groups": facet_groups(product_filter, facets, activities),
        "chips": chips,
        "drop_last_url": chips[-1]["url"] if chips else None,
        "page_query": without(request.GET, "page").lstrip("?"),
        "search": product_filter.search_terms(),
        "current_sort": product_filter.sort(),
    }


@require_safe
@anonymous_page
def product_detail(request, slug):
    if len(slug) > SLUG_LENGTH:
        raise Http404("No such product")
    version = fragment_version("catalog", "story", "stock")
    product = get_object_or_404(Product.objects.for_detail(), slug=slug)
    related = list(Product.objects.related_to(product))
    # The product, its story, and the cards of the other products it shows.
    depends_on(
        request,
        "catalog",
        "story",
        f"product:{product.pk}",
        *(f"card:{other.pk}" for other in related),
    )
    context = {"product": product, "related": related, "fragment_version": version}
    return render(request, "catalog/product_detail.html", context)
