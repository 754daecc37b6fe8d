"""Telegram Payments in the chat: the invoice after checkout, the pre-checkout answer, the payment.

The customer's "paid" message comes from the outbox, like every payment notification: it is
queued in the transaction that marks the order paid, and this handler wakes the delivery job
after the commit so it arrives at once. The outbox key keeps it from ever arriving twice, so no
separate direct reply is sent.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot import texts
from bot.botapi.invoices import invoice_request
from bot.handlers.context import ShopContext
from bot.handlers.paying.offer import offers_payment
from bot.models import PaymentProvider
from bot.payments.limits import STARS_PROVIDER
from bot.payments.telegram_payments import TelegramPaymentOutcome
from bot.services.errors import ShopError
from bot.texts.errors import error_text
from bot.usecases.invoices import (
    Charge,
    check_before_charge,
    prepare_invoice,
    record_telegram_payment,
)

log = logging.getLogger(__name__)


@offers_payment("telegram")
async def send_invoice(update: Update, context: ShopContext, order_id: int) -> None:
    token = context.settings.telegram_provider_token
    if token is not None:
        await _send(update, context, order_id, PaymentProvider.TELEGRAM, token.get_secret_value())


@offers_payment(STARS_PROVIDER)
async def send_stars_invoice(update: Update, context: ShopContext, order_id: int) -> None:
    """Digital goods: an invoice in Telegram Stars, with no provider token. The pre-checkout
    answer and the payment go through the same handlers as Telegram Payments."""
    await _send(update, context, order_id, PaymentProvider.STARS, None)


async def _send(
    update: Update,
    context: ShopContext,
    order_id: int,
    provider: PaymentProvider,
    provider_token: str | None,
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    invoice = await prepare_invoice(
        context.db, order_id=order_id, bot_token=context.bot.token, provider=provider
    )
    request = invoice_request(invoice)
    try:
        await chat.send_invoice(
            title=request.title,
            description=request.description,
            payload=request.payload,
            provider_token=provider_token,
            currency=request.currency,
            prices=request.prices,
        )
    except BadRequest as error:  # e.g. a total below the provider's minimum, a bad token
        log.error("Telegram refused the invoice for order %s: %s", invoice.order_id, error.message)
        await chat.send_message(
            texts.tg_invoice_failed(invoice.order_id), parse_mode=ParseMode.HTML
        )


async def answer_pre_checkout(update: Update, context: ShopContext) -> None:
    """Telegram waits at most 10 seconds: one read, then ok or a reason the customer can read."""
    query = update.pre_checkout_query
    if query is None:
        return
    try:
        await check_before_charge(
            context.db,
            payload=query.invoice_payload,
            amount=query.total_amount,
            currency=query.currency,
            bot_token=context.bot.token,
            hold=context.settings.unpaid_order_hold,
        )
    except ShopError as error:
        await query.answer(ok=False, error_message=error_text(error))
        return
    except Exception:
        # Refuse rather than leave the customer waiting for Telegram's timeout.
        with contextlib.suppress(TelegramError):
            await query.answer(ok=False, error_message=texts.TG_CHECK_FAILED)
        raise
    await query.answer(ok=True)


async def record_payment(update: Update, context: ShopContext) -> None:
    """Applied once per Telegram charge id; a repeated update changes and sends nothing."""
    message = update.effective_message
    paid = message.successful_payment if message else None
    if message is None or paid is None:
        return
    charge = Charge(
        payload=paid.invoice_payload,
        amount=paid.total_amount,
        currency=paid.currency,
        telegram_charge_id=paid.telegram_payment_charge_id,
        provider_charge_id=paid.provider_payment_charge_id,
        payer_chat_id=message.chat_id,
    )
    result = await record_telegram_payment(
        context.db,
        charge=charge,
        bot_token=context.bot.token,
        admin_chat_ids=context.settings.alert_chat_ids,
    )
    jobs = context.bot_data.jobs
    if jobs is not None and result.outcome is not TelegramPaymentOutcome.DUPLICATE:
        jobs.delivery.wake()  # the customer hears now, not at the next tick
