"""Paying for an order with Stripe Checkout from the chat, and coming back from Stripe.

Stripe is called outside any transaction; the order is only marked paid by the webhook, so
nothing here ever changes an order's status.
"""

from __future__ import annotations

import math
from datetime import datetime

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import offers_payment
from bot.handlers.render import send
from bot.keyboards.stripe_page import pay_failed_keyboard, pay_link_keyboard
from bot.models import utcnow
from bot.services.errors import PaymentError
from bot.texts.errors import error_text
from bot.usecases.payments import start_payment


@offers_payment("stripe")
async def offer_stripe_checkout(update: Update, context: ShopContext, order_id: int) -> None:
    """The Pay link; when Stripe fails, the order stays reserved and the customer can retry."""
    try:
        checkout = await start_payment(
            context.db,
            context.bot_data.stripe_gateway,
            sender=sender_of(update),
            order_id=order_id,
            bot_username=context.settings.bot_username or context.bot.username,
            hold=context.settings.unpaid_order_hold,
        )
    except PaymentError as error:
        failed = texts.stripe_pay_failed(order_id, error_text(error))
        await send(update, failed, pay_failed_keyboard(order_id))
        return
    minutes = _minutes_left(checkout.expires_at)
    amount, currency = checkout.amount_total, checkout.currency
    await send(
        update,
        texts.pay_prompt(order_id, amount, currency, minutes),
        pay_link_keyboard(checkout.url, amount, currency, order_id),
    )


def _minutes_left(closes_at: datetime) -> int:
    """Until the payment page closes, which is when the order is released."""
    return max(1, math.ceil((closes_at - utcnow()).total_seconds() / 60))
