"""A line to the shop: a customer's conversation with the admins, relayed by the bot.

The service keeps which conversation each relayed message belongs to, who may not write any
more, and what the admins see about the customer; sending is the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.models import Order, OrderStatus, SupportConversation, SupportMessage, SupportMute, User
from bot.models.base import utcnow

LATEST_ORDERS = 3


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: int
    status: OrderStatus
    total: int
    currency: str


@dataclass(frozen=True, slots=True)
class Customer:
    """Who a conversation is with, as the admins' header shows them."""

    user_id: int
    telegram_id: int
    first_name: str
    username: str | None
    language: str | None  # chosen in the shop
    app_language: str | None
    orders: tuple[OrderLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    customer: Customer
    open: bool


async def is_muted(session: AsyncSession, *, user_id: int) -> bool:
    return await session.get(SupportMute, user_id) is not None


async def mute(session: AsyncSession, *, user_id: int, by: int) -> bool:
    """Returns whether the customer was not muted before."""
    result = await session.execute(
        dialect_insert(session, SupportMute)
        .values(user_id=user_id, muted_by=by, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"])
        .returning(SupportMute.user_id)
    )
    return result.scalar() is not None


async def unmute(session: AsyncSession, *, user_id: int) -> bool:
    result = await session.execute(
        delete(SupportMute).where(SupportMute.user_id == user_id).returning(SupportMute.user_id)
    )
    return result.scalar() is not None


async def open_conversation(session: AsyncSession, *, user_id: int) -> tuple[int, bool]:
    """The customer's open conversation, started if there is none; (id, whether it is new).
    Callers hold the customer's dialog row lock, so two messages at once start one."""
    found = await session.scalar(
        select(SupportConversation.id)
        .where(SupportConversation.user_id == user_id, SupportConversation.closed_at.is_(None))
        .order_by(SupportConversation.id.desc())
        .limit(1)
    )
    if found is not None:
        return found, False
    conversation = SupportConversation(user_id=user_id)
    session.add(conversation)
    await session.flush()
    return conversation.id, True


async def close(session: AsyncSession, *, conversation_id: int) -> bool:
    """Returns whether it was open: closing twice (two admins at once) is told once."""
    result = await session.execute(
        update(SupportConversation)
        .where(SupportConversation.id == conversation_id, SupportConversation.closed_at.is_(None))
        .values(closed_at=utcnow(), updated_at=utcnow())
        .returning(SupportConversation.id)
    )
    return result.scalar() is not None


async def record_posted(
    session: AsyncSession, *, conversation_id: int, posted: Iterable[tuple[int, int]]
) -> None:
    """Remember where the bot posted (chat id, message id) for this conversation."""
    for chat_id, message_id in posted:
        await session.execute(
            dialect_insert(session, SupportMessage)
            .values(
                conversation_id=conversation_id,
                chat_id=chat_id,
                message_id=message_id,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
        )


async def conversation_at(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Conversation | None:
    """The conversation a message the bot posted in `chat_id` belongs to, if any."""
    row = (
        await session.execute(
            select(SupportMessage.conversation_id).where(
                SupportMessage.chat_id == chat_id, SupportMessage.message_id == message_id
            )
        )
    ).scalar_one_or_none()
    return None if row is None else await conversation(session, conversation_id=row)


async def conversation(session: AsyncSession, *, conversation_id: int) -> Conversation | None:
    found = await session.get(SupportConversation, conversation_id)
    if found is None:
        return None
    who = await customer(session, user_id=found.user_id)
    return Conversation(found.id, who, found.closed_at is None)


async def customer(session: AsyncSession, *, user_id: int) -> Customer:
    user = await session.get_one(User, user_id)
    orders = await session.execute(
        select(Order.id, Order.status, Order.total, Order.currency)
        .where(Order.user_id == user_id)
        .order_by(Order.id.desc())
        .limit(LATEST_ORDERS)
    )
    return Customer(
        user.id,
        user.telegram_id,
        user.first_name,
        user.username,
        user.language,
        user.language_code,
        tuple(OrderLine(*row) for row in orders),
    )


async def customer_of(session: AsyncSession, *, conversation_id: int) -> Customer:
    conversation = await session.get_one(SupportConversation, conversation_id)
    return await customer(session, user_id=conversation.user_id)
