"""The brand's story: dated events, the people and expeditions that carried the gear."""

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.images import validate_image
from catalog.models import Product, SlugManager


class Person(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    role = models.CharField(
        _("role"), max_length=120, help_text=_("E.g. founder, alpinist, mountain guide.")
    )
    bio = models.TextField(_("biography"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("heritage:person", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class Expedition(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summit = models.CharField(_("summit"), max_length=120, blank=True)
    text = models.TextField(_("text"), blank=True)
    members = models.ManyToManyField(
        Person, verbose_name=_("members"), blank=True, related_name="expeditions"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugManager()

    class Meta:
        verbose_name = _("expedition")
        verbose_name_plural = _("expeditions")
        ordering = ["year", "name_fr"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("heritage:expedition", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class TimelineEventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_timeline(self):
        """The timeline page: events with their people and products (three queries)."""
        return self.published().prefetch_related(
            "people",
            Prefetch(
                "related_products",
                Product.objects.published().order_by("name"),
                to_attr="shaped_products",
            ),
        )

    def for_product(self, product):
        """Published events linked to `product`, for its lineage block (one query)."""
        return self.published().filter(related_products=product)

    def with_product_count(self):
        return self.annotate(product_count=Count("related_products", distinct=True))


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        FOUNDING = "founding", _("Founding")
        PRODUCT = "product", _("Product")
        EXPEDITION = "expedition", _("Expedition")
        COMPANY = "company", _("Company")
        SERVICE = "service", _("Service")
        STORE = "store", _("Store")

    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the sources give no year."),
    )
    is_approximate = models.BooleanField(
        _("approximate"),
        default=False,
        help_text=_("Tick when only the decade is known: shown as “the 1950s”."),
    )
    start_date = models.DateField(_("exact date"), null=True, blank=True)
    end_date = models.DateField(
        _("until"), null=True, blank=True, help_text=_("For an event that lasted, e.g. a pop-up.")
    )
    period_label = models.CharField(
        _("period"),
        max_length=60,
        blank=True,
        help_text=_("Shown instead of a date when there is no year, e.g. “Today”."),
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    summary = models.CharField(_("summary"), max_length=250)
    text = models.TextField(_("text"))
    image = models.ImageField(
        _("image"), upload_to="heritage/", blank=True, validators=[validate_image]
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), blank=True, related_name="events"
    )
    expedition = models.ForeignKey(
        Expedition,
        verbose_name=_("expedition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    related_products = models.ManyToManyField(
        Product,
        verbose_name=_("in the catalogue today"),
        blank=True,
        related_name="timeline_events",
        help_text=_(
            "Products on sale today that a reader of this event may want to see, such as a pack "
            "named after it. They are shown as “in the catalogue today”, never as descending "
            "from the event: link only what the story itself supports."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order on the timeline, smallest first.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugManager.from_queryset(TimelineEventQuerySet)()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["position", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="event_year_sensible",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                name="event_dates_in_order",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            # Constraints on translated texts read the French column, always given.
            models.CheckConstraint(
                condition=Q(year__isnull=False)
                | Q(period_label_fr__isnull=False, period_label_fr__gt=""),
                name="event_has_year_or_period",
                violation_error_message=_("Give a year or, failing that, a period."),
            ),
            models.CheckConstraint(
                condition=Q(image="") | Q(image_alt_fr__isnull=False, image_alt_fr__gt=""),
                name="event_image_has_alt",
                violation_error_message=_("Describe the image for people who cannot see it."),
            ),
        ]

    def __str__(self):
        return f"{self.when} — {self.title}"

    def get_absolute_url(self):
        return reverse("heritage:event", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def group_label(self):
        """The timeline section: “The 1950s”, or the period when there is no year."""
        if self.year is None:
            return self.period_label
        return _("The %(decade)ss") % {"decade": self.year // 10 * 10}

    @property
    def group_anchor(self):
        return slugify(str(self.group_label))

    @property
    def when(self):
        """The date as honestly as the sources give it."""
        if self.start_date and self.end_date:
            return _("From %(start)s to %(end)s") % {
                "start": date_format(self.start_date, "j F Y"),
                "end": date_format(self.end_date, "j F Y"),
            }
        if self.start_date:
            return date_format(self.start_date, "j F Y")
        if self.year is None:
            return self.period_label
        if self.is_approximate:
            return self.group_label
        return str(self.year)
