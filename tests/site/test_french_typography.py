"""French pages and e-mails use French typography: no-break spaces where a French reader
expects them.

A narrow no-break space before ; ? ! and inside « », a no-break space before :
and in numbers (1 450 g, 2 499,00 €), whoever wrote the text: the message
catalogue carries its own (tests/site/test_translations.py), and the `french`
filter of common/templatetags/typography.py adds them where templates show what the
demo fixtures or staff in the admin wrote, on French pages and e-mails only.
"""

import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db.models import CharField, TextField
from django.template import Context, Template
from django.utils import translation

from catalog.models import Product
from heritage.models import Expedition, Person, TimelineEvent
from pages.models import FOOTER_SLUGS, Page
from shop.models import Order, Store
from shop.services import Customer, order_place
from tests.factories import make_category, make_product, make_variant, unique

pytestmark = pytest.mark.django_db

# The demo catalogue's pictures take long to install: its products are made
# here, with texts typed as staff type them, and the other fixtures loaded.
FIXTURES = ["fixtures/heritage.json", "fixtures/stores.json", "fixtures/pages.json"]
STAFF_TEXT = "Léger ? Oui : « ultraléger » ; 90 % de nylon, 1 450 g !"
# A plain space (or line break) before : ; ? ! or inside « ».
PLAIN_SPACE = re.compile(r"[ \t\r\n][:;?!]|«[ \t\r\n]|[ \t\r\n]»")
READ_ATTRIBUTES = {"alt", "title", "aria-label", "content", "placeholder"}


class ReadText(HTMLParser):
    """The text a person reads on a page: its text and the attributes read out or shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "textarea"}:
            self.skipping += 1
        self.pieces.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "textarea"}:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append(data)


def plain_spaces(html):
    parser = ReadText()
    parser.feed(html)
    return [
        piece[max(0, match.start() - 30) : match.end() + 10]
        for piece in parser.pieces
        for match in PLAIN_SPACE.finditer(piece)
    ]


@pytest.fixture
def shop():
    category = make_category(name="Sacs : trail et rando")
    for slug in LINKED_PRODUCTS:
        make_variant(
            product=make_product(
                slug=slug, category=category, summary=STAFF_TEXT, description=STAFF_TEXT
            )
        )
    call_command("loaddata", *FIXTURES, verbosity=0)
    typed_on_a_keyboard(Expedition, Person, TimelineEvent, Store, Page)


def typed_on_a_keyboard(*models):
    """Every text of `models` with plain spaces where the fixtures have no-break ones,
    as staff type them in the admin: the pages must add them back where they show them."""
    plain = str.maketrans({"\u00a0": " ", "\u202f": " "})
    for model in models:
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, CharField | TextField)
        ]
        for row in model.objects.values("pk", *fields):
            pk = row.pop("pk")
            typed = {name: text.translate(plain) for name, text in row.items() if text}
            model.objects.filter(pk=pk).update(**typed)


LINKED_PRODUCTS = [
    "sac-toile-hommage-annapurna",
    "sac-trekking-armature-60",
    "veste-guide-chamonix",
    "chaussures-approche-rock",
    "sac-trail-drome-light-5",
]


def french_pages():
    event = "/histoire/lafuma-puis-calida-millet-mountain/"
    product = "/produit/sac-trail-drome-light-5/"
    pages = ["/", "/histoire/", event, product, "/reparation/", "/boutiques/"]
    return pages + [f"/informations/{slug}/" for slug in FOOTER_SLUGS]


def test_the_checker_sees_a_plain_space_in_text_and_in_read_attributes():
    assert plain_spaces("<p>Déjà envoyé ? Oui</p>") == ["Déjà envoyé ? Oui"]
    assert plain_spaces('<img alt="« Millet »">') != []
    assert plain_spaces("<p>Déjà envoyé\u202f? «\u202fOui\u202f»\u00a0: non</p>") == []
    assert plain_spaces("<script>a ? b : c</script>") == []


@pytest.mark.parametrize("path", french_pages())
def test_french_pages_have_no_plain_space_before_punctuation_or_inside_quotes(client, shop, path):
    response = client.get(path)

    assert response.status_code == 200
    assert plain_spaces(response.content.decode()) == []


def test_the_story_s_quotes_and_colons_are_french(client, shop):
    html = client.get("/histoire/lafuma-puis-calida-millet-mountain/").content.decode()

    assert "Avec Lafuma, puis Calida\u00a0: la signature «\u202fMillet Mountain\u202f»" in html


def test_staff_text_gets_its_no_break_spaces_on_french_pages_only(client, shop):
    french = client.get("/produit/sac-trail-drome-light-5/").content.decode()
    english = client.get("/en/produit/sac-trail-drome-light-5/").content.decode()

    expected = (
        "Léger\u202f? Oui\u00a0: «\u202fultraléger\u202f»\u202f; 90\u00a0% de nylon, "
        "1\u00a0450\u00a0g\u202f!"
    )
    assert expected in french
    assert STAFF_TEXT in english
    # What staff typed is stored as typed: search still finds “1 450 g”.
    assert Product.objects.get(slug="sac-trail-drome-light-5").summary.endswith("1 450 g !")


def test_numbers_prices_and_temperatures_are_written_the_french_way(client):
    product = make_product(
        slug="duvet-grand-froid",
        price=Decimal("2499.00"),
        weight_g=1450,
        comfort_temp_c=-20,
        limit_temp_c=-38,
    )
    make_variant(product=product)

    html = unescape(client.get("/produit/duvet-grand-froid/").content.decode())

    assert "2\u00a0499,00\u00a0€" in html
    assert "1\u00a0450\u00a0g" in html
    assert "\u221220\u00a0°C" in html and "\u221238\u00a0°C" in html
    assert "-20" not in html


def test_the_filter_leaves_scripts_form_fields_and_markup_alone():
    template = Template("{% load typography %}{{ html|safe|french }}")
    html = '<a href="/x?a=1" title="Voir : tout">Oui ; non</a><textarea>a : b</textarea>'

    with translation.override("fr"):
        french = template.render(Context({"html": html}))
    with translation.override("en"):
        english = template.render(Context({"html": html}))

    assert french == (
        '<a href="/x?a=1" title="Voir\u00a0: tout">Oui\u202f; non</a><textarea>a : b</textarea>'
    )
    assert english == html


def test_the_filter_escapes_text_that_is_not_marked_safe():
    template = Template("{% load typography %}{{ text|french }}")

    with translation.override("fr"):
        rendered = template.render(Context({"text": "<b>Prix</b> : 5 €"}))

    assert rendered == "&lt;b&gt;Prix&lt;/b&gt;\u00a0: 5\u00a0€"


def test_every_tag_s_read_attributes_are_spaced_whatever_the_tags_before_hold():
    """Tags are spaced in one pass over them all: a NUL in one (a stray character
    typed by staff) neither stops nor shifts the others."""
    template = Template("{% load typography %}{{ html|safe|french }}")
    html = '<img alt="Prix : 12 €" title="Quoi ?\x00 x"><p title="a ; b">Oui ! 3 kg</p>'

    with translation.override("fr"):
        french = template.render(Context({"html": html}))

    assert french == (
        '<img alt="Prix\u00a0: 12\u00a0€" title="Quoi\u202f?\x00 x">'
        '<p title="a\u202f; b">Oui\u202f! 3\u00a0kg</p>'
    )


def test_in_a_text_e_mail_the_filter_spaces_plain_text_and_escapes_nothing():
    template = Template(
        "{% load typography %}{% autoescape off %}{{ text|french }}{% endautoescape %}"
    )

    with translation.override("fr"):
        french = template.render(Context({"text": "<Duvet> : 5 €"}))
    with translation.override("en"):
        english = template.render(Context({"text": "<Duvet> : 5 €"}))

    assert french == "<Duvet>\u00a0: 5\u00a0€"
    assert english == "<Duvet> : 5 €"


def test_the_alert_confirmation_e_mail_is_spaced_in_french(
    client, mailoutbox, on_commit, task_worker
):
    product = make_product(name="Veste Trilogy : édition 1950 !")
    make_variant(product=product, size="M", stock=4)
    sold_out = make_variant(product=product, size="L", colour="Bleu", stock=0)

    with on_commit():
        client.post(
            "/alerte-stock/",
            {"variant": sold_out.pk, "email": "anne@example.org"},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
    task_worker.run()

    (message,) = mailoutbox
    (html, _type), *_ = message.alternatives
    # The translated strings, in the text and in the HTML alike…
    assert "Confirmez votre alerte ici\u00a0: http" in message.body
    assert "dans cette taille et cette couleur\u00a0:" in html
    assert "Confirmez votre alerte de disponibilité\u00a0:" in message.subject
    # …and what staff wrote.
    assert "Veste Trilogy\u00a0: édition 1950\u202f!" in message.body
    assert "Veste Trilogy\u00a0: édition 1950\u202f!" in html
    assert PLAIN_SPACE.search(message.body) is None
    assert plain_spaces(html) == []


def test_the_order_confirmation_e_mail_is_spaced_in_french(mailoutbox, on_commit, task_worker):
    product = make_product(name="Sac « Annapurna »", price=Decimal("1249.00"))
    variant = make_variant(product=product, stock=3)

    with on_commit():
        order_place(
            items={variant.pk: 1},
            customer=Customer(
                email="jean@example.org",
                name="Jean",
                street="1 rue",
                postcode="38000",
                city="Grenoble",
            ),
            delivery=Order.Delivery.HOME,
            payment_method=Order.Payment.TRANSFER,
            checkout_key=unique("key"),
        )
    task_worker.run()

    (message,) = mailoutbox
    (html, _type), *_ = message.alternatives
    assert "1 × Sac «\u202fAnnapurna\u202f» (M / Rouge)\u00a0: 1\u00a0249,00\u00a0€" in message.body
    assert "Sac «\u202fAnnapurna\u202f»" in html
    assert "1\u00a0249,00\u00a0€" in html
    assert PLAIN_SPACE.search(message.body) is None
    assert plain_spaces(html) == []
