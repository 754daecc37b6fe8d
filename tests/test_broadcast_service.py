"""Broadcast bookkeeping: who gets it, claims that never overlap, and what a crash leaves."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AdminAction, BroadcastRecipient, RecipientStatus, User
from bot.services import broadcast as broadcasts
from bot.services.broadcast import Outgoing
from bot.services.errors import InvalidInput
from bot.texts.errors import ERRORS, error_text
from tests.factories import make_user
from tests.refusals import refused

ADMIN = 7000


async def _customers(db: Database, count: int, *, is_blocked: bool = False) -> list[int]:
    async with db.transaction() as session:
        return [(await make_user(session, is_blocked=is_blocked)).id for _ in range(count)]


async def _start(db: Database, text: str = "Spring sale") -> Outgoing:
    async with db.transaction() as session:
        started, _ = await broadcasts.start(
            session, admin_telegram_id=ADMIN, chat_id=ADMIN, progress_message_id=1, text=text
        )
    return started


async def _claim(db: Database, broadcast_id: int, limit: int = 10) -> list[int]:
    async with db.transaction() as session:
        claimed = await broadcasts.claim(session, broadcast_id=broadcast_id, limit=limit)
    return [recipient.user_id for recipient in claimed]


async def _statuses(db: Database, broadcast_id: int) -> dict[int, RecipientStatus]:
    async with db.reading() as session:
        rows = await session.execute(
            select(BroadcastRecipient.user_id, BroadcastRecipient.status).where(
                BroadcastRecipient.broadcast_id == broadcast_id
            )
        )
        return {user_id: status for user_id, status in rows.all()}


async def test_recipients_are_everyone_reachable_when_it_starts_but_the_admin(
    db: Database,
) -> None:
    reachable = await _customers(db, 3)
    await _customers(db, 2, is_blocked=True)
    async with db.transaction() as session:
        await make_user(session, telegram_id=ADMIN)
        started, total = await broadcasts.start(
            session, admin_telegram_id=ADMIN, chat_id=ADMIN, progress_message_id=1, text="Hi"
        )
    await _customers(db, 1)  # joins afterwards

    assert total == 3
    assert sorted(await _statuses(db, started.id)) == reachable
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
    assert (logged.action, logged.entity_id) == ("broadcast", started.id)
    assert logged.details == "3 recipients; text: Hi"


async def test_a_broadcast_to_nobody_is_refused_and_leaves_nothing_behind(db: Database) -> None:
    await _customers(db, 2, is_blocked=True)
    with refused(InvalidInput, "nobody"):
        await _start(db)
    async with db.reading() as session:
        assert await broadcasts.running(session) == []
        assert (await session.scalars(select(AdminAction))).all() == []


async def test_a_broadcast_is_a_text_or_a_copy(db: Database) -> None:
    await _customers(db, 1)
    async with db.transaction() as session:
        with pytest.raises(InvalidInput):
            await broadcasts.start(
                session, admin_telegram_id=ADMIN, chat_id=ADMIN, progress_message_id=1, text=" "
            )
        copy, _ = await broadcasts.start(
            session,
            admin_telegram_id=ADMIN,
            chat_id=ADMIN,
            progress_message_id=1,
            copy_message_id=5,
        )
    assert (copy.source_chat_id, copy.source_message_id, copy.text) == (ADMIN, 5, "")


async def test_each_recipient_is_claimed_once(db: Database) -> None:
    everyone = await _customers(db, 25)
    started = await _start(db)

    batches = [await _claim(db, started.id) for _ in range(4)]

    assert [len(batch) for batch in batches] == [10, 10, 5, 0]
    assert sorted(user for batch in batches for user in batch) == everyone


async def test_concurrent_claimers_never_claim_the_same_recipient(db: Database) -> None:
    everyone = await _customers(db, 120)
    started = await _start(db)

    async def claimer() -> list[int]:
        mine: list[int] = []
        while batch := await _claim(db, started.id, limit=7):
            mine += batch
        return mine

    claimed = await asyncio.gather(*(claimer() for _ in range(4)))

    together = [user for batch in claimed for user in batch]
    assert len(together) == len(set(together))
    assert sorted(together) == everyone


async def test_a_recipient_who_blocked_the_bot_is_marked_blocked(db: Database) -> None:
    (ann, bob) = await _customers(db, 2)
    started = await _start(db)
    await _claim(db, started.id)
    async with db.transaction() as session:
        await broadcasts.record_outcomes(
            session,
            broadcast_id=started.id,
            outcomes={ann: RecipientStatus.BLOCKED, bob: RecipientStatus.SENT},
        )
    async with db.reading() as session:
        rows = await session.execute(select(User.id, User.is_blocked))
        blocked = {user_id: flag for user_id, flag in rows.all()}
    assert blocked == {ann: True, bob: False}


async def test_released_recipients_are_claimed_again(db: Database) -> None:
    await _customers(db, 3)
    started = await _start(db)
    first = await _claim(db, started.id)
    async with db.transaction() as session:
        await broadcasts.release(session, broadcast_id=started.id, user_ids=first[1:])
    assert await _claim(db, started.id) == first[1:]


async def test_recipients_a_crash_left_sending_are_settled_as_failed_never_resent(
    db: Database,
) -> None:
    await _customers(db, 15)
    started = await _start(db)
    in_flight = await _claim(db, started.id)

    async with db.transaction() as session:
        settled = await broadcasts.settle_interrupted(session)
    rest = await _claim(db, started.id, limit=100)

    assert settled == 10
    assert set(rest).isdisjoint(in_flight) and len(rest) == 5
    statuses = await _statuses(db, started.id)
    assert {statuses[user_id] for user_id in in_flight} == {RecipientStatus.FAILED}


async def test_an_outcome_recorded_after_settling_corrects_it(db: Database) -> None:
    (ann,) = await _customers(db, 1)
    started = await _start(db)
    await _claim(db, started.id)
    async with db.transaction() as session:
        await broadcasts.settle_interrupted(session)
        await broadcasts.record_outcomes(
            session, broadcast_id=started.id, outcomes={ann: RecipientStatus.SENT}
        )
    assert await _statuses(db, started.id) == {ann: RecipientStatus.SENT}


async def test_a_broadcast_finishes_once_when_nobody_is_left(db: Database) -> None:
    (ann, bob) = await _customers(db, 2)
    started = await _start(db)
    await _claim(db, started.id, limit=1)

    async with db.transaction() as session:
        early = await broadcasts.finish(session, broadcast_id=started.id)
    await _claim(db, started.id)
    async with db.transaction() as session:
        await broadcasts.record_outcomes(
            session,
            broadcast_id=started.id,
            outcomes={ann: RecipientStatus.SENT, bob: RecipientStatus.FAILED},
        )
    async with db.transaction() as session:
        final = await broadcasts.finish(session, broadcast_id=started.id)
        again = await broadcasts.finish(session, broadcast_id=started.id)
        still_running = await broadcasts.running(session)

    assert early is None and again is None
    assert final is not None
    assert (final.sent, final.blocked, final.failed, final.total) == (1, 0, 1, 2)
    assert still_running == []


async def test_one_command_message_starts_one_broadcast_even_delivered_twice_at_once(
    db: Database,
) -> None:
    await _customers(db, 3)

    async def start() -> bool:
        try:
            async with db.transaction() as session:
                await broadcasts.start(
                    session,
                    admin_telegram_id=ADMIN,
                    chat_id=ADMIN,
                    progress_message_id=1,
                    text="Hi",
                    command_message_id=55,
                )
        except InvalidInput as refused:
            assert error_text(refused) == ERRORS["broadcast.already_started"]
            return False
        return True

    assert sorted(await asyncio.gather(start(), start())) == [False, True]
    async with db.reading() as session:
        assert await broadcasts.started_by(session, chat_id=ADMIN, command_message_id=55)
        assert not await broadcasts.started_by(session, chat_id=ADMIN, command_message_id=56)
        assert len((await session.scalars(select(BroadcastRecipient))).all()) == 3
