"""sendMessage, sendPhoto, sendDocument, sendChatAction."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.files import StoredFile
from bot.emulator.methods.common import caption_content, deliver, target_chat, text_content
from bot.emulator.methods.registry import method
from bot.emulator.params import Params, UploadedFile
from bot.emulator.state import EmulatorState

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
