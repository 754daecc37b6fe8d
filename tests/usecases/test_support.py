"""A line to the shop, at the use-case level: where a customer's message goes, when the admins
get a header, and what closing and muting change, each read back from the database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import OutboxMessage
from bot.services.errors import NotFound
from bot.usecases import support
from bot.usecases.customers import Sender
from tests.factories import make_user
from tests.usecases.steps import flow_of

ANN = Sender(telegram_id=801, first_name="Ann")
OWNER, HELPER, GROUP = 7000, 7001, -1001234567890


async def _relay(db: Database, chats: list[int] | None = None) -> support.Relay:
    relay = await support.relay(db, sender=ANN, admin_chat_ids=chats or [GROUP])
    assert relay is not None
    return relay


async def test_the_first_message_of_each_support_form_gets_a_header_and_follow_ups_do_not(
    db: Database,
) -> None:
    assert await support.start(db, sender=ANN)
    first, second = await _relay(db), await _relay(db)
    await support.start(db, sender=ANN)  # /support again: the same conversation, a new header
    third = await _relay(db)

    assert first.header is not None and first.header.first_name == "Ann"
    assert second.header is None
    assert third.header is not None
    assert first.conversation_id == second.conversation_id == third.conversation_id
    assert first.chat_ids == (GROUP,)


async def test_without_a_group_the_owners_and_promoted_admins_each_get_it(db: Database) -> None:
    async with db.transaction() as session:
        await make_user(session, telegram_id=HELPER, is_admin=True)
    await support.start(db, sender=ANN)

    relay = await _relay(db, [OWNER])

    assert relay.chat_ids == (OWNER, HELPER)


async def test_two_messages_at_once_open_one_conversation(db: Database) -> None:
    await support.start(db, sender=ANN)

    relays = await asyncio.gather(_relay(db), _relay(db))

    assert relays[0].conversation_id == relays[1].conversation_id


async def test_a_reply_to_any_relayed_message_finds_the_conversation(db: Database) -> None:
    await support.start(db, sender=ANN)
    relay = await _relay(db)
    await support.posted(db, conversation_id=relay.conversation_id, where=[(GROUP, 5), (GROUP, 6)])

    found = await support.replied_to(db, chat_id=GROUP, message_id=6)
    elsewhere = await support.replied_to(db, chat_id=OWNER, message_id=6)

    assert found is not None and found.open and found.customer.telegram_id == ANN.telegram_id
    assert elsewhere is None


async def test_closing_tells_the_customer_once_and_ends_their_form(db: Database) -> None:
    await support.start(db, sender=ANN)
    relay = await _relay(db)

    closed = await support.close(db, by=OWNER, conversation_id=relay.conversation_id)
    again = await support.close(db, by=OWNER, conversation_id=relay.conversation_id)

    assert (closed, again) == (True, False)
    assert await flow_of(db, ANN) is None
    async with db.reading() as session:
        keys = list(await session.scalars(select(OutboxMessage.key)))
    assert keys == [f"support:{relay.conversation_id}:closed"]
    reopened = await support.start(db, sender=ANN) and await _relay(db)
    assert reopened and reopened.conversation_id != relay.conversation_id


async def test_a_muted_customer_cannot_open_the_form_until_unmuted(db: Database) -> None:
    await support.start(db, sender=ANN)
    relay = await _relay(db)
    found = await support.conversation(db, conversation_id=relay.conversation_id)
    assert found is not None

    assert await support.mute(db, by=OWNER, user_id=found.customer.user_id)
    assert not await support.mute(db, by=OWNER, user_id=found.customer.user_id)
    assert await flow_of(db, ANN) is None
    assert not await support.start(db, sender=ANN)
    assert await support.relay(db, sender=ANN, admin_chat_ids=[GROUP]) is None

    assert await support.unmute(db, by=OWNER, telegram_id=ANN.telegram_id)
    assert not await support.unmute(db, by=OWNER, telegram_id=ANN.telegram_id)
    assert await support.start(db, sender=ANN)


async def test_unmuting_someone_the_shop_never_met_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await support.unmute(db, by=OWNER, telegram_id=123)
