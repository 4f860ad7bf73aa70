"""After-sales repair requests, their photos, status history and workshop messages."""

import os
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from catalog.images import validate_image
from catalog.models import Product


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Repair photos live in PRIVATE_MEDIA_ROOT: no URL serves them, only the views that
    check who asks (the owner's tracking page, staff in the admin)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()


def photo_path(instance, filename):
    extension = PurePosixPath(filename).suffix.lower()
    now = timezone.now()
    return f"repairs/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received at the workshop")
    DIAGNOSED = "diagnosed", _("Diagnosed")
    QUOTED = "quoted", _("Quote sent")
    IN_REPAIR = "in_repair", _("In repair")
    SHIPPED_BACK = "shipped_back", _("Shipped back")
    CLOSED = "closed", _("Closed")


class RepairCounter(models.Model):
    """The last reference number given in a year; locked while a new one is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class RepairRequest(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_requests",
    )
    product_description = models.CharField(
        _("item description"),
        max_length=200,
        blank=True,
        help_text=_("For an item that is not in today's catalogue."),
    )
    purchase_year = models.PositiveSmallIntegerField(
        _("year of purchase"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1921), MaxValueValidator(2100)],
    )
    damage = models.TextField(_("what is damaged"), max_length=2000)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=60, default="France")
    language = models.CharField(
        _("language"), max_length=8, default="fr", editable=False, help_text=_("Of the e-mails.")
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status, default=Status.SUBMITTED, editable=False
    )
    quote_amount = models.DecimalField(
        _("quote (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Fill in before moving the request to “quote sent”."),
    )
    quote_note = models.TextField(_("quote details"), blank=True)
    quote_decision = models.CharField(
        _("shopper's answer"), max_length=10, choices=Decision, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("submitted on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The shopper's details, the damage described and the photos were erased."),
    )

    class Meta:
        verbose_name = _("repair request")
        verbose_name_plural = _("repair requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quote_amount__isnull=True) | Q(quote_amount__gte=0),
                name="repair_quote_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=False) | ~Q(product_description=""),
                name="repair_names_an_item",
                violation_error_message=_("Choose a product or describe the item."),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def item(self):
        """What is being repaired, as the shopper would name it (uses `product`)."""
        return self.product.name if self.product_id else self.product_description


class RepairPhoto(models.Model):
    request = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"),
        storage=private_storage,
        upload_to=photo_path,
        validators=[validate_image],
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width (px)"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height (px)"), default=0, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self):
        return _("Photo %(number)s") % {"number": self.pk}


class RepairStatusChange(models.Model):
    request = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=15, choices=Status)
    note = models.TextField(_("message to the shopper"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.at:%Y-%m-%d})"
