"""editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import NOT_MODIFIED, bad_request
from bot.emulator.messages import StoredMessage
from bot.emulator.methods.common import caption_content, inline_markup, target_chat, text_content
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import Chat, EmulatorState

_MEDIA = ("photo", "document", "video", "animation", "audio", "voice")


@method("editMessageText")
async def edit_message_text(state: EmulatorState, params: Params) -> Any:
    chat, stored = _editable(state, params)
    if "text" not in stored.json:
        raise bad_request("there is no text in the message to edit")
    changes = {**text_content(params), "reply_markup": inline_markup(params)}
    return _apply(state, chat, stored, changes)


@method("editMessageCaption")
async def edit_message_caption(state: EmulatorState, params: Params) -> Any:
    chat, stored = _editable(state, params)
    if not any(kind in stored.json for kind in _MEDIA):
        raise bad_request("there is no caption in the message to edit")
    changes = {**caption_content(params), "reply_markup": inline_markup(params)}
    return _apply(state, chat, stored, changes)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: EmulatorState, params: Params) -> Any:
    chat, stored = _editable(state, params)
    return _apply(state, chat, stored, {"reply_markup": inline_markup(params)})


@method("deleteMessage")
async def delete_message(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    stored = chat.message(
        params.required_integer("message_id"), missing="message to delete not found"
    )
    stored.deleted = True
    chat.record("deleted", stored)
    state.signal.notify()
    return True


def _editable(state: EmulatorState, params: Params) -> tuple[Chat, StoredMessage]:
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(state, params)
    stored = chat.message(
        params.required_integer("message_id"), missing="message to edit not found"
    )
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _apply(state: EmulatorState, chat: Chat, stored: StoredMessage, changes: dict[str, Any]) -> Any:
    if all(stored.json.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    stored.edit(changes)
    chat.record("edited", stored)
    state.signal.notify()
    return stored.json
