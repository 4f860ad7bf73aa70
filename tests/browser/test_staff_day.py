"""A store's day, as its staff live it: signed in with the rights of the "Boutiques" group
only, linked to their store, they take one of its click-and-collect orders from paid to
collected from the order's own page, one click a step. The shopper receives one e-mail a
step through the task worker (a real SMTP sink holds exactly them), and the page's history
names the staff member for each change."""

from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from shop.models import Order
from tests.shop.factories import make_order, make_store
from tests.smtp import SmtpSink, free_port, smtp_mailers


def french(text, **values):
    """`text` as the French admin shows it."""
    with translation.override("fr"):
        return gettext(text) % {name: str(value) for name, value in values.items()}


def test_store_staff_take_their_order_from_paid_to_collected_one_click_and_one_email_a_step(
    journey, task_worker, settings
):
    call_command("loaddata", "groups", verbosity=0)
    store = make_store(city="Annecy", opening_hours="Du mardi au samedi : 10 h – 19 h")
    order = make_order(store=store, payment_method=Order.Payment.TRANSFER, language="en")
    elsewhere = make_order(payment_method=Order.Payment.TRANSFER)  # another store's
    task_worker.run()  # the confirmations and the stores' notices
    mail.outbox.clear()
    staff = User.objects.create_user(
        "camille", password="montagne-1921", first_name="Camille", last_name="Roux"
    )
    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get(name="Boutiques"))
    store.staff.add(staff)
    relay = free_port()
    settings.MAILERS = smtp_mailers(relay)
    sink = SmtpSink(relay).start()
    steps = [Order.Status.PAID, Order.Status.READY, Order.Status.COLLECTED]
    try:
        journey.page.set_viewport_size({"width": 1366, "height": 768})
        journey.sign_in_to_admin("camille", "montagne-1921")
        with translation.override("fr"):
            page = journey.visit(reverse("admin:shop_order_changelist"))
        expect(page.get_by_role("link", name=elsewhere.number)).to_have_count(0)
        page.get_by_role("link", name=order.number).click()
        journey.check()

        received = []
        for status in steps:
            label = french(Order.Status(status).label)
            page.get_by_role("button", name=french("Mark as “%(status)s”", status=label)).click()
            expect(page.locator(".messagelist .success")).to_contain_text(
                french("Order %(number)s is now “%(status)s”.", number=order.number, status=label)
            )
            journey.check()
            task_worker.run()
            received.append(len(sink.inbox.messages))
    finally:
        sink.stop()

    assert received == [1, 2, 3]  # one e-mail a step, sent as the step is taken
    assert [(message["To"], message["Subject"]) for message in sink.inbox.messages] == [
        ("anne@example.org", f"We have received your payment for order {order.number}"),
        ("anne@example.org", f"Your order {order.number} is ready for collection"),
        ("anne@example.org", f"Thank you for collecting your order {order.number}"),
    ]
    ready = sink.inbox.messages[1].get_body(("plain",)).get_content()
    assert "Du mardi au samedi : 10 h – 19 h" in ready
    collected = sink.inbox.messages[2]
    assert [part.get_filename() for part in collected.iter_attachments()] == [
        f"facture-{Order.objects.get(pk=order.pk).invoice.label}.pdf"
    ]
    history = page.locator(".order-timeline tbody tr")
    expect(history).to_have_count(3)
    before = Order.Status.AWAITING_PAYMENT
    for row, status in enumerate(steps):
        expect(history.nth(row)).to_contain_text("Camille Roux")
        expect(history.nth(row)).to_contain_text(
            f"{french(Order.Status(before).label)} → {french(Order.Status(status).label)}"
        )
        before = status
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED


def test_on_a_phone_the_store_sees_number_shopper_total_and_status_of_each_order(
    journey, task_worker
):
    call_command("loaddata", "groups", verbosity=0)
    store = make_store()
    order = make_order(store=store, payment_method=Order.Payment.TRANSFER)
    staff = User.objects.create_user("camille", password="montagne-1921", is_staff=True)
    staff.groups.add(Group.objects.get(name="Boutiques"))
    store.staff.add(staff)
    journey.sign_in_to_admin("camille", "montagne-1921")  # 390 px wide

    with translation.override("fr"):
        page = journey.visit(reverse("admin:shop_order_changelist"))

    row = page.locator("#result_list tbody tr").first
    for cell in [".field-number", ".field-name", ".field-total", ".field-state"]:
        box = row.locator(cell).bounding_box()
        assert box["width"] > 0 and box["x"] + box["width"] <= 390, cell
    expect(row.locator(".field-state")).to_have_text(french("Awaiting payment"))
    row.get_by_role("link", name=order.number).click()
    journey.check()
    button = page.get_by_role("button", name=french("Mark as “%(status)s”", status=french("Paid")))
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 390
