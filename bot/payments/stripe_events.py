"""Apply a verified Stripe webhook event to the shop, exactly once.

The event id is recorded in the caller's transaction before the effect, so a duplicate delivery,
or two deliveries at the same moment, find the row and change nothing. Notifications go to the
outbox in that same transaction; the delivery job sends them after the commit.

Event types the shop does not handle are not recorded: they have no effect to protect.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models import (
    LARGEST_ID,
    Order,
    OrderStatus,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    ProviderEvent,
)
from bot.services import ledger, notifications
from bot.services import order as orders
from bot.services.errors import InvalidInput, NotAllowed, NotFound, ShopError
from bot.services.payment_outcome import PaymentResult

log = logging.getLogger(__name__)

PROVIDER = "stripe"
ACTOR = "stripe"
EXPIRED_NOTE = "checkout_expired"
# A Checkout Session with nothing to pay (a free order) completes as "no_payment_required".
_SETTLED = frozenset({"paid", "no_payment_required"})


class EventResult(enum.StrEnum):
    DUPLICATE = "duplicate"  # already applied: nothing done
    IGNORED = "ignored"  # not for us: unknown type, unknown order, partial refund
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"  # money does not match the order: recorded, admins alerted
    NOT_PAYABLE = "not_payable"  # money for an order that can no longer be paid: refund it
    AWAITING_PAYMENT = "awaiting_payment"  # a delayed method (e.g. SEPA) is still processing
    PAYMENT_FAILED = "payment_failed"
    EXPIRED = "expired"  # the order was cancelled and its stock returned
    REFUNDED = "refunded"
    UNCHANGED = "unchanged"  # the order has moved on; the state machine ignores this event
    DISPUTED = "disputed"  # a chargeback: the admins are alerted
    UNKNOWN_SESSION = "unknown_session"  # paid through a page the shop never made: admins told
    TOO_EARLY = "too_early"  # about a payment not recorded yet: left unrecorded for a retry


class TooEarly(Exception):
    """The event is about a payment of ours that the shop has not heard of yet (a refund that
    overtook the payment). Raised so the caller rolls back, leaving the event unrecorded: Stripe
    delivers it again, and by then the payment has arrived."""


@dataclass(frozen=True, slots=True)
class StripeCard:
    """What may be kept of a card (PCI DSS): the provider's tokens and how to recognise it."""

    payment_method_id: str
    customer_id: str | None
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, slots=True)
class _Event:
    session: AsyncSession
    row_id: int
    object: Mapping[str, Any]
    admin_chat_ids: Sequence[int]
    card: StripeCard | None


async def apply_event(
    session: AsyncSession,
    *,
    event: Mapping[str, Any],
    admin_chat_ids: Sequence[int],
    card: StripeCard | None = None,
) -> EventResult:
    """`card` is the paying card when the customer asked to save it (looked up by the caller,
    outside the transaction); without it, a card expanded inside the event is used."""
    event_id, event_type, data = _parts(event)
    handler = _HANDLERS.get(event_type)
    if handler is None:
        return EventResult.IGNORED
    row_id = await _record(session, event_id, event_type)
    if row_id is None:
        return EventResult.DUPLICATE
    return await handler(_Event(session, row_id, data, tuple(dict.fromkeys(admin_chat_ids)), card))


def card_to_look_up(event: Mapping[str, Any]) -> str | None:
    """The payment intent whose card the caller should fetch from Stripe before applying this
    event: it pays, the customer asked to save the card, and the event does not carry it."""
    data = event.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if event.get("type") not in _PAYING or not isinstance(obj, Mapping):
        return None
    if obj.get("payment_status") not in _SETTLED or not _wants_card_saved(obj):
        return None
    if _expanded_card(obj) is not None:
        return None
    return _id_of(obj.get("payment_intent"))


def _parts(event: Mapping[str, Any]) -> tuple[str, str, Mapping[str, Any]]:
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        raise InvalidInput("stripe_event.not_an_event")
    if not isinstance(obj, Mapping):
        raise InvalidInput("stripe_event.no_object")
    return event_id, event_type, obj


async def _record(session: AsyncSession, event_id: str, event_type: str) -> int | None:
    """On PostgreSQL a concurrent duplicate waits here until the first commits or rolls back.
    The statement is built once per database kind: every delivery, duplicates too, runs it."""
    dialect = session.get_bind().dialect.name
    statement = _RECORDS.get(dialect)
    if statement is None:
        statement = _RECORDS[dialect] = (
            dialect_insert(session, ProviderEvent)
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
            .returning(ProviderEvent.id)
        )
    row = {"provider": PROVIDER, "event_id": event_id, "event_type": event_type[:64]}
    return (await session.execute(statement, row)).scalar()


_RECORDS: dict[str, Executable] = {}


# ---------------------------------------------------------------- checkout.session.*


async def _session_completed(event: _Event) -> EventResult:
    if event.object.get("payment_status") not in _SETTLED:
        return EventResult.AWAITING_PAYMENT
    return await _session_paid(event)


async def _session_paid(event: _Event) -> EventResult:
    obj = event.object
    reference = _id_of(obj)
    if reference is None:
        return EventResult.IGNORED
    try:
        result = await ledger.mark_paid(
            event.session,
            provider=PaymentProvider.STRIPE,
            reference=reference,
            amount=_int(obj.get("amount_total")),
            currency=_currency(obj),
            payment_intent_id=_id_of(obj.get("payment_intent")),
            actor=ACTOR,
        )
    except NotFound:
        # Only a page the shop made pays an order: another app on the same account, or a
        # replayed event, names our order ids too, and must not take one over.
        log.warning("Stripe checkout session %s was not made by this shop", reference)
        await notifications.alert_unknown_stripe_payment(
            event.session,
            key=f"stripe:{event.row_id}:unknown_session",
            session_id=reference,
            amount=_int(obj.get("amount_total")),
            currency=_currency(obj),
            admin_chat_ids=event.admin_chat_ids,
        )
        return EventResult.UNKNOWN_SESSION
    await _save_card(event, result)
    await _announce_payment(event, result)
    return EventResult(result.outcome.value)


async def _announce_payment(event: _Event, result: PaymentResult) -> None:
    await notifications.announce_payment(
        event.session,
        order_id=result.order_id,
        outcome=result.outcome,
        amount=_int(event.object.get("amount_total")),
        currency=_currency(event.object),
        admin_chat_ids=event.admin_chat_ids,
        payment_ref=str(event.row_id),
        refunds_itself=True,  # the Stripe upkeep job refunds money for an unpayable order
        payer=result.payer,
    )


async def _save_card(event: _Event, result: PaymentResult) -> None:
    """Best effort: a card that cannot be saved must never undo the payment it made."""
    card = event.card or _expanded_card(event.object)
    if card is None or not _wants_card_saved(event.object):
        return
    order_id = result.order_id
    user_id = (
        result.payer.user_id
        if result.payer is not None
        else await event.session.scalar(select(Order.user_id).where(Order.id == order_id))
    )
    if user_id is None:
        return
    try:
        await ledger.save_payment_method(
            event.session,
            user_id=user_id,
            provider=PaymentProvider.STRIPE,
            provider_payment_method_id=card.payment_method_id,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            provider_customer_id=card.customer_id or _id_of(event.object.get("customer")),
        )
    except ShopError as error:
        log.warning("card for order %s not saved: %s", order_id, error)


def _wants_card_saved(obj: Mapping[str, Any]) -> bool:
    metadata = obj.get("metadata")
    if isinstance(metadata, Mapping) and metadata.get("save_card") == "true":
        return True
    intent = obj.get("payment_intent")
    return isinstance(intent, Mapping) and bool(intent.get("setup_future_usage"))


def _expanded_card(obj: Mapping[str, Any]) -> StripeCard | None:
    intent = obj.get("payment_intent")
    if not isinstance(intent, Mapping):
        return None
    method = intent.get("payment_method")
    card = method.get("card") if isinstance(method, Mapping) else None
    if not isinstance(method, Mapping) or not isinstance(card, Mapping):
        return None
    return StripeCard(
        payment_method_id=str(method.get("id") or ""),
        customer_id=_id_of(method.get("customer")) or _id_of(intent.get("customer")),
        brand=str(card.get("brand") or ""),
        last4=str(card.get("last4") or ""),
        exp_month=_int(card.get("exp_month")),
        exp_year=_int(card.get("exp_year")),
    )


async def _session_failed(event: _Event) -> EventResult:
    order_id = await _order_for_session(event.session, event.object)
    if order_id is None:
        return EventResult.IGNORED
    order = await orders.lock_order(event.session, order_id, with_lines=False)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        return EventResult.UNCHANGED
    if order.payment is not None and order.payment.status is PaymentStatus.PENDING:
        order.payment.status = PaymentStatus.FAILED
        await event.session.flush()
    await notifications.announce_payment_failed(event.session, order_id)
    return EventResult.PAYMENT_FAILED


async def _session_expired(event: _Event) -> EventResult:
    order_id = await _order_for_session(event.session, event.object)
    if order_id is None:
        return EventResult.IGNORED
    order = await orders.lock_order(event.session, order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT or _newer_session(order, event.object):
        return EventResult.UNCHANGED
    await orders.transition(
        event.session,
        order_id=order_id,
        to=OrderStatus.CANCELLED,
        actor=ACTOR,
        note=EXPIRED_NOTE,
    )
    await notifications.announce_expiry(event.session, order_id)
    return EventResult.EXPIRED


def _newer_session(order: Order, expired: Mapping[str, Any]) -> bool:
    """The order was given another Checkout Session, which is still open."""
    current = order.payment.stripe_checkout_session_id if order.payment else None
    return current is not None and current != expired.get("id")


# ---------------------------------------------------------------- charge.refunded


async def _charge_refunded(event: _Event) -> EventResult:
    obj = event.object
    if not obj.get("refunded"):
        # A partial refund leaves the order as it is; the admin who made it decides the rest.
        return EventResult.IGNORED
    order_id = await _order_for_intent(event.session, obj)
    if order_id is None:
        if await _awaits_its_payment(event.session, obj):
            raise TooEarly
        return EventResult.IGNORED
    try:
        await ledger.mark_refunded(event.session, order_id=order_id, actor=ACTOR)
    except NotAllowed:
        return EventResult.UNCHANGED  # already refunded, or never paid
    amount, currency = _int(obj.get("amount_refunded")), _currency(obj)
    await notifications.announce_refund(event.session, order_id, amount, currency)
    return EventResult.REFUNDED


# ---------------------------------------------------------------- charge.dispute.created


async def _dispute_created(event: _Event) -> EventResult:
    """A chargeback: the card holder's bank takes the money back unless the shop answers in
    time, so the admins hear at once, with the order when it is ours."""
    obj = event.object
    order_id = await _order_for_intent(event.session, obj)
    await notifications.alert_dispute(
        event.session,
        key=f"stripe:{event.row_id}:dispute",
        order_id=order_id,
        amount=_int(obj.get("amount")),
        currency=_currency(obj),
        reason=str(obj.get("reason") or "")[:64],
        admin_chat_ids=event.admin_chat_ids,
    )
    return EventResult.DISPUTED


# ---------------------------------------------------------------- lookups


async def _order_for_session(session: AsyncSession, obj: Mapping[str, Any]) -> int | None:
    """Only through a session id the shop stored: never the order id the event claims."""
    return await session.scalar(
        select(PaymentInformation.order_id).where(
            PaymentInformation.stripe_checkout_session_id == str(obj.get("id"))
        )
    )


async def _order_for_intent(session: AsyncSession, obj: Mapping[str, Any]) -> int | None:
    """Only through a payment intent the shop stored when the payment arrived."""
    intent_id = _id_of(obj.get("payment_intent"))
    if intent_id is None:
        return None
    return await session.scalar(
        select(PaymentInformation.order_id).where(
            PaymentInformation.stripe_payment_intent_id == intent_id
        )
    )


async def _awaits_its_payment(session: AsyncSession, obj: Mapping[str, Any]) -> bool:
    """The charge names (in the metadata we gave its payment intent) an order with a payment
    page of ours that has received nothing yet: its payment event is still on its way."""
    payment = await session.scalar(
        select(PaymentInformation).where(
            PaymentInformation.order_id == _order_id(obj),
            PaymentInformation.stripe_checkout_session_id.is_not(None),
        )
    )
    return payment is not None and not ledger.money_received(payment)


def _order_id(obj: Mapping[str, Any]) -> int | None:
    """The order id we gave Stripe: in the metadata, or as the client reference."""
    metadata = obj.get("metadata")
    candidates = [
        metadata.get("order_id") if isinstance(metadata, Mapping) else None,
        obj.get("client_reference_id"),
    ]
    for candidate in candidates:
        # Only the ASCII digits we wrote, within an id column's range: "²" passes isdigit().
        if isinstance(candidate, str) and candidate.isascii() and candidate.isdigit():
            number = int(candidate)
            return number if number <= LARGEST_ID else None
    return None


def _id_of(value: object) -> str | None:
    """Stripe sends a related object as its id, or as the object itself when expanded."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _currency(obj: Mapping[str, Any]) -> str:
    return str(obj.get("currency") or "").upper()


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


_HANDLERS: dict[str, Callable[[_Event], Awaitable[EventResult]]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}
# What the shop asks Stripe for when it looks for events it missed.
HANDLED_TYPES = tuple(_HANDLERS)
_PAYING = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
