"""Small builders for test data: each makes one valid row, overrides as keyword arguments."""

import itertools
import re
from decimal import Decimal
from html import unescape
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Activity, Category, Product, ProductImage, Variant

_sequence = itertools.count(1)

# French pages put no-break spaces where French typography wants them (before
# ":", inside « », in "35,00 €"); tests that read a sentence compare its words.
NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " "})


def unique(prefix):
    return f"{prefix}-{next(_sequence)}"


def make_category(**overrides):
    slug = overrides.pop("slug", None) or unique("categorie")
    fields = {"name": slug.replace("-", " ").capitalize(), "slug": slug, **overrides}
    return Category.objects.create(**fields)


def make_activity(**overrides):
    slug = overrides.pop("slug", None) or unique("activite")
    return Activity.objects.create(**{"name": slug.capitalize(), "slug": slug, **overrides})


def make_product(*, activities=(), **overrides):
    slug = overrides.pop("slug", None) or unique("produit")
    fields = {
        "name": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "price": Decimal("89.90"),
        "country_of_manufacture": "Viêt Nam",
        "is_published": True,
        **overrides,
    }
    if "category" not in fields:
        fields["category"] = make_category()
    product = Product.objects.create(**fields)
    if activities:
        product.activities.set(activities)
    return product


def make_variant(**overrides):
    fields = {"sku": unique("SKU").upper(), "size": "M", "colour": "Rouge", "stock": 5, **overrides}
    if "product" not in fields:
        fields["product"] = make_product()
    return Variant.objects.create(**fields)


def image_bytes(fmt="JPEG", size=(800, 1000), colour=(179, 17, 31)):
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def image_upload(name="photo.jpg", fmt="JPEG", size=(800, 1000)):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)


def make_image(**overrides):
    fields = {"alt_text": "Sac à dos rouge, vue de face", "position": 0, **overrides}
    if "product" not in fields:
        fields["product"] = make_product()
    if "image" not in fields:
        fields["image"] = image_upload()
    return ProductImage.objects.create(**fields)


CARD_NAME = re.compile(r'<h3 class="product-card__name"[^>]*>(.*?)</h3>', re.S)


def card_names(response):
    """The names on the product cards of a listing page, as a shopper reads them."""
    html = response.content.decode()
    return [unescape(name).translate(NO_BREAK) for name in CARD_NAME.findall(html)]


def staff_second_factor(user) -> str:
    """Give `user` an authenticator app (allauth's TOTP) and return its secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
