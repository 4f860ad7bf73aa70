"""Structured data (schema.org, as JSON-LD) for search engines: what a page is about,
built from the same rows the page shows.

Each builder returns a plain dict; `{% json_ld data %}` writes it into the page.
Offers carry the live stock, so a variant sold out on the page is `OutOfStock` in
its data too. Addresses are absolute: search engines read them out of context.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

SCHEMA = "https://schema.org"
IN_STOCK = f"{SCHEMA}/InStock"
OUT_OF_STOCK = f"{SCHEMA}/OutOfStock"


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def on(origin: str, address: str) -> str:
    """`address` made absolute on `origin`, unless a storage already gave it whole."""
    return address if "://" in address else origin + address


def _price(value: Decimal) -> str:
    return f"{value:.2f}"


def product_data(request, product) -> dict:
    """A `ProductGroup` whose variants (size, colour) each carry an offer with their own
    price and availability. Uses the product's prefetched variants and images, and its
    category."""
    # The origin once: each build_absolute_uri() validates the host again.
    origin = absolute(request, "/").removesuffix("/")
    url = origin + product.get_absolute_url()
    images = [on(origin, image.image.url) for image in product.images.all()]
    variants = list(product.variants.all())
    name, price = product.name, _price(product.price)
    common = {
        "brand": {"@type": "Brand", "name": product.get_brand_display()},
        "countryOfOrigin": {"@type": "Country", "name": product.country_of_manufacture},
        "category": product.category.name,
    }
    group = {
        "@context": SCHEMA,
        "@type": "ProductGroup",
        "@id": f"{url}#product",
        "name": name,
        "url": url,
        "description": product.summary or product.description,
        "productGroupID": product.slug,
        "variesBy": [f"{SCHEMA}/size", f"{SCHEMA}/color"],
        "image": images,
        **common,
        "hasVariant": [
            {
                "@type": "Product",
                "name": " — ".join(filter(None, [name, size, colour])),
                "sku": variant.sku,
                "size": size,
                "color": colour,
                "image": images[:1],
                **common,
                "offers": {
                    "@type": "Offer",
                    "url": url,
                    "price": price,
                    "priceCurrency": "EUR",
                    "availability": IN_STOCK if variant.stock > 0 else OUT_OF_STOCK,
                    "itemCondition": f"{SCHEMA}/NewCondition",
                },
            }
            for variant, size, colour in ((v, v.size, v.colour) for v in variants)
        ],
    }
    if product.weight_g:
        group["weight"] = {
            "@type": "QuantitativeValue",
            "value": product.weight_g,
            "unitCode": "GRM",
        }
    return group


def breadcrumb_data(request, trail) -> dict:
    """A `BreadcrumbList` from `trail`, pairs of (name, path) from the home page down."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": absolute(request, path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def organization_data(request) -> dict:
    """The brand, as its story tells it: founded in 1921 near Lyon by Marc Millet."""
    home = absolute(request, reverse("home"))
    return {
        "@context": SCHEMA,
        "@type": "Organization",
        "@id": f"{home}#organization",
        "name": "Millet",
        "url": home,
        "logo": absolute(request, static("img/favicon.svg")),
        "foundingDate": "1921",
        "foundingLocation": {"@type": "Place", "name": _("near Lyon, France")},
        "founder": {"@type": "Person", "name": "Marc Millet"},
        "email": settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">"),
    }


def store_data(request, store, *, in_graph=False) -> dict:
    """A `Store` with its address, phone, and opening hours where they can be read
    (without its own @context when it sits in a graph)."""
    data = {
        "@type": "Store",
        "name": store.name,
        "url": absolute(request, reverse("shop:stores")) + f"#{store.slug}",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": store.street,
            "postalCode": store.postcode,
            "addressLocality": store.city,
            "addressCountry": "FR",
        },
        "parentOrganization": {"@id": absolute(request, reverse("home")) + "#organization"},
    }
    if store.phone:
        data["telephone"] = store.phone_link.removeprefix("tel:")
    # Read from the French text, the one staff always write and the parser knows.
    hours = opening_hours(store.opening_hours_fr or "")
    if hours:
        data["openingHoursSpecification"] = hours
    return data if in_graph else {"@context": SCHEMA, **data}


DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TIME = r"(\d{1,2})\s*h\s*(\d{2})?"
_SPAN = re.compile(_TIME + r"\s*[–-]\s*" + _TIME)


def opening_hours(text: str) -> list[dict]:
    """schema.org opening hours from what staff write, line by line, e.g.
    "Du mardi au samedi : 10 h – 12 h 30 et 14 h – 19 h", "Tous les jours : 9 h 30 – 19 h"
    or "Dimanche et lundi : fermé". A line it cannot read is left out, never guessed."""
    specification = []
    for line in (text or "").splitlines():
        days_part, _colon, hours_part = line.partition(":")
        days = _days(days_part.strip().lower())
        spans = _SPAN.findall(hours_part)
        if not days or not spans:
            continue
        for opens_h, opens_m, closes_h, closes_m in spans:
            specification.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": [f"{SCHEMA}/{SCHEMA_DAYS[day]}" for day in days],
                    "opens": f"{int(opens_h):02d}:{opens_m or '00'}",
                    "closes": f"{int(closes_h):02d}:{closes_m or '00'}",
                }
            )
    return specification


def _days(text: str) -> list[int]:
    """Day numbers (Monday 0) from "tous les jours", "du mardi au samedi", "lundi et mardi"."""
    text = " ".join(text.split())
    if text == "tous les jours":
        return list(range(7))
    span = re.fullmatch(r"du (\w+) au (\w+)", text)
    if span and span[1] in DAYS and span[2] in DAYS:
        first, last = DAYS.index(span[1]), DAYS.index(span[2])
        return list(range(first, last + 1)) if first <= last else []
    named = [word for word in re.split(r",|\bet\b", text) if word.strip()]
    if named and all(word.strip() in DAYS for word in named):
        return sorted(DAYS.index(word.strip()) for word in named)
    return []
