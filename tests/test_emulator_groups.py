"""The emulator's supergroups: what a bot in privacy mode is sent, and what it sends there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotApiEmulator

GROUP = -1001234567890


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _call(
    http: aiohttp.ClientSession, emulator: BotApiEmulator, method: str, **params: Any
) -> dict[str, Any]:
    async with http.post(f"{emulator.api_url}/{method}", json=params) as response:
        body: dict[str, Any] = await response.json()
        return body


def _texts(emulator: BotApiEmulator) -> list[str]:
    return [u["message"].get("text", "") for u in emulator.pending_updates if "message" in u]


async def test_in_privacy_mode_the_bot_is_sent_commands_mentions_and_replies_to_it_only(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    group = emulator.supergroup(GROUP, "Admins", creator=7, creator_name="Owner")
    owner = group.member(7)
    await owner.send("/start")  # a general command before the bot ever wrote here
    await owner.send("/help@shop_test_bot")
    await owner.send("/help@another_bot")
    await owner.send("just chatting")
    await owner.send("hey @shop_test_bot")
    sent = await _call(http, emulator, "sendMessage", chat_id=GROUP, text="Hello group")
    await owner.send("/start")  # now the bot was the last bot to write
    await owner.send("a reply", reply_to=sent["result"]["message_id"])

    assert _texts(emulator) == ["/help@shop_test_bot", "hey @shop_test_bot", "/start", "a reply"]
    message = emulator.pending_updates[-1]["message"]
    assert message["chat"] == {"id": GROUP, "type": "supergroup", "title": "Admins"}
    assert message["from"]["id"] == 7
    assert message["reply_to_message"]["text"] == "Hello group"
    assert len([m for m in group.messages if not m.from_bot]) == 7  # all are in the chat


async def test_a_bot_that_is_a_group_admin_is_sent_every_message(
    emulator: BotApiEmulator,
) -> None:
    group = emulator.supergroup(GROUP, "Admins")
    group.make_bot_admin()
    await group.member(8, "Bea").send("just chatting")

    assert _texts(emulator) == ["just chatting"]


async def test_the_bot_copies_a_private_photo_into_the_group_and_replies_there(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    group = emulator.supergroup(GROUP, "Admins")
    ann = emulator.user(42, "Ann")
    photo = await ann.send_photo(b"\xff\xd8 a photo", caption="Look")

    copied = await _call(
        http, emulator, "copyMessage", chat_id=GROUP, from_chat_id=42, message_id=photo.message_id
    )
    reply = await _call(
        http,
        emulator,
        "sendMessage",
        chat_id=GROUP,
        text="Noted",
        reply_parameters={"message_id": copied["result"]["message_id"]},
    )
    missing = await _call(http, emulator, "sendMessage", chat_id=-100999, text="Anyone?")

    in_group = await group.next_message()
    assert (in_group.photo, in_group.caption, in_group.chat_id) == (photo.photo, "Look", GROUP)
    assert reply["result"]["reply_to_message"]["caption"] == "Look"
    assert reply["result"]["chat"]["type"] == "supergroup"
    assert missing == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
