"""The shopper's cart, kept in the session: {variant id: quantity}."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from catalog.models import Variant

SESSION_KEY = "cart"
# The one-time key of the next checkout of this cart (see order_place).
CHECKOUT_KEY = "checkout_key"
MAX_QUANTITY = 10
DELIVERY_FEE = Decimal("6.90")
FREE_DELIVERY_FROM = Decimal("100.00")


@dataclass
class CartLine:
    variant: Variant
    quantity: int

    @property
    def product(self):
        return self.variant.product

    @property
    def total(self):
        return self.variant.product.price * self.quantity

    @property
    def variant_label(self):
        """Size and colour as the order keeps them ("M / Bleu"), or "" for neither."""
        return " / ".join(part for part in (self.variant.size, self.variant.colour) if part)

    @property
    def shortage(self):
        """What changed, in a few words for a message that lists several lines, or None."""
        if not self.variant.product.is_published:
            return _("no longer sold")
        if self.variant.stock == 0:
            return _("sold out")
        if self.variant.stock < self.quantity:
            return _("only %(stock)s left") % {"stock": self.variant.stock}
        return None

    @property
    def problem(self):
        """Why this line cannot be bought as it is, or None."""
        if not self.variant.product.is_published:
            return _("This product is no longer sold.")
        if self.variant.stock == 0:
            return _("This size is no longer available.")
        if self.variant.stock < self.quantity:
            return _("Only %(stock)s left: lower the quantity.") % {"stock": self.variant.stock}
        return None


@dataclass(frozen=True)
class Refusal:
    """Why a change to the cart was refused, and what the cart kept instead."""

    message: str


class Cart:
    def __init__(self, session):
        self.session = session
        raw = session.get(SESSION_KEY, {})
        self.items = {}
        if isinstance(raw, dict):
            for key, quantity in raw.items():
                if str(key).isdigit() and isinstance(quantity, int) and quantity > 0:
                    self.items[int(key)] = min(quantity, MAX_QUANTITY)

    def __len__(self):
        """The number of items, every unit counted."""
        return sum(self.items.values())

    def quantity_of(self, variant_id):
        return self.items.get(variant_id, 0)

    def add(self, variant: Variant, quantity: int) -> Refusal | None:
        """Add `quantity` of `variant`, or refuse and say what the cart keeps."""
        return self._change(variant, self.quantity_of(variant.pk) + quantity)

    def change(self, variant_id: int, quantity: int) -> Refusal | None:
        """Set a line to `quantity` (0 removes it), or refuse and say what the cart keeps.

        Reads the variant's stock (one query) unless the line is removed.
        """
        if variant_id not in self.items:
            return Refusal(_("That change could not be made to your cart."))
        if quantity <= 0:
            self.set(variant_id, 0)
            return None
        variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
        if variant is None:
            self.set(variant_id, 0)
            return Refusal(_("This product is no longer sold."))
        return self._change(variant, quantity)

    def _change(self, variant, wanted):
        kept = self.quantity_of(variant.pk)
        if variant.stock == 0:
            return Refusal(_("This size is sold out."))
        if wanted > MAX_QUANTITY:
            return Refusal(
                _("At most %(limit)s of one item per order: your cart keeps %(kept)s.")
                % {"limit": MAX_QUANTITY, "kept": kept}
            )
        if wanted > variant.stock:
            if kept:
                message = _("Only %(stock)s left in this size: your cart keeps %(kept)s.")
            else:
                message = _("Only %(stock)s left in this size.")
            return Refusal(message % {"stock": variant.stock, "kept": kept})
        self.set(variant.pk, wanted)
        return None

    def set(self, variant_id, quantity):
        if quantity <= 0:
            self.items.pop(variant_id, None)
        else:
            self.items[variant_id] = min(quantity, MAX_QUANTITY)
        self._save()

    def clear(self):
        """Empty the cart once its order exists; its checkout key is spent."""
        self.items = {}
        self._save()
        self.session.pop(CHECKOUT_KEY, None)

    @property
    def checkout_key(self) -> str:
        """The key that the checkout form of this cart carries ("" when there is none)."""
        key = self.session.get(CHECKOUT_KEY)
        return key if isinstance(key, str) else ""

    def ensure_checkout_key(self) -> str:
        """The checkout key, made when the cart is first filled (a write, so never on a GET
        unless the session predates keys)."""
        if not self.checkout_key:
            self.session[CHECKOUT_KEY] = secrets.token_urlsafe(32)
        return self.checkout_key

    def _save(self):
        self.session[SESSION_KEY] = {str(k): v for k, v in self.items.items()}
        if self.items:
            self.ensure_checkout_key()

    def lines(self):
        """The cart's lines with their variants, products and covers (one query)."""
        if not self.items:
            return []
        variants = list(
            Variant.objects.filter(pk__in=self.items)
            .select_related("product__cover")
            .order_by("product__name", "position", "pk")
        )
        return [CartLine(variant, self.items[variant.pk]) for variant in variants]


def totals(subtotal: Decimal, delivery: str | None = None) -> dict:
    """Subtotal, delivery fee and total for a delivery method."""
    fee = Decimal("0.00")
    if delivery == "home" and subtotal < FREE_DELIVERY_FROM:
        fee = DELIVERY_FEE
    return {"subtotal": subtotal, "delivery_fee": fee, "total": subtotal + fee}
