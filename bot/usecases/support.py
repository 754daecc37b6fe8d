"""A line to the shop: customers write to the admins through the bot, admins reply to them.

The rule customers are told: after /support, everything they send (text, or a photo with a
caption) goes to the shop until they leave the form (any command or menu button) or the shop
closes the conversation; a reply to the shop's answer is relayed too, and opens the form again.
The first message of each /support carries a header for the admins (who wrote, and their latest
orders); an admin answers by replying to any relayed message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.services import admin, dialog, outbox, support
from bot.services import user as users
from bot.services.errors import NotFound
from bot.services.outbox import Notice
from bot.services.support import Conversation, Customer
from bot.usecases.customers import Sender, shopper_id

SUPPORT_FORM = "support"
MESSAGE_STEP = "message"


@dataclass(frozen=True, slots=True)
class Relay:
    """Where to post a customer's message; `header` when the admins need one first."""

    conversation_id: int
    chat_ids: tuple[int, ...]
    header: Customer | None


async def start(db: Database, *, sender: Sender) -> bool:
    """Open the form; False when the shop no longer takes the customer's messages."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        if await support.is_muted(session, user_id=user_id):
            return False
        await dialog.set_step(session, user_id=user_id, flow=SUPPORT_FORM, step=MESSAGE_STEP)
        return True


async def relay(db: Database, *, sender: Sender, admin_chat_ids: Sequence[int]) -> Relay | None:
    """A message in the form: its conversation and destinations; None when muted (the form
    is left). `admin_chat_ids`: the admins' group, else the owners (see admin_chat_ids)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if await support.is_muted(session, user_id=user_id):
            await dialog.clear_step(session, user_id=user_id)
            return None
        conversation_id, new = await support.open_conversation(session, user_id=user_id)
        told = step is not None and step.data.get("conversation") == conversation_id
        await dialog.set_step(
            session,
            user_id=user_id,
            flow=SUPPORT_FORM,
            step=MESSAGE_STEP,
            data={"conversation": conversation_id},
        )
        header = None if told and not new else await support.customer(session, user_id=user_id)
        chat_ids = await admin.admin_chat_ids(session, admin_chat_ids)
        return Relay(conversation_id, tuple(chat_ids), header)


async def posted(db: Database, *, conversation_id: int, where: Iterable[tuple[int, int]]) -> None:
    """Record the (chat id, message id) pairs the bot posted, for the admins' replies."""
    async with db.transaction() as session:
        await support.record_posted(session, conversation_id=conversation_id, posted=where)


async def replied_to(db: Database, *, chat_id: int, message_id: int) -> Conversation | None:
    """The conversation of the relayed message an admin replied to, if it is one."""
    async with db.reading() as session:
        return await support.conversation_at(session, chat_id=chat_id, message_id=message_id)


async def close(db: Database, *, by: int, conversation_id: int) -> bool:
    """The customer is told (through the outbox), once; False when it was closed already."""
    async with db.transaction() as session:
        if not await support.close(session, conversation_id=conversation_id):
            return False
        found = await support.customer_of(session, conversation_id=conversation_id)
        await _leave_form(session, found.user_id)
        await outbox.enqueue(
            session,
            key=f"support:{conversation_id}:closed",
            chat_id=found.telegram_id,
            notice=Notice("support.closed", {}),
        )
        await admin.record(
            session,
            admin_telegram_id=by,
            action="support_close",
            entity="user",
            entity_id=found.user_id,
            details=f"conversation={conversation_id}",
        )
        return True


async def mute(db: Database, *, by: int, user_id: int) -> bool:
    """Nothing the customer sends is relayed any more; False when they were muted already."""
    async with db.transaction() as session:
        if not await support.mute(session, user_id=user_id, by=by):
            return False
        await _leave_form(session, user_id)
        await admin.record(
            session, admin_telegram_id=by, action="support_mute", entity="user", entity_id=user_id
        )
        return True


async def unmute(db: Database, *, by: int, telegram_id: int) -> bool:
    """False when the customer was not muted; NotFound for someone the shop never met."""
    async with db.transaction() as session:
        user = await users.find_by_telegram_id(session, telegram_id)
        if user is None:
            raise NotFound("admin.unknown_user")
        if not await support.unmute(session, user_id=user.id):
            return False
        await admin.record(
            session, admin_telegram_id=by, action="support_unmute", entity="user", entity_id=user.id
        )
        return True


async def _leave_form(session: AsyncSession, user_id: int) -> None:
    step = await dialog.current_step(session, user_id=user_id, lock=True)
    if step is not None and step.flow == SUPPORT_FORM:
        await dialog.clear_step(session, user_id=user_id)


async def conversation(db: Database, *, conversation_id: int) -> Conversation | None:
    async with db.reading() as session:
        return await support.conversation(session, conversation_id=conversation_id)
