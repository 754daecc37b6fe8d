"""Inline mode as Telegram runs it: a user's inline query, the bot's answer checked field by
field as the Bot API documents it, and the message a chosen result posts "via @bot".

The Bot API reference (InlineQuery, answerInlineQuery, InlineQueryResult*, InputMessageContent,
InlineQueryResultsButton) gives the limits; the error texts are Telegram's own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.files import FileStore
from bot.emulator.markup import Button, inline_buttons, validate_markup, validate_web_app
from bot.emulator.messages import JsonDict
from bot.emulator.text import format_text

MAX_QUERY = 256  # characters of query text a client sends
MAX_RESULTS = 50
MAX_RESULT_ID = 64  # bytes
MAX_NEXT_OFFSET = 64  # bytes
MAX_TEXT = 4096
MAX_CAPTION = 1024
# Telegram does not document the limit; an answer later than about ten seconds is refused.
ANSWER_WINDOW = 10.0
CHAT_TYPES = ("sender", "private", "group", "supergroup", "channel")
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The result types this emulator knows, with the fields each must carry.
_REQUIRED = {
    "article": ("title", "input_message_content"),
    "photo": (),  # either photo_file_id (cached) or photo_url with thumbnail_url
}


@dataclass
class InlineQuery:
    """A query the user typed after @bot; `answer` is filled by answerInlineQuery."""

    id: str
    user_id: int
    query: str
    offset: str
    chat_type: str | None
    sent_at: float = field(default_factory=time.monotonic)
    answer: InlineAnswer | None = None


@dataclass(frozen=True)
class InlineResult:
    """One result as the user's app lists it, and what choosing it posts."""

    json: JsonDict

    @property
    def id(self) -> str:
        return str(self.json["id"])

    @property
    def type(self) -> str:
        return str(self.json["type"])

    @property
    def title(self) -> str | None:
        return self.json.get("title")

    @property
    def description(self) -> str | None:
        return self.json.get("description")

    @property
    def thumbnail(self) -> str | None:
        """What the app shows beside the result: the cached photo or the thumbnail URL."""
        return self.json.get("photo_file_id") or self.json.get("thumbnail_url")

    @property
    def buttons(self) -> tuple[tuple[Button, ...], ...]:
        return inline_buttons(self.json.get("reply_markup"))


@dataclass(frozen=True)
class InlineAnswer:
    query_id: str
    results: tuple[InlineResult, ...]
    cache_time: int
    is_personal: bool
    next_offset: str
    button: JsonDict | None

    def result(self, result_id: str) -> InlineResult:
        for result in self.results:
            if result.id == result_id:
                return result
        raise LookupError(f"no result {result_id!r}; the answer has {[r.id for r in self]}")

    def __iter__(self) -> Iterator[InlineResult]:
        return iter(self.results)


def check_query(query: str, offset: str, chat_type: str | None) -> None:
    """What a Telegram app can send: the query is cut at 256 characters by the app."""
    if len(query) > MAX_QUERY:
        raise ValueError(f"an inline query has at most {MAX_QUERY} characters")
    if len(offset.encode()) > MAX_NEXT_OFFSET:
        raise ValueError("an offset comes from the bot's next_offset: at most 64 bytes")
    if chat_type is not None and chat_type not in CHAT_TYPES:
        raise ValueError(f"chat_type is one of {CHAT_TYPES}")


def checked_results(results: Any, files: FileStore) -> tuple[InlineResult, ...]:
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    checked = []
    for result in results:
        _check_result(result, files)
        if result["id"] in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result["id"])
        checked.append(InlineResult(result))
    return tuple(checked)


def checked_next_offset(next_offset: str | None) -> str:
    if next_offset is not None and len(next_offset.encode()) > MAX_NEXT_OFFSET:
        raise bad_request("NEXT_OFFSET_INVALID")
    return next_offset or ""


def checked_button(button: Any) -> JsonDict | None:
    """InlineQueryResultsButton: a text and exactly one of web_app and start_parameter."""
    if button is None:
        return None
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline query results button: Can't find field \"text\"")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_EMPTY")
    if ("web_app" in button) == ("start_parameter" in button):
        raise bad_request("BUTTON_TYPE_INVALID")
    if "web_app" in button:
        validate_web_app(button["web_app"], "inline query results button")
    elif not _START_PARAMETER.fullmatch(str(button["start_parameter"])):
        raise bad_request("START_PARAM_INVALID")
    return button


def _check_result(result: Any, files: FileStore) -> None:
    if not isinstance(result, dict):
        raise bad_request("can't parse inline query result JSON object")
    for name in ("type", "id"):
        if not isinstance(result.get(name), str):
            raise bad_request(f"can't parse inline query result: Can't find field \"{name}\"")
    kind = result["type"]
    if kind not in _REQUIRED:
        raise bad_request("RESULT_TYPE_INVALID")
    if not 1 <= len(result["id"].encode()) <= MAX_RESULT_ID:
        raise bad_request("RESULT_ID_INVALID")
    for name in _REQUIRED[kind]:
        if name not in result:
            raise bad_request(f"can't parse inline query result: Can't find field \"{name}\"")
    if kind == "article" and not str(result["title"]).strip():
        raise bad_request("ARTICLE_TITLE_EMPTY")
    if kind == "photo":
        _check_photo(result, files)
    if "input_message_content" in result:
        _message_content(result["input_message_content"])
    markup = validate_markup(result.get("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("REPLY_MARKUP_INVALID")


def _check_photo(result: JsonDict, files: FileStore) -> None:
    if "photo_file_id" in result:
        stored = files.get(str(result["photo_file_id"]))
        if stored.kind != "photo":
            raise bad_request(f"can't use file of type {stored.kind.capitalize()} as Photo")
    elif "photo_url" not in result:
        raise bad_request("can't parse inline query result: Can't find field \"photo_url\"")
    elif "thumbnail_url" not in result:
        raise bad_request("can't parse inline query result: Can't find field \"thumbnail_url\"")
    _caption(result)


def _caption(result: JsonDict) -> JsonDict:
    caption, entities = format_text(
        str(result.get("caption") or ""), result.get("parse_mode"), result.get("caption_entities")
    )
    if len(caption) > MAX_CAPTION:
        raise bad_request("MEDIA_CAPTION_TOO_LONG")
    return {"caption": caption or None, "caption_entities": entities or None}


def _message_content(content: Any) -> JsonDict:
    """InputTextMessageContent, the one kind a shop sends."""
    if not isinstance(content, dict):
        raise bad_request("can't parse input message content JSON object")
    if "message_text" not in content:
        raise bad_request("can't parse input message content: Can't find field \"message_text\"")
    text, entities = format_text(
        str(content["message_text"]), content.get("parse_mode"), content.get("entities")
    )
    if not text.strip():
        raise bad_request("MESSAGE_EMPTY")
    if len(text) > MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    return {"text": text, "entities": entities or None}


def chosen_message(result: InlineResult, files: FileStore, bot_user: JsonDict) -> JsonDict:
    """What choosing the result posts, sent by the user "via" the bot."""
    body = result.json
    if "input_message_content" in body:
        content = _message_content(body["input_message_content"])
    elif "photo_file_id" in body:
        photo = files.get(str(body["photo_file_id"])).photo_size()
        content = {"photo": [photo], **_caption(body)}
    else:
        photo = files.add(b"", kind="photo", source_url=str(body["photo_url"])).photo_size()
        content = {"photo": [photo], **_caption(body)}
    message = {key: value for key, value in content.items() if value is not None}
    if body.get("reply_markup") is not None:
        message["reply_markup"] = body["reply_markup"]
    message["via_bot"] = bot_user
    return message
