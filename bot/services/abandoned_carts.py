"""Abandoned carts: one reminder for a cart left as it is, per change of its content.

A cart's lines count up `content_version` and stamp `content_changed_at` whenever they change
(bot/services/cart.py). Once that stamp is old enough, `remind` claims the cart with a
conditional UPDATE … RETURNING (reminded_version takes the content version) and queues the
notice keyed by cart and version, in one transaction: two instances running the job at once
claim it once, and even a claim made twice could not queue two messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.models import Cart, CartItem, Order, User
from bot.services import outbox
from bot.services.cart import CartProblem, CartView, view_cart
from bot.services.outbox import Buttons, Notice
from bot.services.product_names import names_by_language

NOTICE = "cart.abandoned"
# A line that can be bought as it is, or in a smaller quantity.
_BUYABLE = frozenset({None, CartProblem.FEW_LEFT})


def _due(changed_before: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Cart.content_version > Cart.reminded_version,
        Cart.content_changed_at <= changed_before,
    )


async def due_carts(session: AsyncSession, *, changed_before: datetime, limit: int) -> list[int]:
    """Carts with lines, unchanged since `changed_before` and not yet reminded of, whose owners
    take reminders: a read, so an idle shop looks without taking SQLite's write lock."""
    found = await session.scalars(
        select(Cart.id)
        .join(User, User.id == Cart.user_id)
        .where(
            *_due(changed_before),
            User.wants_reminders,
            ~User.is_blocked,
            exists().where(CartItem.cart_id == Cart.id),
        )
        .order_by(Cart.content_changed_at, Cart.id)
        .limit(limit)
    )
    return list(found)


async def remind(session: AsyncSession, *, cart_id: int, changed_before: datetime) -> bool:
    """Claim the cart and queue its reminder, in the caller's transaction; False when another
    run claimed it first, or there is nothing to remind of: the cart is empty or all sold
    out, its owner ordered since it changed, turned reminders off or blocked the bot. Such a
    cart is claimed all the same: it is looked at again only once its content changes."""
    claimed = (
        await session.execute(
            update(Cart)
            .where(Cart.id == cart_id, *_due(changed_before))
            .values(reminded_version=Cart.content_version)
            .returning(Cart.user_id, Cart.content_version, Cart.content_changed_at)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if claimed is None:
        return False
    user_id, version, changed_at = claimed
    user = await session.get(User, user_id)
    if user is None or not user.wants_reminders or user.is_blocked:
        return False
    if changed_at is not None and await _ordered_since(session, user_id, changed_at):
        return False
    view = await view_cart(session, user_id=user_id)
    if view.currency is None or not any(line.problem in _BUYABLE for line in view.lines):
        return False
    notice = _notice(
        view,
        view.currency,
        await names_by_language(session, (line.product_id for line in view.lines)),
    )
    return await outbox.enqueue(
        session, key=f"cart:{cart_id}:{version}", chat_id=user.telegram_id, notice=notice
    )


async def _ordered_since(session: AsyncSession, user_id: int, changed_at: datetime) -> bool:
    order = await session.scalar(
        select(Order.id).where(Order.user_id == user_id, Order.created_at >= changed_at).limit(1)
    )
    return order is not None


def _notice(view: CartView, currency: str, names: dict[int, dict[str, str]]) -> Notice:
    """The products' names in every language they have one in: the notice is put into words
    when it is sent, in whichever language the customer reads then."""
    lines = [
        {
            "product": line.product_name,
            "names": names.get(line.product_id, {}),
            "size": line.size_name,
            "quantity": line.quantity,
        }
        for line in view.lines
    ]
    buttons: Buttons = [
        [{"label": "cart.checkout", "checkout": "start"}],
        [{"label": "reminders.dont", "reminders": "off"}],
    ]
    return Notice(NOTICE, {"lines": lines, "total": view.total, "currency": currency}, buttons)
