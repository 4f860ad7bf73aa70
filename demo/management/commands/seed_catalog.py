"""Fill the catalogue with generated products, for benchmarks."""

import random
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image

from catalog.facet_index import facet_index_refresh
from catalog.images import make_renditions
from catalog.models import (
    Activity,
    Category,
    Product,
    ProductImage,
    Variant,
    cover_refresh,
    stock_marks,
)
from catalog.signals import catalogue_changed

BATCH = 2000
WORDS = ["Sac", "Veste", "Duvet", "Pantalon", "Gilet", "Polaire", "Chaussure", "Gant", "Bonnet"]
PLACES = ["Annecy", "Chamonix", "Vercors", "Écrins", "Aravis", "Belledonne", "Mont Blanc"]
SIZES = ["S", "M", "L", "XL"]
COLOURS = ["Rouge", "Noir", "Bleu", "Vert", "Gris"]
COUNTRIES = ["Viêt Nam", "Chine", "Roumanie", "Portugal"]
STOCKS = [0, 0, 1, 3, 8, 20]


class Command(BaseCommand):
    help = (
        "Add generated products (slugs seed-000001…) until the catalogue holds N of them, "
        "each with four variants and a shared picture. Running it again with the same N "
        "adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, required=True, help="how many seed products")

    def handle(self, *args, products, **options):
        if products < 0:
            raise CommandError("--products must be zero or more")
        categories = list(Category.objects.all()) or [
            Category.objects.create(name="Divers", slug="divers")
        ]
        activities = list(Activity.objects.all())
        existing = set(
            Product.objects.filter(slug__startswith="seed-").values_list("slug", flat=True)
        )
        wanted = [f"seed-{n:06d}" for n in range(1, products + 1)]
        missing = [slug for slug in wanted if slug not in existing]
        if not missing:
            self.stdout.write(f"{products} seed products already there: nothing to do.")
            return
        picture = self.shared_picture()
        rng = random.Random(1921)  # noqa: S311 - repeatable fake data, not secrets
        for start in range(0, len(missing), BATCH):
            self.create_batch(missing[start : start + BATCH], categories, activities, picture, rng)
            done = min(start + BATCH, len(missing))
            self.stdout.write(f"\r{done}/{len(missing)} products", ending="")
            self.stdout.flush()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Added {len(missing)} seed products."))

    def shared_picture(self):
        """One picture file and its renditions, shared by every seed product."""
        name = "products/seed.jpg"
        if not default_storage.exists(name):
            buffer = BytesIO()
            Image.new("RGB", (800, 1000), (179, 17, 31)).save(buffer, "JPEG", quality=60)
            default_storage.save(name, ContentFile(buffer.getvalue()))
        image = ProductImage(width=800, height=1000)
        image.image.name = name
        return name, make_renditions(image)

    @transaction.atomic
    def create_batch(self, slugs, categories, activities, picture, rng):
        rows, planned = [], []
        for slug in slugs:
            number = int(slug.split("-")[1])
            word, place = rng.choice(WORDS), rng.choice(PLACES)
            tier = rng.choice(Product.Tier.values)
            # (size, colour, stock) of its variants: the product's stock flags
            # are set here, bulk_create sending no signal.
            stock = [(size, rng.choice(COLOURS), rng.choice(STOCKS)) for size in SIZES]
            planned.append(stock)
            in_stock = [(size, colour) for size, colour, units in stock if units]
            rows.append(
                Product(
                    name=f"{word} {place} {number}",
                    slug=slug,
                    brand="lafuma" if number % 10 == 0 else "millet",
                    category=rng.choice(categories),
                    audience=rng.choice(Product.Audience.values),
                    summary=f"{word} de montagne pensé pour les {place}.",
                    description=f"Un {word.lower()} solide et léger, testé dans les {place}.",
                    price=Decimal(rng.randrange(1990, 69000)) / 100,
                    tier=tier,
                    country_of_manufacture=rng.choice(COUNTRIES),
                    volume_l=rng.choice([None, 20, 30, 45, 60]),
                    weight_g=rng.randrange(80, 2500),
                    is_published=number % 50 != 0,
                    in_stock=bool(in_stock),
                    sizes_in_stock=stock_marks(size for size, _ in in_stock),
                    colours_in_stock=stock_marks(colour for _, colour in in_stock),
                )
            )
        created = Product.objects.bulk_create(rows)
        variants, images, links = [], [], []
        name, renditions = picture
        through = Product.activities.through
        for product, stock in zip(created, planned, strict=True):
            for position, (size, colour, units) in enumerate(stock):
                variants.append(
                    Variant(
                        product=product,
                        sku=f"{product.slug.upper()}-{size}",
                        size=size,
                        colour=colour,
                        stock=units,
                        position=position,
                    )
                )
            image = ProductImage(
                product=product,
                alt_text=f"{product.name}, vue de face",
                width=800,
                height=1000,
                renditions=renditions,
            )
            image.image.name = name
            images.append(image)
            if activities:
                links.append(through(product=product, activity=rng.choice(activities)))
        Variant.objects.bulk_create(variants)
        ProductImage.objects.bulk_create(images)
        cover_refresh(product.pk for product in created)
        through.objects.bulk_create(links)
        facet_index_refresh(product.pk for product in created)
        catalogue_changed.send(sender=Product, product_ids=[product.pk for product in created])
