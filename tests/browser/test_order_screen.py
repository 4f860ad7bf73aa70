"""Staff move a click-and-collect order along from its own admin page, one click a step;
the shopper gets one e-mail a step, and the page's history says who did what."""

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from shop.models import Order
from tests.shop.factories import make_order


def french(text, **values):
    """`text` as the French admin shows it."""
    with translation.override("fr"):
        return gettext(text) % {name: str(value) for name, value in values.items()}


def test_staff_take_a_transfer_order_from_paid_to_collected_in_one_click_a_step(
    journey, task_worker
):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    task_worker.run()  # the confirmation and the store's notice
    mail.outbox.clear()
    journey.page.set_viewport_size({"width": 1366, "height": 768})
    journey.sign_in_to_admin("chef", "montagne-1921")

    with translation.override("fr"):
        page = journey.visit(reverse("admin:shop_order_changelist"))
    page.get_by_role("link", name=order.number).click()
    journey.check()
    shipped = french(Order.Status.SHIPPED.label)
    expect(
        page.get_by_role("button", name=french("Mark as “%(status)s”", status=shipped))
    ).to_have_count(0)

    sent = []
    for status in [Order.Status.PAID, Order.Status.READY, Order.Status.COLLECTED]:
        label = french(status.label)
        page.get_by_role("button", name=french("Mark as “%(status)s”", status=label)).click()
        expect(page.locator(".messagelist .success")).to_contain_text(label)
        journey.check()
        task_worker.run()
        sent.append([message.subject for message in mail.outbox])
        mail.outbox.clear()

    assert sent == [
        [f"We have received your payment for order {order.number}"],
        [f"Your order {order.number} is ready for collection"],
        [f"Thank you for collecting your order {order.number}"],
    ]
    expect(page.get_by_role("button", name=french("Cancel the order"))).to_have_count(0)
    history = page.locator(".order-timeline tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("chef")
    moves = [
        (Order.Status.AWAITING_PAYMENT, Order.Status.PAID),
        (Order.Status.PAID, Order.Status.READY),
        (Order.Status.READY, Order.Status.COLLECTED),
    ]
    for row, (before, after) in enumerate(moves):
        expect(history.nth(row)).to_contain_text(f"{french(before.label)} → {french(after.label)}")
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
