from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from alerts.forms import StockAlertForm
from alerts.models import StockAlert
from alerts.services import stock_alert_cancel, stock_alert_confirm, stock_alert_request
from common.csrf import same_origin_form
from common.http import private_page

# Alerts one connection may ask for in an hour: each sends an e-mail to the
# address typed, which must not become a way to flood somebody's inbox.
REQUEST_RATE = "10/h"


# Its form is on the product pages, served from the cache without a token.
@same_origin_form
@require_POST
def subscribe(request):
    form = StockAlertForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, form)
    variant = form.cleaned_data["variant"]
    # Only alerts that would be saved count: a typo never holds a shopper back.
    if is_ratelimited(request, group="stock-alert", key="ip", rate=REQUEST_RATE, increment=True):
        messages.error(
            request,
            _(
                "Your connection has asked for many alerts in the last hour. "
                "Please try again later."
            ),
        )
        return redirect(variant.product)
    stock_alert_request(
        variant=variant, email=form.cleaned_data["email"], language=request.LANGUAGE_CODE
    )
    messages.success(
        request,
        _(
            "Check your inbox: we have sent a link to %(email)s. "
            "Your alert starts once you follow it."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect(variant.product)


def _back(request, form):
    """The product page the form was sent from, when it can be told; else the catalogue."""
    variant = form.cleaned_data.get("variant") or _variant_named(form)
    if variant is not None:
        return redirect(variant.product)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("catalog:list")


def _variant_named(form):
    """The variant posted, even when it is not one alerts can be asked for (in stock)."""
    try:
        return form.fields["variant"].clean(form.data.get("variant"))
    except ValidationError:  # unknown or malformed: no product page to go back to
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def confirm(request, token):
    """The link of the confirmation e-mail. Opening it changes nothing (mail scanners open
    links too): the shopper confirms with the page's button."""
    alert = get_object_or_404(StockAlert.objects.select_related("variant__product"), token=token)
    if request.method == "POST":
        stock_alert_confirm(alert=alert)
        return redirect("alerts:confirm", token=token)
    return render(request, "alerts/confirm.html", {"alert": alert, "variant": alert.variant})


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def unsubscribe(request, token):
    """The link in every alert e-mail: a button that forgets the alert and its address."""
    alert = get_object_or_404(StockAlert.objects.select_related("variant__product"), token=token)
    if request.method == "POST":
        stock_alert_cancel(alert=alert)
        return redirect("alerts:unsubscribed")
    return render(request, "alerts/unsubscribe.html", {"alert": alert, "variant": alert.variant})


@require_safe
def unsubscribed(request):
    return render(request, "alerts/unsubscribed.html", {})
