"""editMessageText, editMessageCaption, editMessageMedia, editMessageReplyMarkup, deleteMessage."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import NOT_MODIFIED, ApiError, bad_request
from bot.emulator.files import StoredFile
from bot.emulator.messages import StoredMessage
from bot.emulator.methods.common import caption_content, inline_markup, target_chat, text_content
from bot.emulator.methods.registry import method
from bot.emulator.params import Params, UploadedFile
from bot.emulator.state import Chat, EmulatorState

_MEDIA = ("photo", "document", "video", "animation", "audio", "voice")
_EDITABLE_MEDIA = ("photo", "document")


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


@method("editMessageMedia")
async def edit_message_media(state: EmulatorState, params: Params) -> Any:
    """Replaces the file and caption; as in Telegram, a text message may become a media one."""
    chat, stored = _editable(state, params)
    media = params.json_value("media")
    if not isinstance(media, dict) or media.get("type") not in _EDITABLE_MEDIA:
        raise bad_request("can't parse input media JSON object")
    kind = str(media["type"])
    new_file = _media_file(state, params, stored, kind, media.get("media"))
    content = [new_file.photo_size()] if kind == "photo" else new_file.document()
    changes: dict[str, Any] = dict.fromkeys(("text", "entities", *_MEDIA))
    changes.update(caption_content(Params(media)))
    changes.update({kind: content, "reply_markup": inline_markup(params)})
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


def _media_file(
    state: EmulatorState, params: Params, stored: StoredMessage, kind: str, given: object
) -> StoredFile:
    """An upload (attach://name), a URL or a known file_id; the message's own file when it is
    the same one again, so that an unchanged edit is "not modified" as in Telegram."""
    if isinstance(given, str) and given.startswith("attach://"):
        upload = params.file(given.removeprefix("attach://"))
        if not isinstance(upload, UploadedFile):
            raise bad_request(f"wrong {kind} specified")
        mime = None if upload.content_type == "application/octet-stream" else upload.content_type
        return state.files.add(upload.content, kind=kind, file_name=upload.filename, mime_type=mime)
    if not isinstance(given, str) or not given:
        raise bad_request(f"there is no {kind} in the request")
    current = _current_file(state, stored, kind)
    if current is not None and given in (current.file_id, current.source_url):
        return current
    if given.startswith(("http://", "https://")):
        return state.files.add(b"", kind=kind, source_url=given)
    known = state.files.get(given)
    if known.kind != kind:
        raise bad_request(
            f"can't use file of type {known.kind.capitalize()} as {kind.capitalize()}"
        )
    return known


def _current_file(state: EmulatorState, stored: StoredMessage, kind: str) -> StoredFile | None:
    content = stored.json.get(kind)
    if not content:
        return None
    file_id = content[-1]["file_id"] if isinstance(content, list) else content["file_id"]
    try:
        return state.files.get(str(file_id))
    except ApiError:
        return None


def _apply(state: EmulatorState, chat: Chat, stored: StoredMessage, changes: dict[str, Any]) -> Any:
    if all(stored.json.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    stored.edit(changes)
    chat.record("edited", stored)
    state.signal.notify()
    return stored.json
