"""Telegram Payments and Telegram Stars: invoice payloads, the pre-checkout re-check, applying
a payment once (a payment in Stars, currency XTR, is recorded under the STARS provider and
queues the digital goods it paid for in the same transaction).

The payload names the order and carries a short HMAC of the order id, amount and currency, keyed
from the bot token: a payload this shop did not issue, or an invoice whose amount was changed,
is refused before any money moves. A successful payment is applied exactly once, keyed on
Telegram's charge id, in the caller's transaction together with its notifications.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db import dialect_insert
from bot.models import Order, OrderStatus, PaymentProvider, ProviderEvent, utcnow
from bot.money import STARS
from bot.services import digital, ledger, notifications
from bot.services.errors import InvalidInput, NotAllowed, NotFound, PaymentError
from bot.services.order import PAYMENT_TIMEOUT_NOTE
from bot.services.payment_outcome import PaymentOutcome

PROVIDER = "telegram"
ACTOR = "telegram"
EVENT_TYPE = "successful_payment"
_KEY_CONTEXT = b"shop invoice payload v1"
_PAYLOAD_RE = re.compile(r"order:([1-9][0-9]{0,17}):([A-Za-z0-9_-]{22})")


class TelegramPaymentOutcome(enum.StrEnum):
    DUPLICATE = "duplicate"  # this charge id was applied before: nothing done
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"  # recorded, not paid, admins alerted
    NOT_PAYABLE = "not_payable"  # money for an order that can no longer be paid: refund it
    UNMATCHED = "unmatched"  # no order to apply it to: the event is recorded, admins alerted


@dataclass(frozen=True, slots=True)
class TelegramPaymentResult:
    outcome: TelegramPaymentOutcome
    order_id: int | None


def payload_key(bot_token: str) -> bytes:
    """A key of its own, so the token itself never signs anything a customer sees."""
    return hmac.new(bot_token.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def invoice_payload(*, order_id: int, amount: int, currency: str, key: bytes) -> str:
    """At most 50 bytes, well inside Telegram's 128."""
    return f"order:{order_id}:{_signature(order_id, amount, currency, key)}"


def read_payload(payload: str, *, amount: int, currency: str, key: bytes) -> int:
    """The order an invoice of ours names, if it asked for exactly this amount."""
    match = _PAYLOAD_RE.fullmatch(payload)
    if match is None:
        raise PaymentError("payment.not_ours")
    order_id = int(match[1])
    if not hmac.compare_digest(match[2], _signature(order_id, amount, currency, key)):
        raise PaymentError("payment.not_ours")
    return order_id


def _signature(order_id: int, amount: int, currency: str, key: bytes) -> str:
    message = f"{order_id}:{amount}:{currency.upper()}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def check_payable(
    session: AsyncSession,
    *,
    order_id: int,
    amount: int,
    currency: str,
    hold: timedelta,
    now: datetime | None = None,
) -> None:
    """Before Telegram charges: the order still awaits exactly this amount and holds its stock
    (taken at placement, kept while the order is pending and within its hold). Reads only."""
    order = await session.scalar(
        select(Order).where(Order.id == order_id).options(selectinload(Order.history))
    )
    if order is None:
        raise NotFound("payment.no_order")
    if order.status is OrderStatus.CANCELLED:
        raise _cancelled(order)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise NotAllowed("payment.already_moved_on", order_id=order.id, status=order.status.value)
    if order.created_at + hold <= (now or utcnow()):
        raise NotAllowed("payment.timed_out")  # the expiry job is about to cancel it
    if amount != order.total or currency.upper() != order.currency.upper():
        raise PaymentError("payment.amount_changed")


def _cancelled(order: Order) -> NotAllowed:
    last = order.history[-1] if order.history else None
    if last is not None and last.note == PAYMENT_TIMEOUT_NOTE:
        return NotAllowed("payment.timed_out")
    return NotAllowed("payment.order_cancelled", order_id=order.id)


async def apply_successful_payment(
    session: AsyncSession,
    *,
    order_id: int | None,
    telegram_charge_id: str,
    provider_charge_id: str,
    amount: int,
    currency: str,
    payer_chat_id: int,
    admin_chat_ids: Sequence[int],
) -> TelegramPaymentResult:
    """`order_id` is None when the payload named no order of ours: the money is still recorded
    for the admins. On PostgreSQL a concurrent duplicate waits on the event row, then finds it."""
    if not telegram_charge_id:
        raise InvalidInput("payment.no_charge_id")
    row_id = await _record(session, telegram_charge_id)
    if row_id is None:
        return TelegramPaymentResult(TelegramPaymentOutcome.DUPLICATE, order_id)
    admins = tuple(dict.fromkeys(admin_chat_ids))
    stars = currency.upper() == STARS
    try:
        result = await ledger.mark_paid(
            session,
            provider=PaymentProvider.STARS if stars else PaymentProvider.TELEGRAM,
            reference=telegram_charge_id,
            amount=amount,
            currency=currency,
            order_id=order_id,
            provider_charge_id=provider_charge_id or None,
            actor=ACTOR,
        )
    except NotFound:
        await notifications.announce_unmatched_payment(
            session,
            key=f"telegram:{row_id}:unmatched",
            payer_chat_id=payer_chat_id,
            amount=amount,
            currency=currency,
            telegram_charge_id=telegram_charge_id,
            provider_charge_id=provider_charge_id,
            admin_chat_ids=admins,
        )
        return TelegramPaymentResult(TelegramPaymentOutcome.UNMATCHED, None)
    await notifications.announce_payment(
        session,
        order_id=result.order_id,
        outcome=result.outcome,
        amount=amount,
        currency=currency,
        admin_chat_ids=admins,
        payment_ref=str(row_id),
    )
    if result.outcome is PaymentOutcome.PAID:  # digital goods go out with the "paid" notice
        short = await digital.queue_delivery(session, order_id=result.order_id)
        if short:
            await notifications.alert_keys_ran_out(
                session, order_id=result.order_id, products=short, admin_chat_ids=admins
            )
    return TelegramPaymentResult(TelegramPaymentOutcome(result.outcome.value), result.order_id)


async def _record(session: AsyncSession, charge_id: str) -> int | None:
    result = await session.execute(
        dialect_insert(session, ProviderEvent)
        .values(provider=PROVIDER, event_id=charge_id, event_type=EVENT_TYPE)
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(ProviderEvent.id)
    )
    return result.scalar()
