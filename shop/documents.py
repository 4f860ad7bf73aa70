"""What the shopper must keep of their contract on a durable medium (article L221-13 of
the Code de la consommation): the terms of sale and the withdrawal form, attached as
PDF to the order's confirmation e-mail, in the order's language."""

import logging

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import translation

from common.pdf import html_to_pdf
from shop.invoices import SELLER
from shop.models import Order

logger = logging.getLogger(__name__)

TERMS_OF_SALE_SLUG = "conditions-generales-de-vente"


def terms_of_sale_html(order: Order) -> str | None:
    """The terms of sale as they stand when `order` is confirmed, or None if the page is gone."""
    # The terms are an information page that staff keep up to date in the admin. The
    # shop and the pages app are layers that never import each other (pyproject's
    # [tool.importlinter]): the model is looked up by name, and only read.
    page_model = apps.get_model("pages", "Page")
    page = page_model.objects.filter(slug=TERMS_OF_SALE_SLUG).first()
    if page is None:
        return None
    with translation.override(order.language):
        return render_to_string("shop/documents/terms_of_sale.html", {"page": page, "order": order})


def withdrawal_form_html(order: Order) -> str:
    """The model withdrawal form, filled in with the order's number, date and lines."""
    addressee = [SELLER["registered_name"] or SELLER["name"], SELLER["address"], SELLER["email"]]
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "seller": SELLER,
        "seller_line": ", ".join(part for part in addressee if part),
    }
    with translation.override(order.language):
        return render_to_string("shop/documents/withdrawal_form.html", context)


def contract_documents(order: Order) -> list[tuple[str, bytes]]:
    """(file name, PDF) of the terms of sale, if the page exists, and of the withdrawal form."""
    documents = []
    with translation.override(order.language):
        terms = terms_of_sale_html(order)
        if terms is None:
            # The admin cannot delete the page; a site whose pages were never loaded
            # still confirms the order, with the withdrawal form alone.
            logger.error(
                "No %r page: order %s confirmed without its terms of sale",
                TERMS_OF_SALE_SLUG,
                order.number,
            )
        else:
            documents.append((translation.gettext("terms-of-sale.pdf"), html_to_pdf(terms)))
        documents.append(
            (translation.gettext("withdrawal-form.pdf"), html_to_pdf(withdrawal_form_html(order)))
        )
    return documents
