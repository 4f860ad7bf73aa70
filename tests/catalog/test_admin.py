"""Staff run the catalogue from the admin; nobody else reaches it."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.storage import default_storage
from django.utils import translation

from catalog.models import Activity, Category, Colour, Product, ProductImage, Variant
from tests.factories import (
    image_bytes,
    image_upload,
    make_activity,
    make_category,
    make_image,
    make_product,
    make_variant,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "category": make_category,
    "activity": make_activity,
    "product": make_product,
    "variant": make_variant,
    "productimage": make_image,
}


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_staff_open_the_list_add_and_change_pages_of_every_model(staff_client, model):
    row = MODELS[model]()

    for url in (
        f"/admin/catalog/{model}/",
        f"/admin/catalog/{model}/add/",
        f"/admin/catalog/{model}/{row.pk}/change/",
    ):
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", MODELS)
def test_a_signed_in_shopper_who_is_not_staff_is_sent_to_the_login(client, model):
    client.force_login(User.objects.create_user("alice", "alice@example.org", "pw-alice-1"))

    response = client.get(f"/admin/catalog/{model}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_staff_without_permission_cannot_change_a_product(client):
    user = User.objects.create_user("stagiaire", password="pw-stage-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(user)
    product = make_product(name="Sac Hiker 30")

    assert client.get(f"/admin/catalog/product/{product.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/", {"name": "Renamed", "slug": product.slug}
    )
    assert response.status_code == 403
    assert client.get("/admin/catalog/product/add/").status_code == 403
    product.refresh_from_db()
    assert product.name == "Sac Hiker 30"


def test_an_editor_group_member_can_change_products(client):
    group = Group.objects.create(name="Éditeurs du catalogue")
    group.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    user = User.objects.create_user("editrice", password="pw-edit-1", is_staff=True)
    user.groups.add(group)
    client.force_login(user)

    assert client.get("/admin/catalog/product/add/").status_code == 200


@pytest.mark.parametrize("rows", [2, 15])
def test_the_product_list_runs_a_fixed_number_of_queries(
    staff_client, rows, django_assert_num_queries
):
    for _ in range(rows):
        product = make_product()
        make_variant(product=product)
        make_image(product=product)

    # 1. session, 2. user, 3. filtered count, 4. total count, 5. the page of
    # products with category, stock and cover, 6. categories for the category
    # filter
    with django_assert_num_queries(6):
        response = staff_client.get("/admin/catalog/product/")
    assert response.status_code == 200
    assert response.content.decode().count('class="admin-thumbnail"') == rows


def test_the_product_list_shows_total_stock_and_filters_low_and_out_of_stock(staff_client):
    low = make_product(name="Sac presque vide")
    make_variant(product=low, size="S", stock=1)
    make_variant(product=low, size="M", stock=2)
    out = make_product(name="Veste épuisée")
    make_variant(product=out, stock=0)
    full = make_product(name="Duvet bien rempli")
    make_variant(product=full, stock=40)

    def names(query):
        changelist = staff_client.get(f"/admin/catalog/product/?{query}").context["cl"]
        return {product.name for product in changelist.result_list}

    assert names("stock=low") == {"Sac presque vide"}
    assert names("stock=out") == {"Veste épuisée"}
    assert names("stock=in") == {"Sac presque vide", "Duvet bien rempli"}
    assert names("q=" + full.variants.get().sku) == {"Duvet bien rempli"}


def run_action(client, action, products):
    return client.post(
        "/admin/catalog/product/",
        {"action": action, "_selected_action": [p.pk for p in products]},
        follow=True,
    )


def test_bulk_publish_unpublish_and_tier(staff_client):
    products = [make_product(is_published=False) for _ in range(3)]

    run_action(staff_client, "publish", products[:2])
    assert Product.objects.filter(is_published=True).count() == 2

    run_action(staff_client, "unpublish", products[:1])
    assert Product.objects.filter(is_published=True).count() == 1

    response = run_action(staff_client, "set_tier_expert", products)
    assert set(Product.objects.values_list("tier", flat=True)) == {"expert"}
    assert "3 produits changés de gamme." in response.content.decode()


def test_marking_made_in_france_only_touches_products_that_qualify(staff_client):
    drome = make_product(country_of_manufacture="France", workshop="Drôme")
    elsewhere = make_product(country_of_manufacture="Viêt Nam")

    response = run_action(staff_client, "mark_made_in_france", [drome, elsewhere])

    drome.refresh_from_db()
    elsewhere.refresh_from_db()
    assert drome.made_in_france is True
    assert elsewhere.made_in_france is False
    assert "laissé inchangé" in response.content.decode()

    run_action(staff_client, "unmark_made_in_france", [drome])
    drome.refresh_from_db()
    assert drome.made_in_france is False


def product_form(category, **overrides):
    data = {
        "name_fr": "Sac Trilogy 35",
        "name_en": "Trilogy 35 Pack",
        "slug": "sac-trilogy-35",
        "brand": "millet",
        "category": category.pk,
        "audience": "unisex",
        "price": "149.90",
        "tier": "advanced",
        "country_of_manufacture_fr": "Viêt Nam",
        "country_of_manufacture_en": "Vietnam",
        "is_published": "on",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-0-sku": "TRIL35-U-ROUGE",
        "variants-0-colour_choice": "Rouge",  # from the colours' list (catalog.Colour)
        "variants-0-stock": "4",
        "variants-1-sku": "TRIL35-U-NOIR",
        "variants-1-colour_choice": "Noir",
        "variants-1-stock": "0",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": image_upload("trilogy.jpg", size=(1200, 1500)),
        "images-0-alt_text_fr": "Sac Trilogy rouge, vue de face",
        "images-0-alt_text_en": "Red Trilogy pack, front view",
        "images-0-position": "0",
    }
    data.update(overrides)
    return data


def test_staff_create_a_product_with_variants_and_an_image_that_gets_renditions(staff_client):
    category = make_category(name="Sacs à dos")
    Colour.objects.create(name="Rouge", name_en="Red")
    Colour.objects.create(name="Noir")

    response = staff_client.post("/admin/catalog/product/add/", product_form(category))

    assert response.status_code == 302, response.context and response.context["errors"]
    product = Product.objects.get(slug="sac-trilogy-35")
    assert sorted(product.variants.values_list("sku", flat=True)) == [
        "TRIL35-U-NOIR",
        "TRIL35-U-ROUGE",
    ]
    # Each text is kept in both languages, English left empty falling back to French.
    assert (product.name_fr, product.name_en) == ("Sac Trilogy 35", "Trilogy 35 Pack")
    with translation.override("en"):
        colours = list(product.variants.order_by("position").values_list("colour", flat=True))
        assert colours == ["Red", "Noir"]
    image = product.images.get()
    assert image.alt_text_en == "Red Trilogy pack, front view"
    assert [r["width"] for r in image.renditions] == [320, 640, 1024, 1200]
    assert all(default_storage.exists(r["webp"]) for r in image.renditions)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("trilogy.jpg", image_bytes("PNG"), "image/jpeg"), "réalité une image PNG"),
        (("notes.jpg", b"plain text, not a picture", "text/plain"), "image"),
    ],
)
def test_a_bad_upload_gets_a_form_error_and_nothing_is_written(staff_client, upload, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    category = make_category()
    data = product_form(category, **{"images-0-image": SimpleUploadedFile(*upload)})

    response = staff_client.post("/admin/catalog/product/add/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()
    assert not Variant.objects.exists()
    assert not ProductImage.objects.exists()
    assert not default_storage.exists("products")


def test_the_admin_filters_and_searches_categories_and_activities(staff_client):
    parent = make_category(name="Vêtements", slug="vetements")
    make_category(name="Vêtements de ski", slug="vetements-ski", parent=parent)
    make_activity(name="Alpinisme", slug="alpinisme")

    response = staff_client.get("/admin/catalog/category/?q=ski")
    assert [c.slug for c in response.context["cl"].result_list] == ["vetements-ski"]
    response = staff_client.get("/admin/catalog/activity/?q=alpi")
    assert [a.slug for a in response.context["cl"].result_list] == ["alpinisme"]
    assert Category.objects.count() == 2
    assert Activity.objects.count() == 1
