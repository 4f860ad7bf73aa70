from django.contrib.auth.models import User
from django.utils import timezone

from shop.models import Order
from tests.factories import NO_BREAK, make_variant
from tests.shop.factories import make_order, make_store


def test_staff_land_on_the_dashboard_and_read_the_sales_as_a_chart_or_a_table(journey):
    User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    store = make_store()
    orders = [make_order(price="79.90", store=store), make_order(price="20.00", store=store)]
    # The chart counts paid orders only.
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(
        status=Order.Status.PAID, paid_at=timezone.now()
    )
    make_variant(stock=1)
    journey.page.set_viewport_size({"width": 1366, "height": 768})

    page = journey.sign_in_to_admin("chef", "montagne-1921")  # axe checks the dashboard

    chart = page.get_by_role("img", name="Ventes par jour sur les 30 derniers jours")
    assert chart.locator("rect").count() == 1
    assert chart.bounding_box()["width"] > 500
    page.get_by_text("Ventes par jour, en tableau").click()
    journey.check()
    last_day = page.locator("#dashboard-sales tbody tr").last
    cells = [text.translate(NO_BREAK) for text in last_day.locator("td").all_inner_texts()]
    assert cells == ["2", "99,90 €"]
