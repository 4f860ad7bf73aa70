"""Invoices of paid orders: numbered without a gap, rendered as PDF, downloaded from
the order's private page and attached to the e-mail that tells the shopper it shipped."""

from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from common.http import private_page
from common.pdf import html_to_pdf
from shop.models import Invoice, InvoiceSequence, Order

# Who sells, as the invoice names them. The legal notice (fixtures/pages.json,
# "mentions-legales") still marks the registered name, address, registration and
# VAT number "[À COMPLÉTER …]": the operator fills them in here, and the invoice
# shows each one only once it is filled in.
SELLER = {
    "name": "Millet",
    "email": "boutique@millet.example",
    "registered_name": "",  # dénomination sociale, forme juridique et capital
    "address": "",  # siège social
    "registration": "",  # numéro RCS et ville du greffe
    "vat_number": "",  # numéro de TVA intracommunautaire
}
# Every product the shop sells is taxed at the French standard rate; prices include it.
VAT_RATE = Decimal("0.20")
CENT = Decimal("0.01")


def vat_included(total: Decimal) -> Decimal:
    """The VAT that `total`, all taxes included, holds, rounded to the cent."""
    return (total - total / (1 + VAT_RATE)).quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_issue(order: Order) -> Invoice:
    """The invoice of `order`, numbered now if it has none yet.

    Call it inside the transaction that records the payment: the sequence's row
    stays locked until that transaction ends, so two orders never take the same
    number, and a transaction rolled back gives its number back: no gap.
    """
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    # The row exists from the first invoice on; a test database may start without it.
    InvoiceSequence.objects.get_or_create(pk=1)
    sequence = InvoiceSequence.objects.select_for_update().get(pk=1)
    # Another transaction may have invoiced this order while this one waited for the lock.
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return Invoice.objects.create(order=order, number=sequence.last)


def invoice_html(invoice: Invoice) -> str:
    """The HTML the invoice's PDF is drawn from, in the order's language (reads its lines)."""
    order = invoice.order
    vat = vat_included(order.total)
    context = {
        "invoice": invoice,
        "order": order,
        "lines": list(order.lines.all()),
        "seller": SELLER,
        "vat_rate": VAT_RATE * 100,
        "vat": vat,
        "total_excluding_vat": order.total - vat,
    }
    with translation.override(order.language):
        return render_to_string("shop/documents/invoice.html", context)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF document."""
    return html_to_pdf(invoice_html(invoice))


def invoice_filename(invoice: Invoice) -> str:
    return f"facture-{invoice.label}.pdf"


@require_safe
@private_page
def invoice_download(request, token):
    """The invoice of the order whose private address this is, once the order is paid."""
    invoice = get_object_or_404(Invoice.objects.select_related("order__store"), order__token=token)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=invoice_filename(invoice)
    )
    return response
