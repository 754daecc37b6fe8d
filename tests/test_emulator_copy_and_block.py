"""The emulator's copyMessage, replies from users, and users who block the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotApiEmulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _call(
    http: aiohttp.ClientSession, emulator: BotApiEmulator, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{emulator.api_url}/{method}", json=params) as response:
        return response.status, await response.json()


async def test_a_copied_message_arrives_with_its_formatting_but_no_link_to_the_original(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    owner, ann = emulator.user(7, "Owner"), emulator.user(42, "Ann")
    await _call(
        http, emulator, "sendMessage", chat_id=7, text="<b>Sale</b> today", parse_mode="HTML"
    )
    original = await owner.next_message()

    status, body = await _call(
        http, emulator, "copyMessage", chat_id=42, from_chat_id=7, message_id=original.message_id
    )

    copy = await ann.next_message()
    assert (status, body["result"]) == (200, {"message_id": copy.message_id})
    assert (copy.text, copy.entities) == ("Sale today", original.entities)
    assert copy.from_bot and "forward_origin" not in copy.json


async def test_a_users_photo_is_copied_with_a_new_caption_when_one_is_given(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    owner, ann = emulator.user(7, "Owner"), emulator.user(42, "Ann")
    photo = await owner.send_photo(b"\xff\xd8 not really a jpeg", caption="old")

    await _call(
        http,
        emulator,
        "copyMessage",
        chat_id=42,
        from_chat_id=7,
        message_id=photo.message_id,
        caption="new",
    )

    copy = await ann.next_message()
    assert copy.photo == photo.photo
    assert copy.caption == "new"


@pytest.mark.parametrize(
    ("message_id", "description"),
    [
        (99, "Bad Request: message to copy not found"),
        (None, "Bad Request: message can't be copied"),
    ],
)
async def test_missing_and_service_messages_cannot_be_copied(
    emulator: BotApiEmulator,
    http: aiohttp.ClientSession,
    message_id: int | None,
    description: str,
) -> None:
    owner, ann = emulator.user(7, "Owner"), emulator.user(42, "Ann")
    # A payment is a service message: it has no content to copy.
    await _call(
        http,
        emulator,
        "sendInvoice",
        chat_id=7,
        title="Socks",
        description="Warm",
        payload="p",
        currency="XTR",
        prices=[{"label": "Socks", "amount": 5}],
    )
    paid = await owner.successful_payment(await owner.next_message())
    target = message_id if message_id is not None else paid.message_id

    status, body = await _call(
        http, emulator, "copyMessage", chat_id=42, from_chat_id=7, message_id=target
    )

    assert (status, body["description"]) == (400, description)
    assert ann.messages == []


async def test_a_reply_carries_the_message_it_answers(emulator: BotApiEmulator) -> None:
    owner = emulator.user(7, "Owner")
    first = await owner.send("Spring sale")

    reply = await owner.send("/broadcast", reply_to=first)

    assert reply.json["reply_to_message"]["text"] == "Spring sale"
    assert emulator.pending_updates[-1]["message"]["reply_to_message"]["message_id"] == (
        first.message_id
    )


async def test_a_user_who_blocked_the_bot_gets_nothing_until_they_write_again(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann")
    ann.block_bot()

    blocked, body = await _call(http, emulator, "sendMessage", chat_id=42, text="Hello")
    await ann.send("/start")
    unblocked, _ = await _call(http, emulator, "sendMessage", chat_id=42, text="Welcome back")

    assert (blocked, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    assert unblocked == 200
    assert [m.text for m in ann.bot_messages] == ["Welcome back"]
