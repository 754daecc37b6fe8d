"""/setstatus, /cancelorder and /refund: fulfilling orders and giving money back.

The customer's notices are queued in the same transaction as the change; the delivery job is
woken after the commit so they arrive at once.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.handlers.admin.args import Args
from bot.handlers.admin.orders import status_argument
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.models import PaymentStatus
from bot.services.errors import PaymentError
from bot.texts import admin as admin_texts
from bot.usecases import fulfilment, refunds

log = logging.getLogger(__name__)

SETTABLE = {status.value: status for status in fulfilment.SETTABLE}


@on_admin_command("setstatus")
async def set_status(update: Update, context: ShopContext) -> None:
    """`/setstatus 12 shipped [tracking number] [carrier]`: a carrier may be several words."""
    args = Args("setstatus", context.args)
    order_id = args.integer(0, minimum=1)
    status = status_argument(args, 1, SETTABLE)
    order = await fulfilment.set_order_status(
        context.db,
        order_id=order_id,
        status=status,
        admin_telegram_id=_admin(update),
        tracking_number=args.word(2) if len(args) > 2 else None,
        carrier=args.rest(3) if len(args) > 3 else None,
    )
    _deliver_now(context)
    await send(update, admin_texts.status_set(order))


@on_admin_command("cancelorder")
async def cancel_order(update: Update, context: ShopContext) -> None:
    order_id = Args("cancelorder", context.args).at_most(1).integer(0, minimum=1)
    try:
        cancellation = await refunds.cancel_order(
            context.db,
            context.bot_data.stripe_gateway,
            order_id=order_id,
            admin_telegram_id=_admin(update),
        )
    except PaymentError as error:  # the customer's wording would not tell an admin what to do
        await send(update, admin_texts.stripe_failed("cancelorder", order_id, error.code))
        return
    _deliver_now(context)
    await send(update, admin_texts.order_cancelled(cancellation))


@on_admin_command("keeporder")
async def keep_order(update: Update, context: ShopContext) -> None:
    order_id = Args("keeporder", context.args).at_most(1).integer(0, minimum=1)
    told = await fulfilment.keep_order(
        context.db, order_id=order_id, admin_telegram_id=_admin(update)
    )
    _deliver_now(context)
    await send(update, admin_texts.order_kept(order_id, told))


@on_admin_command("refund")
async def refund(update: Update, context: ShopContext) -> None:
    args = Args("refund", context.args).at_most(2)
    order_id = args.integer(0, minimum=1)
    if len(args) == 2:
        if args.word(1).lower() != "done":
            raise args.wrong()
        await _confirm_refund(update, context, order_id)
        return
    try:
        request = await refunds.refund_order(
            context.db,
            context.bot_data.stripe_gateway,
            order_id=order_id,
            admin_telegram_id=_admin(update),
            refund_stars=lambda user_id, charge_id: _refund_stars(context, user_id, charge_id),
        )
    except PaymentError as error:
        await send(update, admin_texts.stripe_failed("refund", order_id, error.code))
        return
    if request.in_stars:
        _deliver_now(context)
        await send(update, admin_texts.stars_refunded(order_id, request.plan))
    elif request.status is PaymentStatus.REFUNDED:
        await send(update, admin_texts.already_refunded(order_id))
    else:
        await send(update, admin_texts.refund_requested(request.plan))


async def _refund_stars(context: ShopContext, user_id: int, charge_id: str) -> None:
    """refundStarPayment; a charge Telegram already refunded counts as refunded now."""
    try:
        await context.bot.refund_star_payment(user_id, charge_id)
    except BadRequest as error:
        if "CHARGE_ALREADY_REFUNDED" not in error.message.upper():
            log.warning("refundStarPayment refused for %s: %s", charge_id, error.message)
            raise PaymentError("refund.stars_refused") from error


async def _confirm_refund(update: Update, context: ShopContext, order_id: int) -> None:
    order = await fulfilment.confirm_refund(
        context.db,
        order_id=order_id,
        admin_telegram_id=_admin(update),
        stripe_connected=context.bot_data.stripe_gateway is not None,
    )
    _deliver_now(context)
    await send(update, admin_texts.refund_confirmed(order))


def _admin(update: Update) -> int:
    assert update.effective_user is not None, "admin commands come from a user"
    return update.effective_user.id


def _deliver_now(context: ShopContext) -> None:
    if context.bot_data.jobs is not None:
        context.bot_data.jobs.delivery.wake()
