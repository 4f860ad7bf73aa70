"""Structured data: what search engines read of a page, read back as they would (extruct),
with the properties schema.org and their guidelines ask for."""

import extruct
import pytest

from millet_site.structured_data import opening_hours
from tests.factories import make_image, make_product, make_variant
from tests.shop.factories import make_store

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org"


def json_ld(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return extruct.extract(
        response.content.decode(), base_url="http://testserver" + path, syntaxes=["json-ld"]
    )["json-ld"]


def of_type(blocks, kind):
    return [block for block in blocks if block.get("@type") == kind]


@pytest.fixture
def pack():
    product = make_product(
        name="Sac Hiker 30",
        slug="sac-hiker-30",
        summary="Un sac de journée.",
        price="89.90",
        weight_g=950,
        country_of_manufacture="Viêt Nam",
    )
    make_variant(product=product, sku="HIK30-BL-M", size="M", colour="Bleu", stock=1)
    make_variant(product=product, sku="HIK30-RG-L", size="L", colour="Rouge", stock=0)
    make_image(product=product, alt_text="Sac Hiker 30 bleu, vue de face")
    return product


def test_a_product_page_describes_the_product_and_each_variants_offer(client, pack):
    (group,) = of_type(json_ld(client, "/produit/sac-hiker-30/"), "ProductGroup")

    assert group["@context"] == SCHEMA
    assert group["name"] == "Sac Hiker 30"
    assert group["description"] == "Un sac de journée."
    assert group["brand"] == {"@type": "Brand", "name": "Millet"}
    assert group["countryOfOrigin"]["name"] == "Viêt Nam"
    assert group["image"][0].startswith("http://testserver/media/")
    assert group["url"] == "http://testserver/produit/sac-hiker-30/"
    offers = {v["sku"]: v["offers"] for v in group["hasVariant"]}
    assert offers["HIK30-BL-M"]["price"] == "89.90"
    assert offers["HIK30-BL-M"]["priceCurrency"] == "EUR"
    assert offers["HIK30-BL-M"]["availability"] == f"{SCHEMA}/InStock"
    assert offers["HIK30-RG-L"]["availability"] == f"{SCHEMA}/OutOfStock"


def test_selling_the_last_unit_makes_the_offer_out_of_stock(client, pack):
    from shop.services import Customer, order_place

    variant = pack.variants.get(sku="HIK30-BL-M")
    order_place(
        items={variant.pk: 1},
        customer=Customer(
            email="a@example.org", name="Anne", street="1 rue", postcode="74000", city="Annecy"
        ),
        delivery="home",
        payment_method="transfer",
        checkout_key="last-unit",
    )

    (group,) = of_type(json_ld(client, "/produit/sac-hiker-30/"), "ProductGroup")
    assert {v["offers"]["availability"] for v in group["hasVariant"]} == {f"{SCHEMA}/OutOfStock"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Du mardi au samedi : 10 h – 12 h 30 et 14 h – 19 h\nDimanche et lundi : fermé",
            [("Tuesday-Saturday", "10:00", "12:30"), ("Tuesday-Saturday", "14:00", "19:00")],
        ),
        ("Tous les jours : 9 h 30 – 19 h 30", [("Monday-Sunday", "09:30", "19:30")]),
        ("Lundi et jeudi : 8 h – 12 h", [("Monday,Thursday", "08:00", "12:00")]),
        ("Sur rendez-vous", []),
        ("Du samedi au mardi : 10 h – 19 h", []),  # never guessed
    ],
)
def test_opening_hours_are_read_from_what_staff_write(text, expected):
    def days(spec):
        names = [day.rsplit("/", 1)[1] for day in spec["dayOfWeek"]]
        return f"{names[0]}-{names[-1]}" if len(names) > 2 else ",".join(names)

    assert [(days(s), s["opens"], s["closes"]) for s in opening_hours(text)] == expected


def test_listing_product_and_story_pages_carry_their_breadcrumb(client, pack):
    from django.core.management import call_command

    call_command("loaddata", "catalog", "heritage", verbosity=0)
    from heritage.models import TimelineEvent

    event = TimelineEvent.objects.published().first()
    for path, last in [
        ("/produits/", "Catalogue"),
        (f"/produits/{pack.category.slug}/", pack.category.name),
        ("/produit/sac-hiker-30/", "Sac Hiker 30"),
        ("/histoire/", "Notre histoire"),
        (event.get_absolute_url(), event.title),
    ]:
        (crumbs,) = of_type(json_ld(client, path), "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert items[0] == {
            "@type": "ListItem",
            "position": 1,
            "name": "Accueil",
            "item": "http://testserver/",
        }, path
        assert [item["position"] for item in items] == list(range(1, len(items) + 1))
        assert items[-1]["name"] == last, path
        assert items[-1]["item"] == "http://testserver" + path, path


def test_the_home_page_names_the_brand_its_founding_and_founder(client):
    (organization,) = of_type(json_ld(client, "/"), "Organization")

    assert organization["name"] == "Millet"
    assert organization["foundingDate"] == "1921"
    assert organization["founder"] == {"@type": "Person", "name": "Marc Millet"}
    assert organization["logo"].startswith("http://testserver/static/")


def test_the_stores_page_gives_each_open_store_its_address_and_hours(client):
    make_store(
        name="Millet Annecy",
        slug="annecy",
        phone="04 65 71 10 21",
        opening_hours="Du mardi au samedi : 10 h – 19 h\nDimanche et lundi : fermé",
    )

    (graph,) = json_ld(client, "/boutiques/")
    (store,) = graph["@graph"]
    assert store["@type"] == "Store"
    assert store["address"]["postalCode"] == "74000"
    assert store["address"]["addressLocality"] == "Annecy"
    assert store["telephone"] == "+33465711021"
    (hours,) = store["openingHoursSpecification"]
    assert (hours["opens"], hours["closes"], len(hours["dayOfWeek"])) == ("10:00", "19:00", 5)


def test_every_page_names_its_language_twins_and_itself_as_canonical(client, pack):
    html = client.get("/produits/?page=2&tri=prix").content.decode()

    assert '<link rel="canonical" href="http://testserver/produits/?page=2">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/produits/?page=2">' in html
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/en/produits/?page=2">' in html
    )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/produits/?page=2">'
        in html
    )
    english = client.get("/en/produit/sac-hiker-30/").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/produit/sac-hiker-30/">' in english
    assert '<meta property="og:type" content="product">' in english
    assert '<meta property="og:locale" content="en_GB">' in english


def test_titles_name_the_brand_once(client, pack):
    import re

    for path in ("/", "/produits/", "/produit/sac-hiker-30/", "/histoire/", "/en/"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode())[1]
        assert title.count("Millet") == 1, (path, title)
