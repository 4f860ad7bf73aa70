import datetime
import json
import re
import secrets
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from catalog.views import refusal_query
from common.csrf import same_origin_form
from common.http import private_page
from common.mail import enqueue_on_commit
from common.page_cache import anonymous_page, depends_on
from shop import payments
from shop.cart import FREE_DELIVERY_FROM, Cart, totals
from shop.forms import AddToCartForm, CartLineForm, CheckoutForm, ReturnForm
from shop.models import Order, Payment, PaymentEvent, Store
from shop.payment_tasks import payment_event_handle
from shop.returns import ReturnRefused, return_deadline, return_request, returnable_quantities
from shop.services import (
    Customer,
    LineUnavailable,
    TransitionRefused,
    order_awaits_card_payment,
    order_pay_by_card,
    order_payment_check,
    order_payment_switch,
    order_place,
)

KEY_LENGTH = 43  # secrets.token_urlsafe(32)
# A key as Cart.ensure_checkout_key makes them: secrets.token_urlsafe's letters,
# digits, "-" and "_".
KEY_FORMAT = re.compile(rf"[A-Za-z0-9_-]{{1,{KEY_LENGTH}}}")
LAST_ORDER_KEY = "last_order"
# An empty checkout leads to the last order placed this long ago at most: the
# shopper who lost its confirmation comes back within minutes.
RECENT_ORDER = datetime.timedelta(hours=1)


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


# Its form is on the product pages, served from the cache without a token.
@same_origin_form
@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, "shop:cart")
    variant, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    cart = Cart(request.session)
    # A cart whose order was placed (its answer lost) starts afresh, with a new key.
    _placed_from_this_cart(request, cart)
    refusal = cart.add(variant, quantity)
    if refusal:
        if request.POST.get("next") == variant.product.get_absolute_url():
            # Back to the product page, the choice kept and the refusal beside it.
            query = refusal_query(variant, quantity, refusal.message)
            return redirect(f"{variant.product.get_absolute_url()}?{query}#choice")
        messages.error(request, refusal.message)
        return _back(request, "shop:cart")
    messages.success(
        request, _("%(product)s was added to your cart.") % {"product": variant.product.name}
    )
    return redirect("shop:cart")


def _close_cart(request, cart, order):
    """The cart became `order`: empty it (its key is spent) and remember the order, so
    the cart page can lead back to it even if the confirmation never reached the shopper."""
    cart.clear()
    request.session[LAST_ORDER_KEY] = order.token


def _last_order(request):
    """The last order placed from this session, if any (one query when there is one)."""
    token = request.session.get(LAST_ORDER_KEY)
    return Order.objects.filter(token=token).first() if isinstance(token, str) else None


def _placed_from_this_cart(request, cart, *, announce=True):
    """The order that this cart's checkout key already placed, if any.

    When a checkout's response is lost (a dropped connection, a server that
    died after the commit) the session may still hold the cart and its key;
    the next visit finds the order here, empties the cart and says so.
    """
    if not cart.checkout_key:
        return None
    order = Order.objects.filter(checkout_key=cart.checkout_key).first()
    if order is not None:
        _close_cart(request, cart, order)
        if announce:
            messages.success(
                request,
                format_html(
                    _('Your order {number} is placed: <a href="{url}">see its confirmation</a>.'),
                    number=order.number,
                    url=order.get_absolute_url(),
                ),
            )
    return order


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def cart_view(request):
    cart = Cart(request.session)
    last_order = _placed_from_this_cart(request, cart, announce=False)
    if request.method == "POST":
        form = CartLineForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That change could not be made to your cart."))
        elif refusal := cart.change(form.cleaned_data["variant"], form.cleaned_data["quantity"]):
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your cart was updated."))
        return redirect("shop:cart")
    lines = cart.lines()
    if not lines and last_order is None:
        last_order = _last_order(request)
    subtotal = sum((line.total for line in lines), Decimal("0.00"))
    context = {
        "lines": lines,
        "last_order": last_order,
        "subtotal": subtotal,
        "free_delivery_from": FREE_DELIVERY_FROM,
        "missing_for_free_delivery": max(FREE_DELIVERY_FROM - subtotal, Decimal("0.00")),
        "can_checkout": bool(lines) and not any(line.problem for line in lines),
    }
    return render(request, "shop/cart.html", context)


def _changed_lines_message(lines, problem=None):
    """Each line that can no longer be bought as it is, by product, size and colour, and
    what changed ("Sac Trilogy 35 (M / Bleu): only 2 left"), one to a row.

    `problem` is the line order_place refused, named alone if the cart, read again,
    shows no change (the stock came back meanwhile)."""
    changed = [
        (line.product.name, line.variant_label, line.shortage) for line in lines if line.problem
    ]
    if not changed and problem is not None:
        labels = {line.variant.pk: line.variant_label for line in lines}
        changed = [(problem.name, labels.get(problem.variant_id, ""), problem.reason)]
    rows = [
        _("%(product)s (%(variant)s): %(change)s")
        % {"product": name, "variant": label, "change": change}
        if label
        else _("%(product)s: %(change)s") % {"product": name, "change": change}
        for name, label, change in changed
    ]
    return format_html(
        "{}<br>{}",
        _("These items changed since you put them in your cart:"),
        format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows)),
    )


def _posted_checkout_key(request) -> str:
    """The checkout key the form carried, or "" if it carried none the shop could have made.

    A forged one (a NUL, which PostgreSQL refuses in a query, any character
    or length a key never has) is no key: the checkout then says the page
    had expired, and nothing is ordered.
    """
    key = request.POST.get("checkout_key", "")
    return key if KEY_FORMAT.fullmatch(key) else ""


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def checkout(request):
    cart = Cart(request.session)
    posted_key = _posted_checkout_key(request)
    if posted_key:
        # This form was sent before (double click, resubmission): its order.
        order = Order.objects.filter(checkout_key=posted_key).first()
        if order is not None:
            if posted_key == cart.checkout_key:
                _close_cart(request, cart, order)
            return redirect(order)
    order = _placed_from_this_cart(request, cart)
    if order is not None:
        return redirect(order)
    lines = cart.lines()
    if not lines:
        last_order = _last_order(request)
        if last_order and last_order.created_at >= timezone.now() - RECENT_ORDER:
            return redirect(last_order)  # placed minutes ago: the shopper looks for it
        if last_order is None:
            messages.info(request, _("Your cart is empty."))
        return redirect("shop:cart")
    if any(line.problem for line in lines):
        messages.error(request, _changed_lines_message(lines))
        return redirect("shop:cart")
    addresses, chosen = _saved_addresses(request)
    form = CheckoutForm(request.POST or None, initial=_account_initial(request, chosen))
    if request.method == "POST" and form.is_valid():
        if not posted_key or posted_key != cart.checkout_key:
            form.add_error(
                None,
                _(
                    "This page had expired and nothing was ordered. "
                    "Check your details and place the order again."
                ),
            )
        else:
            data = form.cleaned_data
            try:
                order = order_place(
                    items=dict(cart.items),
                    customer=Customer(
                        email=data["email"],
                        name=data["name"],
                        phone=data["phone"],
                        street=data["street"],
                        postcode=data["postcode"],
                        city=data["city"],
                    ),
                    delivery=data["delivery"],
                    payment_method=data["payment_method"],
                    store=data.get("store"),
                    checkout_key=posted_key,
                    language=request.LANGUAGE_CODE,
                )
            except LineUnavailable as problem:
                # Another shopper took the last units meanwhile: the cart, read again,
                # names every line that changed.
                messages.error(request, _changed_lines_message(cart.lines(), problem))
                return redirect("shop:cart")
            except TransitionRefused as problem:
                form.add_error("store", str(problem))
            else:
                _close_cart(request, cart, order)
                if order_awaits_card_payment(order):
                    return redirect("shop:order_pay", token=order.token)
                return redirect(order)
    subtotal = sum((line.total for line in lines), Decimal("0.00"))
    context = {
        "form": form,
        # The error summary's count: one per message, as it lists them.
        "problems": sum(len(errors) for errors in form.errors.values()),
        "lines": lines,
        "checkout_key": cart.ensure_checkout_key(),
        "subtotal": subtotal,
        "totals": [(choice, totals(subtotal, choice.value)) for choice in Order.Delivery],
        "hold_minutes": settings.PAYMENT_HOLD_MINUTES,
        "addresses": addresses,
        "chosen_address": chosen,
    }
    return render(request, "shop/checkout.html", context)


def _saved_addresses(request):
    """A signed-in shopper's saved addresses, and the one that fills the form: the one
    picked (`?adresse=`), else the one they use first."""
    if not request.user.is_authenticated:
        return [], None
    addresses = list(request.user.saved_addresses.select_related("store"))
    picked = request.GET.get("adresse", "")
    chosen = next((a for a in addresses if str(a.pk) == picked), None)
    return addresses, chosen or next((a for a in addresses if a.is_default), None)


def _account_initial(request, address):
    """What the form shows a signed-in shopper before they type: their e-mail address
    and the saved address chosen."""
    if not request.user.is_authenticated:
        return {}
    return {"email": request.user.email, **(address.checkout_initial() if address else {})}


@require_safe
@private_page
def order_detail(request, token):
    order = get_object_or_404(Order.objects.select_related("store", "invoice"), token=token)
    lines = list(order.lines.all())
    returns = order.returns.prefetch_related("lines__order_line")
    deadline = return_deadline(order)
    can_return = (
        deadline is not None
        and timezone.localdate() <= deadline
        and any(returnable_quantities(order).values())
    )
    context = {
        "order": order,
        "lines": lines,
        "returns": returns,
        "return_deadline": deadline if can_return else None,
        "awaits_card_payment": order_awaits_card_payment(order),
        "payment_processing": order.payments.filter(status=Payment.Status.PROCESSING).exists(),
        "refunds": order_refunds(order),
    }
    return render(request, "shop/order.html", context)


def order_refunds(order):
    from shop.models import Refund

    return list(Refund.objects.filter(payment__order=order).order_by("created_at"))


# Card payment tries a connection may make in an hour.
CARD_TRIES_RATE = "20/h"
# The one-time key of a payment try, as the payment page makes them.
ATTEMPT_FORMAT = re.compile(r"[A-Za-z0-9_-]{20,64}")
# A token from Stripe.js: "tok_" and the provider's letters and digits.
CARD_TOKEN_FORMAT = re.compile(r"tok_[A-Za-z0-9_]{1,100}")


def _payment_csp(response):
    """The payment step, and it alone, runs the provider's script and frame and lets the
    page talk to the provider's API."""
    js_origin = re.match(r"https?://[^/]+", settings.STRIPE_JS_URL)[0]
    config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    stripe_frames = ["https://*.js.stripe.com", "https://hooks.stripe.com"]
    config["script-src"] += [js_origin, *(stripe_frames[:1] if not settings.STRIPE_LOCAL else [])]
    config["frame-src"] = [js_origin, *(stripe_frames if not settings.STRIPE_LOCAL else [])]
    config["connect-src"] += [settings.STRIPE_API_BASE]
    response._csp_config = config
    return response


def _payment_answer(order, payment=None, *, refusal="", status=200):
    """What the payment script is told: where to go, what to show, or the bank's check."""
    if payment is not None and payment.status == Payment.Status.SUCCEEDED:
        return JsonResponse({"state": "paid", "redirect": order.get_absolute_url()})
    if payment is not None and payment.status == Payment.Status.REQUIRES_ACTION:
        return JsonResponse(
            {
                "state": "requires_action",
                "client_secret": payments.client_secret(payment),
                "check": reverse("shop:order_pay_check", kwargs={"token": order.token}),
                "attempt": payment.attempt,
            }
        )
    if payment is not None and payment.status == Payment.Status.PROCESSING:
        return JsonResponse({"state": "paid", "redirect": order.get_absolute_url()})
    message = refusal or (payments.decline_message(None) if payment is not None else "")
    return JsonResponse(
        {"state": "refused", "message": message, "attempt": secrets.token_urlsafe(24)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def order_pay(request, token):
    """The payment step of a card order: the provider's card field, then "Pay".

    The page posts the provider's one-time card token here (never the card number);
    the answer says whether the order is paid, refused, or needs the bank's check."""
    order = get_object_or_404(Order.objects.select_related("store"), token=token)
    if not order_awaits_card_payment(order):
        if request.method == "POST":
            return JsonResponse({"state": "closed", "redirect": order.get_absolute_url()})
        return redirect(order)
    if request.method == "POST" and "application/json" not in request.headers.get("Accept", ""):
        # Sent without the payment script (blocked, or JavaScript off): no card came.
        messages.error(request, _("Paying by card needs JavaScript. You can pay by bank transfer."))
        return redirect("shop:order_pay", token=order.token)
    if request.method == "POST":
        # Stolen cards are tried on shops by the hundred: a connection gets a few tries.
        if is_ratelimited(
            request, group="card-payment", key="ip", rate=CARD_TRIES_RATE, increment=True
        ):
            return _payment_answer(
                order,
                refusal=_(
                    "Your connection has made many card payment tries in the last hour. "
                    "Pay by bank transfer, or try again later."
                ),
                status=429,
            )
        attempt = request.POST.get("attempt", "")
        card_token = request.POST.get("card_token", "")
        if not ATTEMPT_FORMAT.fullmatch(attempt) or not CARD_TOKEN_FORMAT.fullmatch(card_token):
            return _payment_answer(
                order, refusal=_("The card details did not reach us. Try again."), status=400
            )
        try:
            payment, refusal = order_pay_by_card(
                order=order, card_token=card_token, attempt=attempt
            )
            return _payment_answer(order, payment, refusal=refusal)
        except payments.PaymentUnavailable as problem:
            return _payment_answer(order, refusal=str(problem), status=503)
        except payments.PaymentRefused as problem:
            return _payment_answer(order, refusal=str(problem), status=409)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "attempt": secrets.token_urlsafe(24),
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "refused": order.payments.exclude(error="").exists(),
    }
    return _payment_csp(render(request, "shop/pay.html", context))


@require_POST
@private_page
def order_pay_check(request, token):
    """After the bank's check in the browser: the provider is asked, server to server,
    what became of the try."""
    order = get_object_or_404(Order, token=token)
    attempt = request.POST.get("attempt", "")
    payment = (
        order.payments.filter(attempt=attempt).first()
        if ATTEMPT_FORMAT.fullmatch(attempt)
        else None
    )
    if payment is None:
        return _payment_answer(order, refusal=_("This payment try is unknown. Try again."))
    try:
        payment = order_payment_check(payment)
        return _check_answer(order, payment)
    except (payments.PaymentUnavailable, payments.PaymentRefused) as problem:
        return _payment_answer(order, refusal=str(problem), status=503)


def _check_answer(order, payment):
    if payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD:
        return _payment_answer(
            order,
            payment,
            refusal=payments.decline_message("payment_intent_authentication_failure"),
        )
    return _payment_answer(order, payment)


@require_POST
@private_page
def order_pay_switch(request, token):
    """The shopper pays by bank transfer (or at the store) instead of by card."""
    order = get_object_or_404(Order, token=token)
    try:
        order_payment_switch(order=order, method=request.POST.get("method", ""))
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    except payments.PaymentUnavailable as problem:
        messages.error(request, str(problem))
        return redirect("shop:order_pay", token=order.token)
    return redirect(order)


@csrf_exempt
@require_POST
def payment_webhook(request):
    """The provider tells us of a payment event. The signature is checked; the event
    is kept once by its id and acted on by the task worker, so the answer is quick."""
    payload = request.body
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
        )
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        data = event["data"]["object"]
    except (ValueError, KeyError, TypeError, stripe.SignatureVerificationError):
        return HttpResponse("Bad signature or payload.", status=400, content_type="text/plain")
    if not event_type.startswith("payment_intent.") or not isinstance(data, dict):
        return HttpResponse("Not a payment event: ignored.", content_type="text/plain")
    intent_id = str(data.get("id", ""))[:64]
    try:
        stored, created = PaymentEvent.objects.get_or_create(
            event_id=event_id[:64], defaults={"type": event_type[:64], "intent_id": intent_id}
        )
    except IntegrityError:
        created = False
    if created:
        enqueue_on_commit(payment_event_handle, event_id=stored.event_id)
    return HttpResponse("Received.", content_type="text/plain")


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def order_return(request, token):
    """The shopper chooses what to send back, from their order's private page."""
    order = get_object_or_404(Order.objects.select_related("store"), token=token)
    deadline = return_deadline(order)
    if deadline is None or timezone.localdate() > deadline:
        messages.error(request, _("This order can no longer be returned online."))
        return redirect(order)
    lines = list(order.lines.all())
    available = returnable_quantities(order)
    form = ReturnForm(request.POST or None, lines=lines, available=available)
    if not form.lines:
        messages.info(request, _("Every item of this order is already in a return."))
        return redirect(order)
    if request.method == "POST" and form.is_valid():
        try:
            return_request(
                order=order,
                quantities=form.quantities(),
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ReturnRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("Your return is recorded: an e-mail tells you how to send it back.")
            )
            return redirect(order)
    context = {"order": order, "form": form, "deadline": deadline}
    return render(request, "shop/return.html", context)


@require_safe
@anonymous_page
def stores(request):
    depends_on(request, "stores")
    today = timezone.localdate()
    current = [s for s in Store.objects.all() if not s.has_closed_by(today)]
    context = {
        "today": today,
        "permanent": [s for s in current if s.kind == Store.Kind.PERMANENT],
        "popups": [s for s in current if s.kind == Store.Kind.POPUP],
        "past_popups": Store.objects.filter(kind=Store.Kind.POPUP, closes_on__lt=today).order_by(
            "-closes_on"
        ),
    }
    return render(request, "shop/stores.html", context)
