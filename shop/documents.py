"""What the shopper must keep of their contract on a durable medium (article L221-13 of
the Code de la consommation): the terms of sale and the withdrawal form, attached as
PDF to the order's confirmation e-mail, in the order's language.

And what the warehouse works from, printed by staff from the orders' admin list in the
staff's language (settings.LANGUAGE_CODE): a packing slip per order, to put in the
parcel, and a pick list of what to take from the shelves for a batch of orders."""

import logging
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from common.pdf import html_to_pdf
from shop.invoices import SELLER
from shop.models import Order, OrderLine

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


def packing_slips_html(orders: QuerySet[Order]) -> str:
    """One packing slip a page for each of `orders`, by number, in the staff's language:
    who receives the parcel, where, and each line to put in it, without prices
    (reads the orders with their store, and their lines)."""
    orders = orders.select_related("store").prefetch_related("lines").order_by("number")
    context = {"orders": orders}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("shop/documents/packing_slip.html", context)


@dataclass
class PickItem:
    """What to take from the shelves for one SKU, and which orders it goes to."""

    sku: str
    product_name: str
    variant_label: str
    quantity: int = 0
    # (order number, quantity), by order number.
    orders: list[tuple[str, int]] = field(default_factory=list)


def pick_list_items(orders: QuerySet[Order]) -> list[PickItem]:
    """The lines of `orders` grouped by SKU, sorted by SKU, with the quantity to pick in
    all and each order's share (one query)."""
    lines = (
        OrderLine.objects.filter(order__in=orders.values("pk"))
        .order_by("sku", "order__number", "pk")
        .values_list("sku", "product_name", "variant_label", "order__number", "quantity")
    )
    items = []
    for sku, group in groupby(lines, key=lambda line: line[0]):
        group = list(group)
        _sku, product_name, variant_label, _number, _quantity = group[0]
        item = PickItem(sku=sku, product_name=product_name, variant_label=variant_label)
        for *_rest, number, quantity in group:
            item.quantity += quantity
            # An order holds a variant once, but its SKU may have been reused since.
            if item.orders and item.orders[-1][0] == number:
                item.orders[-1] = (number, item.orders[-1][1] + quantity)
            else:
                item.orders.append((number, quantity))
        items.append(item)
    return items


def pick_list_html(orders: QuerySet[Order]) -> str:
    """The pick list of `orders`, in the staff's language."""
    numbers = list(orders.order_by("number").values_list("number", flat=True))
    context = {"items": pick_list_items(orders), "numbers": numbers, "printed_at": timezone.now()}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("shop/documents/pick_list.html", context)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@admin.action(description=_("Print packing slips (PDF)"), permissions=["view"])
def print_packing_slips(modeladmin, request, queryset):
    """Admin action on orders: their packing slips, one page each, in one PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        numbers = list(queryset.values_list("number", flat=True)[:2])
        if len(numbers) == 1:
            filename = translation.gettext("packing-slip-%(number)s.pdf") % {"number": numbers[0]}
        else:
            filename = translation.gettext("packing-slips.pdf")
    return _pdf_response(html_to_pdf(packing_slips_html(queryset)), filename)


@admin.action(description=_("Print a pick list (PDF)"), permissions=["view"])
def print_pick_list(modeladmin, request, queryset):
    """Admin action on orders: what to pick for all of them, by SKU, in one PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        day = timezone.localdate().isoformat()
        filename = translation.gettext("pick-list-%(day)s.pdf") % {"day": day}
    return _pdf_response(html_to_pdf(pick_list_html(queryset)), filename)
