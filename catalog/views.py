from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from catalog.facets import facet_counts
from catalog.filters import FACETS, SORTS, ProductFilter, footwear_ids
from catalog.models import Activity, Category, Product
from catalog.panel import SUMMARY, active_chips, facet_groups, without
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
# What the cart sends a refused shopper back with: the variant, the quantity and the
# refusal, signed by the cart with this salt so that no link puts words on the page.
CHOICE_PARAMETERS = {"variante", "quantite", "refus"}
REFUSAL_SALT = "millet.add-to-cart.refusal"
REFUSAL_MAX_AGE = 15 * 60


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
    if request.GET.get("count") == "1":
        # The filter drawer's "Show N products", asked while choices change.
        return JsonResponse(listing_count(request, current, categories))
    context = {
        "category": current,
        "categories": categories,
        "fragment_version": version,
        "sorts": SORTS,
        "summary_format": SUMMARY,  # a folded filter group's line, for catalog.js
        "clear_url": request.path,
        **when_drawn(lambda: listing(request, current, categories), *LISTING_SHOWS),
    }
    template = "catalog/product_list.html"
    if request.headers.get("X-Requested-With") == "fetch":
        template += "#refresh"
    return render(request, template, context)


def filtered(request, current, categories):
    """The listing's filter for `request`'s query in the category `current` (None: all),
    its activities, and the facet counts (catalog.facets)."""
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
    facets = facet_counts(product_filter, base, family, footwear_ids(categories))
    return product_filter, facets, activities


def listing(request, current, categories):
    """What the listing's results and filter panel show: its queries run only when the
    template draws them, not when the worker kept them drawn."""
    product_filter, facets, activities = filtered(request, current, categories)
    paginator = Paginator(product_filter.qs, PAGE_SIZE)
    if facets["listing_total"] is not None:  # counted with the facets: no COUNT query
        paginator.count = facets["listing_total"]
    page = paginator.get_page(request.GET.get("page"))
    chips = active_chips(request.GET, product_filter, facets)
    colours = product_filter.cleaned_data.get("couleur") or ()
    return {
        "facets": facets,
        "page": page,
        # A colour filtered: each card shows its picture of that colour, if it has one.
        "cards": product_cards(page.object_list, eager_first=True, colours=colours),
        "notes": product_filter.notes,
        "groups": facet_groups(product_filter, facets, activities),
        "chips": chips,
        "drop_last_url": chips[-1]["url"] if chips else None,
        "page_query": without(request.GET, "page").lstrip("?"),
        "search": product_filter.search_terms(),
        "current_sort": product_filter.sort(),
    }


def listing_count(request, current, categories):
    """What the filter drawer shows before its choices are applied: the number of
    products the listing would show (its own count, as its paginator has it), the
    button's words, and each option's count ({param: {value: count}})."""
    product_filter, facets, _activities = filtered(request, current, categories)
    count = facets["listing_total"]
    if count is None:  # a range or a search: counted as the paginator counts
        count = product_filter.qs.count()
    options = {}
    for facet in FACETS:
        if facet.kind == "flag":
            options[facet.param] = {"true": facets[facet.param]["1"]}
        elif facet.kind == "choice":
            options[facet.param] = facets[facet.param]
    label = ngettext("Show %(counter)s product", "Show %(counter)s products", count)
    return {"count": count, "label": label % {"counter": count}, "options": options}


@require_safe
@anonymous_page
def product_detail(request, slug):
    if len(slug) > SLUG_LENGTH:
        raise Http404("No such product")
    version = fragment_version("catalog", "story", "stock")
    product = Product.objects.for_detail().filter(slug=slug).first()
    preview = product is None
    if preview:
        product = staff_preview(request, slug)
    related = list(Product.objects.related_to(product))
    # The product, its story, and the cards of the other products it shows.
    depends_on(
        request,
        "catalog",
        "story",
        f"product:{product.pk}",
        *(f"card:{other.pk}" for other in related),
    )
    context = {
        "product": product,
        "related": related,
        "fragment_version": version,
        "preview": preview,
        **refused_choice(request, product),
    }
    response = render(request, "catalog/product_detail.html", context)
    if preview:
        # Staff's own look at a product shoppers cannot see: never kept by the page
        # cache nor a proxy (private), never indexed.
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    if CHOICE_PARAMETERS & request.GET.keys():
        # One shopper's choice and the refusal it met: never kept for the next visitor.
        patch_cache_control(response, private=True, no_cache=True)
    return response


def staff_preview(request, slug):
    """The unpublished product `slug` for staff who may view products, else 404. Reads
    the user only here: a shopper's product page stays one the page cache may keep."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("catalog.view_product")):
        raise Http404("No such product")
    return get_object_or_404(Product.objects.for_preview(), slug=slug)


def refusal_query(variant, quantity, message):
    """The query string that brings a shopper back to the product page with their
    choice and the refusal it met, shown beside it (see refused_choice)."""
    refusal = signing.dumps(str(message), salt=REFUSAL_SALT)
    return urlencode({"variante": variant.pk, "quantite": quantity, "refus": refusal})


def refused_choice(request, product):
    """The variant, quantity and refusal the cart sent this shopper back with (see
    shop.views.cart_add): the form shows them again, the refusal beside the choice."""
    chosen = {variant.pk: variant for variant in product.variants.all()}
    try:
        variant = chosen.get(int(request.GET.get("variante", "")))
        quantity = int(request.GET.get("quantite", ""))
    except ValueError:
        return {}
    try:
        refusal = signing.loads(
            request.GET.get("refus", ""), salt=REFUSAL_SALT, max_age=REFUSAL_MAX_AGE
        )
    except signing.BadSignature:
        refusal = None
    if variant is None or not 1 <= quantity <= 99:
        return {}
    return {"chosen_variant": variant.pk, "chosen_quantity": quantity, "refusal": refusal}
