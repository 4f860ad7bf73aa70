from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.models import Product
from heritage.eras import era_of
from heritage.models import Expedition, Person, TimelineEvent
from millet_site.page_cache import anonymous_page, content_version, kept_with_content

SLUG_LENGTH = TimelineEvent._meta.get_field("slug").max_length


@require_safe
@anonymous_page
def timeline(request):
    # The story's events, kept in the worker under the content version, so never stale.
    groups = kept_with_content("heritage:timeline", timeline_groups, content_version())
    return render(request, "heritage/timeline.html", {"groups": groups})


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
    shown = kept_with_content(f"heritage:event:{slug}", lambda: event_page(slug), content_version())
    return render(request, "heritage/event.html", shown)


def event_page(slug):
    # The products come with their cards below: not prefetched a second time.
    event = get_object_or_404(
        TimelineEvent.objects.published().select_related("expedition").prefetch_related("people"),
        slug=slug,
    )
    products = Product.objects.for_listing().filter(timeline_events=event).order_by("name")
    return {"event": event, "products": list(products)}


@require_safe
@anonymous_page
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    events = person.events.published()
    return render(request, "heritage/person.html", {"person": person, "events": events})


@require_safe
@anonymous_page
def expedition_detail(request, slug):
    expedition = get_object_or_404(Expedition.objects.prefetch_related("members"), slug=slug)
    events = expedition.events.published()
    return render(request, "heritage/expedition.html", {"expedition": expedition, "events": events})


@require_safe
@anonymous_page
def made_in_france(request):
    products = Product.objects.for_listing().filter(made_in_france=True).order_by("name")
    stories = TimelineEvent.objects.published().filter(related_products__made_in_france=True)
    context = {"products": products, "stories": stories.distinct()}
    return render(request, "heritage/made_in_france.html", context)
