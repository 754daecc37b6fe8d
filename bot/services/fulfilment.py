"""What admins do to orders: ship and deliver them, cancel them, refund them.

Each change is one transaction with its audit-log entry; its status change names the admin as
actor, and the customer's notice is queued in the outbox under the event's key
("order:12:shipped"), so it is sent once however often the change is retried.

Money goes back the way it came. A refund through Stripe's API is made by the caller
(bot.usecases.refunds) between reading the plan here and recording the request here, and
Stripe's charge.refunded webhook then makes the order refunded. Telegram Payments cannot refund
a card payment from a bot, so those refunds are manual: the admin refunds in the provider's
dashboard and confirms it here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    ALLOWED_TRANSITIONS,
    Order,
    OrderStatus,
    PaymentProvider,
    PaymentStatus,
    utcnow,
)
from bot.services import admin, ledger, notifications
from bot.services import order as orders
from bot.services.errors import IllegalTransition, InvalidInput, NotAllowed
from bot.services.tracking import Tracking

# The statuses /setstatus moves an order to; money decides the others.
SETTABLE = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
CANCELLED_NOTE = "shop_cancelled"

_CLOSED = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
_MONEY_HELD = frozenset({PaymentStatus.PAID, PaymentStatus.MISMATCH})
_REFUND_ASKED = frozenset({PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED})


class RefundRoute(enum.StrEnum):
    STRIPE = "stripe"  # Stripe's refunds API; Stripe's webhook confirms it
    MANUAL = "manual"  # the admin refunds in the provider's dashboard, then confirms it here
    STARS = "stars"  # refundStarPayment gives the Stars back at once; no dashboard step


@dataclass(frozen=True, slots=True)
class RefundPlan:
    order_id: int
    route: RefundRoute
    provider: PaymentProvider
    amount: int  # what the customer paid, in minor units
    currency: str
    payment_intent_id: str | None
    reference: str | None  # the payment's id in the provider's dashboard


@dataclass(frozen=True, slots=True)
class CancelPlan:
    order_id: int
    refund: RefundPlan | None  # money the customer paid that nobody has asked back yet


@dataclass(frozen=True, slots=True)
class Cancellation:
    order: Order
    cancelled: bool  # False only when the order moved on while its refund was being made
    refund: RefundPlan | None


def actor(admin_telegram_id: int) -> str:
    return f"admin:{admin_telegram_id}"


def refund_key(order_id: int) -> str:
    """Stripe's idempotency key: /refund, its retries and /cancelorder refund an order once."""
    return f"order-{order_id}-refund"


# ---------------------------------------------------------------- /setstatus


async def set_status(
    session: AsyncSession,
    *,
    order_id: int,
    status: OrderStatus,
    admin_telegram_id: int,
    tracking: Tracking | None = None,
) -> Order:
    """`tracking`: the parcel's number and carrier, which only a shipment carries."""
    if status not in SETTABLE:
        raise _use_instead(order_id, status)
    if tracking is not None and status is not OrderStatus.SHIPPED:
        raise InvalidInput("tracking.only_when_shipped", order_id=order_id)
    order = await orders.lock_order(session, order_id)
    _check(order, status)
    previous = order.status
    order = await orders.transition(
        session, order_id=order.id, to=status, actor=actor(admin_telegram_id)
    )
    details = f"{previous} -> {status}"
    if status is OrderStatus.SHIPPED:
        if tracking is not None:
            order.tracking_number, order.tracking_carrier = tracking.number, tracking.carrier
            details += f" ({tracking.number}{f', {tracking.carrier}' if tracking.carrier else ''})"
        await notifications.announce_shipped(session, order.id, order.shipping_address, tracking)
    else:
        await notifications.announce_delivered(session, order.id)
    await _record(session, admin_telegram_id, "set_status", order.id, details)
    return order


def _use_instead(order_id: int, status: OrderStatus) -> NotAllowed:
    """Paying, cancelling and refunding move money or stock too, so they have commands of their
    own; an order never goes back to awaiting payment."""
    if status is OrderStatus.CANCELLED:
        return NotAllowed("order.use_cancelorder", order_id=order_id)
    if status is OrderStatus.REFUNDED:
        return NotAllowed("order.use_refund", order_id=order_id)
    if status is OrderStatus.PAID:
        return NotAllowed("order.paid_by_provider")
    return NotAllowed("order.never_back_to_pending")


def _check(order: Order, to: OrderStatus) -> None:
    refusal = why_not(order, to)
    if refusal is not None:
        raise refusal


def why_not(order: Order, to: OrderStatus) -> IllegalTransition | None:
    """None when an admin may move the order to `to`; otherwise the refusal saying why."""
    current, order_id = order.status, order.id
    if current is to:
        return IllegalTransition("order.already_in", order_id=order_id, status=to.value)
    if current in _CLOSED:
        return IllegalTransition("order.closed", order_id=order_id, status=current.value)
    if current is OrderStatus.PENDING_PAYMENT and to in SETTABLE:
        return IllegalTransition("order.unpaid_cannot", order_id=order_id, to=to.value)
    if current is OrderStatus.PAID and to is OrderStatus.DELIVERED:
        return IllegalTransition("order.not_shipped_yet", order_id=order_id)
    if to is OrderStatus.CANCELLED and current in SETTABLE:
        return IllegalTransition(
            "order.cannot_cancel_sent", order_id=order_id, status=current.value
        )
    if to not in ALLOWED_TRANSITIONS[current]:
        return IllegalTransition(
            "order.cannot_change", order_id=order_id, status=current.value, to=to.value
        )
    if to is OrderStatus.SHIPPED and order.payment and order.payment.status in _REFUND_ASKED:
        return IllegalTransition("order.refunding_not_shippable", order_id=order_id)
    return None


# ---------------------------------------------------------------- /refund


async def plan_refund(
    session: AsyncSession, *, order_id: int, stripe_connected: bool
) -> RefundPlan:
    """How the money of this order goes back; refused when there is none to give back.
    `stripe_connected`: this bot can call Stripe's API."""
    return _plan(await orders.get_order(session, order_id=order_id), stripe_connected)


def _plan(order: Order, stripe_connected: bool) -> RefundPlan:
    payment = order.payment
    if payment is not None and payment.status is PaymentStatus.REFUNDED:
        raise NotAllowed("refund.already_done", order_id=order.id)
    if payment is None or payment.status not in _MONEY_HELD | {PaymentStatus.REFUND_PENDING}:
        raise NotAllowed("refund.nothing_to_refund", order_id=order.id, status=order.status.value)
    through_stripe = (
        payment.provider is PaymentProvider.STRIPE
        and payment.stripe_payment_intent_id is not None
        and stripe_connected
    )
    if payment.provider is PaymentProvider.STARS and payment.telegram_payment_charge_id:
        route = RefundRoute.STARS
    else:
        route = RefundRoute.STRIPE if through_stripe else RefundRoute.MANUAL
    return RefundPlan(
        order_id=order.id,
        route=route,
        provider=payment.provider,
        amount=payment.received_amount if payment.received_amount is not None else payment.amount,
        currency=payment.received_currency or payment.currency,
        payment_intent_id=payment.stripe_payment_intent_id,
        reference=payment.telegram_payment_charge_id
        if route is RefundRoute.STARS
        else payment.provider_payment_charge_id
        or payment.stripe_payment_intent_id
        or payment.telegram_payment_charge_id,
    )


async def record_refund(
    session: AsyncSession,
    *,
    plan: RefundPlan,
    admin_telegram_id: int,
    provider_refund_id: str | None = None,
) -> PaymentStatus:
    """The refund was asked of the provider (or is the admin's to make): the payment waits for
    its confirmation. Returns the payment's status: refunded when Stripe confirmed already."""
    order = await orders.lock_order(session, plan.order_id)
    await _ask_refund(session, order, asked_stripe=provider_refund_id is not None)
    await _record(
        session, admin_telegram_id, "refund", order.id, _details(plan, provider_refund_id)
    )
    assert order.payment is not None
    return order.payment.status


async def _ask_refund(session: AsyncSession, order: Order, *, asked_stripe: bool) -> None:
    """Money already on its way back (or back) is left as it is. Flushed before anything
    reloads the order and its payment."""
    if order.payment is not None and order.payment.status in _MONEY_HELD:
        order.payment.status = PaymentStatus.REFUND_PENDING
        if asked_stripe:
            order.payment.refund_asked_at = utcnow()
        await session.flush()


def _details(plan: RefundPlan, provider_refund_id: str | None) -> str:
    what = f"{plan.route} refund of {plan.amount} {plan.currency}"
    return what + (f" ({provider_refund_id})" if provider_refund_id else "")


async def confirm_refund(
    session: AsyncSession, *, order_id: int, admin_telegram_id: int, stripe_connected: bool
) -> Order:
    """The admin refunded the customer in the provider's dashboard. Stripe refunds made through
    its API are confirmed by Stripe's webhook, never by hand."""
    plan = _plan(await orders.lock_order(session, order_id), stripe_connected)
    if plan.route is RefundRoute.STRIPE:
        raise NotAllowed("refund.stripe_confirms", order_id=order_id)
    order = await ledger.mark_refunded(session, order_id=order_id, actor=actor(admin_telegram_id))
    await notifications.announce_refund(session, order_id, plan.amount, plan.currency)
    await _record(session, admin_telegram_id, "refund_confirmed", order_id, _details(plan, None))
    return order


async def record_star_refund(
    session: AsyncSession, *, plan: RefundPlan, admin_telegram_id: int
) -> Order:
    """refundStarPayment gave the Stars back: the order is refunded and the customer told, once
    (the outbox key is the order's). A key the order claimed stays claimed: it was seen."""
    order = await ledger.mark_refunded(
        session, order_id=plan.order_id, actor=actor(admin_telegram_id)
    )
    await notifications.announce_refund(session, plan.order_id, plan.amount, plan.currency)
    await _record(session, admin_telegram_id, "refund", plan.order_id, _details(plan, None))
    return order


async def payer_telegram_id(session: AsyncSession, *, order_id: int) -> int:
    return (await notifications.recipient(session, order_id)).chat_id


# ---------------------------------------------------------------- /cancelorder


async def plan_cancel(
    session: AsyncSession, *, order_id: int, stripe_connected: bool
) -> CancelPlan:
    order = await orders.get_order(session, order_id=order_id)
    _check(order, OrderStatus.CANCELLED)
    holds_money = order.payment is not None and order.payment.status in _MONEY_HELD
    return CancelPlan(order.id, _plan(order, stripe_connected) if holds_money else None)


async def cancel(
    session: AsyncSession,
    *,
    plan: CancelPlan,
    admin_telegram_id: int,
    provider_refund_id: str | None = None,
) -> Cancellation:
    """Cancel, put the stock back and tell the customer. A refund already made at the provider
    is recorded even if the order moved on meanwhile (another admin shipped it): the money left."""
    order = await orders.lock_order(session, plan.order_id)
    refusal = why_not(order, OrderStatus.CANCELLED)
    if refusal is not None and plan.refund is None:
        raise refusal
    if plan.refund is not None:
        await _ask_refund(session, order, asked_stripe=provider_refund_id is not None)
        details = _details(plan.refund, provider_refund_id)
        await _record(session, admin_telegram_id, "refund", order.id, details)
    if refusal is not None:
        return Cancellation(order, cancelled=False, refund=plan.refund)
    order = await orders.transition(
        session,
        order_id=order.id,
        to=OrderStatus.CANCELLED,
        actor=actor(admin_telegram_id),
        note=CANCELLED_NOTE,
    )
    await notifications.announce_cancelled_by_shop(session, order.id, refund=_money_back(order))
    await _record(session, admin_telegram_id, "cancel_order", order.id, "stock returned")
    return Cancellation(order, cancelled=True, refund=plan.refund)


def _money_back(order: Order) -> tuple[int, str] | None:
    payment = order.payment
    if payment is None or payment.status not in _REFUND_ASKED:
        return None
    amount = payment.received_amount if payment.received_amount is not None else payment.amount
    return amount, payment.received_currency or payment.currency


async def _record(
    session: AsyncSession, admin_telegram_id: int, action: str, order_id: int, details: str
) -> None:
    await admin.record(
        session,
        admin_telegram_id=admin_telegram_id,
        action=action,
        entity="order",
        entity_id=order_id,
        details=details,
    )
