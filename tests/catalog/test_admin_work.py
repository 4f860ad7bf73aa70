"""Staff's catalogue work in the admin: the stock column, the variant generator and
the bulk price change."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.models import Colour, Product, Size
from catalog.signals import catalogue_changed, stock_changed
from heritage.models import TimelineEvent
from tests.factories import make_category, make_image, make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    user = User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    client.force_login(user)
    # The admin in English for these tests, whose messages are the English originals.
    settings.LANGUAGE_CODE = "en"
    translation.activate("fr")  # the data the tests make: names in French
    return client


def listed_stock(response):
    return {product.slug: product.total_stock for product in response.context["cl"].result_list}


@pytest.fixture
def anna():
    product = make_product(name="Sac Anna 50", slug="anna-50")
    for size, stock in (("S", 10), ("M", 12), ("L", 12)):
        make_variant(product=product, sku=f"ANNA50-{size}-ROUGE", size=size, stock=stock)
    return product


@pytest.mark.parametrize("search", ["", "Anna", "ANNA50", "ANNA50-M-ROUGE"])
def test_the_stock_column_sums_the_variants_with_or_without_a_search(staff_client, anna, search):
    make_product(slug="vide")

    response = staff_client.get("/admin/catalog/product/", {"q": search})

    assert listed_stock(response)["anna-50"] == 34
    assert b'<td class="field-stock">34</td>' in response.content


@pytest.mark.parametrize(
    ("stock", "expected"),
    [("in", {"anna-50", "anna-20"}), ("low", {"anna-20"}), ("out", {"vide"})],
)
def test_the_stock_filters_ignore_a_search_that_matches_skus(staff_client, anna, stock, expected):
    make_product(name="Sac Anna vide", slug="vide")
    small = make_product(name="Sac Anna 20", slug="anna-20")
    for size in "SML":  # 3 units in all: low stock, though 9 once per joined SKU
        make_variant(product=small, sku=f"ANNA20-{size}-NOIR", size=size, stock=1)

    response = staff_client.get("/admin/catalog/product/", {"q": "anna", "stock": stock})

    assert set(listed_stock(response)) == expected


@pytest.fixture
def lists():
    """The sizes and colours staff keep, as the demo data has them."""
    for position, (name, english) in enumerate(
        [("S", ""), ("M", ""), ("L", ""), ("8 ans", "8 years")]
    ):
        Size.objects.create(name=name, name_en=english, position=position)
    for position, (name, english) in enumerate(
        [("Rouge", "Red"), ("Noir", "Black"), ("Bleu glacier", "Ice blue")]
    ):
        Colour.objects.create(name=name, name_en=english, position=position)


def generate(client, product, **data):
    fields = {"sizes": [], "colours": [], "stock": "0"}
    return client.post(f"/admin/catalog/product/{product.pk}/variants/generate/", fields | data)


def test_the_product_page_links_to_the_variant_generator(staff_client):
    product = make_product()

    response = staff_client.get(f"/admin/catalog/product/{product.pk}/change/")

    assert f"/admin/catalog/product/{product.pk}/variants/generate/" in response.text
    assert "Generate sizes and colours" in response.text


def test_the_generator_offers_the_lists_staff_keep(staff_client, lists):
    product = make_product()

    response = staff_client.get(f"/admin/catalog/product/{product.pk}/variants/generate/")

    boxes = re.findall(r'<input type="checkbox" name="(\w+)" value="([^"]*)"', response.text)
    assert boxes == [
        ("sizes", "S"),
        ("sizes", "M"),
        ("sizes", "L"),
        ("sizes", "8 ans"),
        ("colours", "Rouge"),
        ("colours", "Noir"),
        ("colours", "Bleu glacier"),
    ]
    assert "Bleu glacier · Ice blue" in response.text


def test_the_generator_creates_each_size_in_each_colour_once(staff_client, lists):
    product = make_product(slug="sac-trail-5")
    make_variant(product=product, sku="TRAIL5-S-ROUGE", size="S", colour="Rouge", stock=2)
    announced = []
    catalogue_or_stock = lambda sender, product_ids, **kwargs: announced.append(set(product_ids))  # noqa: E731
    stock_changed.connect(catalogue_or_stock)
    catalogue_changed.connect(catalogue_or_stock)
    try:
        response = generate(
            staff_client,
            product,
            sizes=["L", "M", "S"],
            colours=["Rouge", "Noir"],
            stock="4",
        )
    finally:
        stock_changed.disconnect(catalogue_or_stock)
        catalogue_changed.disconnect(catalogue_or_stock)

    assert response.status_code == 302
    variants = {(v.sku, v.size, v.colour_fr, v.colour_en, v.stock) for v in product.variants.all()}
    assert variants == {
        ("TRAIL5-S-ROUGE", "S", "Rouge", None, 2),
        ("TRAIL5-M-ROUGE", "M", "Rouge", "Red", 4),
        ("TRAIL5-L-ROUGE", "L", "Rouge", "Red", 4),
        ("TRAIL5-S-NOIR", "S", "Noir", "Black", 4),
        ("TRAIL5-M-NOIR", "M", "Noir", "Black", 4),
        ("TRAIL5-L-NOIR", "L", "Noir", "Black", 4),
    }
    # In the list's order, S before M before L, whatever the order ticked.
    assert list(product.variants.order_by("position").values_list("sku", flat=True))[1:] == [
        "TRAIL5-S-NOIR",
        "TRAIL5-M-ROUGE",
        "TRAIL5-M-NOIR",
        "TRAIL5-L-ROUGE",
        "TRAIL5-L-NOIR",
    ]
    assert announced == [{product.pk}, {product.pk}]  # the stock, then the new rows
    product.refresh_from_db()
    assert product.sizes_in_stock == "|L|M|S|"
    assert product.colours_in_stock == "|Noir|Rouge|"

    again = generate(staff_client, product, sizes=["S", "M", "L"], colours=["Rouge", "Noir"])

    assert again.status_code == 302
    assert product.variants.count() == 6
    assert "none created" in staff_client.get(again.headers["Location"]).text


def test_a_new_product_takes_its_skus_from_its_slug(staff_client, lists):
    product = make_product(slug="gourde-1l")

    generate(staff_client, product, colours=["Bleu glacier"])

    assert list(product.variants.values_list("sku", "size_fr", "colour_fr", "colour_en")) == [
        ("GOURDE-1L-U-BLEU-GLACIER", "", "Bleu glacier", "Ice blue")
    ]


def test_the_generator_asks_for_a_size_or_a_colour_from_the_lists(staff_client, lists):
    product = make_product()

    empty = generate(staff_client, product)
    unknown = generate(staff_client, product, colours=["Rose bonbon"])

    assert "Tick at least one size or one colour." in empty.text
    assert "Select a valid choice. Rose bonbon is not one of the available choices." in (
        unknown.text
    )
    assert not product.variants.exists()


def change_prices(client, products, **data):
    fields = {"action": "change_prices", ACTION_CHECKBOX_NAME: [p.pk for p in products]}
    return client.post("/admin/catalog/product/", fields | data)


@pytest.fixture
def priced():
    return [
        make_product(name="Sac Hiker 30", price=Decimal("89.90")),
        make_product(name="Veste Trilogy", price=Decimal("1249.00")),
    ]


def test_the_price_action_asks_then_previews_without_saving(staff_client, priced):
    form = change_prices(staff_client, priced)

    assert form.status_code == 200
    assert 'value="preview"' in form.text

    preview = change_prices(
        staff_client, priced, step="preview", direction="increase", kind="percent", value="10"
    )

    assert preview.status_code == 200
    row = re.compile(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>')
    assert row.findall(preview.text) == [
        ("Sac Hiker 30", "€89.90", "€98.89"),
        ("Veste Trilogy", "€1,249.00", "€1,373.90"),
    ]
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("89.90"),
        Decimal("1249.00"),
    ]


def test_the_preview_shows_prices_in_french_in_the_french_admin(staff_client, priced, settings):
    settings.LANGUAGE_CODE = "fr"
    preview = staff_client.post(
        "/admin/catalog/product/",
        {
            "action": "change_prices",
            ACTION_CHECKBOX_NAME: [p.pk for p in priced],
            "step": "preview",
            "direction": "decrease",
            "kind": "amount",
            "value": "9,90",
        },
    )

    assert re.search(r"1\s?239,10\s€", preview.text)
    assert re.search(r"80,00\s€", preview.text)


def test_confirming_applies_the_prices_and_renews_the_pages(staff_client, priced):
    announced = []
    receiver = lambda sender, product_ids, **kwargs: announced.append(set(product_ids))  # noqa: E731
    catalogue_changed.connect(receiver)
    try:
        response = change_prices(
            staff_client, priced, step="apply", direction="decrease", kind="amount", value="9.90"
        )
    finally:
        catalogue_changed.disconnect(receiver)

    assert response.status_code == 302
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("80.00"),
        Decimal("1239.10"),
    ]
    assert announced == [{p.pk for p in priced}]
    assert "2 prices changed." in staff_client.get(response.headers["Location"]).text


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_a_change_that_brings_a_price_to_zero_is_refused(staff_client, priced, step):
    response = change_prices(
        staff_client, priced, step=step, direction="decrease", kind="amount", value="89.90"
    )

    assert response.status_code == 200
    assert "This change brings the price of Sac Hiker 30 to zero or below" in response.text
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("89.90"),
        Decimal("1249.00"),
    ]


def test_staff_who_may_only_view_products_cannot_generate_variants(client):
    user = User.objects.create_user("stagiaire", password="pw-stage-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(user)
    product = make_product()

    response = generate(client, product, sizes=["S", "M"])

    assert response.status_code == 403
    assert not product.variants.exists()


def test_going_back_from_the_preview_keeps_the_change_typed(staff_client, priced):
    response = change_prices(
        staff_client, priced, step="edit", direction="decrease", kind="amount", value="5"
    )

    assert 'value="preview"' in response.text
    assert 'name="value" value="5"' in response.text
    assert "price-preview" not in response.text


class FormReader(HTMLParser):
    """What a browser would send for the first form of a page with a class `form_id`:
    each field's current value."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if name and "__prefix__" in name:
            return  # the template of rows added by script
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            ticked = attrs.get("type") in ("checkbox", "radio")
            if ticked and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value") or ("on" if ticked else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.data.append((name, ""))

    def handle_data(self, data):
        if self.textarea:
            self.data[-1] = (self.textarea, self.data[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_of(response, form_id="product_form"):
    reader = FormReader(form_id)
    reader.feed(response.text)
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value.removeprefix("\n"))
    return data


def test_variant_rows_are_one_line_each_with_sizes_and_colours_from_the_lists(
    staff_client, anna, lists
):
    response = staff_client.get(f"/admin/catalog/product/{anna.pk}/change/")

    assert 'id="variants-group"\n     data-inline-type="tabular"' in response.text
    row = response.text.split('id="variants-0"')[1].split("</tr>")[0]
    assert re.findall(r'name="variants-0-(\w+)"', row) == [
        "id",
        "product",
        "sku",
        "size_choice",
        "colour_choice",
        "stock",
        "DELETE",
    ]
    assert '<option value="L" selected>L</option>' in row  # sizes by name: L, M, S
    assert '<option value="Rouge" selected>Rouge · Red</option>' in row
    assert '<option value="">One size</option>' in row


def test_a_variant_added_on_the_product_page_takes_the_lists_names(staff_client, anna, lists):
    page = staff_client.get(f"/admin/catalog/product/{anna.pk}/change/")
    data = form_of(page)
    new = data["variants-TOTAL_FORMS"][0]  # the empty extra row's number
    data |= {
        f"variants-{new}-sku": ["ANNA50-8-NOIR"],
        f"variants-{new}-size_choice": ["8 ans"],
        f"variants-{new}-colour_choice": ["Noir"],
        f"variants-{new}-stock": ["3"],
    }
    data["variants-TOTAL_FORMS"] = [str(int(new) + 1)]
    data["_continue"] = ["Save"]

    response = staff_client.post(f"/admin/catalog/product/{anna.pk}/change/", data)

    assert response.status_code == 302, response.context["errors"]
    variant = anna.variants.get(sku="ANNA50-8-NOIR")
    assert (variant.size_fr, variant.size_en, variant.colour_fr, variant.colour_en) == (
        "8 ans",
        "8 years",
        "Noir",
        "Black",
    )
    assert variant.position == 1  # after the product's other variants


def test_a_colour_spelled_otherwise_is_refused_and_an_old_one_kept(staff_client, anna, lists):
    anna.variants.filter(size_fr="L").update(colour_fr="rouge vif")
    page = staff_client.get(f"/admin/catalog/product/{anna.pk}/change/")
    data = form_of(page)
    assert '<option value="rouge vif" selected>rouge vif (not in the list)</option>' in page.text
    data["variants-0-colour_choice"] = ["Rouge Vif"]
    data["_continue"] = ["Save"]

    refused = staff_client.post(f"/admin/catalog/product/{anna.pk}/change/", data)

    assert refused.status_code == 200
    assert "Select a valid choice. Rouge Vif is not one of the available choices." in refused.text

    data["variants-0-colour_choice"] = ["rouge vif"]  # row 0 is size L
    data["variants-1-colour_choice"] = ["Noir"]
    saved = staff_client.post(f"/admin/catalog/product/{anna.pk}/change/", data)

    assert saved.status_code == 302
    assert sorted(anna.variants.values_list("size_fr", "colour_fr", "colour_en")) == [
        ("L", "rouge vif", None),  # unchanged, kept until someone changes it
        ("M", "Noir", "Black"),
        ("S", "Rouge", None),
    ]


def test_the_product_page_reads_each_list_once_however_many_variants(staff_client, lists):
    def queries_for(count):
        product = make_product()
        for number in range(count):
            make_variant(product=product, sku=f"P{product.pk}-{number}", size=str(number))
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(f"/admin/catalog/product/{product.pk}/change/")
        return [query["sql"] for query in queries if "catalog_size" in query["sql"]], len(queries)

    one_sizes, one_total = queries_for(1)
    six_sizes, six_total = queries_for(6)

    assert len(one_sizes) == len(six_sizes) == 1  # for every variant row
    assert six_total == one_total


def test_a_picture_takes_its_colour_from_the_list(staff_client, anna, lists):
    image = make_image(product=anna, colour="")
    page = staff_client.get(f"/admin/catalog/product/{anna.pk}/change/")
    data = form_of(page)
    data["images-0-colour_choice"] = ["Noir"]
    data["_continue"] = ["Save"]

    response = staff_client.post(f"/admin/catalog/product/{anna.pk}/change/", data)

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.colour_fr, image.colour_en) == ("Noir", "Black")


def test_renaming_a_colour_of_the_list_renames_it_on_variants_and_pictures(
    staff_client, anna, lists
):
    image = make_image(product=anna, colour="Rouge")
    colour = Colour.objects.get(name="Rouge")

    response = staff_client.post(
        f"/admin/catalog/colour/{colour.pk}/change/",
        {"name": "Rouge Annapurna", "name_en": "Annapurna red", "position": "0"},
    )

    assert response.status_code == 302
    assert set(anna.variants.values_list("colour_fr", "colour_en")) == {
        ("Rouge Annapurna", "Annapurna red")
    }
    image.refresh_from_db()
    assert image.colour_en == "Annapurna red"
    anna.refresh_from_db()
    assert anna.colours_in_stock == "|Rouge Annapurna|"
    assert (
        "1 product now shows the new name." in staff_client.get(response.headers["Location"]).text
    )


def test_two_new_rows_of_one_size_and_colour_get_a_message_not_an_error(staff_client, anna, lists):
    data = form_of(staff_client.get(f"/admin/catalog/product/{anna.pk}/change/"))
    for row, sku in ((3, "ANNA50-8-NOIR"), (4, "ANNA50-8-NOIR-2")):
        data |= {
            f"variants-{row}-sku": [sku],
            f"variants-{row}-size_choice": ["8 ans"],
            f"variants-{row}-colour_choice": ["Noir"],
            f"variants-{row}-stock": ["1"],
            f"variants-{row}-product": [str(anna.pk)],
        }
    data["variants-TOTAL_FORMS"] = ["5"]

    response = staff_client.post(f"/admin/catalog/product/{anna.pk}/change/", data)

    assert response.status_code == 200
    assert "Two variants have the size “8 ans” and the colour “Noir”: keep one." in response.text
    assert anna.variants.count() == 3


# What is left to translate: a "missing English" column and filter.


def listed(response):
    return {row.slug for row in response.context["cl"].result_list}


def test_products_missing_english_are_listed_with_what_they_miss(staff_client):
    made_in = {"country_of_manufacture": "Viêt Nam", "country_of_manufacture_en": "Vietnam"}
    make_product(name_fr="Sac Complet", name_en="Full Pack", slug="complet", **made_in)
    make_product(
        name_fr="Sac Muet",
        name_en="",
        summary_fr="Un sac sans anglais.",
        slug="muet",
        **made_in,
    )
    # Texts empty in both languages miss nothing.
    make_product(
        name_fr="Sac Partiel", name_en="Partial Pack", summary_fr="", slug="partiel", **made_in
    )

    missing = staff_client.get("/admin/catalog/product/", {"anglais": "manque"})
    complete = staff_client.get("/admin/catalog/product/", {"anglais": "complet"})

    assert listed(missing) == {"muet"}
    assert listed(complete) == {"complet", "partiel"}
    assert '<td class="field-english_gaps">Name, Summary</td>' in missing.text
    assert "Missing English" in missing.text


def test_categories_and_story_records_missing_english_are_listed(staff_client):
    make_category(name_fr="Tentes", name_en="Tents", slug="tentes")
    make_category(name_fr="Gourdes", name_en="", slug="gourdes")
    TimelineEvent.objects.create(
        year=1921,
        title_fr="La fondation",
        title_en="The founding",
        slug="fondation",
        kind="company",
        summary_fr="Résumé.",
        summary_en="Summary.",
        text_fr="Texte.",
        text_en="Text.",
    )
    TimelineEvent.objects.create(
        year=1950,
        title_fr="L’Annapurna",
        title_en="Annapurna",
        slug="annapurna",
        kind="expedition",
        summary_fr="Résumé.",
        summary_en="Summary.",
        text_fr="Texte.",
        text_en="",
    )

    categories = staff_client.get("/admin/catalog/category/", {"anglais": "manque"})
    events = staff_client.get("/admin/heritage/timelineevent/", {"anglais": "manque"})

    assert listed(categories) == {"gourdes"}
    assert '<td class="field-english_gaps">Name</td>' in categories.text
    assert listed(events) == {"annapurna"}
    assert '<td class="field-english_gaps">Text</td>' in events.text


def test_staff_keep_the_lists_of_sizes_and_colours_in_their_order(staff_client, lists):
    sizes = staff_client.get("/admin/catalog/size/")
    colours = staff_client.get("/admin/catalog/colour/")

    assert [size.name for size in sizes.context["cl"].result_list] == ["S", "M", "L", "8 ans"]
    assert [c.name for c in colours.context["cl"].result_list] == ["Rouge", "Noir", "Bleu glacier"]
    assert 'name="form-0-name_en"' in colours.text  # English names edited in the list
