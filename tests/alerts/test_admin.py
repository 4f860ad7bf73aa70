"""Staff read and delete back-in-stock alerts; shoppers alone make them."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alerts.models import StockAlert
from tests.factories import make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1"))
    return client


def test_staff_list_alerts_by_variant_and_address_and_filter_them(staff):
    variant = make_variant(sku="VESTE-L-BLEU", size="L", stock=0)
    StockAlert.objects.create(
        variant=variant, email="anne@example.org", confirmed_at=timezone.now()
    )
    StockAlert.objects.create(variant=variant, email="paul@example.org")

    listing = staff.get("/admin/alerts/stockalert/").content.decode()
    unconfirmed = staff.get("/admin/alerts/stockalert/?confirmed_at__isempty=1").content.decode()

    assert "anne@example.org" in listing
    assert "VESTE-L-BLEU" in listing
    assert "Alertes de retour en stock" in listing
    assert "paul@example.org" in unconfirmed
    assert "anne@example.org" not in unconfirmed


def test_staff_cannot_make_or_edit_an_alert_but_can_delete_it(staff):
    alert = StockAlert.objects.create(variant=make_variant(stock=0), email="anne@example.org")

    assert staff.get("/admin/alerts/stockalert/add/").status_code == 403
    page = staff.get(f"/admin/alerts/stockalert/{alert.pk}/change/").content.decode()
    assert 'name="email"' not in page
    staff.post(f"/admin/alerts/stockalert/{alert.pk}/delete/", {"post": "yes"})
    assert not StockAlert.objects.exists()


def test_the_personal_data_export_lists_the_alerts_of_an_address(staff):
    variant = make_variant(sku="VESTE-L-BLEU", stock=0)
    StockAlert.objects.create(variant=variant, email="anne@example.org")
    StockAlert.objects.create(variant=make_variant(stock=0), email="paul@example.org")

    response = staff.post("/admin/donnees-personnelles/", {"email": "Anne@Example.org"})

    (alert,) = response.json()["stock_alerts"]
    assert alert["sku"] == "VESTE-L-BLEU"
    assert alert["email"] == "anne@example.org"
    assert alert["confirmed_at"] is None
