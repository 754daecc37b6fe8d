from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.db import Database
from bot.models.base import utcnow
from bot.models.outbox import OutboxMessage, OutboxStatus
from bot.services import outbox
from bot.texts.notices import LEGACY_TEXT
from tests.notices import verbatim


async def test_one_key_is_queued_once_however_often_it_is_enqueued(db: Database) -> None:
    async with db.transaction() as session:
        assert (
            await outbox.enqueue(session, key="order:1:paid", chat_id=5, notice=verbatim("Paid!"))
            is True
        )
        assert (
            await outbox.enqueue(session, key="order:1:paid", chat_id=5, notice=verbatim("Paid!"))
            is False
        )
    async with db.transaction() as session:
        assert len((await session.scalars(select(OutboxMessage))).all()) == 1


async def test_a_message_queued_in_a_rolled_back_transaction_never_exists(db: Database) -> None:
    try:
        async with db.transaction() as session:
            await outbox.enqueue(session, key="order:1:paid", chat_id=5, notice=verbatim("Paid!"))
            raise RuntimeError("the state change failed")
    except RuntimeError:
        pass
    async with db.transaction() as session:
        assert await outbox.claim_due(session) == []


async def test_a_claimed_message_is_not_handed_out_again_while_leased(db: Database) -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session, key="k", chat_id=5, notice=verbatim("Hi"))
    async with db.transaction() as session:
        first = await outbox.claim_due(session)
    async with db.transaction() as session:
        again = await outbox.claim_due(session)
    async with db.transaction() as session:
        after_lease = await outbox.claim_due(session, now=utcnow() + outbox.LEASE * 2)
    assert [d.notice for d in first] == [verbatim("Hi")]
    assert again == []
    assert [d.id for d in after_lease] == [first[0].id]


async def test_concurrent_senders_split_the_due_messages_without_overlap(db: Database) -> None:
    async with db.transaction() as session:
        for n in range(30):
            await outbox.enqueue(session, key=f"k{n}", chat_id=n, notice=verbatim(f"m{n}"))

    async def claim() -> list[int]:
        async with db.transaction() as session:
            return [d.id for d in await outbox.claim_due(session, limit=10)]

    claimed = [i for batch in await asyncio.gather(*(claim() for _ in range(5))) for i in batch]
    assert len(claimed) == len(set(claimed)) == 30


async def test_a_sent_message_is_never_due_again(db: Database) -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session, key="k", chat_id=5, notice=verbatim("Hi"))
        (delivery,) = await outbox.claim_due(session)
        await outbox.mark_sent(session, message_id=delivery.id)
    async with db.transaction() as session:
        assert await outbox.claim_due(session, now=utcnow() + timedelta(days=1)) == []


async def test_failures_back_off_and_give_up_after_the_last_attempt(db: Database) -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session, key="k", chat_id=5, notice=verbatim("Hi"))
    now = utcnow()
    outcomes = []
    for _ in range(outbox.MAX_ATTEMPTS):
        now += timedelta(hours=1)
        async with db.transaction() as session:
            (delivery,) = await outbox.claim_due(session, now=now)
            outcomes.append(
                await outbox.mark_failed(session, message_id=delivery.id, error="502", now=now)
            )
    assert outcomes[:-1] == [None] * (outbox.MAX_ATTEMPTS - 1)
    assert outcomes[-1] == outbox.GaveUp(delivery.id, 5, LEGACY_TEXT, "502")
    async with db.transaction() as session:
        assert await outbox.claim_due(session, now=now + timedelta(days=1)) == []


async def test_retry_after_from_flood_control_is_respected(db: Database) -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session, key="k", chat_id=5, notice=verbatim("Hi"))
        (delivery,) = await outbox.claim_due(session)
        now = utcnow()
        await outbox.mark_failed(
            session, message_id=delivery.id, error="429", retry_after=timedelta(seconds=30), now=now
        )
    async with db.transaction() as session:
        assert await outbox.claim_due(session, now=now + timedelta(seconds=29)) == []
        assert len(await outbox.claim_due(session, now=now + timedelta(seconds=31))) == 1


async def test_a_message_whose_every_attempt_died_is_failed_not_claimed_forever(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await outbox.enqueue(session, key="k", chat_id=5, notice=verbatim("Hi"))
    now = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):  # each sender died mid-send: nothing recorded
        now += outbox.LEASE * 2
        async with db.transaction() as session:
            assert len(await outbox.claim_due(session, now=now)) == 1
    now += outbox.LEASE * 2

    async with db.transaction() as session:
        claimed = await outbox.claim_due(session, now=now)
        gave_up = await outbox.fail_exhausted(session, now=now)
        again = await outbox.fail_exhausted(session, now=now)

    assert claimed == []
    assert [(g.chat_id, g.message_key) for g in gave_up] == [(5, LEGACY_TEXT)]
    assert again == []
    async with db.reading() as session:
        assert (await session.scalars(select(OutboxMessage.status))).one() is OutboxStatus.FAILED
