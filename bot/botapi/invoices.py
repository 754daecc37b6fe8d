"""An order's Telegram invoice in Telegram's terms, the same whether the chat sends it or the
storefront opens it as a link."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import LabeledPrice

from bot import texts
from bot.usecases.invoices import Invoice


@dataclass(frozen=True, slots=True)
class InvoiceRequest:
    title: str
    description: str
    payload: str
    currency: str
    prices: list[LabeledPrice]


def invoice_request(invoice: Invoice) -> InvoiceRequest:
    """Titled and described in the reader's language; one price per line, summing to the
    order's total, free lines left out."""
    labels = [texts.tg_price_label(i.product_name, i.size_name, i.quantity) for i in invoice.lines]
    return InvoiceRequest(
        title=texts.tg_invoice_title(invoice.order_id),
        description=texts.tg_invoice_description(labels),
        payload=invoice.payload,
        currency=invoice.currency,
        prices=[
            LabeledPrice(label, line.line_total)
            for label, line in zip(labels, invoice.lines, strict=True)
            if line.line_total > 0
        ],
    )
