"""Saved payment methods and applying provider payments to orders.

PCI DSS: only provider tokens and what a customer needs to recognise a card are stored,
never a card number or CVV.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from bot.models import (
    Order,
    OrderStatus,
    PaymentDetails,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    User,
    utcnow,
)
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.order import advance, advance_row, lock_order, lock_order_where, transition
from bot.services.payment_outcome import Payer, PaymentOutcome, PaymentResult

_LAST4_RE = re.compile(r"[0-9]{4}")
_CARD_NUMBER_RE = re.compile(r"[0-9]{12,19}")
_CARD_SEPARATORS_RE = re.compile(r"[\s-]")
_NOTHING_RECEIVED = frozenset({PaymentStatus.PENDING, PaymentStatus.FAILED})
_REFUNDABLE = frozenset({PaymentStatus.PAID, PaymentStatus.MISMATCH, PaymentStatus.REFUND_PENDING})
# The table itself, for the webhook's hot path, which needs none of the ORM's bookkeeping.
_PAYMENTS = cast(Table, PaymentInformation.__table__)


async def save_payment_method(
    session: AsyncSession,
    *,
    user_id: int,
    provider: PaymentProvider,
    provider_payment_method_id: str,
    brand: str,
    last4: str,
    exp_month: int,
    exp_year: int,
    provider_customer_id: str | None = None,
) -> PaymentDetails:
    """Saving the same provider token twice returns the row saved the first time."""
    token = _check_card(provider_payment_method_id, brand, last4, exp_month, exp_year)
    existing = await session.scalar(
        select(PaymentDetails).where(
            PaymentDetails.provider == provider,
            PaymentDetails.provider_payment_method_id == token,
        )
    )
    if existing is not None:
        if existing.user_id != user_id:
            raise NotAllowed("card.other_account")
        return existing
    details = PaymentDetails(
        user_id=user_id,
        provider=provider,
        provider_customer_id=provider_customer_id,
        provider_payment_method_id=token,
        brand=brand.strip(),
        last4=last4,
        exp_month=exp_month,
        exp_year=exp_year,
    )
    session.add(details)
    await session.flush()
    return details


def _check_card(token: str, brand: str, last4: str, exp_month: int, exp_year: int) -> str:
    token = token.strip()
    if not token:
        raise InvalidInput("card.no_token")
    if _CARD_NUMBER_RE.fullmatch(_CARD_SEPARATORS_RE.sub("", token)):
        raise InvalidInput("card.number_refused")
    if not brand.strip():
        raise InvalidInput("card.no_brand")
    if not _LAST4_RE.fullmatch(last4):
        raise InvalidInput("card.bad_last4")
    if not 1 <= exp_month <= 12:
        raise InvalidInput("card.bad_month")
    if not 2000 <= exp_year <= 2100:
        raise InvalidInput("card.bad_year")
    return token


async def choose_to_save_card(session: AsyncSession, *, order_id: int) -> None:
    """Record on the order's payment that the customer agreed to have their card saved; every
    payment page made for the order reads it there. Without this, cards are never saved."""
    order = await lock_order(session, order_id, with_lines=False)
    payment = order.payment
    if payment is None:
        payment = _new_payment(order, PaymentProvider.STRIPE)
        session.add(payment)
    payment.save_card = True
    await session.flush()


async def get_payment_method(
    session: AsyncSession, *, user_id: int, payment_method_id: int
) -> PaymentDetails:
    """Someone else's saved card looks exactly like a missing one."""
    details = await session.scalar(
        select(PaymentDetails).where(
            PaymentDetails.id == payment_method_id, PaymentDetails.user_id == user_id
        )
    )
    if details is None:
        raise NotFound("card.not_found")
    return details


async def list_payment_methods(session: AsyncSession, *, user_id: int) -> Sequence[PaymentDetails]:
    rows = await session.scalars(
        select(PaymentDetails)
        .where(PaymentDetails.user_id == user_id)
        .order_by(PaymentDetails.created_at.desc(), PaymentDetails.id.desc())
    )
    return rows.all()


async def remove_payment_method(
    session: AsyncSession, *, user_id: int, payment_method_id: int
) -> None:
    """Only our record: a card kept at the provider is detached there first (bot.payments)."""
    details = await get_payment_method(
        session, user_id=user_id, payment_method_id=payment_method_id
    )
    await session.delete(details)
    await session.flush()


def money_received(payment: PaymentInformation) -> bool:
    """The provider has reported money for this payment (paid, mismatched, to refund…)."""
    return payment.status not in _NOTHING_RECEIVED


async def attach_reference(
    session: AsyncSession,
    *,
    order_id: int,
    provider: PaymentProvider,
    checkout_session_id: str | None = None,
    payment_intent_id: str | None = None,
    method: str | None = None,
) -> PaymentInformation:
    """Remember the provider's references for an order about to be paid."""
    order = await lock_order(session, order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise NotAllowed("payment.cannot_pay", order_id=order.id, status=order.status.value)
    payment = order.payment
    if payment is None:
        payment = _new_payment(order, provider)
        session.add(payment)
    elif payment.status not in _NOTHING_RECEIVED:
        raise NotAllowed("payment.under_review", order_id=order.id)
    payment.provider = provider
    payment.status = PaymentStatus.PENDING
    payment.stripe_checkout_session_id = checkout_session_id or payment.stripe_checkout_session_id
    payment.stripe_payment_intent_id = payment_intent_id or payment.stripe_payment_intent_id
    payment.method = method or payment.method
    await session.flush()
    return payment


def _new_payment(order: Order, provider: PaymentProvider) -> PaymentInformation:
    return PaymentInformation(
        order_id=order.id,
        provider=provider,
        amount=order.total,
        currency=order.currency,
        status=PaymentStatus.PENDING,
    )


async def mark_paid(
    session: AsyncSession,
    *,
    provider: PaymentProvider,
    reference: str,
    amount: int,
    currency: str,
    order_id: int | None = None,
    payment_intent_id: str | None = None,
    provider_charge_id: str | None = None,
    actor: str,
) -> PaymentResult:
    """Apply money the provider says arrived. Safe to call twice with one reference.

    Every outcome is returned rather than raised, so that what was recorded (a mismatch,
    money for a cancelled order) is committed by the caller for an admin to act on.
    """
    if order_id is None:
        paid = await _pay_by_reference(
            session,
            provider,
            reference,
            amount,
            currency,
            payment_intent_id,
            provider_charge_id,
            actor,
        )
        if paid is not None:
            return paid
    order = await _lock_paid_order(session, provider, reference, order_id)
    payment = order.payment  # reloaded under the lock: a concurrent duplicate is seen here
    if payment is not None and payment.status not in _NOTHING_RECEIVED:
        # Money already recorded: a duplicate of this reference, or money under another
        # reference that cannot be recorded over the first and needs an admin.
        duplicate = _reference(payment, provider) == reference
        outcome = PaymentOutcome.ALREADY_PAID if duplicate else PaymentOutcome.NOT_PAYABLE
        return PaymentResult(outcome, order.id)
    if payment is None:
        payment = _new_payment(order, provider)
        session.add(payment)
    _record_receipt(payment, provider, reference, amount, currency)
    payment.stripe_payment_intent_id = payment_intent_id or payment.stripe_payment_intent_id
    payment.provider_payment_charge_id = provider_charge_id or payment.provider_payment_charge_id
    outcome = await _settle(session, order, payment, amount, currency, actor)
    await session.flush()
    return PaymentResult(outcome, order.id)


async def _pay_by_reference(
    session: AsyncSession,
    provider: PaymentProvider,
    reference: str,
    amount: int,
    currency: str,
    payment_intent_id: str | None,
    provider_charge_id: str | None,
    actor: str,
) -> PaymentResult | None:
    """mark_paid for money that names only its reference (a Stripe webhook, hundreds a second),
    so its payment row exists: the order, the payment and the customer are read and locked in
    one statement, then written with plain UPDATEs and an INSERT, no objects loaded. None when
    nothing matches under the lock (no such page, or it was replaced meanwhile): the general
    path decides then, as it always did.

    Both rows are locked (the order first, as everywhere): PostgreSQL then re-reads both as
    committed by a concurrent payment it waited for, not the payment as its snapshot had it."""
    row = (await session.execute(_PAID_ROWS[provider], {"reference": reference})).one_or_none()
    if row is None:
        return None
    order_id, status, total, order_currency, payment_id, payment_status, user_id, chat_id, name = (
        row
    )
    payer = Payer(user_id, chat_id, name, total, order_currency)
    if payment_status not in _NOTHING_RECEIVED:  # found by this very reference: a duplicate
        return PaymentResult(PaymentOutcome.ALREADY_PAID, order_id, payer)
    if status is not OrderStatus.PENDING_PAYMENT:
        outcome, payment_status = PaymentOutcome.NOT_PAYABLE, PaymentStatus.REFUND_PENDING
    elif amount != total or currency.upper() != order_currency.upper():
        outcome, payment_status = PaymentOutcome.MISMATCH, PaymentStatus.MISMATCH
    else:
        outcome, payment_status = PaymentOutcome.PAID, PaymentStatus.PAID
    now = utcnow()
    values: dict[str, object] = {
        "provider": provider,
        "status": payment_status,
        "received_amount": amount,
        "received_currency": currency.upper(),
        "paid_at": now,
        "updated_at": now,
    }
    if payment_intent_id:
        values["stripe_payment_intent_id"] = payment_intent_id
    if provider_charge_id:
        values["provider_payment_charge_id"] = provider_charge_id
    await session.execute(_RECEIVE, {"payment_id": payment_id, **values})
    loaded = session.identity_map.get(identity_key(PaymentInformation, payment_id))
    if isinstance(loaded, PaymentInformation):  # loaded earlier in this transaction
        for name, value in values.items():
            set_committed_value(loaded, name, value)
    if outcome is PaymentOutcome.PAID:
        await advance_row(
            session,
            order_id=order_id,
            status=status,
            total=total,
            currency=order_currency,
            to=OrderStatus.PAID,
            actor=actor,
            note=f"paid_{provider.value}",
        )
    return PaymentResult(outcome, order_id, payer)


def _reference_column(provider: PaymentProvider) -> InstrumentedAttribute[str | None]:
    if provider is PaymentProvider.STRIPE:
        return PaymentInformation.stripe_checkout_session_id
    return PaymentInformation.telegram_payment_charge_id


# _pay_by_reference's statements, built once: on a path taken hundreds of times a second,
# building a statement and its cache key costs more than running it.
_PAID_ROWS = {
    provider: select(
        Order.id,
        Order.status,
        Order.total,
        Order.currency,
        PaymentInformation.id,
        PaymentInformation.status,
        User.id,
        User.telegram_id,
        User.first_name,
    )
    .select_from(Order)
    .join(PaymentInformation, PaymentInformation.order_id == Order.id)
    .join(User, User.id == Order.user_id)
    .where(_reference_column(provider) == bindparam("reference"))
    .with_for_update(of=[Order, PaymentInformation])
    for provider in PaymentProvider
}
# The columns to set are the parameters' other keys.
_RECEIVE = update(_PAYMENTS).where(_PAYMENTS.c.id == bindparam("payment_id"))


async def _lock_paid_order(
    session: AsyncSession, provider: PaymentProvider, reference: str, order_id: int | None
) -> Order:
    """The reference wins over the order id: it is the provider's own unique key. The order is
    found by either and locked in one statement."""
    column = _reference_column(provider)
    by_reference = select(PaymentInformation.order_id).where(column == reference).scalar_subquery()
    target = by_reference if order_id is None else func.coalesce(by_reference, order_id)
    order = await lock_order_where(session, Order.id == target)
    if order is not None:
        return order
    if order_id is None:
        raise NotFound("payment.order_unknown")
    raise NotFound("order.not_found", order_id=order_id)


def _reference(payment: PaymentInformation, provider: PaymentProvider) -> str | None:
    if provider is PaymentProvider.STRIPE:
        return payment.stripe_checkout_session_id
    return payment.telegram_payment_charge_id


def _record_receipt(
    payment: PaymentInformation,
    provider: PaymentProvider,
    reference: str,
    amount: int,
    currency: str,
) -> None:
    payment.provider = provider
    if provider is PaymentProvider.STRIPE:
        payment.stripe_checkout_session_id = reference
    else:
        payment.telegram_payment_charge_id = reference
    payment.received_amount = amount
    payment.received_currency = currency.upper()
    payment.paid_at = utcnow()


async def _settle(
    session: AsyncSession,
    order: Order,
    payment: PaymentInformation,
    amount: int,
    currency: str,
    actor: str,
) -> PaymentOutcome:
    if order.status is not OrderStatus.PENDING_PAYMENT:
        payment.status = PaymentStatus.REFUND_PENDING
        return PaymentOutcome.NOT_PAYABLE
    if amount != order.total or currency.upper() != order.currency.upper():
        payment.status = PaymentStatus.MISMATCH
        return PaymentOutcome.MISMATCH
    payment.status = PaymentStatus.PAID
    # Locked and loaded by mark_paid: no need to lock and load it again.
    await advance(
        session, order, to=OrderStatus.PAID, actor=actor, note=f"paid_{payment.provider.value}"
    )
    return PaymentOutcome.PAID


# ---------------------------------------------------------------- Stripe upkeep


async def pages_to_close(session: AsyncSession, *, limit: int) -> list[tuple[int, str, str]]:
    """(order id, Checkout Session id, currency) of cancelled orders whose payment page may
    still be open at Stripe: whoever cancelled it, nobody must pay for it any more."""
    rows = await session.execute(
        select(
            PaymentInformation.order_id,
            PaymentInformation.stripe_checkout_session_id,
            PaymentInformation.currency,
        )
        .join(Order, Order.id == PaymentInformation.order_id)
        .where(
            Order.status == OrderStatus.CANCELLED,
            PaymentInformation.provider == PaymentProvider.STRIPE,
            PaymentInformation.status == PaymentStatus.PENDING,
            PaymentInformation.stripe_checkout_session_id.is_not(None),
            PaymentInformation.page_closed_at.is_(None),
        )
        .order_by(PaymentInformation.order_id)
        .limit(limit)
    )
    return [(order_id, page, currency) for order_id, page, currency in rows if page is not None]


async def page_closed(session: AsyncSession, *, order_id: int, checkout_session_id: str) -> None:
    await session.execute(
        update(PaymentInformation)
        .where(
            PaymentInformation.order_id == order_id,
            PaymentInformation.stripe_checkout_session_id == checkout_session_id,
        )
        .values(page_closed_at=utcnow())
    )


async def refunds_due(session: AsyncSession, *, limit: int) -> list[tuple[int, str]]:
    """(order id, payment intent id) of Stripe payments waiting for a refund nobody has asked
    Stripe for yet: money that landed on an order that could no longer be paid."""
    rows = await session.execute(
        select(PaymentInformation.order_id, PaymentInformation.stripe_payment_intent_id)
        .where(
            PaymentInformation.provider == PaymentProvider.STRIPE,
            PaymentInformation.status == PaymentStatus.REFUND_PENDING,
            PaymentInformation.stripe_payment_intent_id.is_not(None),
            PaymentInformation.refund_asked_at.is_(None),
        )
        .order_by(PaymentInformation.order_id)
        .limit(limit)
    )
    return [(order_id, intent) for order_id, intent in rows if intent is not None]


async def refund_asked(session: AsyncSession, *, order_id: int) -> None:
    """Stripe took the refund (or had made it already); its webhook confirms it."""
    await session.execute(
        update(PaymentInformation)
        .where(
            PaymentInformation.order_id == order_id,
            PaymentInformation.refund_asked_at.is_(None),
        )
        .values(refund_asked_at=utcnow())
    )


async def mark_refunded(session: AsyncSession, *, order_id: int, actor: str) -> Order:
    """Record a refund made at the provider. A cancelled order stays cancelled (its stock
    is already back); an order still awaiting payment stays so after a mismatch is refunded."""
    order = await lock_order(session, order_id)
    payment = order.payment
    if payment is None or payment.status not in _REFUNDABLE:
        raise NotAllowed("refund.no_payment", order_id=order.id)
    payment.status = PaymentStatus.REFUNDED
    await session.flush()
    if order.status in (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT):
        return order
    return await transition(session, order_id=order.id, to=OrderStatus.REFUNDED, actor=actor)
