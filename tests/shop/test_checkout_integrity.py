"""One order per checkout, whatever happens to the click, the mail relay or the response."""

import signal
import threading

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.models import Variant
from shop.models import Order
from shop.services import Customer, order_place
from tests.factories import make_product, make_variant
from tests.smtp import SmtpSink, free_port, smtp_mailers

HOME = {
    "email": "lea@example.org",
    "name": "Léa Martin",
    "delivery": "home",
    "street": "3 chemin des Alpages",
    "postcode": "73000",
    "city": "Chambéry",
    "payment_method": "transfer",
    "accept_terms": "on",
}


def fill_cart(client, stock=5, quantity=1):
    variant = make_variant(product=make_product(name="Sac Drôme", price="149.00"), stock=stock)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": quantity})
    return variant


def the_form(client):
    """What the checkout page sends: the shopper's details and the page's one-time key."""
    page = client.get("/commande/").content.decode()
    key = client.session["checkout_key"]
    assert f'name="checkout_key" value="{key}"' in page
    return {**HOME, "checkout_key": key}


def run_db_worker():
    """`manage.py db_worker --batch`: run every due task, then stop (its signal handlers undone)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def make_retries_due():
    """Let the retry delay pass."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("clicks", [2, 5])
def test_identical_checkouts_sent_at_once_make_one_order(require_postgres, clicks):
    shopper = Client()
    variant = fill_cart(shopper, stock=5, quantity=2)
    form = the_form(shopper)
    connections.close_all()
    start = threading.Barrier(clicks, timeout=60)
    answers = []

    def click():
        tab = Client()
        tab.cookies = shopper.cookies  # the same browser: one session, one cart
        try:
            start.wait()
            answers.append(tab.post("/commande/", form))
        except Exception as error:  # a failed click must not hang the others
            start.abort()
            answers.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    order = Order.objects.get()
    assert Variant.objects.get(pk=variant.pk).stock == 3  # taken once
    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, order.get_absolute_url())
    ] * clicks
    assert order.lines.get().quantity == 2
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_relay_down_the_order_is_placed_once_then_mailed_once(settings):
    relay_port = free_port()
    settings.MAILERS = smtp_mailers(relay_port)
    shopper = Client()
    variant = fill_cart(shopper, stock=5)
    form = the_form(shopper)

    placed = shopper.post("/commande/", form)
    again = shopper.post("/commande/", form)  # the shopper resubmits, unsure

    order = Order.objects.get()
    assert placed.status_code == again.status_code == 302
    assert placed["Location"] == again["Location"] == order.get_absolute_url()
    assert "est enregistrée" in shopper.get(placed["Location"]).content.decode()
    assert Variant.objects.get(pk=variant.pk).stock == 4
    assert shopper.session["cart"] == {}

    run_db_worker()  # the relay is still down
    order.refresh_from_db()
    assert order.confirmation_sent_at is None
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).count() == 1

    sink = SmtpSink(relay_port).start()
    try:
        make_retries_due()
        run_db_worker()
        run_db_worker()  # nothing left: nothing sent twice
    finally:
        sink.stop()

    (message,) = sink.inbox.messages
    assert message["To"] == "lea@example.org"
    assert order.number in message["Subject"]
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_with_the_mail_relay_down_a_repair_request_shows_its_reference_then_is_mailed_once(
    client, settings, on_commit, task_worker
):
    from repairs.models import RepairRequest

    relay_port = free_port()
    settings.MAILERS = smtp_mailers(relay_port)

    with on_commit():
        response = client.post(
            "/reparation/",
            {
                "name": "Paul Durand",
                "email": "paul@example.org",
                "product_description": "Vieux sac rouge",
                "damage": "La bretelle gauche est déchirée.",
                "street": "8 rue du Vercors",
                "postcode": "38000",
                "city": "Grenoble",
                "country": "France",
            },
        )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302
    assert repair.reference in client.get(response["Location"]).content.decode()
    assert client.session["repairs"] == [repair.pk]

    assert task_worker.run() == 1  # the relay is down: the try fails, a retry waits
    sink = SmtpSink(relay_port).start()
    try:
        make_retries_due()
        task_worker.run()
        task_worker.run()
    finally:
        sink.stop()

    (message,) = sink.inbox.messages
    assert repair.reference in message["Subject"]
    assert message["To"] == "paul@example.org"


@pytest.mark.django_db
def test_after_the_last_retry_the_order_waits_for_staff_who_can_send_it_again(
    client, settings, on_commit, task_worker, mailoutbox
):
    settings.MAIL_RETRY_DELAYS = [0, 0]
    settings.MAILERS = smtp_mailers(free_port())
    fill_cart(client)
    with on_commit():
        client.post("/commande/", the_form(client))

    task_worker.run()

    order = Order.objects.get()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3  # first try + 2 retries
    assert not DBTaskResult.objects.filter(status="READY").exists()
    staff = Client()
    staff.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1"))
    unsent = staff.get("/admin/shop/order/?emailed=no").content.decode()
    assert order.number in unsent

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with on_commit():
        response = staff.post(
            "/admin/shop/order/",
            {"action": "resend_confirmation", "_selected_action": [order.pk]},
            follow=True,
        )
    task_worker.run()

    assert "sera renvoyée" in response.content.decode()
    (message,) = mailoutbox
    assert order.number in message.subject
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None


def lose_the_response(client):
    """The server committed the order, then died before answering: the shopper's
    session still holds the full cart and its key. Returns (order, the form sent)."""
    variant = fill_cart(client, stock=5)
    form = the_form(client)
    order = order_place(
        items={variant.pk: 1},
        customer=Customer(
            email=form["email"],
            name=form["name"],
            street=form["street"],
            postcode=form["postcode"],
            city=form["city"],
        ),
        delivery="home",
        payment_method="transfer",
        checkout_key=form["checkout_key"],
    )
    return order, form


@pytest.mark.django_db
def test_after_a_lost_response_the_cart_shows_the_order_and_empties(client):
    order, form = lose_the_response(client)

    cart_page = client.get("/panier/").content.decode()
    resubmitted = client.post("/commande/", form)

    assert f"Votre commande {order.number} est enregistrée" in cart_page
    assert f'href="{order.get_absolute_url()}"' in cart_page
    assert "Votre panier est vide." in cart_page
    assert resubmitted["Location"] == order.get_absolute_url()
    assert Order.objects.count() == 1
    assert order.lines.get().variant.stock == 4


@pytest.mark.django_db
def test_after_a_lost_response_the_checkout_leads_to_the_order(client):
    order, form = lose_the_response(client)

    checkout_page = client.get("/commande/", follow=True)
    resubmitted = client.post("/commande/", form)

    assert checkout_page.redirect_chain[0][0] == order.get_absolute_url()
    assert f"Votre commande {order.number} est enregistrée" in checkout_page.content.decode()
    assert resubmitted["Location"] == order.get_absolute_url()
    assert client.session["cart"] == {}
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_shopper_who_never_saw_the_confirmation_finds_the_order_on_the_cart_page(client):
    fill_cart(client)
    client.post("/commande/", the_form(client))  # placed; the answer never arrived

    page = client.get("/panier/").content.decode()

    order = Order.objects.get()
    assert f"Votre commande {order.number} est enregistrée" in page
    assert f'href="{order.get_absolute_url()}"' in page
    assert "Votre panier est vide." in page


@pytest.mark.django_db
def test_after_a_lost_response_adding_to_the_cart_starts_a_new_cart(client):
    order, form = lose_the_response(client)
    another = make_variant(stock=3)

    client.post("/panier/ajouter/", {"variant": another.pk, "quantity": 1})

    assert client.session["cart"] == {str(another.pk): 1}
    assert client.session["checkout_key"] != form["checkout_key"]
    page = client.get("/panier/").content.decode()
    assert f"Votre commande {order.number} est enregistrée" in page
    assert client.post("/commande/", the_form(client)).status_code == 302
    assert Order.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "forged-key", "x" * 500])
def test_a_form_without_this_carts_key_orders_nothing_and_says_so(client, key):
    variant = fill_cart(client)
    form = {**the_form(client), "checkout_key": key}

    response = client.post("/commande/", form)

    assert response.status_code == 200
    assert "Cette page avait expiré et rien n’a été commandé." in response.content.decode()
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=variant.pk).stock == 5
    # The page offers the cart's real key again: the next click orders.
    assert client.post("/commande/", the_form(client)).status_code == 302
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_new_cart_after_an_order_gets_a_new_key(client):
    fill_cart(client)
    first = the_form(client)
    client.post("/commande/", first)

    fill_cart(client)
    second = the_form(client)
    client.post("/commande/", second)

    assert first["checkout_key"] != second["checkout_key"]
    assert Order.objects.count() == 2
