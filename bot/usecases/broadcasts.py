"""A /broadcast: previewed to the admin with how many it reaches, sent (in the background) only
when they press Send. The previewed broadcast waits in the admin's dialog state, so Send works
after a restart and on another instance, and only once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db import Database
from bot.services import broadcast as broadcasts
from bot.services import dialog
from bot.services.errors import InvalidInput
from bot.usecases.customers import Sender, shopper_id

FLOW = "broadcast"

# Posts the admin's progress message and returns its id; the broadcast keeps it up to date.
Announce = Callable[[], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class BroadcastStarted:
    broadcast_id: int
    recipients: int


@dataclass(frozen=True, slots=True)
class BroadcastDraft:
    recipients: int  # who it would reach now: not blocked, not opted out, not the admin


async def preview_broadcast(
    db: Database,
    *,
    sender: Sender,
    chat_id: int,
    command_message_id: int,
    text: str,
    copy_message_id: int | None,
) -> BroadcastDraft | None:
    """How many it would reach, kept to be sent on Send; None when this very command message
    started one already (Telegram delivered it again)."""
    text = text.strip()
    if (copy_message_id is None) == (not text):
        raise InvalidInput("broadcast.text_or_copy")
    async with db.transaction() as session:
        if await broadcasts.started_by(
            session, chat_id=chat_id, command_message_id=command_message_id
        ):
            return None
        recipients = await broadcasts.audience(session, exclude_telegram_id=sender.telegram_id)
        if not recipients:
            raise InvalidInput("broadcast.nobody")
        user_id = await shopper_id(session, sender)
        draft = {
            "chat_id": chat_id,
            "command_message_id": command_message_id,
            "text": text,
            "copy_message_id": copy_message_id or 0,
        }
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step="confirm", data=draft)
    return BroadcastDraft(recipients)


async def send_previewed(
    db: Database, *, sender: Sender, draft: int, announce: Announce
) -> BroadcastStarted | None:
    """Start the previewed broadcast whose /broadcast message was `draft`; None when none is
    waiting (sent or cancelled), InvalidInput when a newer preview replaced that one."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow != FLOW:
            return None
        _check_latest(step.data, draft)
        await dialog.clear_step(session, user_id=user_id)
    waiting = step.data
    return await start_broadcast(
        db,
        admin_telegram_id=sender.telegram_id,
        chat_id=int(waiting["chat_id"]),
        command_message_id=int(waiting["command_message_id"]),
        text=str(waiting["text"]),
        copy_message_id=int(waiting["copy_message_id"]) or None,
        announce=announce,
    )


async def cancel_previewed(db: Database, *, sender: Sender, draft: int) -> bool:
    """Drop the preview whose /broadcast message was `draft`; False when none is waiting,
    InvalidInput when a newer preview replaced it (that one stays)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow != FLOW:
            return False
        _check_latest(step.data, draft)
        return await dialog.clear_step(session, user_id=user_id)


def _check_latest(waiting: dict[str, object], draft: int) -> None:
    if waiting.get("command_message_id") != draft:
        raise InvalidInput("broadcast.preview_replaced")


async def start_broadcast(
    db: Database,
    *,
    admin_telegram_id: int,
    chat_id: int,
    command_message_id: int,
    text: str,
    copy_message_id: int | None,
    announce: Announce,
) -> BroadcastStarted | None:
    """The broadcast and its audit entry, or None when this very command message already
    started one (Telegram delivered the update again). The progress message is posted first,
    because the broadcast records which message to keep up to date."""
    async with db.reading() as session:
        if await broadcasts.started_by(
            session, chat_id=chat_id, command_message_id=command_message_id
        ):
            return None
    progress_message_id = await announce()
    async with db.transaction() as session:
        outgoing, total = await broadcasts.start(
            session,
            admin_telegram_id=admin_telegram_id,
            chat_id=chat_id,
            progress_message_id=progress_message_id,
            text=text,
            copy_message_id=copy_message_id,
            command_message_id=command_message_id,
        )
    return BroadcastStarted(outgoing.id, total)
