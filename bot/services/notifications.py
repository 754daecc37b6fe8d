"""What customers and admins are told when an order changes, queued in the outbox.

Each notice is a key and plain parameters, never words: bot.texts.notices renders it when it is
sent, so the recipient can read it in their own language.

Keys name the event ("order:12:paid"), so whichever path notices a change first — a webhook, a
Telegram payment, the expiry job — the customer hears about it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Order, User
from bot.money import STARS
from bot.services import admin, outbox
from bot.services.outbox import Buttons, Notice
from bot.services.payment_outcome import Payer, PaymentOutcome
from bot.services.tracking import Tracking


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


async def tell_customer(session: AsyncSession, who: Recipient, key: str, notice: Notice) -> None:
    await outbox.enqueue(session, key=f"{key}:customer", chat_id=who.chat_id, notice=notice)


async def alert_admins(
    session: AsyncSession, admin_chat_ids: Sequence[int], key: str, notice: Notice
) -> None:
    """To the owners in ADMIN_IDS and to every admin they promoted, in one INSERT."""
    await outbox.enqueue_many(session, await _to_admins(session, admin_chat_ids, key, notice))


async def _tell_all(
    session: AsyncSession,
    who: Recipient,
    key: str,
    told: Notice,
    admin_chat_ids: Sequence[int],
    alert: Notice,
) -> None:
    """tell_customer and alert_admins in one INSERT: the customer's row first, as before."""
    customer = outbox.Outgoing(f"{key}:customer", who.chat_id, told)
    admins = await _to_admins(session, admin_chat_ids, key, alert)
    await outbox.enqueue_many(session, [customer, *admins])


async def _to_admins(
    session: AsyncSession, admin_chat_ids: Sequence[int], key: str, notice: Notice
) -> list[outbox.Outgoing]:
    return [
        outbox.Outgoing(f"{key}:admin:{chat_id}", chat_id, notice)
        for chat_id in await admin.admin_chat_ids(session, admin_chat_ids)
    ]


async def announce_payment(
    session: AsyncSession,
    *,
    order_id: int,
    outcome: PaymentOutcome,
    amount: int,
    currency: str,
    admin_chat_ids: Sequence[int],
    payment_ref: str,
    refunds_itself: bool = False,
    payer: Payer | None = None,
) -> None:
    """`payment_ref` tells late payments apart: each one needs its own refund, which the shop
    asks for itself when `refunds_itself` (Stripe), and the admins must make otherwise.
    `payer`, when the ledger read it with the order, spares reading the customer again."""
    if outcome is PaymentOutcome.ALREADY_PAID:
        return  # said when it was paid
    who = (
        await recipient(session, order_id)
        if payer is None
        else Recipient(payer.chat_id, payer.name, payer.total, payer.currency)
    )
    order = {"order_id": order_id}
    received = {**order, "amount": amount, "currency": currency}
    if outcome is PaymentOutcome.PAID:
        key = f"order:{order_id}:paid"
        # Digital goods (paid in Stars) are sent by the bot: nothing will ship.
        told = Notice("order.paid_digital" if currency.upper() == STARS else "order.paid", received)
        alert = Notice("admin.paid", {**received, "customer": who.name})
    elif outcome is PaymentOutcome.MISMATCH:
        key = f"order:{order_id}:mismatch"
        told = Notice("order.payment_review", order)
        expected = {"expected_amount": who.total, "expected_currency": who.currency}
        alert = Notice(
            "admin.mismatch",
            {**order, **expected, "received_amount": amount, "received_currency": currency},
        )
    else:  # not payable: money for an order that can no longer be paid
        key = f"order:{order_id}:not_payable:{payment_ref}"
        told = Notice("order.late_payment", order)
        alert = Notice("admin.refunding" if refunds_itself else "admin.refund_needed", received)
    await _tell_all(session, who, key, told, admin_chat_ids, alert)


async def alert_keys_ran_out(
    session: AsyncSession, *, order_id: int, products: Sequence[str], admin_chat_ids: Sequence[int]
) -> None:
    """A paid order's key pool had fewer keys than units (stock set above the keys by hand):
    the admins send the rest themselves."""
    notice = Notice("admin.keys_ran_out", {"order_id": order_id, "products": list(products)})
    await alert_admins(session, admin_chat_ids, f"order:{order_id}:keys_ran_out", notice)


async def announce_payment_failed(session: AsyncSession, order_id: int) -> None:
    who = await recipient(session, order_id)
    notice = Notice("order.payment_failed", {"order_id": order_id})
    await tell_customer(session, who, f"order:{order_id}:payment_failed", notice)


async def announce_expiry(session: AsyncSession, order_id: int) -> None:
    who = await recipient(session, order_id)
    notice = Notice("order.expired", {"order_id": order_id})
    await tell_customer(session, who, f"order:{order_id}:cancelled", notice)


async def announce_shipped(
    session: AsyncSession, order_id: int, address: str, tracking: Tracking | None = None
) -> None:
    """With a tracking number when the admin gave one, and a link when the carrier is known."""
    who = await recipient(session, order_id)
    params: dict[str, Any] = {"order_id": order_id, "address": address}
    buttons: Buttons | None = None
    if tracking is not None:
        params |= {"tracking_number": tracking.number, "carrier": tracking.carrier}
        if tracking.url:
            buttons = [[{"label": "order.track", "url": tracking.url}]]
    notice = Notice("order.shipped", params, buttons)
    await tell_customer(session, who, f"order:{order_id}:shipped", notice)


async def announce_delivered(session: AsyncSession, order_id: int) -> None:
    who = await recipient(session, order_id)
    notice = Notice("order.delivered", {"order_id": order_id})
    await tell_customer(session, who, f"order:{order_id}:delivered", notice)


async def announce_cancelled_by_shop(
    session: AsyncSession, order_id: int, *, refund: tuple[int, str] | None
) -> None:
    """`refund`: (amount, currency) going back to the customer. The key is the expiry's too:
    an order is cancelled once, however that happens."""
    who = await recipient(session, order_id)
    money = {"refund_amount": refund[0], "refund_currency": refund[1]} if refund else {}
    notice = Notice("order.cancelled_by_shop", {"order_id": order_id, **money})
    await tell_customer(session, who, f"order:{order_id}:cancelled", notice)


async def announce_refund(session: AsyncSession, order_id: int, amount: int, currency: str) -> None:
    """Whoever confirms the refund first (Stripe's webhook, an admin), the customer hears once."""
    who = await recipient(session, order_id)
    notice = Notice(
        "order.refunded", {"order_id": order_id, "amount": amount, "currency": currency}
    )
    await tell_customer(session, who, f"order:{order_id}:refunded", notice)


async def announce_unmatched_payment(
    session: AsyncSession,
    *,
    key: str,
    payer_chat_id: int,
    amount: int,
    currency: str,
    telegram_charge_id: str,
    provider_charge_id: str,
    admin_chat_ids: Sequence[int],
) -> None:
    """Money that names no order of ours: the payer is reassured, the admins asked to settle it."""
    money = {"amount": amount, "currency": currency}
    notice = Notice("payment.unmatched", money)
    await outbox.enqueue(session, key=f"{key}:customer", chat_id=payer_chat_id, notice=notice)
    charges = {"telegram_charge_id": telegram_charge_id, "provider_charge_id": provider_charge_id}
    await alert_admins(
        session, admin_chat_ids, key, Notice("admin.unmatched_payment", {**money, **charges})
    )


async def ask_admins_to_cancel(
    session: AsyncSession,
    *,
    order_id: int,
    customer: str,
    total: int,
    currency: str,
    admin_chat_ids: Sequence[int],
) -> bool:
    """The customer's request to cancel a paid order; False when they asked already."""
    key = f"order:{order_id}:cancel_request"
    who = await recipient(session, order_id)
    asked = await outbox.enqueue(
        session,
        key=f"{key}:customer",
        chat_id=who.chat_id,
        notice=Notice("order.cancel_requested", {"order_id": order_id}),
    )
    if asked:
        params = {"order_id": order_id, "customer": customer, "amount": total, "currency": currency}
        await alert_admins(session, admin_chat_ids, key, Notice("admin.cancel_request", params))
    return asked


async def announce_cancel_declined(session: AsyncSession, order_id: int) -> bool:
    """The shop keeps the order the customer asked to cancel; told once."""
    who = await recipient(session, order_id)
    notice = Notice("order.cancel_declined", {"order_id": order_id})
    return await outbox.enqueue(
        session,
        key=f"order:{order_id}:cancel_declined:customer",
        chat_id=who.chat_id,
        notice=notice,
    )


async def announce_role(
    session: AsyncSession, *, chat_id: int, admin: bool, change_id: int
) -> None:
    """Keyed by the change: promoted, demoted and promoted again is told three times."""
    notice = Notice("role.promoted" if admin else "role.demoted", {})
    await outbox.enqueue(session, key=f"role:{change_id}", chat_id=chat_id, notice=notice)


async def alert_unknown_stripe_payment(
    session: AsyncSession,
    *,
    key: str,
    session_id: str,
    amount: int,
    currency: str,
    admin_chat_ids: Sequence[int],
) -> None:
    """Money through a Checkout page this shop never made: no order was touched."""
    params = {"session_id": session_id, "amount": amount, "currency": currency}
    await alert_admins(session, admin_chat_ids, key, Notice("admin.unknown_stripe_payment", params))


async def alert_dispute(
    session: AsyncSession,
    *,
    key: str,
    order_id: int | None,
    amount: int,
    currency: str,
    reason: str,
    admin_chat_ids: Sequence[int],
) -> None:
    params = {"order_id": order_id, "amount": amount, "currency": currency, "reason": reason}
    await alert_admins(session, admin_chat_ids, key, Notice("admin.dispute", params))


async def alert_undelivered(
    session: AsyncSession,
    *,
    message_id: int,
    chat_id: int,
    message_key: str,
    error: str,
    admin_chat_ids: Sequence[int],
) -> None:
    """A notice the outbox gave up on; keyed by its row, so told once."""
    params = {"chat_id": chat_id, "message_key": message_key, "error": error}
    key = f"outbox:{message_id}:gave_up"
    await alert_admins(session, admin_chat_ids, key, Notice("admin.undelivered", params))


async def alert_sold_out(
    session: AsyncSession,
    *,
    key: str,
    product_id: int,
    product: str,
    size: str,
    order_id: int,
    admin_chat_ids: Sequence[int],
) -> None:
    params = {"product_id": product_id, "product": product, "size": size, "order_id": order_id}
    await alert_admins(session, admin_chat_ids, key, Notice("admin.sold_out", params))
