"""Everything the emulated Telegram remembers: chats, messages, updates, queries, calls."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.files import FileStore
from bot.emulator.inline import InlineQuery
from bot.emulator.markup import Markup
from bot.emulator.messages import ChatEvent, EventKind, JsonDict, StoredMessage
from bot.emulator.waiting import Signal


@dataclass(frozen=True)
class UserProfile:
    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def as_user(self) -> JsonDict:
        body: JsonDict = {"id": self.telegram_id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                body[key] = value
        return body

    def as_private_chat(self) -> JsonDict:
        body: JsonDict = {"id": self.telegram_id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if (value := getattr(self, key)) is not None:
                body[key] = value
        return body


@dataclass
class Chat:
    """A private chat between the bot and one simulated user."""

    profile: UserProfile
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[ChatEvent] = field(default_factory=list)
    reply_keyboard: Markup | None = None
    # The user blocked the bot: Telegram refuses everything the bot sends to this chat with 403.
    blocked: bool = False
    # Wakes only this chat's user, so a thousand waiting users don't all wake for every call.
    signal: Signal = field(default_factory=Signal)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def chat_id(self) -> int:
        return self.profile.telegram_id

    def add_message(self, sender: JsonDict, content: JsonDict) -> StoredMessage:
        message_id = next(self._ids)
        body = {
            "message_id": message_id,
            "from": sender,
            "chat": self.as_chat(),
            "date": int(time.time()),
            **content,
        }
        stored = StoredMessage(body)
        self.messages[message_id] = stored
        return stored

    def as_chat(self) -> JsonDict:
        """The chat as messages in it carry it (a group overrides this: bot.emulator.groups)."""
        return self.profile.as_private_chat()

    def message(self, message_id: int, *, missing: str) -> StoredMessage:
        stored = self.messages.get(message_id)
        if stored is None or stored.deleted:
            raise bad_request(missing)
        return stored

    def record(self, kind: EventKind, stored: StoredMessage) -> None:
        self.events.append(ChatEvent(kind, stored.snapshot()))
        self.signal.notify()


@dataclass
class UpdateQueue:
    pending: list[JsonDict] = field(default_factory=list)
    allowed_updates: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def push(self, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": next(self._ids), kind: payload}
        self.pending.append(update)
        return update

    def confirm(self, offset: int) -> None:
        """Drops what the bot has seen: ids below `offset`, or all but the last -offset."""
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def take(self, limit: int) -> list[JsonDict]:
        if self.allowed_updates:
            self.pending = [u for u in self.pending if _kind(u) in self.allowed_updates]
        return self.pending[:limit]

    def drop(self, update_id: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] != update_id]


def _kind(update: JsonDict) -> str:
    return next(key for key in update if key != "update_id")


@dataclass
class CallbackQuery:
    """A button press; `answer` is filled by answerCallbackQuery."""

    id: str
    chat_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class PreCheckoutQuery:
    id: str
    chat_id: int
    currency: str
    total_amount: int
    invoice_payload: str
    answer: PreCheckoutAnswer | None = None


STARS = "XTR"  # Telegram Stars' currency code


@dataclass
class StarPayment:
    """A payment in Telegram Stars the emulator took, kept so refundStarPayment can check it."""

    charge_id: str
    user: JsonDict  # the payer, as a User object
    amount: int
    date: int
    refunded: bool = False

    @property
    def user_id(self) -> int:
        return int(self.user["id"])


@dataclass(frozen=True)
class PreCheckoutAnswer:
    query_id: str
    ok: bool
    error_message: str | None


@dataclass(frozen=True)
class ApiCall:
    """One call the bot made, in order; `params` are typed where the method read them."""

    index: int
    method: str
    params: dict[str, Any]
    status: int
    result: Any = None
    description: str | None = None
    at: float = field(default_factory=time.monotonic)  # when it was answered

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class EmulatorState:
    token: str
    bot_name: str
    bot_username: str
    signal: Signal = field(default_factory=Signal)
    chats: dict[int, Chat] = field(default_factory=dict)
    files: FileStore = field(default_factory=FileStore)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    callback_queries: dict[str, CallbackQuery] = field(default_factory=dict)
    pre_checkout_queries: dict[str, PreCheckoutQuery] = field(default_factory=dict)
    inline_queries: dict[str, InlineQuery] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JsonDict]] = field(default_factory=dict)
    invoice_links: dict[str, JsonDict] = field(default_factory=dict)  # createInvoiceLink's
    star_payments: dict[str, StarPayment] = field(default_factory=dict)  # by charge id
    star_transactions: list[JsonDict] = field(default_factory=list)  # oldest first
    menu_buttons: dict[int | None, JsonDict] = field(default_factory=dict)
    chat_actions: list[tuple[int, str]] = field(default_factory=list)
    webhook: Webhook = field(default_factory=Webhook)
    calls: list[ApiCall] = field(default_factory=list)
    closing: bool = False
    poll_generation: int = 0
    waiting_polls: int = 0
    _query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    def bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def chat(self, chat_id: int | str | None) -> Chat:
        try:
            chat = self.chats.get(int(chat_id)) if chat_id is not None else None
        except ValueError:
            chat = None
        if chat is None:
            raise bad_request("chat not found" if chat_id is not None else "chat_id is empty")
        return chat

    def notify_chat(self, chat_id: int) -> None:
        """Something in this chat changed that is not a message, e.g. a query was answered."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.signal.notify()
        self.signal.notify()

    def new_query_id(self) -> str:
        return f"{self.bot_id}{next(self._query_ids):08d}"

    def push_update(self, kind: str, payload: JsonDict) -> JsonDict:
        update = self.updates.push(kind, payload)
        self.signal.notify()
        return update

    def record_call(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.signal.notify()


def recent_calls(state: EmulatorState, count: int = 5) -> str:
    """The bot's last calls (polling aside), for timeout messages that explain themselves."""
    calls = [call for call in state.calls if call.method != "getUpdates"][-count:]
    if not calls:
        return "the bot made no API calls besides getUpdates"
    shown = [
        f"{call.method} -> {'ok' if call.ok else f'{call.status} {call.description}'}"
        for call in calls
    ]
    return "last calls: " + "; ".join(shown)
