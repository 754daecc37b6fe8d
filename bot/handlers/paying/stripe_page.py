"""Paying for an order with Stripe Checkout from the chat, and coming back from Stripe.

Stripe is called outside any transaction; the order is only marked paid by the webhook, so
nothing here ever changes an order's status.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import offers_payment
from bot.handlers.render import Screen, send
from bot.keyboards.callbacks import MAX_INT
from bot.keyboards.stripe_page import pay_failed_keyboard, pay_link_keyboard, returned_keyboard
from bot.models import OrderStatus, utcnow
from bot.services import order as orders
from bot.services.errors import NotFound, PaymentError
from bot.texts.errors import error_text
from bot.texts.statuses import STATUS_LABELS
from bot.usecases.payments import CANCELLED_START, PAID_START, start_payment

_RETURN_LINK = re.compile(rf"({PAID_START}|{CANCELLED_START})([0-9]{{1,10}})")


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


async def returning_from_stripe(
    session: AsyncSession, user_id: int, args: Sequence[str] | None, *, can_pay: bool
) -> Screen | None:
    """What /start shows a customer Stripe sent back (`paid_<id>`, `unpaid_<id>`); None for
    anything else, including someone else's order, which gets the usual greeting."""
    match = _RETURN_LINK.fullmatch(args[0]) if args and len(args) == 1 else None
    if match is None or int(match[2]) > MAX_INT:
        return None
    try:
        order = await orders.get_order(session, order_id=int(match[2]), user_id=user_id)
    except NotFound:
        return None
    status = STATUS_LABELS[order.status]
    pending = order.status is OrderStatus.PENDING_PAYMENT
    if match[1] == PAID_START:
        text = texts.stripe_returned_paid(order.id, status, pending=pending)
        return text, returned_keyboard(order.id, can_pay=False)
    total = texts.money(order.total, order.currency)
    payable = pending and can_pay
    text = texts.stripe_returned_unpaid(order.id, total, status, payable=payable)
    return text, returned_keyboard(order.id, can_pay=payable)
