"""Read-only snapshots of chat messages, the shape tests assert on."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.emulator.markup import Button, inline_buttons

JsonDict = dict[str, Any]
EventKind = Literal["sent", "edited", "deleted"]


class NoSuchButton(LookupError):
    """The message has no inline button with that text or callback data."""


@dataclass(frozen=True, eq=False)
class Message:
    """One version of a message; `history` holds the versions before edits, oldest first."""

    json: JsonDict
    history: tuple[Message, ...] = ()
    deleted: bool = False

    @property
    def message_id(self) -> int:
        return int(self.json["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.json["chat"]["id"])

    @property
    def from_bot(self) -> bool:
        return bool(self.json.get("from", {}).get("is_bot"))

    @property
    def text(self) -> str | None:
        return self.json.get("text")

    @property
    def caption(self) -> str | None:
        return self.json.get("caption")

    @property
    def content(self) -> str:
        """The text, or the caption of a media message, or ''."""
        return self.text or self.caption or ""

    @property
    def entities(self) -> list[JsonDict]:
        return list(self.json.get("entities") or self.json.get("caption_entities") or [])

    @property
    def reply_markup(self) -> JsonDict | None:
        return self.json.get("reply_markup")

    @property
    def buttons(self) -> tuple[tuple[Button, ...], ...]:
        return inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def photo(self) -> list[JsonDict] | None:
        return self.json.get("photo")

    @property
    def document(self) -> JsonDict | None:
        return self.json.get("document")

    @property
    def invoice(self) -> JsonDict | None:
        return self.json.get("invoice")

    @property
    def edited(self) -> bool:
        return "edit_date" in self.json

    def button(self, text: str) -> Button:
        """The inline button with exactly this text."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise NoSuchButton(f"no button {text!r} on message {self.message_id}; {self._offer()}")

    def button_with_data(self, data: str) -> Button:
        for row in self.buttons:
            for button in row:
                if button.callback_data == data:
                    return button
        raise NoSuchButton(
            f"no button with callback data {data!r} on message {self.message_id}; {self._offer()}"
        )

    def _offer(self) -> str:
        found = [f"{b.text!r} ({b.callback_data!r})" for row in self.buttons for b in row]
        return f"it has: {', '.join(found)}" if found else "it has no inline buttons"

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        return f"<Message {self.message_id} from {who}: {self.content!r} {self.button_texts}>"


@dataclass
class StoredMessage:
    """The live, mutable message inside the emulator."""

    json: JsonDict
    versions: list[JsonDict] = field(default_factory=list)
    deleted: bool = False
    invoice_payload: str | None = None

    @property
    def from_bot(self) -> bool:
        return bool(self.json.get("from", {}).get("is_bot"))

    def edit(self, changes: dict[str, Any | None]) -> None:
        """Applies an edit, keeping the old version; a None value removes that field."""
        self.versions.append(copy.deepcopy(self.json))
        for key, value in changes.items():
            if value is None:
                self.json.pop(key, None)
            else:
                self.json[key] = value
        self.json["edit_date"] = int(time.time())

    def snapshot(self) -> Message:
        history = tuple(Message(copy.deepcopy(v)) for v in self.versions)
        return Message(copy.deepcopy(self.json), history, self.deleted)


@dataclass(frozen=True)
class ChatEvent:
    """Something the bot did to a chat, in order; `next_message` walks these."""

    kind: EventKind
    message: Message
