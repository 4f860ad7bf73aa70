"""Returns under the 14-day right of withdrawal: asked for from the order's private page,
received and restocked once, refunded within what was paid, totalled for staff."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from catalog.models import Variant
from shop.models import Order, Return
from shop.returns import (
    ReturnRefused,
    return_deadline,
    return_receive,
    return_refund,
    return_request,
)
from shop.services import Customer, order_advance, order_anonymise, order_place
from tests.factories import NO_BREAK, make_product, make_variant, unique

pytestmark = pytest.mark.django_db

CUSTOMER = Customer(
    email="lea@example.org", name="Léa Martin", street="1 rue", postcode="74000", city="Annecy"
)


@pytest.fixture
def shipped():
    """An order of two bags and one jacket, paid and shipped; stock left: 3 bags, 1 jacket."""
    bag = make_variant(product=make_product(name="Sac Hiker 30", price="80.00"), stock=5)
    jacket = make_variant(product=make_product(name="Veste Trilogy", price="300.00"), stock=2)
    order = order_place(
        items={bag.pk: 2, jacket.pk: 1},
        customer=CUSTOMER,
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    order.refresh_from_db()
    bag_line, jacket_line = order.lines.order_by("unit_price")
    return order, bag_line, jacket_line


def stock(line):
    return Variant.objects.get(pk=line.variant_id).stock


def test_the_return_restocks_resaleable_items_once_and_the_refund_is_recorded(
    shipped, mailoutbox, on_commit, task_worker
):
    order, bag_line, jacket_line = shipped
    with on_commit():
        parcel = return_request(
            order=order, quantities={bag_line.pk: 2, jacket_line.pk: 1}, reason="size"
        )
    # The jacket came back worn: it is not put back on sale.
    parcel.lines.filter(order_line=jacket_line).update(resaleable=False)

    with on_commit():
        return_receive(parcel=parcel)
    with pytest.raises(ReturnRefused):
        return_receive(parcel=parcel)  # a second click restocks nothing more

    assert (stock(bag_line), stock(jacket_line)) == (5, 1)
    with on_commit():
        return_refund(
            parcel=parcel,
            amount=Decimal("460.00"),  # both items and the delivery: the whole order came back
            method=Return.RefundMethod.TRANSFER,
            on=timezone.localdate(),
        )
    parcel.refresh_from_db()
    assert parcel.status == Return.Status.REFUNDED
    assert parcel.refund_amount == Decimal("460.00")

    task_worker.run()
    subjects = [message.subject for message in mailoutbox]
    assert len(subjects) == 3
    assert all(order.number in subject for subject in subjects)
    assert "460" in mailoutbox[2].body


def test_the_refund_is_bounded_by_what_the_return_paid_for(shipped):
    order, bag_line, _ = shipped
    parcel = return_request(order=order, quantities={bag_line.pk: 1}, reason="changed_mind")

    with pytest.raises(ReturnRefused):  # not received yet
        return_refund(
            parcel=parcel, amount=Decimal("80.00"), method="transfer", on=timezone.localdate()
        )
    return_receive(parcel=parcel)
    with pytest.raises(ReturnRefused):  # one bag, not the delivery: the order is not all back
        return_refund(
            parcel=parcel, amount=Decimal("80.01"), method="transfer", on=timezone.localdate()
        )

    return_refund(
        parcel=parcel, amount=Decimal("80.00"), method="transfer", on=timezone.localdate()
    )


def test_no_more_comes_back_than_was_ordered_across_returns(shipped):
    order, bag_line, _ = shipped
    return_request(order=order, quantities={bag_line.pk: 1}, reason="size")

    with pytest.raises(ReturnRefused):
        return_request(order=order, quantities={bag_line.pk: 2}, reason="size")
    return_request(order=order, quantities={bag_line.pk: 1}, reason="size")
    with pytest.raises(ReturnRefused):
        return_request(order=order, quantities={bag_line.pk: 1}, reason="size")


def test_the_window_is_14_days_from_receipt_and_runs_to_a_weekday(shipped):
    order, bag_line, _ = shipped
    # Shipped on Monday 2 November 2026: received by the 7th, 14 days to the 21st, a
    # Saturday, so until Monday the 23rd.
    order.handed_over_at = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
    order.save()
    assert return_deadline(order) == datetime.date(2026, 11, 23)

    order.handed_over_at = timezone.now() - datetime.timedelta(days=40)
    order.save()
    with pytest.raises(ReturnRefused, match="14\u00a0jours"):
        return_request(order=order, quantities={bag_line.pk: 1}, reason="size")


def test_an_order_not_yet_shipped_cannot_be_returned():
    variant = make_variant(stock=3)
    order = order_place(
        items={variant.pk: 1},
        customer=CUSTOMER,
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )

    assert return_deadline(order) is None
    with pytest.raises(ReturnRefused):
        return_request(order=order, quantities={order.lines.get().pk: 1}, reason="size")


# The shopper's pages.


def test_the_shopper_returns_a_bag_from_the_order_page(shipped, client):
    order, bag_line, jacket_line = shipped
    page = client.get(order.get_absolute_url()).content.decode().translate(NO_BREAK)
    assert "Retourner des articles" in page

    form = client.get(f"{order.get_absolute_url()}retour/")
    assert form.status_code == 200
    assert form["Cache-Control"] == "private, no-store"
    sent = client.post(
        f"{order.get_absolute_url()}retour/",
        {f"line_{bag_line.pk}": "1", f"line_{jacket_line.pk}": "0", "reason": "size"},
        follow=True,
    )

    html = sent.content.decode().translate(NO_BREAK)
    assert sent.redirect_chain[-1][0] == order.get_absolute_url()
    assert "Votre retour est enregistré" in html
    parcel = order.returns.get()
    assert [(line.order_line_id, line.quantity) for line in parcel.lines.all()] == [
        (bag_line.pk, 1)
    ]
    assert re.search(r"Retour demandé le .*Demandé", html)


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "size"},  # nothing chosen
        {"line_BAG": "3", "reason": "size"},  # more than ordered
        {"line_BAG": "-1", "reason": "size"},
        {"line_BAG": "un", "reason": "size"},
        {"line_BAG": "1", "reason": "whatever"},
        {"line_BAG": "1", "reason": "size", "comment": "x" * 5000},
    ],
)
def test_a_bad_return_form_gets_a_message_and_saves_nothing(shipped, client, data):
    order, bag_line, _ = shipped
    data = {key.replace("BAG", str(bag_line.pk)): value for key, value in data.items()}

    response = client.post(f"{order.get_absolute_url()}retour/", data)

    assert response.status_code == 200
    assert (
        'class="errorlist' in response.content.decode()
        or "message--error" in response.content.decode()
    )
    assert not Return.objects.exists()


def test_nobody_returns_an_order_without_its_private_link(shipped, client):
    assert client.get("/commande/not-a-token/retour/").status_code == 404
    assert client.post("/commande/not-a-token/retour/", {"reason": "size"}).status_code == 404


# Staff.


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921-x"))
    return client


def record_refund(staff, parcel, amount):
    """Enter a refund by bank transfer, today, on the return's admin page."""
    return staff.post(
        f"/admin/shop/return/{parcel.pk}/change/",
        {
            "amount": amount,
            "method": "transfer",
            "on": timezone.localdate().isoformat(),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": parcel.lines.get().pk,
            "lines-0-parcel": parcel.pk,
        },
    )


def test_staff_receive_inspect_and_refund_in_the_admin_and_see_totals(shipped, staff):
    order, bag_line, _ = shipped
    parcel = return_request(order=order, quantities={bag_line.pk: 2}, reason="size")

    received = staff.post(
        "/admin/shop/return/", {"action": "receive", "_selected_action": [parcel.pk]}, follow=True
    )
    assert received.status_code == 200
    assert stock(bag_line) == 5
    too_much = record_refund(staff, parcel, "200.00")
    assert too_much.status_code == 200  # the form again, with its error
    assert "160" in too_much.content.decode().translate(NO_BREAK)
    record_refund(staff, parcel, "160.00")
    parcel.refresh_from_db()
    assert (parcel.status, parcel.refund_amount) == (Return.Status.REFUNDED, Decimal("160.00"))

    listing = staff.get("/admin/shop/return/").content.decode().translate(NO_BREAK)
    assert "1 retour listé, 1 remboursé : 160,00 € en tout." in listing


def test_erasing_the_shoppers_details_erases_their_return_comment(shipped):
    order, bag_line, _ = shipped
    return_request(
        order=order, quantities={bag_line.pk: 1}, reason="other", comment="Léa, 06 12 34 56 78"
    )

    order_anonymise(order=order)

    parcel = Return.objects.get()
    assert parcel.comment == ""
    assert parcel.lines.get().quantity == 1  # the return itself stays for the accounts


def test_an_english_shopper_gets_english_subjects_for_the_order_and_the_return(
    mailoutbox, on_commit, task_worker
):
    bag = make_variant(product=make_product(name="Sac Hiker 30", price="80.00"), stock=5)
    with on_commit():
        order = order_place(
            items={bag.pk: 1},
            customer=CUSTOMER,
            delivery="home",
            payment_method="transfer",
            checkout_key=unique("key"),
            language="en",
        )
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    with on_commit():
        return_request(order=order, quantities={order.lines.get().pk: 1}, reason="size")

    task_worker.run()

    assert [message.subject for message in mailoutbox] == [
        f"Your Millet order {order.number}",
        f"Your return for order {order.number}",
    ]
    assert "Hello Léa Martin" in mailoutbox[1].body


def test_the_return_is_received_from_its_own_page_and_its_refund_asked_once(shipped, staff):
    order, bag_line, _ = shipped
    parcel = return_request(order=order, quantities={bag_line.pk: 2}, reason="size")
    page = staff.get(f"/admin/shop/return/{parcel.pk}/change/").content.decode()
    receive_url = f"/admin/shop/return/{parcel.pk}/recu/"
    assert f'action="{receive_url}"' in page
    assert 'name="amount"' not in page  # nothing to refund before the parcel is here
    assert staff.get(receive_url).status_code == 403  # a click, never a link

    response = staff.post(receive_url, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/shop/return/{parcel.pk}/change/"
    parcel.refresh_from_db()
    assert parcel.status == Return.Status.RECEIVED
    assert stock(bag_line) == 5
    page = response.content.decode()
    assert f'action="{receive_url}"' not in page
    # The refund's fields once: the ones to fill in, not the empty record beside them.
    assert page.count('name="amount"') == 1
    assert "field-refund_amount" not in page
    record_refund(staff, parcel, "160.00")
    listing = staff.get("/admin/shop/return/").content.decode().translate(NO_BREAK)
    assert "160,00 €" in listing
    history = staff.get(f"/admin/shop/return/{parcel.pk}/history/").content.decode()
    assert "160,00 €" in history.translate(NO_BREAK)
