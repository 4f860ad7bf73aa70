"""Stores, orders and their lines."""

import secrets
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Variant

# The group of fixtures/groups.json whose members see only their own stores' orders.
STORE_STAFF_GROUP = "Boutiques"

postcode_validator = RegexValidator(r"^\d{5}$", _("A French postal code has five digits."))


class StoreQuerySet(models.QuerySet):
    def open_on(self, day):
        """Stores open on `day`: opened by then and not yet closed."""
        return self.filter(Q(opens_on__lte=day), Q(closes_on__isnull=True) | Q(closes_on__gte=day))

    def collect_points(self, day):
        """Stores where an order can be collected on `day`."""
        return self.open_on(day).filter(click_and_collect=True)


class StoreManager(models.Manager.from_queryset(StoreQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Store(models.Model):
    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Permanent store")
        POPUP = "popup", _("Pop-up store")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PERMANENT)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postal code"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100)
    opens_on = models.DateField(_("opening date"))
    closes_on = models.DateField(
        _("closing date"), null=True, blank=True, help_text=_("Empty for a permanent store.")
    )
    assortment = models.TextField(
        _("assortment"), blank=True, help_text=_("What shoppers find there, in a sentence or two.")
    )
    click_and_collect = models.BooleanField(
        _("click and collect"), default=True, help_text=_("Orders can be collected here.")
    )
    email = models.EmailField(_("e-mail"), help_text=_("Receives click-and-collect orders."))
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("As shoppers dial it, e.g. 04 50 12 34 56."),
    )
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per group of days, e.g. “Tuesday to Saturday: 10 am – 7 pm”."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("store staff"),
        blank=True,
        related_name="stores",
        help_text=_(
            "Members of the “Boutiques” group listed here see this store’s click-and-collect "
            "orders, and no other orders."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoreManager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["kind", "city", "name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="store_closes_after_opening",
                violation_error_message=_("A store cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="store_postcode_five_digits"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    def natural_key(self):
        return (self.slug,)

    def is_open_on(self, day):
        return self.opens_on <= day and (self.closes_on is None or self.closes_on >= day)

    def has_closed_by(self, day):
        return self.closes_on is not None and self.closes_on < day

    @property
    def map_url(self):
        """A plain link to the address on OpenStreetMap: no map script on our pages."""
        query = f"{self.street}, {self.postcode} {self.city}, France"
        return "https://www.openstreetmap.org/search?" + urlencode({"query": query})

    @property
    def phone_link(self):
        """The phone as a tel: address in international form ("" without a phone)."""
        digits = "".join(character for character in self.phone if character.isdigit())
        if len(digits) == 10 and digits.startswith("0"):
            return f"tel:+33{digits[1:]}"
        return f"tel:{digits}" if digits else ""


class OrderQuerySet(models.QuerySet):
    def sales(self):
        """Orders that count as sales: all but the cancelled ones."""
        return self.exclude(status=Order.Status.CANCELLED)

    def visible_to(self, user):
        """The orders `user` works on in the admin: store staff (the STORE_STAFF_GROUP group,
        not superusers) see only the click-and-collect orders of the stores they are linked
        to (Store.staff); everyone else sees them all. Joins the store's staff."""
        if user.is_superuser or not user.groups.filter(name=STORE_STAFF_GROUP).exists():
            return self
        return self.filter(delivery=Order.Delivery.COLLECT, store__staff=user)

    def to_prepare(self):
        """Orders waiting to be packed: paid ones, and click-and-collect orders paid at the
        store that are not ready yet (they are paid when collected)."""
        return self.filter(
            Q(status=Order.Status.PAID)
            | Q(status=Order.Status.AWAITING_PAYMENT, payment_method=Order.Payment.AT_STORE)
        )

    def daily_sales(self, *, since):
        """For the admin's dashboard: one row per day since `since` (a date in the shop's
        time zone) that had sales, as {"day", "orders", "revenue"}, oldest first."""
        return (
            self.sales()
            .filter(created_at__date__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(orders=Count("pk"), revenue=Sum("total"))
            .order_by("day")
        )


def new_token():
    return secrets.token_urlsafe(24)


class Order(models.Model):
    class Delivery(models.TextChoices):
        HOME = "home", _("Home delivery")
        COLLECT = "collect", _("Click and collect")

    class Payment(models.TextChoices):
        CARD = "card", _("Card")
        TRANSFER = "transfer", _("Bank transfer")
        AT_STORE = "at_store", _("Pay at collection")

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        READY = "ready", _("Ready for collection")
        SHIPPED = "shipped", _("Shipped")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")

    class Carrier(models.TextChoices):
        COLISSIMO = "colissimo", "Colissimo"
        CHRONOPOST = "chronopost", "Chronopost"
        DPD = "dpd", "DPD"
        MONDIAL_RELAY = "mondial_relay", "Mondial Relay"
        OTHER = "other", _("Other carrier")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # The one-time key of the checkout form that placed this order: a second
    # submission of the same form finds this order instead of placing another.
    # NULL for orders placed before keys existed: NULLs never collide.
    checkout_key = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    language = models.CharField(
        _("language"), max_length=8, default="fr", editable=False, help_text=_("Of the e-mails.")
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery)
    store = models.ForeignKey(
        Store,
        verbose_name=_("collection store"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    payment_method = models.CharField(_("payment"), max_length=10, choices=Payment)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.AWAITING_PAYMENT
    )
    subtotal = models.DecimalField(_("subtotal (€)"), max_digits=10, decimal_places=2)
    delivery_fee = models.DecimalField(_("delivery (€)"), max_digits=8, decimal_places=2)
    total = models.DecimalField(_("total (€)"), max_digits=10, decimal_places=2)
    stock_returned = models.BooleanField(_("stock put back"), default=False, editable=False)
    # An unpaid card order holds its stock until then (settings.PAYMENT_HOLD_MINUTES).
    payment_due_by = models.DateTimeField(_("card payment due by"), null=True, editable=False)
    paid_at = models.DateTimeField(_("paid"), null=True, editable=False)
    # The card payment that paid it: any other that goes through is refunded.
    paid_by = models.OneToOneField(
        "Payment",
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="paid_order",
    )
    # When the worker cancelled it, unpaid at the end of its hold: a payment that goes
    # through later may still take the stock again. A bank transfer that never came is
    # released the same way (shop.services.transfer_cancel).
    hold_released_at = models.DateTimeField(_("released unpaid"), null=True, editable=False)
    # When the shopper was reminded of a bank transfer still awaited (once).
    transfer_reminded_at = models.DateTimeField(
        _("transfer reminder e-mailed"), null=True, editable=False
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mailed"), null=True, blank=True, editable=False
    )
    store_notified_at = models.DateTimeField(
        _("store e-mailed"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The shopper's details were erased; amounts and lines stay for the accounts."),
    )
    # When the goods left us: shipped, or collected at the store. The 14 days to
    # withdraw from the purchase count from the shopper's receipt (shop.returns).
    handed_over_at = models.DateTimeField(_("shipped or collected"), null=True, editable=False)
    carrier = models.CharField(
        _("carrier"), max_length=20, choices=Carrier, blank=True, editable=False
    )
    tracking_number = models.CharField(
        _("tracking number"), max_length=64, blank=True, editable=False
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(delivery_fee__gte=0) & Q(total__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(delivery="home", store__isnull=True)
                | Q(delivery="collect", store__isnull=False),
                name="order_collect_needs_store",
            ),
            models.CheckConstraint(
                condition=~Q(payment_method="at_store") | Q(delivery="collect"),
                name="order_pay_at_store_only_when_collecting",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("shop:order", kwargs={"token": self.token})

    @property
    def paid_by_card(self):
        """The try that paid this order by card, if one did."""
        return self.paid_by

    @property
    def tracking_url(self):
        """Where the shopper follows the parcel ("" for a carrier we have no page of)."""
        url = TRACKING_URLS.get(self.carrier)
        return url.format(quote(self.tracking_number)) if url and self.tracking_number else ""

    @property
    def status_label(self):
        """The status as the shopper reads it: an order paid at the store is not late, it is
        to pay at collection."""
        if (
            self.status == self.Status.AWAITING_PAYMENT
            and self.payment_method == self.Payment.AT_STORE
        ):
            return _("To pay at collection")
        return self.get_status_display()


# Where the shopper follows a parcel, by carrier; none for "other".
TRACKING_URLS = {
    Order.Carrier.COLISSIMO: "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    Order.Carrier.CHRONOPOST: "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={}",
    Order.Carrier.DPD: "https://trace.dpd.fr/fr/trace/{}",
    Order.Carrier.MONDIAL_RELAY: "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition={}",
}


class OrderNote(models.Model):
    """A staff member's note on an order, kept as written."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="order_notes",
        editable=False,
    )
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.order} · {self.created_at:%Y-%m-%d %H:%M}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, related_name="order_lines"
    )
    product_name = models.CharField(_("product"), max_length=120)
    variant_label = models.CharField(_("size / colour"), max_length=80, blank=True)
    sku = models.CharField(_("SKU"), max_length=40)
    unit_price = models.DecimalField(_("unit price (€)"), max_digits=8, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(line_total__gte=0),
                name="line_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"


class Return(models.Model):
    """Goods sent back under the 14-day right of withdrawal: asked for by the shopper
    from their order page, then received, inspected and refunded by staff."""

    class Reason(models.TextChoices):
        SIZE = "size", _("The size does not fit")
        CHANGED_MIND = "changed_mind", _("I changed my mind")
        NOT_AS_DESCRIBED = "not_as_described", _("It is not as described")
        DAMAGED = "damaged", _("It arrived damaged or faulty")
        OTHER = "other", _("Another reason")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Received and inspected")
        REFUNDED = "refunded", _("Refunded")

    class RefundMethod(models.TextChoices):
        CARD = "card", _("To the card that paid")
        TRANSFER = "transfer", _("Bank transfer")
        AT_STORE = "at_store", _("At the store")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    comment = models.TextField(_("shopper's comment"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.REQUESTED, editable=False
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    received_at = models.DateTimeField(_("received"), null=True, editable=False)
    restocked_at = models.DateTimeField(_("resaleable items restocked"), null=True, editable=False)
    refund_amount = models.DecimalField(
        _("refund (€)"), max_digits=10, decimal_places=2, null=True, editable=False
    )
    refund_method = models.CharField(
        _("refund method"), max_length=10, choices=RefundMethod, blank=True, editable=False
    )
    refunded_on = models.DateField(_("refunded on"), null=True, editable=False)
    # Each e-mail to the shopper, marked once the relay has taken it.
    requested_emailed_at = models.DateTimeField(null=True, editable=False)
    received_emailed_at = models.DateTimeField(null=True, editable=False)
    refunded_emailed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gt=0),
                name="return_refund_positive",
            ),
        ]

    def __str__(self):
        return _("Return of order %(number)s") % {"number": self.order.number}


class ReturnLine(models.Model):
    parcel = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="returned"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    resaleable = models.BooleanField(
        _("resaleable"),
        default=True,
        help_text=_("Back on sale once received; untick an item that cannot be sold again."),
    )

    class Meta:
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive"),
            models.UniqueConstraint(fields=["parcel", "order_line"], name="return_line_once"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_line.product_name}"

    @property
    def amount(self):
        return self.order_line.unit_price * self.quantity


class Payment(models.Model):
    """One try at paying an order by card: a PaymentIntent at the provider.

    `attempt` is the one-time key of the payment form that made it, sent to the
    provider as the idempotency key: a double click makes one intent, one charge.
    The status is the provider's, as last read from it server to server.
    """

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", _("Refused or not finished")
        REQUIRES_CONFIRMATION = "requires_confirmation", _("Being confirmed")
        REQUIRES_ACTION = "requires_action", _("Waiting for the bank's check (3-D Secure)")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELED = "canceled", _("Cancelled")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    attempt = models.CharField(max_length=64, unique=True, editable=False)
    intent_id = models.CharField(  # noqa: DJ001
        _("provider's payment id"), max_length=64, unique=True, null=True, editable=False
    )
    # The provider's customer that holds the card: one per order, reused by its tries.
    customer_id = models.CharField(
        _("provider's customer id"), max_length=64, blank=True, editable=False
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2, editable=False)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=Status,
        default=Status.REQUIRES_PAYMENT_METHOD,
        editable=False,
    )
    error = models.CharField(_("provider's message"), max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("card payment")
        verbose_name_plural = _("card payments")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return self.intent_id or self.attempt


class Refund(models.Model):
    """Money sent back to the card that paid, through the provider."""

    class Reason(models.TextChoices):
        RETURN = "return", _("Returned items")
        CANCELLATION = "cancellation", _("Order cancelled")
        LATE_PAYMENT = "late_payment", _("Paid after the stock was released")
        DUPLICATE = "duplicate", _("Order already paid")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    parcel = models.ForeignKey(
        Return,
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)
    provider_id = models.CharField(_("provider's refund id"), max_length=64, unique=True)
    # What asked for it ("return-12", "cancel-34"): the same key never refunds twice.
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("refunded"), auto_now_add=True)

    class Meta:
        verbose_name = _("card refund")
        verbose_name_plural = _("card refunds")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return self.provider_id


class PaymentEvent(models.Model):
    """A webhook event from the provider, kept once by its id: a second delivery of the
    same event finds it here and changes nothing."""

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64)
    intent_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class InvoiceSequence(models.Model):
    """The last invoice number given: one row, locked while a number is taken, so the
    numbers follow each other without a gap (a rolled-back order gives its number back)."""

    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.last)


class Invoice(models.Model):
    """The facture of a paid order, numbered once in the shop's one sequence."""

    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoice"
    )
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["number"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"F-{self.number:07d}"
