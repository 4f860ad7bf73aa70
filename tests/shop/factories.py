import datetime

from shop.models import Store
from tests.factories import unique


def make_store(**overrides):
    slug = overrides.pop("slug", None) or unique("magasin")
    fields = {
        "name": f"Millet {slug}",
        "slug": slug,
        "street": "12 rue Royale",
        "postcode": "74000",
        "city": "Annecy",
        "opens_on": datetime.date(2020, 1, 1),
        "email": f"{slug}@millet.example",
        **overrides,
    }
    return Store.objects.create(**fields)
