"""Telegram Payments in the chat: the invoice after checkout, the pre-checkout answer, the payment.

The customer's "paid" message comes from the outbox, like every payment notification: it is
queued in the transaction that marks the order paid, and this handler wakes the delivery job
after the commit so it arrives at once. The outbox key keeps it from ever arriving twice, so no
separate direct reply is sent.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import LabeledPrice, PreCheckoutQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot import texts
from bot.handlers.context import ShopContext
from bot.handlers.paying.offer import offers_payment
from bot.models import Order, PaymentProvider
from bot.payments import telegram_payments as tg
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import PaymentError, ShopError
from bot.texts.errors import error_text

log = logging.getLogger(__name__)


@offers_payment("telegram")
async def send_invoice(update: Update, context: ShopContext, order_id: int) -> None:
    chat, token = update.effective_chat, context.settings.telegram_provider_token
    if chat is None or token is None:
        return
    async with context.db.transaction() as session:
        await ledger.attach_reference(session, order_id=order_id, provider=PaymentProvider.TELEGRAM)
        order = await orders.get_order(session, order_id=order_id)
    labels = [texts.tg_price_label(i.product_name, i.size_name, i.quantity) for i in order.items]
    key = tg.payload_key(context.bot.token)
    try:
        await chat.send_invoice(
            title=texts.tg_invoice_title(order.id),
            description=texts.tg_invoice_description(labels),
            payload=tg.invoice_payload(
                order_id=order.id, amount=order.total, currency=order.currency, key=key
            ),
            provider_token=token.get_secret_value(),
            currency=order.currency,
            prices=_prices(order, labels),
        )
    except BadRequest as error:  # e.g. a total below the provider's minimum, a bad token
        log.error("Telegram refused the invoice for order %s: %s", order.id, error.message)
        await chat.send_message(texts.tg_invoice_failed(order.id), parse_mode=ParseMode.HTML)


def _prices(order: Order, labels: list[str]) -> list[LabeledPrice]:
    """One price per line, summing to the order total; free lines are left out."""
    return [
        LabeledPrice(label, item.line_total)
        for label, item in zip(labels, order.items, strict=True)
        if item.line_total > 0
    ]


async def answer_pre_checkout(update: Update, context: ShopContext) -> None:
    """Telegram waits at most 10 seconds: one read, then ok or a reason the customer can read."""
    query = update.pre_checkout_query
    if query is None:
        return
    try:
        await _check(context, query)
    except ShopError as error:
        await query.answer(ok=False, error_message=error_text(error))
        return
    except Exception:
        # Refuse rather than leave the customer waiting for Telegram's timeout.
        with contextlib.suppress(TelegramError):
            await query.answer(ok=False, error_message=texts.TG_CHECK_FAILED)
        raise
    await query.answer(ok=True)


async def _check(context: ShopContext, query: PreCheckoutQuery) -> None:
    amount, currency = query.total_amount, query.currency
    key = tg.payload_key(context.bot.token)
    order_id = tg.read_payload(query.invoice_payload, amount=amount, currency=currency, key=key)
    hold = context.settings.unpaid_order_hold
    async with context.db.reading() as session:
        await tg.check_payable(
            session, order_id=order_id, amount=amount, currency=currency, hold=hold
        )


async def record_payment(update: Update, context: ShopContext) -> None:
    """Applied once per Telegram charge id; a repeated update changes and sends nothing."""
    message = update.effective_message
    paid = message.successful_payment if message else None
    if message is None or paid is None:
        return
    try:
        order_id: int | None = tg.read_payload(
            paid.invoice_payload,
            amount=paid.total_amount,
            currency=paid.currency,
            key=tg.payload_key(context.bot.token),
        )
    except PaymentError:  # the money moved anyway: it is recorded for the admins
        log.warning("payment %s names no order of ours", paid.telegram_payment_charge_id)
        order_id = None
    async with context.db.transaction() as session:
        result = await tg.apply_successful_payment(
            session,
            order_id=order_id,
            telegram_charge_id=paid.telegram_payment_charge_id,
            provider_charge_id=paid.provider_payment_charge_id,
            amount=paid.total_amount,
            currency=paid.currency,
            payer_chat_id=message.chat_id,
            admin_chat_ids=context.settings.admin_ids,
        )
    log.info("Telegram payment for order %s: %s", result.order_id, result.outcome.value)
    jobs = context.bot_data.jobs
    if jobs is not None and result.outcome is not tg.TelegramPaymentOutcome.DUPLICATE:
        jobs.delivery.wake()  # the customer hears now, not at the next tick
