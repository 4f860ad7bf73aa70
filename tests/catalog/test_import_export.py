"""The catalogue in bulk: products and stock from CSV and XLSX, all rows or none."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from catalog.models import Colour, Product, Size, Variant
from tests.factories import NO_BREAK, make_category, make_product, make_variant

pytestmark = pytest.mark.django_db

VARIANT_COLUMNS = ["sku", "product", "size_fr", "size_en", "colour_fr", "colour_en", "stock"]
PRODUCT_COLUMNS = [
    "slug",
    "name_fr",
    "name_en",
    "category",
    "price",
    "tier",
    "made_in_france",
    "is_published",
]


@pytest.fixture
def catalogue():
    tent = make_category(name="Sacs à dos", slug="sacs-a-dos")
    hiker = make_product(name="Sac Hiker 30", slug="sac-hiker-30", category=tent, price="79.90")
    trek = make_product(name="Sac Trek 45", slug="sac-trek-45", category=tent, price="129.00")
    make_variant(product=hiker, sku="HIKER-30-M", size="M", colour="Rouge", stock=4)
    make_variant(product=hiker, sku="HIKER-30-L", size="L", colour="Rouge", stock=0)
    make_variant(product=trek, sku="TREK-45-U", size="", colour="Bleu", stock=2)
    for name in ("M", "L", "XL"):
        Size.objects.create(name=name)
    Colour.objects.create(name="Rouge", name_en="Red")
    Colour.objects.create(name="Bleu", name_en="Blue")
    return hiker, trek


def write_csv(path, rows, columns=VARIANT_COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def state():
    """Everything an import could change, to compare before and after."""
    variants = Variant.objects.order_by("sku").values_list(
        "sku", "product__slug", "size_fr", "size_en", "colour_fr", "colour_en", "stock"
    )
    products = Product.objects.order_by("slug").values_list(
        "slug",
        "name_fr",
        "name_en",
        "category__slug",
        "price",
        "tier",
        "made_in_france",
        "is_published",
        "in_stock",
        "sizes_in_stock",
    )
    return list(variants), list(products)


def stock_of(sku):
    return Variant.objects.get(sku=sku).stock


def test_a_dry_run_reports_and_changes_nothing(catalogue, tmp_path):
    before = state()
    file = write_csv(
        tmp_path / "stock.csv",
        [
            ["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge", "", "9"],
            ["HIKER-30-XL", "sac-hiker-30", "XL", "", "Rouge", "", "3"],
        ],
    )
    out = io.StringIO()

    call_command("import_catalog", "variants", str(file), "--dry-run", stdout=out)

    assert "1 new, 1 updated, 0 unchanged, of 2 row(s)." in out.getvalue()
    assert "Dry run: nothing changed." in out.getvalue()
    assert state() == before


def test_one_bad_row_stops_the_whole_file_and_is_named(catalogue, tmp_path):
    before = state()
    file = write_csv(
        tmp_path / "stock.csv",
        [
            ["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge", "", "9"],
            ["HIKER-30-L", "sac-hiker-30", "L", "", "Rouge", "", "-2"],
            ["TREK-45-U", "no-such-product", "", "", "Bleu", "", "5"],
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 2 row"):
        call_command("import_catalog", "variants", str(file), stderr=err)

    report = err.getvalue()
    assert re.search(r"^Row 2: stock: .*0", report, re.MULTILINE)
    assert re.search(r"^Row 3: .*", report, re.MULTILINE)
    assert "Row 1" not in report
    # The good first row was not saved either.
    assert state() == before


def test_an_export_imported_again_changes_nothing(catalogue, tmp_path):
    before = state()
    for kind, name in [("variants", "stock.csv"), ("products", "products.xlsx")]:
        call_command("export_catalog", kind, str(tmp_path / name), stdout=io.StringIO())
        out = io.StringIO()
        call_command("import_catalog", kind, str(tmp_path / name), stdout=out)
        assert "0 new, 0 updated" in out.getvalue()

    assert state() == before
    rows = list(csv.reader((tmp_path / "stock.csv").open(encoding="utf-8")))
    assert rows[0] == VARIANT_COLUMNS
    assert ["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge", "", "4"] in rows
    sheet = load_workbook(tmp_path / "products.xlsx").active
    assert [cell.value for cell in sheet[1]][:4] == ["slug", "name_fr", "name_en", "category"]
    assert sheet.max_row == 3


def test_stock_from_a_file_shows_on_the_product_page_and_in_the_filters(
    catalogue, tmp_path, django_capture_on_commit_callbacks
):
    hiker, _ = catalogue
    page = Client().get(hiker.get_absolute_url()).content.decode().translate(NO_BREAK)
    assert page.count("Épuisé") == 1  # size L

    file = write_csv(
        tmp_path / "stock.csv", [["HIKER-30-L", "sac-hiker-30", "L", "", "Rouge", "", "6"]]
    )
    with django_capture_on_commit_callbacks(execute=True):  # the import's commit
        call_command("import_catalog", "variants", str(file), stdout=io.StringIO())

    page = Client().get(hiker.get_absolute_url()).content.decode().translate(NO_BREAK)
    assert "Épuisé" not in page
    hiker.refresh_from_db()
    assert hiker.sizes_in_stock == "|L|M|"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("stock.txt", b"sku,stock\n", "expected a .csv or .xlsx file"),
        ("stock.xlsx", b"not a spreadsheet", "cannot be read as xlsx"),
    ],
)
def test_a_file_that_is_not_a_table_gets_a_clear_message(
    catalogue, tmp_path, name, content, message
):
    file = tmp_path / name
    file.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_catalog", "variants", str(file))


# The admin: the same resources behind the Import and Export buttons.


def editor(client, *codenames):
    group = Group.objects.create(name="Catalogue")
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user = User.objects.create_user("editrice", password="pw-edit-1", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    return client


def upload(rows, name="stock.csv"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(VARIANT_COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def preview(client, rows):
    """Upload a file on the variants' import page; returns the preview's response."""
    form = client.get("/admin/catalog/variant/import/").context["form"]
    csv_choice = next(value for value, label in form.fields["format"].choices if label == "csv")
    return client.post(
        "/admin/catalog/variant/import/",
        {"format": csv_choice, "import_file": upload(rows), "resource": "0"},
    )


def test_an_editor_previews_then_confirms_an_import_in_the_admin(catalogue, client):
    editor(client, "view_variant", "change_variant", "add_variant")
    rows = [["HIKER-30-L", "sac-hiker-30", "L", "", "Rouge", "", "6"]]

    shown = preview(client, rows)

    assert shown.status_code == 200
    assert stock_of("HIKER-30-L") == 0  # the preview saved nothing
    confirm = shown.context["confirm_form"]
    assert confirm is not None
    done = client.post("/admin/catalog/variant/process_import/", confirm.initial, follow=True)
    assert done.status_code == 200
    assert stock_of("HIKER-30-L") == 6


def test_the_admin_preview_names_a_bad_row_and_offers_no_confirmation(catalogue, client):
    editor(client, "view_variant", "change_variant", "add_variant")

    shown = preview(client, [["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge", "", "-1"]])

    assert shown.status_code == 200
    assert shown.context.get("confirm_form") is None
    assert shown.context["result"].has_validation_errors()
    assert stock_of("HIKER-30-M") == 4


def test_only_editors_of_the_catalogue_import_and_viewers_only_export(catalogue, client):
    editor(client, "view_variant")

    assert client.get("/admin/catalog/variant/import/").status_code == 403
    export = client.get("/admin/catalog/variant/export/")
    assert export.status_code == 200
    assert Client().get("/admin/catalog/variant/import/").status_code == 302  # to the login


@pytest.mark.parametrize(
    ("name", "content", "format_label"),
    [
        ("stock.xlsx", b"PK\x03\x04 not really a workbook", "xlsx"),
        ("stock.csv", b"\xff\xfe\x00garbage\x00\x00", "csv"),
        ("stock.csv", b"", "csv"),
        ("stock.csv", b"colour,stock\nRouge,3\n", "csv"),
    ],
)
def test_a_hostile_upload_in_the_admin_gets_a_message_not_an_error(
    catalogue, client, name, content, format_label
):
    editor(client, "view_variant", "change_variant", "add_variant")
    before = state()
    form = client.get("/admin/catalog/variant/import/").context["form"]
    choice = next(value for value, label in form.fields["format"].choices if label == format_label)

    shown = client.post(
        "/admin/catalog/variant/import/",
        {"format": choice, "import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )

    assert shown.status_code == 200
    assert shown.context.get("confirm_form") is None
    page = shown.content.decode()
    assert 'class="errorlist' in page or 'class="errornote' in page or "Erreurs" in page, page
    assert state() == before


# The import and export screens in the shop's words.


@pytest.fixture
def english_admin(settings):
    """The admin in English for these tests, whose messages are the English originals."""
    settings.LANGUAGE_CODE = "en"


def upload_products(client, rows, columns=PRODUCT_COLUMNS):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    form = client.get("/admin/catalog/product/import/").context["form"]
    choice = next(value for value, label in form.fields["format"].choices if label == "csv")
    file = SimpleUploadedFile("products.csv", text.getvalue().encode(), content_type="text/csv")
    return client.post(
        "/admin/catalog/product/import/", {"format": choice, "import_file": file, "resource": "0"}
    )


def test_the_import_and_export_pages_name_the_columns_in_the_shops_words(
    catalogue, client, english_admin
):
    editor(client, "view_product", "change_product", "add_product")

    imports = client.get("/admin/catalog/product/import/").text
    exports = client.get("/admin/catalog/product/export/").text

    for page in (imports, exports):
        assert "Name (French) (name_fr)" in page
        assert "Name (English) (name_en)" in page
        assert "Published (is_published)" in page
        assert "Price (€) (price)" in page
        assert "Name Fr" not in page
        assert "Is Published" not in page


def test_the_export_page_selects_all_columns_without_inline_script(catalogue, client):
    editor(client, "view_product")

    page = client.get("/admin/catalog/product/export/").text
    form = page.split('<form action="', 1)[1].split("</form>")[0]

    assert "onchange" not in form
    assert "style=" not in form
    assert '<input type="checkbox" id="export-select-all" data-select-all checked>' in form
    assert '<label for="export-select-all">' in form
    assert "/static/js/admin-import-export.js" in page
    assert "export_selectable_fields.js" not in page


def test_bad_cells_are_told_in_the_shops_words(catalogue, client, english_admin):
    editor(client, "view_product", "change_product", "add_product")
    before = state()

    shown = upload_products(
        client,
        [
            ["sac-hiker-30", "Sac Hiker 30", "", "sacs-a-dos", "79,9O", "entry", "0", "1"],
            ["sac-trek-45", "Sac Trek 45", "", "tentes", "129,00", "entry", "0", "peut-être"],
        ],
    )

    assert shown.status_code == 200
    page = shown.content.decode()
    assert shown.context.get("confirm_form") is None
    assert "matching query does not exist" not in page
    assert "ConversionSyntax" not in page
    assert "Some rows cannot be imported" in page
    assert "<strong>Price (€)</strong> — “79,9O” is not an amount: write it like 89,90." in page
    assert (
        "<strong>Category</strong> — No category has the slug “tentes”: "
        "check the category column." in page
    )
    assert "<strong>Published</strong> — “peut-être” is neither 1 (yes) nor 0 (no)." in page
    assert state() == before


def test_an_unknown_product_is_named_in_the_variants_import(catalogue, client, english_admin):
    editor(client, "view_variant", "change_variant", "add_variant")

    shown = preview(client, [["TREK-45-U", "no-such-product", "", "", "Bleu", "", "5"]])

    assert (
        "<strong>Product</strong> — No product has the slug “no-such-product”: "
        "check the product column." in shown.content.decode()
    )
    assert stock_of("TREK-45-U") == 2


def test_the_preview_shows_the_rows_that_change_old_to_new(catalogue, client, english_admin):
    editor(client, "view_variant", "change_variant", "add_variant")

    shown = preview(
        client,
        [
            ["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge", "", "4"],  # as it is
            ["HIKER-30-L", "sac-hiker-30", "L", "", "Rouge", "", "0"],  # as it is
            ["TREK-45-U", "sac-trek-45", "", "", "Bleu", "Blue", "12"],
            ["TREK-45-XL", "sac-trek-45", "XL", "", "Bleu", "", "3"],
        ],
    )

    page = shown.content.decode()
    assert "2 rows change." in page
    assert "2 unchanged rows are not shown." in page
    rows = re.findall(r'<tr class="(\w+)">(.*?)</tr>', page, re.DOTALL)
    assert [kind for kind, _cells in rows] == ["update", "new"]
    cells = re.findall(r"<td>(.*?)</td>", rows[0][1], re.DOTALL)
    assert cells[0] == "TREK-45-U"
    assert cells[5] == (
        '<del>∅</del> <span aria-hidden="true">→</span> '
        '<span class="visually-hidden">becomes</span> <ins>Blue</ins>'
    )
    assert cells[6].startswith("<del>2</del>") and cells[6].endswith("<ins>12</ins>")
    assert "HIKER-30-M" not in page.split("Preview")[-1]
    assert shown.context["confirm_form"] is not None


def test_a_price_written_the_french_way_is_read_to_the_cent(catalogue, client, english_admin):
    editor(client, "view_product", "change_product", "add_product")

    shown = upload_products(
        client,
        [
            ["sac-hiker-30", "Sac Hiker 30", "", "sacs-a-dos", "79.90", "entry", "0", "1"],
            ["sac-trek-45", "Sac Trek 45", "", "sacs-a-dos", "1 249,9 €", "entry", "0", "1"],
        ],
    )

    page = shown.content.decode()
    assert "1 row changes." in page
    assert "<ins>1249.90</ins>" in page
    done = client.post(
        "/admin/catalog/product/process_import/", shown.context["confirm_form"].initial
    )
    assert done.status_code == 302
    assert Product.objects.get(slug="sac-trek-45").price == Decimal("1249.90")
    assert Product.objects.get(slug="sac-hiker-30").price == Decimal("79.90")


def test_a_size_or_colour_out_of_the_lists_is_refused_and_an_old_one_kept(
    catalogue, client, english_admin
):
    editor(client, "view_variant", "change_variant", "add_variant")
    Variant.objects.filter(sku="HIKER-30-L").update(colour_fr="rouge vif")

    refused = preview(
        client,
        [
            ["HIKER-30-M", "sac-hiker-30", "M", "", "Rouge Vif", "", "4"],
            ["HIKER-30-XXL", "sac-hiker-30", "XXL", "", "Rouge", "", "1"],
        ],
    ).content.decode()
    kept = preview(client, [["HIKER-30-L", "sac-hiker-30", "L", "", "rouge vif", "", "5"]])

    assert "“Rouge Vif” is not in the list of colours: add it there first." in refused
    assert "“XXL” is not in the list of sizes: add it there first." in refused
    assert kept.context["confirm_form"] is not None
