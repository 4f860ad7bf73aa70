"""The catalogue: categories, activities, products, their variants and images."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Func, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.i18n import localized
from catalog.images import validate_image
from catalog.search import SearchDocument
from catalog.signals import stock_changed


class SlugManager(models.Manager):
    """Rows are known by their slug in fixtures (natural keys)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Leave empty for a top-level category."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first in menus.")
    )

    objects = SlugManager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="category_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category", kwargs={"category": self.slug})

    def natural_key(self):
        return (self.slug,)


class Activity(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["position", "name_fr"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


# The product fields includes/cards/product.html reads (see for_listing).
CARD_FIELDS = [
    "slug",
    "name_fr",
    "name_en",
    "brand",
    "category",
    "price",
    "tier",
    "made_in_france",
    "in_stock",
    "updated_at",
    "cover",
]
# What a card's picture reads of the cover (includes/picture.html).
COVER_FIELDS = ["image", "width", "height", "alt_text_fr", "alt_text_en", "renditions"]


def page_fetch_mode():
    """What the pages' query sets do when a template reads a field or a relation they
    did not load: fetch it (Django's default), or, when PAGE_FETCH_RAISE is on (the
    tests), raise, so that a lazy load fails the test that meets it instead of adding
    a query per card."""
    return models.FETCH_RAISE if settings.PAGE_FETCH_RAISE else models.FETCH_ONE


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def searchable(self):
        """Alias what search filters on (see catalog.search.search_condition).

        PostgreSQL searches each language's `search_document` column itself.
        SQLite gets `search_folded`: the name, summary and description in the
        active language, lower-cased without accents by a function registered
        on each SQLite connection (catalog.apps).
        """
        if connection.vendor == "postgresql":
            return self
        parts = [localized(field) for field in ("name", "summary", "description")]
        text = Concat(
            parts[0], Value(" "), parts[1], Value(" "), parts[2], output_field=models.TextField()
        )
        return self.alias(
            search_folded=Func(text, function="millet_fold", output_field=models.TextField())
        )

    def featured(self):
        """Products staff chose for the home page, in their order."""
        return self.filter(featured_position__isnull=False).order_by("featured_position", "pk")

    def for_home(self, limit=8):
        """The home page's featured products, with category, cover and stock flag (one
        query)."""
        return self.for_listing().featured()[:limit]

    def made_in_france_pick(self):
        """The made-in-France product to put forward: staff's first featured one, else the
        newest (one query, its cover included)."""
        return (
            self.for_listing()
            .filter(made_in_france=True)
            .order_by(F("featured_position").asc(nulls_last=True), "-created_at", "-pk")
            .first()
        )

    def in_stock(self):
        """Products with at least one variant in stock."""
        return self.filter(in_stock=True)

    def with_total_stock(self):
        """Annotate `total_stock`, the units on hand over every variant."""
        return self.annotate(total_stock=Coalesce(Sum("variants__stock"), 0))

    def for_listing(self):
        """The catalogue listing: published products with category, cover and stock flag,
        in one query whatever the page size.
        """
        return (
            self.published()
            .select_related("category", "cover")
            # What a card shows: a product row holds its texts in two languages and
            # two search documents, which a listing never reads.
            .only(*CARD_FIELDS, *(f"cover__{name}" for name in COVER_FIELDS))
            .annotate(buyable=F("in_stock"))
            .fetch_mode(page_fetch_mode())
        )

    def related_to(self, product, limit=4):
        """Up to `limit` other products of the same category, cheapest first (one query).

        Ordered along the (published, category, price) index, so the cost does
        not grow with the size of the category.
        """
        same_category = self.for_listing().filter(category=product.category_id)
        return same_category.exclude(pk=product.pk).order_by("price", "pk")[:limit]

    def for_detail(self):
        """The product page: category (with its size guide, else its parent's),
        activities, variants and images, in four queries."""
        return self.published().for_preview()

    def for_preview(self):
        """The product page as staff preview it, published or not (see for_detail)."""
        return (
            self.select_related(
                "category",
                "category__size_guide",
                "category__parent",
                "category__parent__size_guide",
            )
            .prefetch_related(
                "activities",
                Prefetch("variants", Variant.objects.order_by("position", "size_fr", "colour_fr")),
                Prefetch("images", ProductImage.objects.order_by("position", "pk")),
            )
            .fetch_mode(page_fetch_mode())
        )


class Product(models.Model):
    class Brand(models.TextChoices):
        MILLET = "millet", "Millet"
        LAFUMA = "lafuma", "Lafuma"

    class Audience(models.TextChoices):
        MEN = "men", _("Men")
        WOMEN = "women", _("Women")
        KIDS = "kids", _("Kids")
        UNISEX = "unisex", _("Unisex")

    class Tier(models.TextChoices):
        ENTRY = "entry", _("Everyday")
        ADVANCED = "advanced", _("Advanced")
        EXPERT = "expert", _("Expert")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    featured_position = models.PositiveSmallIntegerField(
        _("featured position"),
        null=True,
        blank=True,
        help_text=_(
            "Shown on the home page and first in the catalogue, smallest number first. "
            "Leave empty for a product that is not featured."
        ),
    )
    brand = models.CharField(_("brand"), max_length=20, choices=Brand, default=Brand.MILLET)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    activities = models.ManyToManyField(
        Activity,
        verbose_name=_("activities"),
        blank=True,
        related_name="products",
        help_text=_("The activities this product is designed for."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience, default=Audience.UNISEX
    )
    summary = models.CharField(
        _("summary"),
        max_length=200,
        blank=True,
        help_text=_("One sentence shown on product cards and in search results."),
    )
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Price including VAT, in euros."),
    )
    tier = models.CharField(
        _("tier"),
        max_length=10,
        choices=Tier,
        default=Tier.ENTRY,
        help_text=_("Everyday for the general public, expert for high-mountain kit."),
    )
    made_in_france = models.BooleanField(_("made in France"), default=False)
    workshop = models.CharField(
        _("workshop or region"),
        max_length=120,
        blank=True,
        help_text=_("Where in France it is made, e.g. “Drôme”. Required when made in France."),
    )
    country_of_manufacture = models.CharField(
        _("country of manufacture"), max_length=60, help_text=_("E.g. France, Viêt Nam.")
    )
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    volume_l = models.PositiveSmallIntegerField(_("volume (L)"), null=True, blank=True)
    comfort_temp_c = models.SmallIntegerField(
        _("comfort temperature (°C)"),
        null=True,
        blank=True,
        help_text=_("Sleeping bags only."),
    )
    limit_temp_c = models.SmallIntegerField(
        _("limit temperature (°C)"),
        null=True,
        blank=True,
        help_text=_("Sleeping bags only; not above the comfort temperature."),
    )
    waterproofing_mm = models.PositiveIntegerField(
        _("waterproofing (mm)"),
        null=True,
        blank=True,
        help_text=_("Water column of the fabric, in millimetres."),
    )
    repairability = models.TextField(
        _("repairability"),
        blank=True,
        help_text=_("What our repair workshop can mend on this product."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published products appear in the shop.")
    )
    # What the listing filters on, kept from the variants in the transaction of
    # every stock change (see stock_flags_refresh): a filter then reads the
    # product row instead of testing its variants one by one.
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    sizes_in_stock = models.CharField(
        _("sizes in stock"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("The French names of the sizes in stock, each between bars: |M|L|."),
    )
    colours_in_stock = models.CharField(
        _("colours in stock"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("The French names of the colours in stock, each between bars."),
    )
    # The facet index's keys this product's bits are set under (catalog.facet_index).
    # Not in dumps: a product loaded from one has its bits set as it is saved.
    facet_keys = models.JSONField(
        _("facet keys"), default=list, blank=True, editable=False, serialize=False
    )
    # The first picture (by position), kept by every image saved or deleted (see
    # cover_refresh): a card reads it with its product, in the same query.
    cover = models.ForeignKey(
        "ProductImage",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # French and English full-text documents (PostgreSQL; NULL on SQLite).
    search_document = models.GeneratedField(
        expression=SearchDocument("fr"), output_field=SearchVectorField(), db_persist=True
    )
    search_document_en = models.GeneratedField(
        expression=SearchDocument("en"), output_field=SearchVectorField(), db_persist=True
    )

    objects = SlugManager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name_fr"]
        indexes = [
            models.Index(fields=["is_published", "category", "price"], name="product_listing_idx"),
            models.Index(fields=["is_published", "-created_at"], name="product_newest_idx"),
            models.Index(fields=["is_published", "name"], name="product_name_idx"),
            # (PostgreSQL also has product_selection_idx for the default order and
            # the two search indexes, made by migrations: see catalog/migrations.)
            # The stock filters and their counts read this index alone (PostgreSQL
            # includes the sizes and colours in it; other databases ignore INCLUDE).
            models.Index(
                fields=["is_published", "in_stock", "tier"],
                include=["sizes_in_stock", "colours_in_stock"],
                name="product_stock_idx",
            ),
            # What the listing's filters read: the products a price range keeps (for
            # its facet counts, catalog.facets.facet_counts) and the totals come
            # from this index alone, an eighth of the table on PostgreSQL.
            models.Index(
                fields=[
                    "is_published",
                    "category",
                    "tier",
                    "audience",
                    "brand",
                    "in_stock",
                    "made_in_france",
                    "price",
                    "comfort_temp_c",
                    "volume_l",
                    "sizes_in_stock",
                    "colours_in_stock",
                    "id",
                ],
                name="product_facets_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_positive"),
            models.CheckConstraint(
                condition=Q(comfort_temp_c__isnull=True)
                | Q(limit_temp_c__isnull=True)
                | Q(comfort_temp_c__gte=models.F("limit_temp_c")),
                name="product_comfort_not_below_limit",
                violation_error_message=_(
                    "The comfort temperature cannot be below the limit temperature."
                ),
            ),
            # Constraints on translated texts read the French column, always given.
            models.CheckConstraint(
                condition=Q(made_in_france=False)
                | Q(
                    workshop_fr__isnull=False,
                    workshop_fr__gt="",
                    country_of_manufacture_fr="France",
                ),
                name="product_made_in_france_has_workshop",
                violation_error_message=_(
                    "A product made in France needs its workshop or region, "
                    "and France as its country of manufacture."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    country_of_manufacture_fr__isnull=False, country_of_manufacture_fr__gt=""
                ),
                name="product_country_required",
            ),
            models.CheckConstraint(
                condition=Q(brand__in=["millet", "lafuma"]), name="product_brand_known"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=["entry", "advanced", "expert"]), name="product_tier_known"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save what staff and commands set, never what the shop keeps itself
        (KEPT_FIELDS): a product read before an order took its last unit would
        otherwise write back that it is in stock."""
        updating = not self._state.adding and not kwargs.get("force_insert")
        if updating and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and not field.generated and field.name not in KEPT_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:product", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def size_guide(self):
        """The size guide of its category, else of the parent category, or None. Reads
        the category, its parent and their guides (for_detail selects them)."""
        for category in (self.category, self.category.parent):
            # A category without a guide raises DoesNotExist, an AttributeError.
            guide = getattr(category, "size_guide", None) if category else None
            if guide is not None:
                return guide
        return None

    def colour_choices(self):
        """The variants by colour, in the order of each colour's first variant, each
        with the first picture of that colour (else None). Reads the variants and
        images for_detail prefetches."""
        pictures = {}
        for image in self.images.all():
            pictures.setdefault(image.colour_fr, image)
        choices = {}
        for variant in self.variants.all():
            if variant.colour_fr not in choices:
                choices[variant.colour_fr] = ColourChoice(
                    key=variant.colour_fr,
                    name=variant.colour,
                    picture=pictures.get(variant.colour_fr) if variant.colour_fr else None,
                    variants=[],
                )
            choices[variant.colour_fr].variants.append(variant)
        return list(choices.values())


@dataclass
class ColourChoice:
    """One colour on the product page: its sizes and the picture that shows it."""

    key: str  # the French name, as pictures and filters know it
    name: str  # in the active language
    picture: "ProductImage | None"
    variants: list

    @property
    def in_stock(self):
        return any(variant.in_stock for variant in self.variants)


# The product's columns the shop keeps from other rows, in their own transactions.
KEPT_FIELDS = {"in_stock", "sizes_in_stock", "colours_in_stock", "cover", "facet_keys"}


class FacetBits(models.Model):
    """One option of the listing's filters ("gamme:expert", "taille:M", "stock",
    "published", "category:3"…) and the products that have it, as a bitmap: bit n is
    set when the product whose pk is n has it. Kept in the transaction of every change
    to a product, its activities or its stock (catalog.facet_index), so that the facet
    counts AND and count bitmaps instead of scanning the products."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    bits = models.BinaryField(_("bits"), default=b"")

    class Meta:
        verbose_name = _("facet bitmap")
        verbose_name_plural = _("facet bitmaps")

    def __str__(self):
        return self.key


class VariantManager(models.Manager):
    def get_by_natural_key(self, sku):
        return self.get(sku=sku)


class Variant(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(
        _("SKU"), max_length=40, unique=True, help_text=_("Stock-keeping unit, unique.")
    )
    size = models.CharField(
        _("size"), max_length=20, blank=True, help_text=_("E.g. M, 42, 30 L; empty if one size.")
    )
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    stock = models.PositiveIntegerField(_("stock on hand"), default=0)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order of sizes on the product page.")
    )

    objects = VariantManager()

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "position", "size_fr", "colour_fr"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative"),
            # On the French names, the key filters and pictures know a variant
            # by (expressions, so that modeltranslation adds no copy per language).
            models.UniqueConstraint(
                F("product"),
                F("size_fr"),
                F("colour_fr"),
                name="variant_unique_size_colour",
                violation_error_message=_(
                    "This product already has a variant of that size and colour."
                ),
            ),
        ]

    def __str__(self):
        label = " / ".join(part for part in (self.size, self.colour) if part)
        return f"{self.sku} ({label})" if label else self.sku

    def natural_key(self):
        return (self.sku,)

    @property
    def in_stock(self):
        return self.stock > 0


class ProductImageManager(models.Manager):
    def get_by_natural_key(self, product_slug, position):
        return self.get(product__slug=product_slug, position=position)


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"),
        upload_to="products/",
        width_field="width",
        height_field="height",
        validators=[validate_image],
        help_text=_("JPEG, PNG or WebP, at most 10 MB and 30 megapixels."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=200,
        help_text=_("Describes the picture for people who cannot see it, e.g. “Red 30 L pack”."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("The first image is the product's cover.")
    )
    colour = models.CharField(
        _("colour"),
        max_length=40,
        blank=True,
        help_text=_(
            "The variant colour this picture shows, spelled as on the variants (e.g. “Rouge”): "
            "choosing that colour on the product page brings it to the front. "
            "Leave empty if it suits any colour."
        ),
    )
    renditions = models.JSONField(
        _("renditions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Resized copies made from the original: WebP and a fallback per width."),
    )

    objects = ProductImageManager()

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "position"], name="image_unique_position"),
            models.CheckConstraint(
                condition=Q(alt_text_fr__isnull=False, alt_text_fr__gt=""),
                name="image_alt_text_required",
            ),
        ]

    def __str__(self):
        return self.alt_text

    def natural_key(self):
        return (*self.product.natural_key(), self.position)

    natural_key.dependencies = ["catalog.product"]

    def srcset(self, kind="fallback"):
        """The `srcset` of the renditions of one kind ("webp" or "fallback")."""
        url = self.image.storage.url
        return ", ".join(f"{url(r[kind])} {r['width']}w" for r in self.renditions)

    @property
    def webp_srcset(self):
        return self.srcset("webp")

    @property
    def fallback_srcset(self):
        return self.srcset("fallback")

    @property
    def large_src(self):
        """The widest rendition, for the enlarged view, else the original."""
        if not self.renditions:
            return self.image.url
        widest = max(self.renditions, key=lambda rendition: rendition["width"])
        return self.image.storage.url(widest["fallback"])

    @property
    def src(self):
        """A middle-sized rendition for browsers that ignore srcset, else the original."""
        if not self.renditions:
            return self.image.url
        middle = self.renditions[min(1, len(self.renditions) - 1)]
        return self.image.storage.url(middle["fallback"])


class SizeGuideManager(models.Manager):
    def get_by_natural_key(self, category_slug):
        return self.get(category__slug=category_slug)


class SizeGuide(models.Model):
    """The sizes of one kind of product (clothing, shoes, sleeping bags, packs), shown
    beside the size choice of every product of its category and of its subcategories."""

    category = models.OneToOneField(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="size_guide",
        help_text=_(
            "Products of this category and of its subcategories show this guide, "
            "unless a subcategory has a guide of its own."
        ),
    )
    title = models.CharField(_("title"), max_length=120)
    table = models.TextField(
        _("table"),
        help_text=_(
            "One row per line, cells separated by “|”. The first line holds the column "
            "headings, e.g. “Size | Chest (cm) | Waist (cm)”."
        ),
    )
    advice = models.TextField(
        _("how to measure"),
        blank=True,
        help_text=_("A sentence or two on how to take the measurements, shown under the table."),
    )

    objects = SizeGuideManager()

    class Meta:
        verbose_name = _("size guide")
        verbose_name_plural = _("size guides")
        ordering = ["category__position", "pk"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return self.category.natural_key()

    natural_key.dependencies = ["catalog.category"]

    def clean(self):
        super().clean()
        widths = {len(row) for row in table_rows(self.table_fr or "")}
        if len(widths) > 1:
            raise ValidationError({"table_fr": _("Every row needs as many cells as the headings.")})

    def headings(self):
        return (table_rows(self.table) or [[]])[0]

    def rows(self):
        return table_rows(self.table)[1:]


def table_rows(text):
    """Lines like "Size | Chest" as [["Size", "Chest"], …], blank lines left out."""
    return [
        [cell.strip() for cell in line.split("|")] for line in text.splitlines() if line.strip()
    ]


def category_tiles():
    """The top-level categories that have products, each with `cover`: the first picture
    of its first featured (else newest) published product, its subcategories' included.

    Two queries: the categories with the chosen picture's id, then those pictures.
    """
    first_picture = (
        ProductImage.objects.filter(
            Q(product__category=OuterRef("pk")) | Q(product__category__parent=OuterRef("pk")),
            product__is_published=True,
        )
        .order_by(
            F("product__featured_position").asc(nulls_last=True),
            "-product__created_at",
            "product__pk",
            "position",
            "pk",
        )
        .values("pk")[:1]
    )
    categories = list(
        Category.objects.filter(parent=None).annotate(cover_id=models.Subquery(first_picture))
    )
    pictures = ProductImage.objects.in_bulk([c.cover_id for c in categories if c.cover_id])
    for category in categories:
        category.cover = pictures.get(category.cover_id)
    return [category for category in categories if category.cover]


def stock_marks(values):
    """`["M", "L"]` as stored in `sizes_in_stock`: "|L|M|" (sorted, each between bars)."""
    kept = sorted({value for value in values if value})
    return "|" + "|".join(kept) + "|" if kept else ""


def cover_refresh(product_ids):
    """Set each of these products' `cover` to its first image (by position), or none.
    One UPDATE; call it in the transaction that changed the images."""
    product_ids = set(product_ids)
    if product_ids:
        Product.objects.filter(pk__in=product_ids).update(cover=Subquery(first_image_of("pk")))


def first_image_of(product):
    """The pk of the first image of the product that `product` (an outer reference)
    names."""
    images = ProductImage.objects.filter(product=OuterRef(product))
    return images.order_by("position", "pk").values("pk")[:1]


def stock_flags_refresh(product_ids):
    """Set `in_stock`, `sizes_in_stock` and `colours_in_stock` of these products from
    their variants, and their facet bits. Call it in the transaction that changed the
    stock. The products are locked first: two orders taking the last units of two
    sizes of one product each read the other's sale, never a stock from before it.
    Four queries (the locked flags, the variants in stock, one UPDATE of those that
    changed, then the facet index's own for those)."""
    from catalog.facet_index import facet_index_refresh

    product_ids = set(product_ids)
    if not product_ids:
        return
    flags = ["in_stock", "sizes_in_stock", "colours_in_stock"]
    with transaction.atomic():
        products = list(
            Product.objects.filter(pk__in=product_ids)
            .only("pk", *flags)
            .select_for_update()
            .order_by("pk")
        )
        sizes, colours = {}, {}
        in_stock = (
            Variant.objects.rewrite(False)
            .filter(product__in=product_ids, stock__gt=0)
            .values_list("product_id", "size_fr", "colour_fr")
            .order_by()
        )
        for product_id, size, colour in in_stock:
            sizes.setdefault(product_id, []).append(size)
            colours.setdefault(product_id, []).append(colour)
        changed = []
        for product in products:
            wanted = (
                product.pk in sizes,
                stock_marks(sizes.get(product.pk, [])),
                stock_marks(colours.get(product.pk, [])),
            )
            if tuple(getattr(product, flag) for flag in flags) != wanted:
                product.in_stock, product.sizes_in_stock, product.colours_in_stock = wanted
                changed.append(product)
        if changed:
            Product.objects.bulk_update(changed, flags)
            facet_index_refresh(product.pk for product in changed)
    # Back-in-stock alerts and cached pages listen (alerts.apps, millet_site.apps).
    stock_changed.send(
        sender=Product,
        product_ids=product_ids,
        in_stock=set(sizes),
        moved={product.pk for product in changed},
    )


class ChoiceManager(models.Manager):
    """Sizes and colours are known by their French name in fixtures (natural keys)."""

    def get_by_natural_key(self, name):
        return self.get(name=name)


class VariantChoice(models.Model):
    """A size or a colour from the list staff keep: variants and pictures take their
    French and English names from it, so that one colour is spelled one way
    everywhere (variants and pictures store the names, as filters know them)."""

    name = models.CharField(
        _("French name"), max_length=40, unique=True, help_text=_("As shoppers read it.")
    )
    name_en = models.CharField(
        _("English name"),
        max_length=40,
        blank=True,
        help_text=_("Leave empty when it reads the same in English."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first in the lists.")
    )

    objects = ChoiceManager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        if self.name_en and self.name_en != self.name:
            return f"{self.name} · {self.name_en}"
        return self.name

    def natural_key(self):
        return (self.name,)


class Size(VariantChoice):
    name = models.CharField(
        _("French name"),
        max_length=20,
        unique=True,
        help_text=_("E.g. M, 42, 10 ans; a product sold in one size has none."),
    )
    name_en = models.CharField(
        _("English name"),
        max_length=20,
        blank=True,
        help_text=_("Leave empty when it reads the same in English."),
    )

    class Meta(VariantChoice.Meta):
        verbose_name = _("size")
        verbose_name_plural = _("sizes")


class Colour(VariantChoice):
    class Meta(VariantChoice.Meta):
        verbose_name = _("colour")
        verbose_name_plural = _("colours")
