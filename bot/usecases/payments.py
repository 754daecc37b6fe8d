"""Paying with Stripe: the payment page for a placed order, and Stripe's word on it.

Starting a payment is the step between checkout and the "Pay" button. Nothing is held open
while Stripe is called: the order is read in one transaction, the session is created, and its
id is attached to the order in a second one.

The payment page closes at the order's payment deadline (placed + the hold), the moment the
expiry job releases the order: a customer can never pay for an order already cancelled, and the
page never closes while the order still holds stock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import (
    Order,
    OrderStatus,
    PaymentDetails,
    PaymentProvider,
    PaymentStatus,
    utcnow,
)
from bot.payments import stripe_events
from bot.payments.stripe_events import EventResult as EventResult
from bot.payments.stripe_events import StripeCard, TooEarly
from bot.payments.stripe_gateway import CheckoutSession, StripeGateway
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import NotAllowed, PaymentError
from bot.usecases.customers import Sender, shopper_id

log = logging.getLogger(__name__)

# Start parameters of the t.me links Stripe sends the customer back to (a-z, 0-9 and _ only).
PAID_START = "paid_"
CANCELLED_START = "unpaid_"
# Stripe refuses a page that closes less than 30 minutes after it creates it; one more minute
# covers the time the request takes and a clock a little ahead of Stripe's.
SHORTEST_PAGE = timedelta(minutes=31)


def return_urls(bot_username: str, order_id: int) -> tuple[str, str]:
    """Deep links back into the chat: (after paying, after leaving the payment page)."""
    base = f"https://t.me/{bot_username.removeprefix('@')}?start="
    return f"{base}{PAID_START}{order_id}", f"{base}{CANCELLED_START}{order_id}"


async def start_payment(
    database: Database,
    gateway: StripeGateway | None,
    *,
    sender: Sender,
    order_id: int,
    bot_username: str,
    hold: timedelta,
    now: datetime | None = None,
) -> CheckoutSession:
    """Safe to call again for the same order: while its payment page is open, that page is
    given back. A new page is made only when the last one cannot be paid any more (its payment
    failed); if making it fails halfway, asking again gets that page from Stripe, because the
    request derives from the order as it was placed (its lines and deadline, the choice to save
    the card, the customer's Stripe customer then). PaymentError when Stripe fails: the order
    stays reserved and the customer can ask again."""
    async with database.reading() as session:
        user_id = await shopper_id(session, sender)
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)
        save_card = order.payment is not None and order.payment.save_card
        customer_id = await _stripe_customer(session, order)
    if gateway is None:
        log.error("Stripe is the payment provider but the shop runs without its gateway")
        raise PaymentError("payment.unavailable")
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise NotAllowed("payment.cannot_pay", order_id=order.id, status=order.status.value)
    deadline = payment_deadline(order, hold)
    now = now or utcnow()
    if deadline <= now:
        raise NotAllowed("payment.too_late", order_id=order.id)
    last = await _last_page(gateway, order)
    if last is not None and last.status == "open":
        return last
    if last is not None and last.status == "complete":  # paid; Stripe has yet to tell us
        raise NotAllowed("payment.being_confirmed", order_id=order.id)
    if deadline - now < SHORTEST_PAGE:
        # Any page Stripe accepts would outlive the order: the customer could pay for an order
        # already cancelled.
        minutes = max(1, int((deadline - now).total_seconds() // 60))
        raise NotAllowed("payment.too_little_time", order_id=order.id, minutes=minutes)
    success_url, cancel_url = return_urls(bot_username, order.id)
    checkout = await gateway.create_checkout_session(
        order,
        success_url=success_url,
        cancel_url=cancel_url,
        expires_at=deadline,
        save_card=save_card,
        customer_id=customer_id,
        replacing=order.payment.stripe_checkout_session_id if order.payment else None,
    )
    async with database.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=order.id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=checkout.id,
        )
    return checkout


def payment_deadline(order: Order, hold: timedelta) -> datetime:
    """When the order is released unless paid; its payment page closes then too."""
    return order.created_at + hold


async def _last_page(gateway: StripeGateway, order: Order) -> CheckoutSession | None:
    """The order's last Checkout Session as Stripe has it now; None when there is none to give
    back (its payment failed, or Stripe no longer has it)."""
    payment = order.payment
    if payment is None or payment.stripe_checkout_session_id is None:
        return None
    if ledger.money_received(payment):  # e.g. an amount that did not match the order's
        raise NotAllowed("payment.under_review", order_id=order.id)
    if payment.status is PaymentStatus.FAILED:
        return None  # complete, and never to be paid: it needs replacing
    return await gateway.retrieve_checkout_session(
        payment.stripe_checkout_session_id, order.currency
    )


async def _stripe_customer(session: AsyncSession, order: Order) -> str | None:
    """The customer the customer's cards were saved to when they placed the order, so Checkout
    offers those cards; cards saved since do not change what a retry asks Stripe."""
    return await session.scalar(
        select(PaymentDetails.provider_customer_id)
        .where(
            PaymentDetails.user_id == order.user_id,
            PaymentDetails.provider == PaymentProvider.STRIPE,
            PaymentDetails.provider_customer_id.is_not(None),
            PaymentDetails.created_at <= order.created_at,
        )
        .order_by(PaymentDetails.created_at.desc(), PaymentDetails.id.desc())
        .limit(1)
    )


async def apply_stripe_event(
    database: Database,
    gateway: StripeGateway | None,
    *,
    event: Mapping[str, Any],
    admin_chat_ids: Sequence[int],
) -> EventResult:
    """Apply a verified Stripe event once, with its notifications, in one transaction. A card
    the customer asked to save is looked up at Stripe first, so no lock waits on Stripe.
    InvalidInput for an event that is unusable (retrying it will not help); TOO_EARLY, with
    nothing recorded, for one that overtook the payment it is about. Copies of an event this
    process is applying or has recorded are answered from that (see _Deliveries)."""

    async def apply() -> EventResult:
        card = await _card_to_save(gateway, event)
        try:
            async with database.transaction() as session:
                return await stripe_events.apply_event(
                    session, event=event, admin_chat_ids=admin_chat_ids, card=card
                )
        except TooEarly:
            return EventResult.TOO_EARLY

    event_id = event.get("id")
    if not isinstance(event_id, str):
        return await apply()
    deliveries = _deliveries.get(database)
    if deliveries is None:
        deliveries = _deliveries[database] = _Deliveries()
    return await deliveries.once(event_id, apply)


RECORDED_EVENTS_REMEMBERED = 10_000  # ids of events this process recorded lately


class _Deliveries:
    """Stripe delivers an event again when an answer is late, and a storm delivers it many
    times at once. One process applies each event id once at a time, and remembers the ids it
    recorded lately, so their copies are answered without the database: a copy arriving while
    the event is applied waits for that and is a duplicate, unless nothing was recorded
    (TOO_EARLY, or an error), which it shares. Across processes the event's unique key in the
    database still decides."""

    def __init__(self, remembered: int = RECORDED_EVENTS_REMEMBERED) -> None:
        self._running: dict[str, asyncio.Future[EventResult]] = {}
        self._recorded: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered

    async def once(self, event_id: str, apply: Callable[[], Awaitable[EventResult]]) -> EventResult:
        if event_id in self._recorded:
            return EventResult.DUPLICATE
        running = self._running.get(event_id)
        if running is not None:
            first = await asyncio.shield(running)
            return first if first is EventResult.TOO_EARLY else EventResult.DUPLICATE
        future: asyncio.Future[EventResult] = asyncio.get_running_loop().create_future()
        self._running[event_id] = future
        try:
            result = await apply()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: copies waiting on it raise it themselves
            raise
        finally:
            del self._running[event_id]
        future.set_result(result)
        if result is not EventResult.TOO_EARLY:
            self._recorded[event_id] = None
            if len(self._recorded) > self._remembered:
                self._recorded.popitem(last=False)
        return result


_deliveries: WeakKeyDictionary[Database, _Deliveries] = WeakKeyDictionary()


async def _card_to_save(
    gateway: StripeGateway | None, event: Mapping[str, Any]
) -> StripeCard | None:
    """A failure only means the card is not saved; the payment is applied regardless."""
    payment_intent = stripe_events.card_to_look_up(event)
    if gateway is None or payment_intent is None:
        return None
    try:
        return await gateway.card_for_payment_intent(payment_intent)
    except PaymentError:
        log.warning("card of %s not looked up; it will not be saved", payment_intent)
        return None
