"""Staff move a click-and-collect order along from its own admin page, one click a step;
the shopper gets one e-mail a step, and the page's history says who did what."""

from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from shop.models import Order
from tests.shop.factories import make_order


def test_staff_take_a_transfer_order_from_paid_to_collected_in_one_click_a_step(
    journey, task_worker
):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    task_worker.run()  # the confirmation and the store's notice
    mail.outbox.clear()
    journey.page.set_viewport_size({"width": 1366, "height": 768})
    journey.sign_in_to_admin("chef", "montagne-1921")

    page = journey.visit("/en/admin/shop/order/")
    page.get_by_role("link", name=order.number).click()
    journey.check()
    expect(page.get_by_role("button", name="Mark as “Shipped”")).to_have_count(0)

    sent = []
    for label in ["Paid", "Ready for collection", "Collected"]:
        page.get_by_role("button", name=f"Mark as “{label}”").click()
        expect(page.locator(".messagelist .success")).to_contain_text(f"is now “{label}”")
        journey.check()
        task_worker.run()
        sent.append([message.subject for message in mail.outbox])
        mail.outbox.clear()

    assert sent == [
        [f"We received the payment of order {order.number}"],
        [f"Your order {order.number} is ready for collection"],
        [],  # collected: nothing to tell
    ]
    expect(page.get_by_role("button", name="Cancel the order")).to_have_count(0)
    history = page.locator(".order-timeline tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("chef")
    expect(history.nth(0)).to_contain_text("Awaiting payment → Paid")
    expect(history.nth(1)).to_contain_text("Paid → Ready for collection")
    expect(history.nth(2)).to_contain_text("Ready for collection → Collected")
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
