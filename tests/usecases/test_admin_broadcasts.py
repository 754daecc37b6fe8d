"""Starting a /broadcast: once per command message, with its progress message and audit entry."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, Broadcast
from bot.services.errors import InvalidInput
from bot.usecases.broadcasts import BroadcastStarted, start_broadcast
from tests.factories import make_user

ADMIN = 7000


class Chat:
    """The admin's chat: counts the progress messages posted."""

    def __init__(self) -> None:
        self.posted: list[int] = []

    async def announce(self) -> int:
        self.posted.append(500 + len(self.posted))
        return self.posted[-1]


async def _start(db: Database, chat: Chat, *, command: int = 10) -> BroadcastStarted | None:
    return await start_broadcast(
        db,
        admin_telegram_id=ADMIN,
        chat_id=ADMIN,
        command_message_id=command,
        text="Spring sale",
        copy_message_id=None,
        announce=chat.announce,
    )


async def _count(db: Database, model: type[object]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_the_same_command_delivered_twice_starts_one_broadcast(db: Database) -> None:
    async with db.transaction() as session:
        for _ in range(3):
            await make_user(session)
    chat = Chat()
    started = await _start(db, chat)
    assert started is not None and started.recipients == 3
    assert await _start(db, chat) is None
    assert chat.posted == [500]  # one progress message, which the broadcast keeps up to date
    async with db.reading() as session:
        broadcast = (await session.scalars(select(Broadcast))).one()
        entry = (await session.scalars(select(AdminAction))).one()
    assert broadcast.progress_message_id == 500
    assert (entry.action, entry.entity_id) == ("broadcast", started.broadcast_id)


async def test_a_broadcast_to_nobody_is_refused_after_its_progress_message_is_posted(
    db: Database,
) -> None:
    chat = Chat()
    with pytest.raises(InvalidInput):
        await _start(db, chat)
    assert chat.posted == [500]  # the front door shows the refusal there
    assert await _count(db, Broadcast) == 0
    assert await _count(db, AdminAction) == 0
