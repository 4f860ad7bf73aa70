from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.validators import slug_re
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from catalog.models import Product
from common.client import client_network
from common.http import mark_private, private_page
from common.shoppers import verified_emails
from repairs.forms import RepairRequestForm, TrackingForm
from repairs.models import RepairPhoto, RepairRequest
from repairs.services import MoveRefused, repair_quote_answer, repair_request_create

SESSION_KEY = "repairs"
DATALIST_SIZE = 300
# Tracking attempts allowed in 15 minutes: for one reference from one
# connection (so guessing one reference never locks its owner, elsewhere, or
# anyone else out), and for all references from one connection. A shopper
# who gets in once is remembered by the session and need not try again.
TRACKING_LIMITS = [
    ("repair-tracking-reference", "5/15m", lambda group, request: _tracking_pair(request)),
    ("repair-tracking-connection", "20/15m", lambda group, request: client_network(request)),
]
# Repair requests one connection may send in an hour.
REQUEST_RATE = "10/h"
# Forms carrying photos one connection may send in an hour, valid or not:
# each photo costs up to a second of CPU to check, so the count comes before.
UPLOAD_RATE = "30/h"


@require_http_methods(["GET", "HEAD", "POST"])
def service(request):
    status = 200
    if request.method == "POST" and request.FILES and _uploads_limited(request):
        form = RepairRequestForm(request.POST)
        form.add_error(None, _too_many_message())
        status = 429
    elif request.method == "POST":
        form = RepairRequestForm(request.POST, request.FILES)
        # Only requests that would be saved count: a shopper correcting the
        # form is never held back, and a refused one keeps what they typed.
        if form.is_valid() and is_ratelimited(
            request, group="repair-request", key="ip", rate=REQUEST_RATE, increment=True
        ):
            form.add_error(None, _too_many_message())
            status = 429
        if form.is_valid():
            data = form.cleaned_data
            fields = {k: v for k, v in data.items() if k not in ("photos",)}
            try:
                repair = repair_request_create(
                    fields=fields, photos=data["photos"], language=request.LANGUAGE_CODE
                )
            except MoveRefused as problem:
                form.add_error("photos", str(problem))
            else:
                _remember(request, repair)
                return redirect("repairs:sent", reference=repair.reference)
        elif request.FILES:
            messages.warning(request, _("For your safety, please choose your photos again."))
    else:
        initial = {}
        slug = request.GET.get("produit", "")
        product = None
        if slug_re.fullmatch(slug[:140]):
            product = Product.objects.published().filter(slug=slug).first()
        if product:
            initial["product"] = product.name
        form = RepairRequestForm(initial=initial)
    names = Product.objects.published().order_by("name").values_list("name", flat=True)
    context = {"form": form, "product_names": names[:DATALIST_SIZE]}
    return render(request, "repairs/service.html", context, status=status)


def _uploads_limited(request) -> bool:
    return is_ratelimited(
        request, group="repair-uploads", key="ip", rate=UPLOAD_RATE, increment=True
    )


def _too_many_message() -> str:
    return _(
        "Your connection has sent many repair requests in the last hour. "
        "Please try again later, or write to us."
    )


@require_safe
@private_page
def sent(request, reference):
    repair = _readable(request).filter(reference=reference).first()
    if repair is None:
        raise Http404("Unknown request")
    return render(request, "repairs/sent.html", {"repair": repair})


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def tracking(request):
    form = TrackingForm(request.POST or None)
    if request.method == "POST":
        if _tracking_limited(request):
            context = {"form": form, "throttled": True}
            return render(request, "repairs/tracking.html", context, status=429)
        if form.is_valid():
            repair = RepairRequest.objects.filter(
                reference=form.cleaned_data["reference"], email__iexact=form.cleaned_data["email"]
            ).first()
            if repair is not None:
                _remember(request, repair)
                return redirect("repairs:detail", reference=repair.reference)
            form.add_error(None, _("No request matches this reference and e-mail address."))
    return render(request, "repairs/tracking.html", {"form": form, "throttled": False})


def _tracking_limited(request) -> bool:
    """Count this attempt against every tracking limit; whether one is now exceeded.

    The attempt is counted before it is checked, in one atomic step of the
    shared cache: attempts sent together cannot all slip under the limit.
    """
    exceeded = [
        is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
        for group, rate, key in TRACKING_LIMITS
    ]
    return any(exceeded)


def _tracking_pair(request) -> str:
    reference = request.POST.get("reference", "").strip().upper()[:20]
    return f"{client_network(request)}|{reference}"


@require_safe
@private_page
def detail(request, reference):
    repair = get_object_or_404(
        _readable(request).prefetch_related("history", "photos").select_related("product"),
        reference=reference,
    )
    return render(request, "repairs/detail.html", {"repair": repair})


@require_POST
def quote_answer(request, reference):
    repair = get_object_or_404(_readable(request), reference=reference)
    try:
        repair_quote_answer(repair=repair, accept=request.POST.get("answer") == "accept")
    except MoveRefused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Thank you, the workshop has your answer."))
    return redirect("repairs:detail", reference=repair.reference)


@require_safe
def photo(request, reference, photo_id):
    picture = get_object_or_404(
        RepairPhoto, pk=photo_id, request__in=_readable(request).filter(reference=reference)
    )
    return photo_response(picture)


def photo_response(picture: RepairPhoto) -> HttpResponse:
    """The photo's file, for someone already allowed to see it; kept by no cache.

    Behind nginx (PRIVATE_MEDIA_ACCEL_PREFIX set, deploy/nginx/millet.conf), the
    app only checks who asks and hands the sending to nginx through an
    internal location (X-Accel-Redirect); the folder itself is never public.
    """
    if not picture.image.storage.exists(picture.image.name):
        raise Http404("Photo file missing")
    if prefix := settings.PRIVATE_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(picture.image.name)
        return mark_private(response)
    try:
        return mark_private(FileResponse(picture.image.open("rb")))
    except FileNotFoundError:
        raise Http404("Photo file missing") from None


def _remember(request, repair):
    known = request.session.get(SESSION_KEY, [])
    if repair.pk not in known:
        request.session[SESSION_KEY] = [*known, repair.pk][-20:]


def _readable(request):
    """The requests this visitor proved they own: reference + e-mail, sent them, or made
    them with an address their signed-in account has verified."""
    owned = Q(pk__in=request.session.get(SESSION_KEY, []))
    for email in verified_emails(request.user):
        owned |= Q(email__iexact=email, anonymised_at=None)
    return RepairRequest.objects.filter(owned)
