"""Outbox delivery against the Bot API emulator: each notification arrives once, or is skipped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.botapi.transport import AiohttpRequest
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.jobs.outbox_delivery import deliver_due
from bot.models import OutboxMessage, OutboxStatus, User
from bot.models.base import utcnow
from bot.services import outbox
from bot.services.outbox import Notice
from bot.texts import notices
from bot.texts.notices import LEGACY_TEXT
from tests.catalogues import write_catalog
from tests.conftest import OWNER_ID as OWNER
from tests.factories import make_user


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as bot:
        yield bot


async def _queue(db: Database, chat_id: int, key: str = "order:1:paid") -> None:
    async with db.transaction() as session:
        await outbox.enqueue(
            session,
            key=key,
            chat_id=chat_id,
            notice=Notice(
                LEGACY_TEXT,
                {"text": "Your order <b>#1</b> is paid."},
                buttons=[
                    [{"label": "order.open", "params": {"order_id": 1}, "callback_data": "o:1"}]
                ],
            ),
        )


async def _status(db: Database) -> OutboxStatus:
    async with db.reading() as session:
        return (await session.scalars(select(OutboxMessage.status))).one()


async def test_a_queued_notification_arrives_once_with_its_buttons(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    ann = emulator.user(42, "Ann")
    await _queue(db, ann.chat_id)
    assert await deliver_due(bot, db) == 1
    assert await deliver_due(bot, db) == 0
    message = await ann.next_message()
    assert message.text == "Your order #1 is paid."
    assert message.button_texts == ["Order #1"]
    assert len(emulator.calls_to("sendMessage")) == 1
    assert await _status(db) == OutboxStatus.SENT


async def test_a_customer_who_blocked_the_bot_is_marked_and_skipped(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=42)
    await _queue(db, 42)
    emulator.inject("sendMessage", Fault.blocked_by_user())
    assert await deliver_due(bot, db) == 0
    assert await _status(db) == OutboxStatus.SKIPPED
    async with db.reading() as session:
        assert (await session.get_one(User, user.id)).is_blocked is True
    assert await deliver_due(bot, db) == 0


async def test_a_server_error_is_retried_later_and_then_delivered_once(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    ann = emulator.user(42, "Ann")
    await _queue(db, ann.chat_id)
    emulator.inject("sendMessage", Fault.server_error(502, "Bad Gateway"))
    assert await deliver_due(bot, db) == 0
    assert await _status(db) == OutboxStatus.PENDING
    async with db.transaction() as session:
        (row,) = (await session.scalars(select(OutboxMessage))).all()
        row.next_attempt_at = utcnow()  # skip the backoff wait
    assert await deliver_due(bot, db) == 1
    assert (await ann.next_message()).text == "Your order #1 is paid."
    assert await _status(db) == OutboxStatus.SENT


async def test_a_notification_survives_a_crash_before_delivery(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    """The state change committed, the process died: a new process delivers it, once."""
    ann = emulator.user(42, "Ann")
    await _queue(db, ann.chat_id)
    restarted = Database(db.url)
    try:
        assert await deliver_due(bot, restarted) == 1
        assert await deliver_due(bot, restarted) == 0
    finally:
        await restarted.dispose()
    assert (await ann.next_message()).text == "Your order #1 is paid."
    assert len(emulator.calls_to("sendMessage")) == 1


async def test_flood_control_postpones_the_message_by_retry_after(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    await _queue(db, emulator.user(42, "Ann").chat_id)
    emulator.inject("sendMessage", Fault.retry_after_seconds(120))
    assert await deliver_due(bot, db) == 0
    async with db.reading() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.status == OutboxStatus.PENDING
    assert (row.next_attempt_at - utcnow()).total_seconds() > 100


async def _statuses(db: Database) -> list[tuple[str, OutboxStatus]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.key, OutboxMessage.status).order_by(OutboxMessage.id)
        )
        return [(key, status) for key, status in rows]


async def test_a_notice_is_put_into_words_when_it_is_sent_not_when_it_is_queued(
    db: Database, emulator: BotApiEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = emulator.user(42, "Ann")
    async with db.transaction() as session:
        notice = Notice("order.delivered", {"order_id": 7})
        await outbox.enqueue(session, key="order:7:delivered", chat_id=ann.chat_id, notice=notice)
    reworded = {**notices.NOTICES, "order.delivered": lambda *, order_id: f"#{order_id} is here"}
    monkeypatch.setattr(notices, "NOTICES", reworded)

    assert await deliver_due(bot, db) == 1

    assert (await ann.next_message()).text == "#7 is here"


DELIVERED = (
    "📬 Order <b>#{order_id}</b> has been delivered. We hope you like it! "
    "You can rate what you bought in /orders."
)


async def test_a_notice_is_sent_in_its_recipient_s_language(
    db: Database, emulator: BotApiEmulator, bot: Bot, catalogues: Path
) -> None:
    """Their own choice, else their Telegram app's, else the shop's default."""
    write_catalog(catalogues, "de", {DELIVERED: "📬 Bestellung <b>#{order_id}</b> ist da."})
    people = {
        "app in German": emulator.user(41, "Ann", language_code="de-AT"),
        "chose German": emulator.user(42, "Bob", language_code="en"),
        "app in French": emulator.user(43, "Cat", language_code="fr"),
    }
    async with db.transaction() as session:
        await make_user(session, telegram_id=41, language_code="de-AT")
        await make_user(session, telegram_id=42, language_code="en", language="de")
        await make_user(session, telegram_id=43, language_code="fr")
        for number, person in enumerate(people.values(), start=1):
            notice = Notice("order.delivered", {"order_id": number})
            await outbox.enqueue(
                session, key=f"order:{number}:delivered", chat_id=person.chat_id, notice=notice
            )

    assert await deliver_due(bot, db, default_language="en") == 3

    said = {who: (await person.next_message()).text for who, person in people.items()}
    assert said == {
        "app in German": "📬 Bestellung #1 ist da.",
        "chose German": "📬 Bestellung #2 ist da.",
        "app in French": DELIVERED.format(order_id=3).replace("<b>", "").replace("</b>", ""),
    }


async def test_a_notice_that_cannot_be_rendered_fails_alone_and_the_rest_go_out(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    ann = emulator.user(42, "Ann")
    queued = {
        "first": Notice("order.delivered", {"order_id": 1}),
        "unknown": Notice("order.teleported", {"order_id": 2}),
        "misfit": Notice("order.delivered", {"order": 3}),
        "bad label": Notice(LEGACY_TEXT, {"text": "Hi"}, [[{"label": "?", "url": "u"}]]),
        "bad button": Notice(LEGACY_TEXT, {"text": "Hi"}, [[{"label": LEGACY_TEXT, "pay": 1}]]),
        "last": Notice("order.delivered", {"order_id": 4}),
    }
    async with db.transaction() as session:
        for key, notice in queued.items():
            await outbox.enqueue(session, key=key, chat_id=ann.chat_id, notice=notice)

    assert await deliver_due(bot, db) == 2

    assert await _statuses(db) == [
        ("first", OutboxStatus.SENT),
        ("unknown", OutboxStatus.FAILED),
        ("misfit", OutboxStatus.FAILED),
        ("bad label", OutboxStatus.FAILED),
        ("bad button", OutboxStatus.FAILED),
        ("last", OutboxStatus.SENT),
    ]
    for order_id in (1, 4):
        text = (await ann.next_message()).text or ""
        assert text.startswith(f"📬 Order #{order_id} has been delivered.")
    assert await deliver_due(bot, db) == 0


class _BrokenForOneChat(Bot):
    """A bot whose send to one chat raises something no Telegram error handler catches."""

    BROKEN = 666

    async def send_message(self, chat_id: Any, *args: Any, **kwargs: Any) -> Any:
        if chat_id == self.BROKEN:
            raise ValueError("boom")
        return await super().send_message(chat_id, *args, **kwargs)


async def _make_due_now(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))


async def test_a_message_that_raises_fails_alone_and_the_admins_hear_when_it_gives_up(
    db: Database, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    emulator.user(OWNER, "Owner")
    await _queue(db, _BrokenForOneChat.BROKEN, key="order:1:paid:customer")
    await _queue(db, ann.chat_id, key="order:2:paid:customer")
    async with _BrokenForOneChat(emulator.token, base_url=emulator.base_url) as bot:
        first_round = await deliver_due(bot, db, admin_chat_ids=[OWNER])
        for _ in range(outbox.MAX_ATTEMPTS):
            await _make_due_now(db)
            await deliver_due(bot, db, admin_chat_ids=[OWNER])

    assert first_round == 1
    assert (await ann.next_message()).text == "Your order #1 is paid."
    statuses = dict(await _statuses(db))
    assert statuses["order:1:paid:customer"] is OutboxStatus.FAILED
    assert statuses["order:2:paid:customer"] is OutboxStatus.SENT
    alert = f"outbox:1:gave_up:admin:{OWNER}"
    assert statuses[alert] is OutboxStatus.SENT  # told once, and delivered
    sent_to_owner = [c for c in emulator.calls_to("sendMessage") if c.params["chat_id"] == OWNER]
    assert len(sent_to_owner) == 1
    assert "could not be delivered" in str(sent_to_owner[0].params["text"])


async def test_a_message_whose_tries_all_died_mid_send_is_failed_and_the_rest_go_out(
    db: Database, emulator: BotApiEmulator, bot: Bot
) -> None:
    ann = emulator.user(42, "Ann")
    emulator.user(OWNER, "Owner")
    await _queue(db, ann.chat_id, key="stuck")
    await _queue(db, ann.chat_id, key="next")
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == "stuck")
            .values(attempts=outbox.MAX_ATTEMPTS)
        )

    assert await deliver_due(bot, db, admin_chat_ids=[OWNER]) == 2  # "next", and the alert

    statuses = dict(await _statuses(db))
    assert (statuses["stuck"], statuses["next"]) == (OutboxStatus.FAILED, OutboxStatus.SENT)
    assert statuses[f"outbox:1:gave_up:admin:{OWNER}"] is OutboxStatus.SENT


async def test_a_send_that_timed_out_is_sent_again_at_least_once(
    db: Database, emulator: BotApiEmulator
) -> None:
    """Telegram has no idempotency key: a request that timed out may have been delivered. The
    outbox sends it again (at least once), so the customer may rarely read it twice."""
    ann = emulator.user(42, "Ann")
    await _queue(db, ann.chat_id)
    emulator.inject("sendMessage", Fault.slow(0.6))
    request = AiohttpRequest(read_timeout=0.2)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        timed_out = await deliver_due(bot, db)
        await asyncio.sleep(0.8)  # the slow answer lands in the chat all the same
        await _make_due_now(db)
        again = await deliver_due(bot, db)

    assert (timed_out, again) == (0, 1)
    texts = [m.text for m in ann.bot_messages]
    assert texts == ["Your order #1 is paid.", "Your order #1 is paid."]
