"""Back-in-stock alerts: asking on the product page, double opt-in, one e-mail per
restock seen, never twice, and what the purge deletes."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import StockAlert
from alerts.services import stock_alerts_release
from catalog.models import Variant
from shop.models import Order
from shop.returns import return_receive, return_request
from shop.services import Customer, order_advance, order_place
from tests.factories import NO_BREAK, make_image, make_product, make_variant, unique

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
LINK = re.compile(r"http://127\.0\.0\.1:8000(/\S+/)")


def ask(client, variant_id, email="anne@example.org", prefix="", **fields):
    data = {"variant": variant_id, "email": email, **fields}
    return client.post(f"{prefix}/alerte-stock/", data, headers=SAME_ORIGIN)


def links(message):
    """The confirm and unsubscribe paths of an alert e-mail, as its text gives them."""
    return {path.rsplit("/", 2)[-2]: path for path in LINK.findall(message.body)}


def place(items):
    return order_place(
        items=items,
        customer=Customer(
            email="jean@example.org", name="Jean", street="1 rue", postcode="38000", city="Grenoble"
        ),
        delivery=Order.Delivery.HOME,
        payment_method=Order.Payment.TRANSFER,
        checkout_key=unique("key"),
    )


def restock(variant, stock=3):
    """The admin's way: the variant saved with its new stock."""
    variant.refresh_from_db()
    variant.stock = stock
    variant.save()


def confirmed_alert(client, variant, email, on_commit, task_worker, mailoutbox):
    """Ask for an alert and confirm it through the link of its e-mail."""
    with on_commit():
        ask(client, variant.pk, email)
    task_worker.run()
    confirm = links(mailoutbox[-1])["confirmer"]
    with on_commit():
        assert client.post(confirm).status_code == 302
    return StockAlert.objects.get(variant=variant, email=email)


def restock_emails(mailoutbox):
    """The alerts among the e-mails sent (not the confirmations, nor the orders')."""
    return [m for m in mailoutbox if m.subject.startswith("De retour en stock")]


@pytest.fixture
def sold_out():
    product = make_product(name="Veste Trilogy")
    make_variant(product=product, size="M", stock=4)
    return make_variant(product=product, size="L", colour="Bleu", stock=0)


def test_the_product_page_offers_the_alert_for_sold_out_sizes_only(client, sold_out):
    page = client.get(sold_out.product.get_absolute_url()).content.decode().translate(NO_BREAK)

    form = page[page.index('action="/alerte-stock/"') :]
    form = form[: form.index("</form>")]
    assert "Prévenez-moi du retour en stock" in form
    assert re.findall(r'<option value="(\d+)">', form) == [str(sold_out.pk)]
    assert '<label for="stock-alert-email-' in form
    assert "csrfmiddlewaretoken" not in form


def test_a_product_in_stock_in_every_size_shows_no_alert_form(client):
    variant = make_variant(stock=2)

    assert "/alerte-stock/" not in client.get(variant.product.get_absolute_url()).content.decode()


def test_the_product_page_with_sold_out_sizes_still_runs_six_queries(
    client, django_assert_num_queries
):
    product = make_product()
    for index in range(6):
        make_variant(product=product, size=str(36 + index), stock=index % 2)
        make_image(product=product, position=index)
    for _ in range(3):
        make_image(product=make_product(category=product.category))

    # 1. product with category and parent, 2. activities, 3. variants (the
    # sold-out ones among them feed the alert form), 4. images, 5. lineage,
    # 6. related products with their covers
    with django_assert_num_queries(6):
        response = client.get(product.get_absolute_url())
    assert "Prévenez-moi du retour en stock" in response.content.decode().translate(NO_BREAK)


def test_asking_sends_a_confirmation_whose_links_confirm_and_unsubscribe(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    with on_commit():
        response = ask(client, sold_out.pk, "Anne@Example.org")
    assert response.status_code == 302
    assert response["Location"] == sold_out.product.get_absolute_url()
    assert mailoutbox == []  # the worker sends it, not the page
    assert task_worker.run() == 1

    (message,) = mailoutbox
    assert message.to == ["anne@example.org"]
    assert "Veste Trilogy" in message.subject
    assert "L / Bleu" in message.body
    paths = links(message)
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000{paths['desinscription']}>"
    )
    page = client.get(response["Location"]).content.decode().translate(NO_BREAK)
    assert "Vérifiez votre boîte de réception" in page

    alert = StockAlert.objects.get()
    assert alert.confirmed_at is None
    confirm_page = client.get(paths["confirmer"])
    assert "Confirmer mon alerte" in confirm_page.content.decode()
    assert client.post(paths["confirmer"]).status_code == 302
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert "Votre alerte est confirmée" in client.get(paths["confirmer"]).content.decode()

    assert "Annuler l’alerte" in client.get(paths["desinscription"]).content.decode()
    gone = client.post(paths["desinscription"], follow=True)
    assert "Alerte annulée" in gone.content.decode()
    assert not StockAlert.objects.exists()
    assert client.get(paths["confirmer"]).status_code == 404


def test_opening_the_links_writes_nothing(client, sold_out, mailoutbox, on_commit, task_worker):
    with on_commit():
        ask(client, sold_out.pk)
    task_worker.run()

    for path in links(mailoutbox[0]).values():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
        assert writes == [], f"GET {path} wrote: {writes}"
    assert StockAlert.objects.get().confirmed_at is None


def test_asking_twice_makes_one_alert_and_sends_the_confirmation_again(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    with on_commit():
        ask(client, sold_out.pk, "anne@example.org")
        ask(client, sold_out.pk, "ANNE@example.org")
    task_worker.run()

    assert StockAlert.objects.count() == 1
    assert len(mailoutbox) == 2


def test_a_restock_in_the_admin_emails_each_confirmed_subscriber_once(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    for email in ("anne@example.org", "paul@example.org"):
        confirmed_alert(Client(), sold_out, email, on_commit, task_worker, mailoutbox)
    with on_commit():
        ask(client, sold_out.pk, "sans-confirmation@example.org")
    task_worker.run()
    mailoutbox.clear()

    with on_commit():
        restock(sold_out)
    task_worker.run()

    assert sorted(message.to[0] for message in mailoutbox) == [
        "anne@example.org",
        "paul@example.org",
    ]
    message = mailoutbox[0]
    assert "Veste Trilogy" in message.subject
    assert f"http://127.0.0.1:8000{sold_out.product.get_absolute_url()}" in message.body
    assert "/desinscription/" in message.body
    assert StockAlert.objects.filter(emailed_at__isnull=False).count() == 2
    assert StockAlert.objects.get(email="sans-confirmation@example.org").notified_at is None


def test_two_restocks_send_one_email_per_subscriber(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    confirmed_alert(client, sold_out, "anne@example.org", on_commit, task_worker, mailoutbox)
    mailoutbox.clear()

    with on_commit():
        restock(sold_out, 2)
    task_worker.run()
    # Sold out again by two orders, then restocked a second time.
    for _ in range(2):
        with on_commit():
            place({sold_out.pk: 1})
    assert Variant.objects.get(pk=sold_out.pk).stock == 0
    with on_commit():
        restock(sold_out, 5)
    task_worker.run()

    assert [message.to for message in restock_emails(mailoutbox)] == [["anne@example.org"]]


def test_a_cancelled_order_putting_stock_back_sends_the_alert(
    client, mailoutbox, on_commit, task_worker
):
    last = make_variant(size="S", stock=1)
    order = place({last.pk: 1})
    confirmed_alert(client, last, "anne@example.org", on_commit, task_worker, mailoutbox)
    mailoutbox.clear()

    with on_commit():
        order_advance(order=order, to_status="cancelled")
    task_worker.run()

    assert [message.to for message in restock_emails(mailoutbox)] == [["anne@example.org"]]


def test_stock_from_an_import_file_sends_the_alert(
    client, sold_out, mailoutbox, on_commit, task_worker, tmp_path
):
    confirmed_alert(client, sold_out, "anne@example.org", on_commit, task_worker, mailoutbox)
    mailoutbox.clear()
    sold_out.refresh_from_db()
    file = tmp_path / "stock.csv"
    file.write_text(
        "sku,product,size_fr,size_en,colour_fr,colour_en,stock\n"
        f"{sold_out.sku},{sold_out.product.slug},L,,Bleu,,6\n",
        encoding="utf-8",
    )

    with on_commit():
        call_command("import_catalog", "variants", str(file), stdout=StringIO())
    task_worker.run()

    assert [message.to for message in restock_emails(mailoutbox)] == [["anne@example.org"]]


def test_a_returned_item_back_on_sale_sends_the_alert(client, mailoutbox, on_commit, task_worker):
    last = make_variant(size="S", stock=1)
    order = place({last.pk: 1})
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    confirmed_alert(client, last, "anne@example.org", on_commit, task_worker, mailoutbox)
    parcel = return_request(order=order, quantities={order.lines.get().pk: 1}, reason="size")
    mailoutbox.clear()

    with on_commit():
        return_receive(parcel=parcel)
    task_worker.run()

    assert Variant.objects.get(pk=last.pk).stock == 1
    assert [message.to for message in restock_emails(mailoutbox)] == [["anne@example.org"]]


def test_an_unconfirmed_or_cancelled_alert_gets_nothing(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    with on_commit():
        ask(client, sold_out.pk, "distraite@example.org")
    cancelled = confirmed_alert(
        Client(), sold_out, "partie@example.org", on_commit, task_worker, mailoutbox
    )
    unsubscribe = links(mailoutbox[-1])["desinscription"]
    assert Client().post(unsubscribe).status_code == 302
    assert not StockAlert.objects.filter(pk=cancelled.pk).exists()
    mailoutbox.clear()

    with on_commit():
        restock(sold_out)
    task_worker.run()

    assert mailoutbox == []


def test_confirming_after_the_restock_says_so_and_sends_nothing_later(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    with on_commit():
        ask(client, sold_out.pk)
    task_worker.run()
    confirm = links(mailoutbox[0])["confirmer"]
    with on_commit():
        restock(sold_out)

    with on_commit():
        client.post(confirm)
    page = client.get(confirm).content.decode().translate(NO_BREAK)
    with on_commit():
        restock(sold_out, 7)
    task_worker.run()

    assert "de retour en stock" in page
    assert restock_emails(mailoutbox) == []


def test_the_alert_speaks_the_language_it_was_asked_in(
    client, sold_out, mailoutbox, on_commit, task_worker
):
    with on_commit():
        ask(client, sold_out.pk, prefix="/en")
    task_worker.run()
    (confirmation,) = mailoutbox
    assert "Confirm your back-in-stock alert" in confirmation.subject
    confirm = links(confirmation)["confirmer"]
    assert confirm.startswith("/en/alerte-stock/")
    with on_commit():
        client.post(confirm)
        restock(sold_out)
    task_worker.run()

    (alert,) = mailoutbox[1:]
    assert alert.subject.startswith("Back in stock")
    assert "http://127.0.0.1:8000/en/produit/" in alert.body


def test_a_form_sent_from_another_site_is_refused(sold_out):
    visitor = Client(enforce_csrf_checks=True)

    refused = visitor.post(
        "/alerte-stock/",
        {"variant": sold_out.pk, "email": "anne@example.org"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"},
    )

    assert refused.status_code == 403
    assert not StockAlert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "pas une adresse"}, "Saisissez une adresse e-mail valide"),
        ({"email": ""}, "Saisissez votre adresse e-mail"),
        ({"email": "a" * 300 + "@example.org"}, "254 caractères au plus"),
        ({"variant": "999999"}, "Choisissez une taille et une couleur que nous vendons"),
        ({"variant": "abc"}, "Choisissez une taille et une couleur que nous vendons"),
        ({"variant": ""}, "Choisissez la taille et la couleur épuisées"),
        ({"variant": "in-stock"}, "Bonne nouvelle"),
    ],
)
def test_bad_input_is_answered_with_a_message(client, sold_out, fields, message):
    in_stock = sold_out.product.variants.get(size="M")
    data = {"variant": str(sold_out.pk), "email": "anne@example.org", **fields}
    if data["variant"] == "in-stock":
        data["variant"] = str(in_stock.pk)
    data["next"] = sold_out.product.get_absolute_url()

    response = client.post("/alerte-stock/", data, headers=SAME_ORIGIN, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == sold_out.product.get_absolute_url()
    assert message in response.content.decode().translate(NO_BREAK)
    assert not StockAlert.objects.exists()


def test_an_empty_or_foreign_post_goes_back_to_the_catalogue(client):
    response = client.post(
        "/alerte-stock/", {"next": "https://attacker.example/"}, headers=SAME_ORIGIN
    )

    assert response.status_code == 302
    assert response["Location"] == "/produits/"
    assert client.get("/alerte-stock/").status_code == 405


def test_one_connection_is_held_back_after_ten_alerts_in_an_hour(client, sold_out):
    for index in range(10):
        assert ask(client, sold_out.pk, f"visiteur{index}@example.org").status_code == 302

    held = ask(client, sold_out.pk, "encore@example.org")

    assert StockAlert.objects.count() == 10
    page = client.get(held["Location"]).content.decode().translate(NO_BREAK)
    assert "Votre connexion a demandé beaucoup d’alertes" in page


def test_an_unknown_token_is_not_found(client):
    assert client.get("/alerte-stock/inconnu/confirmer/").status_code == 404
    assert client.post("/alerte-stock/inconnu/desinscription/").status_code == 404


def test_the_purge_deletes_stale_and_spent_alerts_only(sold_out):
    now = timezone.now()

    def alert(email, *, asked_days, confirmed=True, seen_days=None):
        made = StockAlert.objects.create(variant=sold_out, email=email)
        StockAlert.objects.filter(pk=made.pk).update(
            created_at=now - datetime.timedelta(days=asked_days),
            confirmed_at=now if confirmed else None,
            notified_at=now - datetime.timedelta(days=seen_days) if seen_days else None,
        )
        return made

    alert("oubliee@example.org", asked_days=8, confirmed=False)
    fresh = alert("recente@example.org", asked_days=2, confirmed=False)
    waiting = alert("patiente@example.org", asked_days=200)
    alert("servie@example.org", asked_days=60, seen_days=31)
    recent = alert("servie-hier@example.org", asked_days=60, seen_days=1)

    dry = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=dry)
    assert "Would delete 2 back-in-stock alert(s)" in dry.getvalue()
    assert StockAlert.objects.count() == 5

    call_command("purge_personal_data", stdout=StringIO())

    kept = set(StockAlert.objects.values_list("pk", flat=True))
    assert kept == {fresh.pk, waiting.pk, recent.pk}


def test_a_stock_change_with_no_alert_waiting_costs_one_read_after_the_commit(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    variant = make_variant(stock=2)
    StockAlert.objects.create(variant=variant, email="pas-confirmee@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        place({variant.pk: 1})
    release = [c for c in callbacks if getattr(c, "func", None) is stock_alerts_release]

    # 1. whether a confirmed alert waits on an in-stock variant of the products
    assert len(release) == 1
    with django_assert_num_queries(1):
        release[0]()
