"""Starting a /broadcast: a message to every customer, sent in the background afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db import Database
from bot.services import broadcast as broadcasts

# Posts the admin's progress message and returns its id; the broadcast keeps it up to date.
Announce = Callable[[], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class BroadcastStarted:
    broadcast_id: int
    recipients: int


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
