from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.models import Product
from common.page_cache import anonymous_page, depends_on
from heritage.eras import era_of
from heritage.models import Expedition, Person, TimelineEvent

SLUG_LENGTH = TimelineEvent._meta.get_field("slug").max_length


@require_safe
@anonymous_page
def timeline(request):
    # The events, and the names of the products they shaped.
    depends_on(request, "story", "catalog")
    return render(request, "heritage/timeline.html", {"groups": timeline_groups()})


def timeline_groups():
    """The published events in their order, grouped by period, each group with its era."""
    groups = []
    for event in TimelineEvent.objects.for_timeline():
        if not groups or groups[-1]["label"] != event.group_label:
            groups.append(
                {
                    "label": event.group_label,
                    "anchor": event.group_anchor,
                    "era": era_of(event.year, event.period_label),
                    "events": [],
                }
            )
        groups[-1]["events"].append(event)
    return groups


@require_safe
@anonymous_page
def event_detail(request, slug):
    if len(slug) > SLUG_LENGTH:
        raise Http404("No such event")
    # The products come with their cards below: not prefetched a second time.
    event = get_object_or_404(
        TimelineEvent.objects.published().select_related("expedition").prefetch_related("people"),
        slug=slug,
    )
    products = list(Product.objects.for_listing().filter(timeline_events=event).order_by("name"))
    depends_on(request, "story", "catalog", *(f"card:{product.pk}" for product in products))
    return render(request, "heritage/event.html", {"event": event, "products": products})


@require_safe
@anonymous_page
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    events = person.events.published()
    depends_on(request, "story")
    return render(request, "heritage/person.html", {"person": person, "events": events})


@require_safe
@anonymous_page
def expedition_detail(request, slug):
    expedition = get_object_or_404(Expedition.objects.prefetch_related("members"), slug=slug)
    events = expedition.events.published()
    depends_on(request, "story")
    return render(request, "heritage/expedition.html", {"expedition": expedition, "events": events})


@require_safe
@anonymous_page
def made_in_france(request):
    products = list(Product.objects.for_listing().filter(made_in_france=True).order_by("name"))
    stories = TimelineEvent.objects.published().filter(related_products__made_in_france=True)
    context = {"products": products, "stories": stories.distinct()}
    depends_on(request, "story", "catalog", *(f"card:{product.pk}" for product in products))
    return render(request, "heritage/made_in_france.html", context)
