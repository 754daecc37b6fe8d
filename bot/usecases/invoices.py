"""Paying with Telegram Payments: the invoice, the check before Telegram charges, the payment.

The invoice's payload is signed with a key derived from the bot token, so only invoices this
shop issued, for exactly their amount, are ever accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.db import Database
from bot.languages import reader
from bot.models import PaymentProvider
from bot.payments import telegram_payments as tg
from bot.payments.telegram_payments import TelegramPaymentResult
from bot.services import ledger
from bot.services import order as orders
from bot.services import product as catalog
from bot.services.errors import PaymentError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    product_name: str
    size_name: str
    quantity: int
    line_total: int


@dataclass(frozen=True, slots=True)
class Invoice:
    order_id: int
    total: int
    currency: str
    payload: str
    lines: tuple[InvoiceLine, ...]
    discount: int = 0  # taken off the lines' sum: the promo code's, as the order keeps it
    promo_code: str | None = None
    shipping_name: str | None = None  # the delivery option, added to the lines' sum
    shipping_price: int = 0


@dataclass(frozen=True, slots=True)
class Charge:
    """A successful payment as Telegram reports it."""

    payload: str
    amount: int
    currency: str
    telegram_charge_id: str
    provider_charge_id: str
    payer_chat_id: int


async def prepare_invoice(
    db: Database,
    *,
    order_id: int,
    bot_token: str,
    provider: PaymentProvider = PaymentProvider.TELEGRAM,
) -> Invoice:
    """The order is marked as paid through Telegram (Payments, or Stars for digital goods)
    before its invoice is sent."""
    async with db.transaction() as session:
        await ledger.attach_reference(session, order_id=order_id, provider=provider)
        order = await orders.get_order(session, order_id=order_id)
        items = (item.product_id for item in order.items)
        names = await catalog.product_names(session, items, reader())
    key = tg.payload_key(bot_token)
    return Invoice(
        order_id=order.id,
        total=order.total,
        currency=order.currency,
        payload=tg.invoice_payload(
            order_id=order.id, amount=order.total, currency=order.currency, key=key
        ),
        lines=tuple(
            InvoiceLine(
                names.get(item.product_id or 0, item.product_name),
                item.size_name,
                item.quantity,
                item.line_total,
            )
            for item in order.items
        ),
        discount=order.discount,
        promo_code=order.promo_code,
        shipping_name=order.shipping_name,
        shipping_price=order.shipping_price,
    )


async def check_before_charge(
    db: Database, *, payload: str, amount: int, currency: str, bot_token: str, hold: timedelta
) -> None:
    """Telegram waits at most 10 seconds: one read. A ShopError says why not to charge."""
    key = tg.payload_key(bot_token)
    order_id = tg.read_payload(payload, amount=amount, currency=currency, key=key)
    async with db.reading() as session:
        await tg.check_payable(
            session, order_id=order_id, amount=amount, currency=currency, hold=hold
        )


async def record_telegram_payment(
    db: Database, *, charge: Charge, bot_token: str, admin_chat_ids: Sequence[int]
) -> TelegramPaymentResult:
    """Applied once per Telegram charge id; a repeated one changes and queues nothing."""
    try:
        order_id: int | None = tg.read_payload(
            charge.payload,
            amount=charge.amount,
            currency=charge.currency,
            key=tg.payload_key(bot_token),
        )
    except PaymentError:  # the money moved anyway: it is recorded for the admins
        log.warning("payment %s names no order of ours", charge.telegram_charge_id)
        order_id = None
    async with db.transaction() as session:
        result = await tg.apply_successful_payment(
            session,
            order_id=order_id,
            telegram_charge_id=charge.telegram_charge_id,
            provider_charge_id=charge.provider_charge_id,
            amount=charge.amount,
            currency=charge.currency,
            payer_chat_id=charge.payer_chat_id,
            admin_chat_ids=admin_chat_ids,
        )
    log.info("Telegram payment for order %s: %s", result.order_id, result.outcome.value)
    return result
