"""Anonymous visitors' pages come from the shared cache; nothing of one visitor reaches another,
and a change shows on the next request."""

import pickle
import re
import time
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from catalog.models import Product
from common import first_paint, page_cache
from common.first_paint import release_digest
from common.page_cache import renumber
from shop import views as stores_view_module
from shop.services import Customer, order_place
from tests.factories import NO_BREAK, make_product, make_variant

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def pack():
    product = make_product(name="Sac Hiker 30", price="79.90")
    variant = make_variant(product=product, size="", colour="Rouge", stock=1)
    return variant


def visit(path, client=None):
    client = client or Client(enforce_csrf_checks=True)
    response = client.get(path)
    return client, response, response.content.decode().translate(NO_BREAK)


def product_path(variant):
    return variant.product.get_absolute_url()


def test_the_second_anonymous_visitor_is_served_from_the_cache(pack, django_assert_num_queries):
    _, first, first_html = visit(product_path(pack))
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        _, second, second_html = visit(product_path(pack))

    assert second["X-Page-Cache"] == "hit"
    # With the security headers of any page.
    for header in ("X-Frame-Options", "Content-Security-Policy", "Content-Language"):
        assert second[header] == first[header], header
    # The same page, but for the token.
    assert TOKEN.sub("", second_html) == TOKEN.sub("", first_html)


def test_a_cached_page_carries_no_cookie_nor_token_when_stored_or_served(pack):
    _, first, first_html = visit(product_path(pack))
    _, second, second_html = visit(product_path(pack))
    held = Client(enforce_csrf_checks=True)
    held.cookies["csrftoken"] = "a" * 32
    _, third, third_html = visit(product_path(pack), held)

    assert [first["X-Page-Cache"], second["X-Page-Cache"], third["X-Page-Cache"]] == [
        "miss",
        "hit",
        "hit",
    ]
    for response in (first, second, third):
        assert "Set-Cookie" not in response
        assert not response.cookies
    # No token to share: the same bytes for everybody, the form without a token field.
    assert first_html == second_html == third_html
    assert "csrfmiddlewaretoken" not in first_html
    assert 'action="/panier/ajouter/"' in first_html


def add_to_cart(client, variant, **headers):
    return client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1}, headers=headers)


def test_the_form_of_a_cached_page_passes_when_the_browser_says_it_was_sent_from_here(pack):
    visit(product_path(pack))
    newcomer, page, _ = visit(product_path(pack))
    assert page["X-Page-Cache"] == "hit"

    added = add_to_cart(newcomer, pack, sec_fetch_site="same-origin", origin="http://testserver")
    assert added.status_code == 302
    assert added["Location"] == "/panier/"

    # Now with a session (a cart): served fresh, with their own count and their own token.
    _, mine, mine_html = visit(product_path(pack), newcomer)
    assert "X-Page-Cache" not in mine
    assert re.search(r'class="cart-count">1<', mine_html)
    token = TOKEN.search(mine_html).group(1)
    again = newcomer.post(
        "/panier/ajouter/", {"variant": pack.pk, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 302

    # A browser that sends Origin only (no Sec-Fetch-Site), from this site.
    other = Client(enforce_csrf_checks=True)
    assert add_to_cart(other, pack, origin="http://testserver").status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"sec_fetch_site": "cross-site", "origin": "https://attacker.example"},
        {"sec_fetch_site": "same-site", "origin": "http://shop.testserver"},
        # The header says cross-site even though Origin looks right: the browser wins.
        {"sec_fetch_site": "cross-site", "origin": "http://testserver"},
        {"origin": "https://attacker.example"},
        {"origin": "null"},
        # No word from the browser and no token: Django's own check refuses it.
        {},
    ],
)
def test_a_form_sent_from_elsewhere_or_without_a_word_is_refused(pack, headers):
    visitor = Client(enforce_csrf_checks=True)

    refused = add_to_cart(visitor, pack, **headers)

    assert refused.status_code == 403
    assert "sessionid" not in refused.cookies
    pack.refresh_from_db()
    assert pack.stock == 1


def test_without_a_word_from_the_browser_the_token_of_a_rendered_page_passes(pack):
    # The repair form is never cached: rendered for the visitor, with a token and its cookie.
    visitor, _, html = visit("/reparation/")
    token = TOKEN.search(html).group(1)
    form = {"variant": pack.pk, "quantity": 1}

    forged = visitor.post("/panier/ajouter/", {**form, "csrfmiddlewaretoken": "x" * 64})
    sent = visitor.post("/panier/ajouter/", {**form, "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert sent.status_code == 302


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache(pack):
    visit("/produits/")
    client = Client()
    client.cookies["messages"] = "anything"

    _, response, _ = visit("/produits/", client)

    assert "X-Page-Cache" not in response


class FormValues(HTMLParser):
    """The values a browser would send for the forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if "checked" in attrs else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.values.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, text = self.values.pop()
            self.values.append((name, text + data))


def test_a_price_changed_in_the_admin_shows_on_the_next_request(
    pack, django_capture_on_commit_callbacks
):
    assert "79,90 €" in visit(product_path(pack))[2]
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "hit"
    staff = Client()
    staff.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921"))
    url = f"/admin/catalog/product/{pack.product.pk}/change/"
    form = FormValues()
    form.feed(staff.get(url).content.decode())
    data = {}
    for name, value in form.values:
        data.setdefault(name, []).append(value)
    data["price"] = ["69.90"]

    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]

    _, response, html = visit(product_path(pack))
    assert response["X-Page-Cache"] == "miss"
    assert "69,90 €" in html
    assert "79,90 €" not in html


def test_the_last_unit_sold_shows_sold_out_on_the_next_request(
    pack, django_capture_on_commit_callbacks
):
    html = visit(product_path(pack))[2]
    assert "Plus que 1" in html
    listing = visit("/produits/")[2]
    assert "Épuisé" not in listing

    with django_capture_on_commit_callbacks(execute=True):
        order_place(
            items={pack.pk: 1},
            customer=Customer(
                email="lea@example.org",
                name="Léa Martin",
                phone="0612345678",
                street="3 chemin des Alpages",
                postcode="73000",
                city="Chambéry",
            ),
            delivery="home",
            payment_method="transfer",
            checkout_key="k" * 43,
        )

    _, response, html = visit(product_path(pack))
    assert response["X-Page-Cache"] == "miss"
    assert "Épuisé" in html
    assert "Épuisé" in visit("/produits/")[2]


def test_each_language_and_each_query_is_a_page_of_its_own(pack):
    visit("/produits/")
    _, english, html = visit("/en/produits/")
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in html
    _, searched, html = visit("/produits/?q=hiker")
    assert searched["X-Page-Cache"] == "miss"
    assert "Sac Hiker 30" in html
    assert visit("/produits/?q=hiker")[1]["X-Page-Cache"] == "hit"


def test_private_and_missing_pages_are_never_stored(pack):
    for path in ("/panier/", "/produit/nulle-part/", "/commande/"):
        visit(path)
        _, response, _ = visit(path)
        assert response.get("X-Page-Cache") != "hit", path


def test_a_bulk_action_in_the_admin_shows_on_the_next_request(
    pack, django_capture_on_commit_callbacks
):
    """Admin actions change products with one UPDATE, which sends no signal: they renew
    the products' version themselves (cards) and the cached pages."""
    other = make_product(name="Sac Caché", is_published=False)
    listing = visit("/produits/")[2]
    assert "Sac Caché" not in listing and "Expert" not in listing
    staff = Client()
    staff.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921"))

    for action, products in (("publish", [other]), ("set_tier_expert", [pack.product])):
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(
                "/admin/catalog/product/",
                {"action": action, "_selected_action": [p.pk for p in products]},
            )

    _, response, listing = visit("/produits/")
    assert response["X-Page-Cache"] == "miss"
    assert "Sac Caché" in listing
    card = listing[listing.index("Sac Hiker 30") :].split("</article>")[0]
    assert "Expert" in card


def test_a_cache_that_lost_the_numbers_of_what_changed_serves_no_page_kept_before(
    pack, django_capture_on_commit_callbacks
):
    visit(product_path(pack))
    with django_capture_on_commit_callbacks(execute=True):
        pack.product.price = Decimal("69.90")
        pack.product.save()
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "miss"  # kept with its number
    caches["default"].clear()  # Redis restarted: the numbers are gone, the pages not

    _, response, html = visit(product_path(pack))
    assert response["X-Page-Cache"] == "miss"
    assert "69,90 €" in html


def test_a_change_committed_while_a_page_renders_is_not_kept_under_it(pack, monkeypatch):
    """The page may have read the rows before the change: it is served, not kept."""
    rendering = Product.objects.related_to

    def related_to(product):
        renumber({f"product:{product.pk}"})  # another worker's commit, mid-rendering
        return rendering(product)

    monkeypatch.setattr(Product.objects, "related_to", related_to)
    assert "X-Page-Cache" not in visit(product_path(pack))[1]  # rendered, not kept
    monkeypatch.undo()
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "miss"
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "hit"


def test_a_new_release_serves_no_page_kept_by_the_previous_one(pack, settings):
    visit(product_path(pack))
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "hit"
    settings.RELEASE = "next"
    assert visit(product_path(pack))[1]["X-Page-Cache"] == "miss"


def test_the_default_release_changes_with_the_inline_rules_and_the_static_files(
    tmp_path, monkeypatch
):
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text('{"paths": {"css/site.css": "css/site.1.css"}}')
    before = release_digest(manifest)
    monkeypatch.setattr(first_paint, "RULES", first_paint.RULES + "\nh1{color:red}")
    after_rules = release_digest(manifest)
    manifest.write_text('{"paths": {"css/site.css": "css/site.2.css"}}')
    assert len({before, after_rules, release_digest(manifest)}) == 3


def test_head_answers_the_length_get_gives(pack):
    for path in (product_path(pack), "/produits/", "/histoire/"):
        get = Client().get(path)
        head = Client().head(path)
        assert head["X-Page-Cache"] == "hit", path
        assert int(head["Content-Length"]) == len(get.content) > 0, path


def test_kept_pages_say_so_to_proxies_and_personal_pages_are_private(pack):
    _, kept, _ = visit(product_path(pack))
    assert kept["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in kept["Vary"]

    shopper = Client()
    add_to_cart(shopper, pack, sec_fetch_site="same-origin", origin="http://testserver")
    mine = shopper.get(product_path(pack))
    assert "X-Page-Cache" not in mine
    assert "private" in mine["Cache-Control"]
    assert "Cookie" in mine["Vary"]
    assert "private" in shopper.get("/panier/")["Cache-Control"]


def test_counting_in_the_file_cache_keeps_each_key_s_lifetime():
    """Django's file cache sets the default five minutes again on incr(): the sequence of
    changes would expire, and a throttle's window would move."""
    cache = caches["default"]
    cache.set("forever", 1, timeout=None)
    cache.set("an-hour", 1, timeout=3600)
    assert cache.incr("forever") == 2
    assert cache.incr("an-hour") == 2

    def expiry(key):
        with open(cache._key_to_file(key), "rb") as handle:
            return pickle.load(handle)  # noqa: S301 (the test's own cache)

    assert expiry("forever") is None
    assert expiry("an-hour") > time.time() + 3000


def test_a_page_whose_view_names_nothing_it_shows_is_never_kept(pack, monkeypatch):
    """No change could renew it: it is rendered for each visitor."""
    monkeypatch.setattr(page_cache, "depends_on", lambda request, *tags: None)
    monkeypatch.setattr(stores_view_module, "depends_on", lambda request, *tags: None)
    for _ in range(2):
        assert "X-Page-Cache" not in Client().get("/boutiques/")
