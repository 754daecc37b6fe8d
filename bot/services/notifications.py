"""What customers and admins are told when an order changes, queued in the outbox.

Keys name the event ("order:12:paid"), so whichever path notices a change first — a webhook, a
Telegram payment, the expiry job — the customer hears about it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.models import Order, User
from bot.services import admin, outbox
from bot.services.ledger import PaymentOutcome


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    name: str
    total: int
    currency: str


async def recipient(session: AsyncSession, order_id: int) -> Recipient:
    row = (
        await session.execute(
            select(User.telegram_id, User.first_name, Order.total, Order.currency)
            .join(Order, Order.user_id == User.id)
            .where(Order.id == order_id)
        )
    ).one()
    return Recipient(*row)


async def tell_customer(session: AsyncSession, who: Recipient, key: str, text: str) -> None:
    await outbox.enqueue(session, key=f"{key}:customer", chat_id=who.chat_id, text=text)


async def alert_admins(
    session: AsyncSession, admin_chat_ids: Sequence[int], key: str, text: str
) -> None:
    """To the owners in ADMIN_IDS and to every admin they promoted."""
    for chat_id in await admin.admin_chat_ids(session, admin_chat_ids):
        await outbox.enqueue(session, key=f"{key}:admin:{chat_id}", chat_id=chat_id, text=text)


async def announce_payment(
    session: AsyncSession,
    *,
    order_id: int,
    outcome: PaymentOutcome,
    amount: int,
    currency: str,
    admin_chat_ids: Sequence[int],
    payment_ref: str,
) -> None:
    """`payment_ref` tells late payments apart: each one needs its own refund."""
    who = await recipient(session, order_id)
    if outcome is PaymentOutcome.PAID:
        key = f"order:{order_id}:paid"
        await tell_customer(session, who, key, texts.paid_notice(order_id, amount, currency))
        alert = texts.admin_paid_alert(order_id, amount, currency, who.name)
        await alert_admins(session, admin_chat_ids, key, alert)
    elif outcome is PaymentOutcome.MISMATCH:
        key = f"order:{order_id}:mismatch"
        await tell_customer(session, who, key, texts.payment_review_notice(order_id))
        alert = texts.admin_mismatch_alert(order_id, who.total, who.currency, amount, currency)
        await alert_admins(session, admin_chat_ids, key, alert)
    elif outcome is PaymentOutcome.NOT_PAYABLE:
        key = f"order:{order_id}:not_payable:{payment_ref}"
        await tell_customer(session, who, key, texts.late_payment_notice(order_id))
        alert = texts.admin_refund_alert(order_id, amount, currency)
        await alert_admins(session, admin_chat_ids, key, alert)


async def announce_expiry(session: AsyncSession, order_id: int) -> None:
    who = await recipient(session, order_id)
    await tell_customer(session, who, f"order:{order_id}:cancelled", texts.expired_notice(order_id))


async def announce_shipped(session: AsyncSession, order_id: int, address: str) -> None:
    who = await recipient(session, order_id)
    notice = texts.shipped_notice(order_id, address)
    await tell_customer(session, who, f"order:{order_id}:shipped", notice)


async def announce_delivered(session: AsyncSession, order_id: int) -> None:
    who = await recipient(session, order_id)
    notice = texts.delivered_notice(order_id)
    await tell_customer(session, who, f"order:{order_id}:delivered", notice)


async def announce_cancelled_by_shop(
    session: AsyncSession, order_id: int, *, refund: tuple[int, str] | None
) -> None:
    """`refund`: (amount, currency) going back to the customer. The key is the expiry's too:
    an order is cancelled once, however that happens."""
    who = await recipient(session, order_id)
    money = texts.money(refund[0], refund[1].upper()) if refund else None
    notice = texts.cancelled_by_shop_notice(order_id, money)
    await tell_customer(session, who, f"order:{order_id}:cancelled", notice)


async def announce_refund(session: AsyncSession, order_id: int, amount: int, currency: str) -> None:
    """Whoever confirms the refund first (Stripe's webhook, an admin), the customer hears once."""
    who = await recipient(session, order_id)
    notice = texts.refunded_notice(order_id, amount, currency)
    await tell_customer(session, who, f"order:{order_id}:refunded", notice)
