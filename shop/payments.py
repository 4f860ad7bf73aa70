"""Card payment through the provider's API: Stripe's official SDK, talking to Stripe
with real keys, or to localstripe (a local stand-in with the same API) without them.

The card number never reaches the shop: the shopper types it in the provider's own
field (Stripe.js), which gives the browser a one-time token. The shop then makes,
server to server, a PaymentIntent for the order's amount and confirms it. What the
order becomes is decided in `shop.services` from what the provider says here.

Each try is a `Payment` row, created before any call, keyed by the payment form's
one-time `attempt`, which is also the idempotency key of every call of that try:
a double click or a retried request charges once. Every money movement is logged
on the "shop.payments" logger.
"""

import logging
from decimal import Decimal
from functools import cache

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from common.templatetags.typography import price
from shop.models import Order, Payment, Refund

logger = logging.getLogger("shop.payments")

# What the shopper reads when the provider refuses, by the provider's code (Stripe's
# API speaks English; the shop speaks the shopper's language).
DECLINES = {
    "card_declined": lambda: _("Your bank declined this card. Try another card."),
    "insufficient_funds": lambda: _("Your bank declined this card: the funds are insufficient."),
    "expired_card": lambda: _("This card has expired. Try another card."),
    "incorrect_cvc": lambda: _("The security code is wrong. Check the three digits on the back."),
    "incorrect_number": lambda: _("The card number is wrong. Check it and try again."),
    "invalid_expiry_year": lambda: _("The expiry date is wrong. Check it and try again."),
    "processing_error": lambda: _("Your bank could not process the payment. Try again."),
    "payment_intent_authentication_failure": lambda: _(
        "Your bank's check (3-D Secure) did not succeed. Try again or use another card."
    ),
}


class PaymentUnavailable(Exception):
    """The provider could not be reached or answered with an error: nothing was charged
    by this call. The message is for the shopper."""


class PaymentRefused(Exception):
    """The shop will not take this payment or refund; the message says why."""


def decline_message(code: str | None) -> str:
    known = DECLINES.get(code or "")
    return known() if known else _("The payment did not go through. Try another card.")


@cache
def _client(api_key: str, api_base: str, timeout: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        # A failed call is answered to the shopper at once; the idempotency keys
        # make their next click safe to repeat.
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def provider() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _unavailable(error: Exception) -> PaymentUnavailable:
    logger.warning("Payment provider unavailable: %s", error)
    return PaymentUnavailable(
        _(
            "The payment service cannot be reached right now; nothing was charged. "
            "Try again in a moment, or pay by bank transfer."
        )
    )


def _sync(payment: Payment, intent) -> Payment:
    """Record on `payment` what the provider says of its intent."""
    payment.status = intent.status
    # For the bank's check in the browser; never stored.
    payment.client_secret = intent.client_secret
    error = intent.last_payment_error.to_dict() if intent.last_payment_error else {}
    if intent.status == Payment.Status.REQUIRES_PAYMENT_METHOD and error:
        payment.error = str(error.get("message") or error.get("code") or "")[:255]
    payment.save(update_fields=["status", "error", "updated_at"])
    return payment


def payment_start(*, order: Order, card_token: str, attempt: str) -> tuple[Payment, str]:
    """Charge the card behind `card_token` (made by Stripe.js in the shopper's browser)
    for `order`, as the try `attempt`. Returns the payment and, if the provider
    refused, the message for the shopper ("" otherwise).

    A second call with the same `attempt` (a double click) returns the first call's
    payment as the provider now sees it, without a second charge.
    """
    try:
        with transaction.atomic():
            payment = Payment.objects.create(order=order, attempt=attempt, amount=order.total)
    except IntegrityError:
        payment = Payment.objects.filter(attempt=attempt, order=order).first()
        if payment is None:  # a key of another order's page: no try of this one
            raise PaymentRefused(_("This payment try is unknown. Try again.")) from None
        return payment_refresh(payment), ""
    _cancel_earlier(order, but=payment)
    client = provider()
    try:
        payment.customer_id = _customer(order, attempt)
        card = client.v1.customers.payment_sources.create(
            payment.customer_id,
            params={"source": card_token},
            options={"idempotency_key": f"{attempt}-card"},
        )
        intent = client.v1.payment_intents.create(
            params={
                "amount": cents(order.total),
                "currency": "eur",
                "customer": payment.customer_id,
                "payment_method": card.id,
                "payment_method_types": ["card"],
                "metadata": {"order": order.number, "payment": str(payment.pk)},
            },
            options={"idempotency_key": f"{attempt}-intent"},
        )
        payment.intent_id = intent.id
        payment.save(update_fields=["customer_id", "intent_id", "updated_at"])
        logger.info("Order %s: payment %s started for %s €", order.number, intent.id, order.total)
        intent = client.v1.payment_intents.confirm(
            intent.id, options={"idempotency_key": f"{attempt}-confirm"}
        )
    except stripe.CardError as refusal:
        payment.status = Payment.Status.REQUIRES_PAYMENT_METHOD
        payment.error = str(refusal.user_message or refusal.code or "")[:255]
        payment.save(update_fields=["customer_id", "status", "error", "updated_at"])
        # Stripe names the bank's reason (insufficient_funds…) apart from the code.
        decline = getattr(refusal.error, "decline_code", None) if refusal.error else None
        logger.info("Order %s: card refused (%s, %s)", order.number, refusal.code, decline)
        known = decline if decline in DECLINES else refusal.code
        return payment, decline_message(known)
    except stripe.InvalidRequestError as error:
        # A card token the provider does not know (expired, forged): nothing was charged.
        logger.warning("Order %s: the provider refused the request: %s", order.number, error)
        payment.status = Payment.Status.REQUIRES_PAYMENT_METHOD
        payment.error = str(error.user_message or error.code or "")[:255]
        payment.save(update_fields=["customer_id", "status", "error", "updated_at"])
        return payment, _("The card details did not reach us. Try again.")
    except stripe.StripeError as error:
        payment.save(update_fields=["customer_id", "updated_at"])
        raise _unavailable(error) from error
    _sync(payment, intent)
    return payment, ""


def _customer(order: Order, attempt: str) -> str:
    """The provider's customer holding this order's cards: made on the first try."""
    known = order.payments.exclude(customer_id="").values_list("customer_id", flat=True).first()
    if known:
        return known
    customer = provider().v1.customers.create(
        params={"email": order.email, "name": order.name, "metadata": {"order": order.number}},
        options={"idempotency_key": f"{attempt}-customer"},
    )
    return customer.id


def _cancel_earlier(order: Order, *, but: Payment) -> None:
    """Cancel the order's earlier tries still open at the provider (a 3-D Secure check
    left unfinished), so that only one try can ever take the money."""
    for earlier in order.payments.exclude(pk=but.pk).filter(
        status__in=[Payment.Status.REQUIRES_ACTION, Payment.Status.REQUIRES_CONFIRMATION]
    ):
        payment_cancel(earlier)


def payment_cancel(payment: Payment) -> Payment:
    """Cancel an open try at the provider; a try that was paid meanwhile stays paid."""
    if not payment.intent_id:
        return payment
    try:
        intent = provider().v1.payment_intents.cancel(payment.intent_id)
    except stripe.InvalidRequestError:
        return payment_refresh(payment)  # no longer cancellable: read what it became
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return _sync(payment, intent)


def payment_refresh(payment: Payment) -> Payment:
    """Read the try's state from the provider, server to server."""
    if not payment.intent_id:
        return payment
    try:
        intent = provider().v1.payment_intents.retrieve(payment.intent_id)
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return _sync(payment, intent)


def payment_of_intent(intent_id: str) -> Payment | None:
    """The try behind a provider's PaymentIntent. One the shop made but could not note
    (its process stopped between the provider's answer and the write) is found by the
    try's id the intent carries, and noted now."""
    payment = Payment.objects.filter(intent_id=intent_id).first()
    if payment is not None:
        return payment
    try:
        intent = provider().v1.payment_intents.retrieve(intent_id)
    except stripe.InvalidRequestError:
        return None  # not an intent of this account
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    metadata = intent.metadata.to_dict() if intent.metadata else {}
    reference = str(metadata.get("payment", ""))
    if not reference.isdigit():
        return None
    updated = Payment.objects.filter(
        pk=int(reference), intent_id=None, order__number=metadata.get("order")
    ).update(intent_id=intent_id)
    return Payment.objects.filter(intent_id=intent_id).first() if updated else None


def client_secret(payment: Payment) -> str:
    """What Stripe.js needs to run the bank's check (3-D Secure) in the browser: from
    the intent the shop last read, or read again."""
    if getattr(payment, "client_secret", None):
        return payment.client_secret
    try:
        return provider().v1.payment_intents.retrieve(payment.intent_id).client_secret
    except stripe.StripeError as error:
        raise _unavailable(error) from error


def refundable(payment: Payment) -> Decimal:
    refunded = payment.refunds.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    return payment.amount - refunded


def refund_card(*, payment: Payment, amount: Decimal, reason: str, key: str, parcel=None) -> Refund:
    """Send `amount` back to the card that paid `payment`, once per `key`.

    Never more than what is left of the payment; the provider's refund id is kept.
    """
    done = Refund.objects.filter(key=key).first()
    if done is not None:
        return done
    if payment.status != Payment.Status.SUCCEEDED:
        raise PaymentRefused(_("Only a card payment that went through can be refunded."))
    if not Decimal(0) < amount <= refundable(payment):
        raise PaymentRefused(
            _("A card refund must be more than 0 and at most %(left)s.")
            % {"left": price(refundable(payment))}
        )
    try:
        refund = provider().v1.refunds.create(
            params={
                "payment_intent": payment.intent_id,
                "amount": cents(amount),
                "metadata": {"order": payment.order.number, "reason": reason, "key": key},
            },
            # The amount is in the key: a corrected amount is a new request, the same
            # one again (a retried click) gets the first answer back.
            options={"idempotency_key": f"refund-{key}-{cents(amount)}"},
        )
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        logger.warning("Refund of %s € on %s unanswered: %s", amount, payment.intent_id, error)
        raise PaymentUnavailable(
            _(
                "The payment service did not answer: the refund may or may not be made. "
                "Check the payment in Stripe's dashboard before trying again."
            )
        ) from error
    except stripe.StripeError as error:
        logger.warning("Refund of %s € on %s refused: %s", amount, payment.intent_id, error)
        raise PaymentRefused(
            _("The payment service refused the refund; nothing was changed.")
        ) from error
    logger.info(
        "Order %s: refunded %s € (%s) on %s as %s",
        payment.order.number,
        amount,
        reason,
        payment.intent_id,
        refund.id,
    )
    # The same key again (a retried click) gets the same refund back from the provider.
    kept, _created = Refund.objects.get_or_create(
        provider_id=refund.id,
        defaults={
            "payment": payment,
            "parcel": parcel,
            "reason": reason,
            "amount": amount,
            "key": key,
        },
    )
    return kept
