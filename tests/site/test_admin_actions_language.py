"""The admin's action menus speak the language of the page, French or English (/en/admin/)."""

import re

import pytest
from django.contrib.auth.models import User

from repairs.services import repair_request_create
from tests.factories import NO_BREAK, make_product
from tests.shop.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1"))
    return client


@pytest.fixture
def one_of_each():
    """A list with no rows shows no actions."""
    make_product()
    make_order()
    repair_request_create(
        fields={
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge",
            "damage": "Bretelle déchirée.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
        }
    )


def action_labels(client, path):
    html = client.get(path).content.decode().translate(NO_BREAK)
    menu = html[html.index('name="action"') : html.index("</select>", html.index('name="action"'))]
    return re.findall(r"<option value=\"\w+\">([^<]+)</option>", menu)


@pytest.mark.parametrize(
    ("model", "french", "english"),
    [
        ("catalog/product", "Publier les produits sélectionnés", "Publish the selected products"),
        ("shop/order", "Marquer comme payée", "Mark as paid"),
        (
            "repairs/repairrequest",
            "Passer à : Reçue à l’atelier",
            "Move to: Received at the workshop",
        ),
        (
            "repairs/repairrequest",
            "Renvoyer l’e-mail de la dernière étape",
            "E-mail the latest step again",
        ),
    ],
)
def test_each_action_is_labelled_in_the_pages_language(
    staff_client, one_of_each, model, french, english
):
    in_english = action_labels(staff_client, f"/en/admin/{model}/")
    in_french = action_labels(staff_client, f"/admin/{model}/")

    assert english in in_english
    assert french not in in_english
    assert french in in_french
    assert english not in in_french
