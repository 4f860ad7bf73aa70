"""Staff preview an unpublished product on the shop's own page; nobody else sees it."""

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import NO_BREAK, make_product, make_variant

pytestmark = pytest.mark.django_db

BANNER = "Non publié : aperçu réservé à l’équipe."


@pytest.fixture
def draft(settings):
    settings.PAGE_CACHE_SECONDS = 600  # as in production: pages kept for visitors
    product = make_product(name="Sac Prototype 42", slug="sac-prototype-42", is_published=False)
    make_variant(product=product, sku="PROTO42-M", size="M", colour="Rouge", stock=3)
    return product


def member_of_staff(*codenames, is_staff=True):
    user = User.objects.create_user("vendeuse", password="pw-vente-1", is_staff=is_staff)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_staff_who_may_view_products_preview_an_unpublished_one(draft):
    staff = member_of_staff("view_product")

    response = staff.get(draft.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode().translate(NO_BREAK)
    assert "Sac Prototype 42" in page
    assert BANNER in page
    assert f'href="/admin/catalog/product/{draft.pk}/change/"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "visitor",
    [
        lambda: Client(),
        lambda: member_of_staff(),  # staff without the right to view products
        lambda: member_of_staff("view_product", is_staff=False),  # not staff
    ],
    ids=["anonymous", "staff-without-view-right", "not-staff"],
)
def test_everyone_else_gets_a_404(draft, visitor):
    assert visitor().get(draft.get_absolute_url()).status_code == 404


def test_the_preview_is_never_served_from_the_page_cache_to_visitors(draft):
    staff = member_of_staff("view_product")
    assert staff.get(draft.get_absolute_url()).status_code == 200

    anonymous = Client().get(draft.get_absolute_url())

    assert anonymous.status_code == 404
    assert "X-Page-Cache" not in anonymous


def test_a_published_product_shows_no_banner_to_staff_and_is_kept_for_visitors(draft):
    draft.is_published = True
    draft.save()
    staff = member_of_staff("view_product")

    assert BANNER not in staff.get(draft.get_absolute_url()).content.decode().translate(NO_BREAK)
    Client().get(draft.get_absolute_url())  # kept
    served = Client().get(draft.get_absolute_url())
    assert served["X-Page-Cache"] == "hit"
    assert BANNER not in served.content.decode().translate(NO_BREAK)


def test_the_preview_costs_the_published_page_and_the_staff_checks_only(draft):
    staff = member_of_staff("view_product")
    url = draft.get_absolute_url()

    def queries():
        staff.get(url)  # the page's fragments drawn once
        with CaptureQueriesContext(connection) as done:
            assert staff.get(url).status_code == 200
        return [query["sql"] for query in done]

    preview = queries()
    draft.is_published = True
    draft.save()
    published = queries()

    # The preview asks for the published product first and finds none, then reads the
    # member of staff (the session is read by both pages) and their permissions (their
    # own, their groups'), then draws the same page as the published one: 10 against 6.
    assert len(published) == 6
    assert len(preview) == len(published) + 4
    assert '"catalog_product"."is_published"' in preview[0]
    assert "auth_user_user_permissions" in preview[3]
