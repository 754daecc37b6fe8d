"""sendMessage, sendPhoto, sendDocument, copyMessage, sendChatAction."""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.files import StoredFile
from bot.emulator.methods.common import caption_content, deliver, target_chat, text_content
from bot.emulator.methods.registry import method
from bot.emulator.params import Params, UploadedFile
from bot.emulator.state import EmulatorState

# What a copy carries over; service messages, invoices and payments have none of it.
_COPIED_CONTENT = (
    "text",
    "photo",
    "document",
    "video",
    "animation",
    "audio",
    "voice",
    "sticker",
    "contact",
    "location",
    "venue",
)
_COPIED_EXTRAS = ("entities", "caption", "caption_entities")

_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


@method("sendMessage")
async def send_message(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    return deliver(state, chat, params, text_content(params)).json


@method("sendPhoto")
async def send_photo(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    stored = _input_file(state, params, "photo")
    content = {"photo": [stored.photo_size()], **caption_content(params)}
    return deliver(state, chat, params, content).json


@method("sendDocument")
async def send_document(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    stored = _input_file(state, params, "document")
    content = {"document": stored.document(), **caption_content(params)}
    return deliver(state, chat, params, content).json


@method("copyMessage")
async def copy_message(state: EmulatorState, params: Params) -> Any:
    """The message's content without a link to the original; answers only its new id."""
    chat = target_chat(state, params)
    source_chat = state.chat(params.integer("from_chat_id"))
    source = source_chat.message(
        params.required_integer("message_id"), missing="message to copy not found"
    )
    kinds = [key for key in _COPIED_CONTENT if key in source.json]
    if not kinds:
        raise bad_request("message can't be copied")
    content = {key: source.json[key] for key in (*kinds, *_COPIED_EXTRAS) if key in source.json}
    if "caption" in params and "text" not in content:
        content.update(caption_content(params))
    copied = deliver(state, chat, params, copy.deepcopy(content))
    return {"message_id": copied.json["message_id"]}


@method("sendChatAction")
async def send_chat_action(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    action = params.string("action")
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.chat_actions.append((chat.chat_id, action))
    state.signal.notify()
    return True


def _input_file(state: EmulatorState, params: Params, kind: str) -> StoredFile:
    """An upload, a URL (nothing is fetched: there is no internet) or a known file_id."""
    given = params.file(kind)
    if isinstance(given, UploadedFile):
        mime = None if given.content_type == "application/octet-stream" else given.content_type
        return state.files.add(given.content, kind=kind, file_name=given.filename, mime_type=mime)
    if not given:
        raise bad_request(f"there is no {kind} in the request")
    if given.startswith(("http://", "https://")):
        return state.files.add(b"", kind=kind, source_url=given)
    stored = state.files.get(given)
    if stored.kind != kind:
        raise bad_request(
            f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
        )
    return stored
