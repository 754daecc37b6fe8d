"""Pieces shared by the message methods: target chat, text, captions, markup, delivery."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import ApiError, bad_request, blocked_by_user
from bot.emulator.markup import validate_markup
from bot.emulator.messages import JsonDict, StoredMessage
from bot.emulator.params import Params
from bot.emulator.state import Chat, EmulatorState
from bot.emulator.text import format_text

MAX_TEXT = 4096
MAX_CAPTION = 1024


def target_chat(state: EmulatorState, params: Params) -> Chat:
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    try:
        chat_id = params.integer("chat_id")
    except ApiError:
        raise bad_request("chat not found") from None
    chat = state.chat(chat_id)
    if chat.blocked:
        raise blocked_by_user()
    return chat


def text_content(params: Params) -> JsonDict:
    source = params.string("text")
    text, entities = format_text(
        source or "", params.string("parse_mode"), params.json_value("entities")
    )
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return {"text": text, "entities": entities or None}


def caption_content(params: Params) -> JsonDict:
    source = params.string("caption")
    caption, entities = format_text(
        source or "", params.string("parse_mode"), params.json_value("caption_entities")
    )
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return {"caption": caption or None, "caption_entities": entities or None}


def inline_markup(params: Params) -> JsonDict | None:
    """Only inline keyboards are part of a message; edits accept nothing else."""
    markup = validate_markup(params.json_value("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def deliver(
    state: EmulatorState, chat: Chat, params: Params, content: dict[str, Any]
) -> StoredMessage:
    """Stores a bot message and tells waiters; the reply keyboard, if any, goes to the chat."""
    markup = validate_markup(params.json_value("reply_markup"))
    body = {key: value for key, value in content.items() if value is not None}
    if markup is not None and "inline_keyboard" in markup:
        body["reply_markup"] = markup
    _add_reply_to(chat, params, body)
    stored = chat.add_message(state.bot_user(), body)
    if markup is not None and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup is not None and markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    chat.record("sent", stored)
    state.signal.notify()
    return stored


def _add_reply_to(chat: Chat, params: Params, body: JsonDict) -> None:
    reply = params.json_value("reply_parameters") or {}
    message_id = reply.get("message_id") or params.integer("reply_to_message_id")
    if message_id is None:
        return
    target = chat.messages.get(int(message_id))
    if target is None or target.deleted:
        if not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return
    body["reply_to_message"] = {k: v for k, v in target.json.items() if k != "reply_to_message"}
