from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.filters import SORTS, ProductFilter, active_chips, facet_groups, without
from catalog.models import Activity, Category, Product
from heritage.models import TimelineEvent
from millet_site.page_cache import anonymous_page, content_version, kept_with_content

PAGE_SIZE = 24
SLUG_LENGTH = Product._meta.get_field("slug").max_length


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

    base = Product.objects.published().searchable()
    if current is not None:
        family = [current.pk] + [c.pk for c in categories if c.parent_id == current.pk]
        base = base.filter(category__in=family)
    product_filter = ProductFilter(request.GET, queryset=base.for_listing(), activities=activities)
    facets = product_filter.cached_facet_counts(base, scope=category or "")
    # The total is exact: facet counts may be a minute old, the list and its total never.
    paginator = Paginator(product_filter.qs, PAGE_SIZE)
    paginator.count = kept_with_content(
        f"catalog:total:{product_filter.facets_key}", lambda: paginator.count, version
    )
    page = paginator.get_page(request.GET.get("page"))
    # The page's products too, per filters, order and page number.
    page.object_list = kept_with_content(
        f"catalog:page:{product_filter.facets_key}:{product_filter.sort()}:{page.number}",
        lambda: list(page.object_list),
        version,
    )

    chips = active_chips(request.GET, product_filter, facets)
    context = {
        "category": current,
        "categories": categories,
        "filter": product_filter,
        "facets": facets,
        "page": page,
        "products": page.object_list,
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
