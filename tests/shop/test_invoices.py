"""Invoices numbered without a gap, with their VAT, downloaded from the order's private
address and mailed when the order ships; the terms of sale and the withdrawal form
mailed with the confirmation, as PDF the shopper keeps."""

import threading
import urllib.request
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from common.pdf import html_to_pdf
from shop.documents import terms_of_sale_html, withdrawal_form_html
from shop.invoices import SELLER, invoice_html, invoice_issue, invoice_pdf, vat_included
from shop.models import Invoice, InvoiceSequence, Order
from shop.services import Customer, order_advance, order_place
from shop.tasks import order_shipped_email_send
from tests.factories import make_product, make_variant, unique
from tests.shop.factories import make_order

NBSP = "\u00a0"


def home_order(*, price="79.90", quantity=1, language="fr", **product):
    """An order shipped home, paid by transfer: a delivery fee below 100 €."""
    variant = make_variant(product=make_product(price=Decimal(price), **product), stock=quantity)
    return order_place(
        items={variant.pk: quantity},
        customer=Customer(
            email="lea@example.org",
            name="Léa Martin",
            street="3 chemin des Alpages",
            postcode="73000",
            city="Chambéry",
        ),
        delivery=Order.Delivery.HOME,
        payment_method=Order.Payment.TRANSFER,
        checkout_key=unique("key"),
        language=language,
    )


def invoiced(order):
    with transaction.atomic():
        return invoice_issue(order)


class Rollback(Exception):
    pass


@pytest.mark.parametrize(
    ("total", "vat"),
    [
        ("86.80", "14.47"),  # 72.333… excluding VAT
        ("1234.50", "205.75"),
        ("0.03", "0.01"),  # 0.005 rounds half up, not to the even cent
        ("0.00", "0.00"),
    ],
)
def test_the_vat_included_in_a_total_is_rounded_half_up_to_the_cent(total, vat):
    assert vat_included(Decimal(total)) == Decimal(vat)


@pytest.mark.django_db
def test_the_invoice_lists_each_line_the_delivery_the_total_and_its_vat_in_french():
    order = home_order(price="79.90", name="Sac « Hiker » 30")
    invoice = invoiced(order)
    line = order.lines.get()

    html = invoice_html(invoice)

    assert "<h1>Facture F-0000001</h1>" in html
    assert f"Commande {order.number} du " in html
    assert "Sac «\u202fHiker\u202f» 30" in html
    assert f'<td>M / Rouge</td><td>{line.sku}</td><td class="number">1</td>' in html
    assert f"79,90{NBSP}€" in html
    assert f'<th scope="row">Livraison</th><td class="number">6,90{NBSP}€</td>' in html
    assert f'<th scope="row">Total TTC</th><td class="number">86,80{NBSP}€</td>' in html
    assert f'<th scope="row">dont TVA 20{NBSP}%</th><td class="number">14,47{NBSP}€</td>' in html
    assert f'<th scope="row">Total HT</th><td class="number">72,33{NBSP}€</td>' in html
    assert "Léa Martin<" in html and "3 chemin des Alpages<br>73000 Chambéry" in html
    assert "Millet" in html and "boutique@millet.example" in html


@pytest.mark.django_db
def test_the_invoice_writes_thousands_the_french_way_and_names_the_collection_store():
    order = make_order(price="617.25", quantity=2)
    html = invoice_html(invoiced(order))

    assert f"1{NBSP}234,50{NBSP}€" in html
    assert f"205,75{NBSP}€" in html and f"1{NBSP}028,75{NBSP}€" in html
    assert f"Retrait à {order.store.name}" in html


@pytest.mark.django_db
def test_an_english_order_gets_an_english_invoice():
    html = invoice_html(invoiced(home_order(price="1234.50", language="en")))

    assert "<h1>Invoice F-0000001</h1>" in html
    assert 'of which VAT at 20%</th><td class="number">€205.75<' in html
    assert "Total excl. VAT" in html


@pytest.mark.django_db
def test_the_seller_s_legal_details_show_once_the_operator_fills_them_in(monkeypatch):
    invoice = invoiced(home_order())
    assert "TVA intracommunautaire" not in invoice_html(invoice)

    monkeypatch.setitem(SELLER, "registered_name", "Millet Mountain SAS au capital de 10 000 €")
    monkeypatch.setitem(SELLER, "registration", "RCS Annecy 123 456 789")
    monkeypatch.setitem(SELLER, "vat_number", "FR12123456789")
    html = invoice_html(invoice)

    assert "Millet Mountain SAS" in html and "RCS Annecy 123 456 789" in html
    assert f"Numéro de TVA intracommunautaire{NBSP}: FR12123456789" in html


@pytest.mark.django_db
def test_the_invoice_is_a_pdf():
    pdf = invoice_pdf(invoiced(home_order()))

    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-32:]


@pytest.mark.django_db
def test_numbers_follow_each_other_and_an_order_keeps_its_one_invoice():
    first, second, third = (home_order() for _ in range(3))

    assert invoiced(first).number == 1
    assert invoiced(second).number == 2
    assert invoiced(first).number == 1  # again: the same invoice
    assert invoiced(third).label == "F-0000003"
    assert Invoice.objects.count() == 3


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    kept, dropped, next_one = (home_order() for _ in range(3))
    invoiced(kept)

    with pytest.raises(Rollback), transaction.atomic():
        assert invoice_issue(dropped).number == 2
        raise Rollback

    assert invoiced(next_one).number == 2
    assert not Invoice.objects.filter(order=dropped).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_get_numbers_without_gap_or_duplicate(require_postgres):
    orders = [home_order() for _ in range(20)]
    rolled_back = set(orders[3::4])  # 5 payments fail after their order took a number
    connections.close_all()
    start = threading.Barrier(len(orders), timeout=60)
    errors = []

    def pay(order):
        try:
            start.wait()
            with transaction.atomic():
                invoice_issue(order)
                if order in rolled_back:
                    raise Rollback
        except Rollback:
            pass
        except Exception as error:  # a failed thread must not hang the others
            start.abort()
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 16))
    assert set(Invoice.objects.values_list("order", flat=True)) == {
        order.pk for order in orders if order not in rolled_back
    }
    assert InvoiceSequence.objects.get().last == 15
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_invoiced_by_several_transactions_at_once_gets_one_invoice(require_postgres):
    order, other = home_order(), home_order()
    connections.close_all()
    start = threading.Barrier(4, timeout=60)
    numbers, errors = [], []

    def pay(target):
        try:
            start.wait()
            with transaction.atomic():
                numbers.append((target.pk, invoice_issue(target).number))
        except Exception as error:
            start.abort()
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(t,)) for t in (order, order, order, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({number for pk, number in numbers if pk == order.pk}) == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_the_invoice_downloads_as_a_pdf_from_the_order_s_private_address(client):
    order = home_order()
    invoice = invoiced(order)

    response = client.get(f"/commande/{order.token}/facture/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="facture-F-0000001.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert invoice.label == "F-0000001"


@pytest.mark.django_db
def test_no_invoice_is_served_for_an_unknown_token_nor_an_order_not_yet_invoiced(client):
    invoiced(home_order())
    unpaid = home_order()

    assert client.get("/commande/not-a-token/facture/").status_code == 404
    assert client.get(f"/commande/{unpaid.token}/facture/").status_code == 404
    assert client.post(f"/commande/{unpaid.token}/facture/").status_code == 405


@pytest.mark.django_db
def test_each_order_s_token_gives_its_own_invoice_only(client):
    first, second = home_order(), home_order()
    for order in (first, second):
        invoiced(order)

    answers = {
        order.number: client.get(f"/commande/{order.token}/facture/")["Content-Disposition"]
        for order in (first, second)
    }

    assert answers == {
        first.number: 'attachment; filename="facture-F-0000001.pdf"',
        second.number: 'attachment; filename="facture-F-0000002.pdf"',
    }


@pytest.fixture
def shipped_pages():
    call_command("loaddata", "fixtures/pages.json", verbosity=0)


@pytest.mark.django_db
def test_the_confirmation_carries_the_terms_of_sale_and_the_withdrawal_form_as_pdf(
    shipped_pages, mailoutbox, on_commit, task_worker
):
    with on_commit():
        order = home_order()
    task_worker.run()

    (message,) = mailoutbox
    assert [(name, kind) for name, _content, kind in message.attachments] == [
        ("conditions-generales-de-vente.pdf", "application/pdf"),
        ("formulaire-de-retractation.pdf", "application/pdf"),
    ]
    assert all(content.startswith(b"%PDF-") for _name, content, _kind in message.attachments)
    mention = "En pièces jointes, à conserver\u00a0: nos conditions générales de vente"
    assert mention in message.body
    assert mention in message.alternatives[0][0]
    assert order.number in message.subject


@pytest.mark.django_db
def test_the_terms_of_sale_attached_are_the_page_in_the_order_s_language(shipped_pages):
    french = terms_of_sale_html(home_order())
    english = terms_of_sale_html(home_order(language="en"))

    assert "<h1>Conditions générales de vente</h1>" in french
    assert "<h2>5. Le paiement</h2>" in french and "Stripe" in french
    assert "<h1>Terms of sale</h1>" in english
    assert "<h2>5. Payment</h2>" in english and "Stripe" in english


@pytest.mark.django_db
def test_the_withdrawal_form_is_filled_in_with_the_order(settings):
    order = home_order(name="Veste Trilogy")
    html = withdrawal_form_html(order)
    english = withdrawal_form_html(home_order(language="en"))

    assert "<h1>Formulaire de rétractation</h1>" in html
    assert f"À l’attention de Millet, boutique@millet.example{NBSP}:" in html
    assert "1 × Veste Trilogy (M / Rouge)" in html
    assert f"(commande {order.number})" in html
    assert "(*) Rayez la mention inutile." in html
    assert "<h1>Withdrawal form</h1>" in english and "(*) Delete as appropriate." in english


@pytest.mark.django_db
def test_without_the_terms_page_the_confirmation_still_goes_with_the_withdrawal_form(
    mailoutbox, on_commit, task_worker, caplog
):
    with on_commit():
        home_order()
    task_worker.run()

    (message,) = mailoutbox
    assert [name for name, _content, _kind in message.attachments] == [
        "formulaire-de-retractation.pdf"
    ]
    assert "conditions générales" not in message.body
    assert "formulaire de rétractation" in message.body
    assert "confirmed without its terms of sale" in caplog.text


@pytest.mark.django_db
def test_the_shipped_e_mail_carries_the_invoice(mailoutbox, on_commit, task_worker):
    with on_commit():
        order = home_order(language="en")
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    task_worker.run()
    mailoutbox.clear()

    order_shipped_email_send.enqueue(order_id=order.pk)
    task_worker.run()

    (message,) = mailoutbox
    invoice = Invoice.objects.get(order=order)  # issued now: the payment had not issued it
    assert message.subject == f"Your Millet order {order.number} is on its way"
    ((name, content, kind),) = message.attachments
    assert (name, kind) == ("facture-F-0000001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert "Attached: invoice F-0000001 (PDF)." in message.body
    assert f"/en/commande/{order.token}/facture/" in message.body
    assert invoice.number == 1


@pytest.mark.django_db
def test_the_shipped_e_mail_attaches_the_invoice_the_payment_issued(mailoutbox, task_worker):
    invoiced(home_order())
    order = home_order()
    invoice = invoiced(order)

    order_shipped_email_send.enqueue(order_id=order.pk)
    task_worker.run()

    (message,) = mailoutbox
    assert [name for name, _content, _kind in message.attachments] == ["facture-F-0000002.pdf"]
    assert Invoice.objects.get(order=order) == invoice
    assert Invoice.objects.count() == 2


def test_a_document_fetches_nothing_from_the_network_or_the_disk(monkeypatch):
    opened = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *args, **kw: opened.append(args)
    )
    html = (
        '<p><img src="https://tracker.example/pixel.png"><img src="/media/photo.jpg">'
        '<a rel="attachment" href="file:///etc/hostname">x</a></p>'
        '<style>@import url("https://fonts.example/font.css");</style>'
    )

    assert html_to_pdf(html).startswith(b"%PDF-")
    assert opened == []
