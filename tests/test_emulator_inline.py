"""The emulator's inline mode: queries users type, answers checked as Telegram checks them,
and the message a chosen result posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotApiEmulator
from bot.emulator.errors import QUERY_TOO_OLD
from bot.emulator.inline import ANSWER_WINDOW


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _call(
    http: aiohttp.ClientSession, emulator: BotApiEmulator, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{emulator.api_url}/{method}", json=params) as response:
        return response.status, await response.json()


def _article(result_id: str = "1", **changes: Any) -> dict[str, Any]:
    article: dict[str, Any] = {
        "type": "article",
        "id": result_id,
        "title": "Zip Hoodie",
        "description": "€49.99 · Warm",
        "input_message_content": {"message_text": "<b>Zip Hoodie</b>", "parse_mode": "HTML"},
        "reply_markup": {
            "inline_keyboard": [[{"text": "Open", "url": "https://t.me/b?start=p_1"}]]
        },
    }
    return article | changes


async def test_a_query_reaches_the_bot_as_an_inline_query_update(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann", language_code="de")

    query = await ann.inline_query("hoodie", offset="2")

    status, body = await _call(http, emulator, "getUpdates")
    update = body["result"][0]["inline_query"]
    assert status == 200
    assert update == {
        "id": query.id,
        "from": ann.profile.as_user(),
        "query": "hoodie",
        "offset": "2",
        "chat_type": "sender",
    }
    with pytest.raises(ValueError, match="256"):
        await ann.inline_query("x" * 257)


async def test_an_answer_is_recorded_for_the_test_to_read(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann")
    query = await ann.inline_query("hoodie")
    photo = emulator.upload_photo(b"\xff\xd8 a hoodie")
    cached = {"type": "photo", "id": "2", "photo_file_id": photo, "title": "Cap"}

    status, body = await _call(
        http,
        emulator,
        "answerInlineQuery",
        inline_query_id=query.id,
        results=[_article(), cached],
        cache_time=30,
        is_personal=True,
        next_offset="2",
        button={"text": "Open the shop", "start_parameter": "inline"},
    )

    answer = await ann.inline_answer(query)
    assert (status, body["result"]) == (200, True)
    assert [(r.id, r.type, r.title, r.thumbnail) for r in answer] == [
        ("1", "article", "Zip Hoodie", None),
        ("2", "photo", "Cap", photo),
    ]
    assert (answer.cache_time, answer.is_personal, answer.next_offset) == (30, True, "2")
    assert answer.button == {"text": "Open the shop", "start_parameter": "inline"}


@pytest.mark.parametrize(
    ("results", "extra", "error"),
    [
        ([_article(str(n)) for n in range(51)], {}, "RESULTS_TOO_MUCH"),
        ([_article("1"), _article("1")], {}, "RESULT_ID_DUPLICATE"),
        ([_article("x" * 65)], {}, "RESULT_ID_INVALID"),
        ([_article("")], {}, "RESULT_ID_INVALID"),
        (
            [{"type": "article", "id": "1", "title": "T"}],
            {},
            'Can\'t find field "input_message_content"',
        ),
        ([_article(title=" ")], {}, "ARTICLE_TITLE_EMPTY"),
        ([_article(input_message_content={"message_text": ""})], {}, "MESSAGE_EMPTY"),
        ([_article(input_message_content={"message_text": "x" * 4097})], {}, "MESSAGE_TOO_LONG"),
        ([{"type": "photo", "id": "1", "photo_file_id": "nope"}], {}, "wrong file identifier"),
        ([{"type": "photo", "id": "1"}], {}, 'Can\'t find field "photo_url"'),
        ([{"type": "sticker", "id": "1"}], {}, "RESULT_TYPE_INVALID"),
        ([_article(reply_markup={"keyboard": [["Hi"]]})], {}, "REPLY_MARKUP_INVALID"),
        ([], {"next_offset": "9" * 65}, "NEXT_OFFSET_INVALID"),
        ([], {"button": {"text": "Go", "start_parameter": "no spaces"}}, "START_PARAM_INVALID"),
        ([], {"button": {"text": "Go"}}, "BUTTON_TYPE_INVALID"),
        ([], {"cache_time": -1}, "CACHE_TIME_INVALID"),
    ],
)
async def test_a_bad_answer_is_refused_with_telegrams_error_and_the_query_stays_open(
    emulator: BotApiEmulator,
    http: aiohttp.ClientSession,
    results: list[dict[str, Any]],
    extra: dict[str, Any],
    error: str,
) -> None:
    ann = emulator.user(42, "Ann")
    query = await ann.inline_query("hoodie")

    status, body = await _call(
        http, emulator, "answerInlineQuery", inline_query_id=query.id, results=results, **extra
    )

    assert status == 400
    assert body["description"].startswith("Bad Request: ")
    assert error in body["description"]
    assert query.answer is None
    status, _ = await _call(
        http, emulator, "answerInlineQuery", inline_query_id=query.id, results=[]
    )
    assert status == 200


async def test_a_query_is_answered_once_and_only_while_it_is_fresh(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann")
    first, stale = await ann.inline_query("cap"), await ann.inline_query("hat")
    stale.sent_at -= ANSWER_WINDOW + 1

    answers = [
        await _call(http, emulator, "answerInlineQuery", inline_query_id=query, results=[])
        for query in (first.id, first.id, stale.id, "404")
    ]

    assert [status for status, _ in answers] == [200, 400, 400, 400]
    assert {body.get("description") for _, body in answers[1:]} == {f"Bad Request: {QUERY_TOO_OLD}"}


async def test_choosing_a_result_posts_its_message_via_the_bot(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    ann = emulator.user(42, "Ann")
    query = await ann.inline_query("hoodie")
    photo = emulator.upload_photo(b"\xff\xd8 a hoodie")
    cached = _article(
        "2", type="photo", photo_file_id=photo, caption="<i>Cap</i>", parse_mode="HTML"
    )
    del cached["input_message_content"]
    await _call(
        http, emulator, "answerInlineQuery", inline_query_id=query.id, results=[_article(), cached]
    )
    answer = await ann.inline_answer(query)

    card = await ann.choose(answer, "1")
    snapshot = await ann.choose(answer, "2")

    assert (card.text, card.entities[0]["type"]) == ("Zip Hoodie", "bold")
    assert card.button("Open").url == "https://t.me/b?start=p_1"
    assert card.json["via_bot"]["username"] == "shop_test_bot"
    assert not card.from_bot and card.json["from"]["id"] == 42
    assert (snapshot.caption, snapshot.photo and snapshot.photo[0]["file_id"]) == ("Cap", photo)
    updates = [u["message"]["message_id"] for u in emulator.pending_updates if "message" in u]
    assert updates == [card.message_id, snapshot.message_id]
