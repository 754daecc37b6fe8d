"""Simulated Telegram users: what a person does in a private chat with the bot, as updates."""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Sequence
from typing import Any

from bot.emulator.inline import InlineAnswer, InlineQuery, check_query, chosen_message
from bot.emulator.markup import reply_keyboard
from bot.emulator.messages import JsonDict, Message, NoSuchButton, StoredMessage
from bot.emulator.state import (
    STARS,
    CallbackAnswer,
    CallbackQuery,
    Chat,
    EmulatorState,
    PreCheckoutAnswer,
    PreCheckoutQuery,
    StarPayment,
    UserProfile,
    recent_calls,
)
from bot.emulator.text import command_entities

# What a Telegram app sends as one album (sendMediaGroup takes the same 2-10).
ALBUM_MIN, ALBUM_MAX = 2, 10

DEFAULT_TIMEOUT = 5.0
MessageRef = Message | int
InvoiceRef = MessageRef | str  # an invoice message, or a link createInvoiceLink returned


class SimulatedUser:
    """One person chatting with the bot; every action queues the update Telegram would send."""

    def __init__(self, state: EmulatorState, chat: Chat) -> None:
        self._state = state
        self._chat = chat
        self._cursor = 0

    @property
    def profile(self) -> UserProfile:
        return self._chat.profile

    @property
    def telegram_id(self) -> int:
        return self.profile.telegram_id

    @property
    def chat_id(self) -> int:
        return self._chat.chat_id

    # What the user does

    async def send(self, text: str, *, reply_to: MessageRef | None = None) -> Message:
        """A text message, maybe replying to one; /commands get bot_command entities."""
        content: dict[str, Any] = {"text": text, "entities": command_entities(text) or None}
        if reply_to is not None:
            content["reply_to_message"] = self._replied(reply_to)
        return self._post(content)

    async def edit(self, message: MessageRef, text: str) -> Message:
        """The user edits a text they sent: Telegram sends the bot an edited_message update."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted or stored.from_bot:
            raise LookupError(f"message {message_id} is not one {self.profile.first_name} sent")
        stored.edit({"text": text, "entities": command_entities(text) or None})
        self._state.push_update("edited_message", copy.deepcopy(stored.json))
        return stored.snapshot()

    def block_bot(self) -> None:
        """Telegram refuses the bot's messages to this user (403) until they write to it again."""
        self._chat.blocked = True

    async def send_document(
        self,
        content: bytes,
        *,
        file_name: str = "document.bin",
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> Message:
        stored = self._state.files.add(
            content, kind="document", file_name=file_name, mime_type=mime_type
        )
        return self._post({"document": stored.document(), **_caption(caption)})

    async def send_photo(
        self, content: bytes, *, caption: str | None = None, reply_to: MessageRef | None = None
    ) -> Message:
        stored = self._state.files.add(content, kind="photo", mime_type="image/jpeg")
        body: dict[str, Any] = {"photo": [stored.photo_size()], **_caption(caption)}
        if reply_to is not None:
            body["reply_to_message"] = self._replied(reply_to)
        return self._post(body)

    async def send_album(
        self, contents: Sequence[bytes], *, caption: str | None = None
    ) -> list[Message]:
        """Photos sent together, as Telegram apps send an album: 2 to 10 of them, one message
        (and one update) each, sharing a media_group_id; the caption goes with the first."""
        if not ALBUM_MIN <= len(contents) <= ALBUM_MAX:
            raise ValueError(f"an album holds {ALBUM_MIN} to {ALBUM_MAX} photos")
        album = str(secrets.randbelow(10**18))
        sent = []
        for number, content in enumerate(contents):
            stored = self._state.files.add(content, kind="photo", mime_type="image/jpeg")
            body: dict[str, Any] = {"photo": [stored.photo_size()], "media_group_id": album}
            sent.append(self._post({**body, **_caption(caption if number == 0 else None)}))
        return sent

    async def send_contact(self, phone_number: str, *, own: bool = True) -> Message:
        """A shared contact: their own (with their user id), or someone else's."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": "Someone"}
        if own:
            contact |= {"first_name": self.profile.first_name, "user_id": self.profile.telegram_id}
        return self._post({"contact": contact})

    async def send_sticker(self, emoji: str = "👍") -> Message:
        sticker = {
            "file_id": f"sticker-{emoji}",
            "file_unique_id": f"sticker-{emoji}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post({"sticker": sticker})

    async def send_location(self, latitude: float, longitude: float) -> Message:
        return self._post({"location": {"latitude": latitude, "longitude": longitude}})

    async def press(self, message: MessageRef, callback_data: str) -> CallbackQuery:
        """Presses the inline button carrying `callback_data` on the message as it is now."""
        stored = self._bot_message(message)
        stored.snapshot().button_with_data(callback_data)
        return self._press(stored, callback_data)

    async def press_forged(self, message: MessageRef, callback_data: str) -> CallbackQuery:
        """Sends a callback the message has no button for, as a modified client could."""
        return self._press(self._bot_message(message), callback_data)

    async def press_button(self, message: MessageRef, text: str) -> CallbackQuery:
        """Presses the inline button labelled `text` on the message as it is now."""
        stored = self._bot_message(message)
        button = stored.snapshot().button(text)
        if button.callback_data is None:
            raise NoSuchButton(f"button {text!r} sends no callback (url={button.url!r})")
        return self._press(stored, button.callback_data)

    async def pre_checkout(
        self,
        invoice: InvoiceRef,
        *,
        order_info: JsonDict | None = None,
        shipping_option_id: str | None = None,
    ) -> PreCheckoutQuery:
        """The user confirmed payment of an invoice; the bot must answer the query."""
        invoice_payload, details = self._invoice(invoice)
        query = PreCheckoutQuery(
            id=self._state.new_query_id(),
            chat_id=self.chat_id,
            currency=details["currency"],
            total_amount=details["total_amount"],
            invoice_payload=invoice_payload,
        )
        self._state.pre_checkout_queries[query.id] = query
        payload: JsonDict = {
            "id": query.id,
            "from": self.profile.as_user(),
            "currency": query.currency,
            "total_amount": query.total_amount,
            "invoice_payload": query.invoice_payload,
        }
        if order_info is not None:
            payload["order_info"] = order_info
        if shipping_option_id is not None:
            payload["shipping_option_id"] = shipping_option_id
        self._state.push_update("pre_checkout_query", payload)
        return query

    async def successful_payment(
        self,
        invoice: InvoiceRef,
        *,
        telegram_payment_charge_id: str | None = None,
        provider_payment_charge_id: str | None = None,
        order_info: JsonDict | None = None,
    ) -> Message:
        """The service message Telegram sends after the money moved."""
        invoice_payload, details = self._invoice(invoice)
        payment: JsonDict = {
            "currency": details["currency"],
            "total_amount": details["total_amount"],
            "invoice_payload": invoice_payload,
            "telegram_payment_charge_id": telegram_payment_charge_id or _charge_id("tg"),
            "provider_payment_charge_id": provider_payment_charge_id or _charge_id("pr"),
        }
        if order_info is not None:
            payment["order_info"] = order_info
        if details["currency"] == STARS:
            self._record_stars(payment)
        return self._post({"successful_payment": payment})

    def _record_stars(self, payment: JsonDict) -> None:
        """Stars move inside Telegram: the emulator keeps the charge (for refundStarPayment)
        and the bot's incoming transaction (for getStarTransactions)."""
        charge_id = payment["telegram_payment_charge_id"]
        user = self.profile.as_user()
        date = int(time.time())
        self._state.star_payments[charge_id] = StarPayment(
            charge_id, user, payment["total_amount"], date
        )
        self._state.star_transactions.append(
            {
                "id": charge_id,
                "amount": payment["total_amount"],
                "date": date,
                "source": {
                    "type": "user",
                    "user": user,
                    "transaction_type": "invoice_payment",
                    "invoice_payload": payment["invoice_payload"],
                },
            }
        )

    async def pay(
        self,
        invoice: InvoiceRef,
        *,
        order_info: JsonDict | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> PreCheckoutAnswer:
        """The whole checkout: pre-checkout query, the bot's answer, payment if it said ok."""
        query = await self.pre_checkout(invoice, order_info=order_info)
        answer = await self.pre_checkout_answer(query, timeout=timeout)
        if answer.ok:
            await self.successful_payment(invoice, order_info=order_info)
        return answer

    async def inline_query(
        self, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> InlineQuery:
        """The user typed `@bot query` in a chat (their own with the bot: "sender"); `offset`
        is the next_offset of the answer before, when the user scrolls on."""
        check_query(query, offset, chat_type)
        inline = InlineQuery(self._state.new_query_id(), self.chat_id, query, offset, chat_type)
        self._state.inline_queries[inline.id] = inline
        payload: JsonDict = {
            "id": inline.id,
            "from": self.profile.as_user(),
            "query": query,
            "offset": offset,
        }
        if chat_type is not None:
            payload["chat_type"] = chat_type
        self._state.push_update("inline_query", payload)
        return inline

    async def choose(self, answer: InlineAnswer, result_id: str) -> Message:
        """The user picked a result: its message is posted in their chat "via @bot", and the
        bot receives it as any message in its chat."""
        result = answer.result(result_id)
        return self._post(chosen_message(result, self._state.files, self._state.bot_user()))

    # What the user sees

    async def next_message(
        self,
        timeout: float | None = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> Message:
        """The next message the bot sent or edited in this chat, after the last one returned."""
        try:
            return await self._chat.signal.wait_for(self._unread_message, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{self.profile.first_name} got no new or edited message from the bot within "
                f"{timeout}s; {recent_calls(self._state)}"
            ) from None

    def skip_unread(self) -> None:
        """Forget what the bot has done so far; next_message then waits for something new."""
        self._cursor = len(self._chat.events)

    async def callback_answer(
        self,
        query: CallbackQuery,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Waits until the bot answers this button press."""
        try:
            return await self._chat.signal.wait_for(lambda: query.answer, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"callback query {query.data!r} was not answered within {timeout}s; "
                f"{recent_calls(self._state)}"
            ) from None

    async def pre_checkout_answer(
        self,
        query: PreCheckoutQuery,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> PreCheckoutAnswer:
        try:
            return await self._chat.signal.wait_for(lambda: query.answer, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"pre-checkout query was not answered within {timeout}s; "
                f"{recent_calls(self._state)}"
            ) from None

    async def inline_answer(
        self,
        query: InlineQuery,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> InlineAnswer:
        """Waits until the bot answers this inline query."""
        try:
            return await self._chat.signal.wait_for(lambda: query.answer, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"inline query {query.query!r} was not answered within {timeout}s; "
                f"{recent_calls(self._state)}"
            ) from None

    @property
    def messages(self) -> list[Message]:
        """The chat as it is now, both sides, oldest first; deleted messages are gone."""
        return [m.snapshot() for m in self._chat.messages.values() if not m.deleted]

    @property
    def bot_messages(self) -> list[Message]:
        return [message for message in self.messages if message.from_bot]

    @property
    def last_bot_message(self) -> Message | None:
        found = self.bot_messages
        return found[-1] if found else None

    @property
    def reply_keyboard(self) -> tuple[tuple[str, ...], ...] | None:
        """Button texts of the reply keyboard the bot left open, if any."""
        markup = self._chat.reply_keyboard
        return reply_keyboard(markup) if markup else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        queries = self._state.callback_queries.values()
        return [q.answer for q in queries if q.chat_id == self.chat_id and q.answer is not None]

    @property
    def chat_actions(self) -> list[str]:
        return [action for chat_id, action in self._state.chat_actions if chat_id == self.chat_id]

    # Internals

    def _post(self, content: dict[str, Any]) -> Message:
        # Telegram apps unblock the bot when the user writes to it ("Restart").
        self._chat.blocked = False
        body = {key: value for key, value in content.items() if value is not None}
        stored = self._chat.add_message(self.profile.as_user(), body)
        self._state.push_update("message", copy.deepcopy(stored.json))
        return stored.snapshot()

    def _press(self, stored: StoredMessage, data: str) -> CallbackQuery:
        query = CallbackQuery(
            self._state.new_query_id(), self.chat_id, int(stored.json["message_id"]), data
        )
        self._state.callback_queries[query.id] = query
        payload = {
            "id": query.id,
            "from": self.profile.as_user(),
            "message": copy.deepcopy(stored.json),
            "chat_instance": f"{self.chat_id}{self._state.bot_id}",
            "data": data,
        }
        self._state.push_update("callback_query", payload)
        return query

    def _replied(self, message: MessageRef) -> JsonDict:
        """The message as Telegram embeds it in a reply: without its own reply_to_message."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise LookupError(f"message {message_id} is not in {self.profile.first_name}'s chat")
        return {k: copy.deepcopy(v) for k, v in stored.json.items() if k != "reply_to_message"}

    def _bot_message(self, message: MessageRef) -> StoredMessage:
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise LookupError(f"message {message_id} is not in {self.profile.first_name}'s chat")
        if not stored.from_bot:
            raise LookupError(f"message {message_id} was sent by the user, not the bot")
        return stored

    def _invoice(self, invoice: InvoiceRef) -> tuple[str, JsonDict]:
        """The invoice's payload and details (currency, total_amount); a link is paid as
        Telegram pays one opened in a Mini App: the payment lands in the chat with the bot."""
        if isinstance(invoice, str):
            details = self._state.invoice_links.get(invoice)
            if details is None:
                raise LookupError(f"{invoice} is no link createInvoiceLink returned")
            return details["payload"], details
        stored = self._bot_message(invoice)
        found = stored.json.get("invoice")
        if found is None:
            raise LookupError(f"message {stored.json['message_id']} is not an invoice")
        return stored.invoice_payload or "", found

    def _unread_message(self) -> Message | None:
        events = self._chat.events
        while self._cursor < len(events):
            event = events[self._cursor]
            self._cursor += 1
            if event.kind != "deleted":
                return event.message
        return None


def _caption(caption: str | None) -> JsonDict:
    if caption is None:
        return {}
    return {"caption": caption, "caption_entities": command_entities(caption) or None}


def _charge_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"
