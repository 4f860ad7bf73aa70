"""Make the facet index again from the products."""

from django.core.management.base import BaseCommand

from catalog.facet_index import facet_index_rebuild
from catalog.models import FacetBits, Product
from catalog.signals import catalogue_changed


class Command(BaseCommand):
    help = (
        "Make every bitmap of the facet index again from the products. The shop keeps "
        "the index itself; run this after products were changed outside Django "
        "(SQL by hand, a restored table)."
    )

    def handle(self, *args, **options):
        facet_index_rebuild()
        catalogue_changed.send(sender=Product, product_ids=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Facet index rebuilt: {FacetBits.objects.count()} bitmaps "
                f"over {Product.objects.count()} products."
            )
        )
