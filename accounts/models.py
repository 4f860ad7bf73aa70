"""What a shopper keeps in their account besides allauth's own rows: saved addresses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedAddress(models.Model):
    """A delivery the shopper reuses at checkout: a home address, or a store to collect from."""

    class Delivery(models.TextChoices):
        HOME = "home", _("Home delivery")
        COLLECT = "collect", _("Click and collect")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="saved_addresses",
    )
    label = models.CharField(_("name of this address"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery)
    name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    store = models.ForeignKey(
        "shop.Store",
        verbose_name=_("collection store"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_default = models.BooleanField(_("used first at checkout"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved address")
        verbose_name_plural = _("saved addresses")
        ordering = ["-is_default", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="one_default_address_per_account",
            ),
        ]

    def __str__(self):
        return self.label

    def checkout_initial(self) -> dict:
        """The checkout form's fields this address fills in."""
        initial = {"name": self.name, "phone": self.phone, "delivery": self.delivery}
        if self.delivery == self.Delivery.HOME:
            initial |= {"street": self.street, "postcode": self.postcode, "city": self.city}
        elif self.store_id:
            initial["store"] = self.store_id
        return initial
