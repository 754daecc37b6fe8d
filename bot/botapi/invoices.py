"""An order's Telegram invoice in Telegram's terms, the same whether the chat sends it or the
storefront opens it as a link."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import LabeledPrice

from bot import texts
from bot.money import STARS
from bot.usecases.invoices import Invoice


@dataclass(frozen=True, slots=True)
class InvoiceRequest:
    title: str
    description: str
    payload: str
    currency: str
    prices: list[LabeledPrice]


def invoice_request(invoice: Invoice) -> InvoiceRequest:
    """Titled and described in the reader's language; one price per line, free lines left
    out, and a discount as a negative price (the Bot API allows them), so the prices sum to the
    order's total. In Telegram Stars, one price: the total."""
    labels = [texts.tg_price_label(i.product_name, i.size_name, i.quantity) for i in invoice.lines]
    title = texts.tg_invoice_title(invoice.order_id)
    if invoice.currency == STARS:  # Telegram takes exactly one price in Stars: the total
        return InvoiceRequest(
            title=title,
            description=texts.tg_invoice_description(labels),
            payload=invoice.payload,
            currency=invoice.currency,
            prices=[LabeledPrice(title, invoice.total)],
        )
    prices = [
        LabeledPrice(label, line.line_total)
        for label, line in zip(labels, invoice.lines, strict=True)
        if line.line_total > 0
    ]
    if invoice.discount:
        label = texts.tg_discount_label(invoice.promo_code or "")
        prices.append(LabeledPrice(label, -invoice.discount))
    if invoice.shipping_price and invoice.shipping_name is not None:
        label = texts.tg_shipping_label(invoice.shipping_name)
        prices.append(LabeledPrice(label, invoice.shipping_price))
    return InvoiceRequest(
        title=title,
        description=texts.tg_invoice_description(labels),
        payload=invoice.payload,
        currency=invoice.currency,
        prices=prices,
    )
