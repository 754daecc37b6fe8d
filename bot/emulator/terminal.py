"""A terminal chat with the bot through the emulator: type as a user, see what the bot does."""

from __future__ import annotations

import asyncio
import itertools
import re
import shlex
from collections.abc import Callable
from pathlib import Path

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.markup import Button
from bot.emulator.messages import Message, NoSuchButton
from bot.emulator.state import CallbackQuery
from bot.emulator.users import SimulatedUser
from bot.texts import console as words

# "#3" presses button 3. A plain number is text: a price, a quantity or a postal code typed
# into a form must never press a button.
_BUTTON_NUMBER = re.compile(r"^#([0-9]{1,3})$")

HELP = """\
text           send a message (commands start with /)
#N             press button N of the latest message that has buttons (#1, #2…)
:send TEXT     send TEXT as it is, even one starting with # or :
:press TEXT    press the button labelled TEXT on the latest message that has it
:doc PATH [CAPTION]   send a file as a document
:photo PATH [CAPTION] send a picture (the caption may be a command)
:album PATH PATH…     send 2 to 10 pictures as one album (after /editproduct ID photos)
:save PATH     save the latest photo or document the bot sent (a /stats chart) to PATH
:pay           pay the latest invoice
:calls         the bot's last API calls
:help          this text
:quit          stop"""


def render(message: Message, *, numbered: bool = False) -> str:
    """One bot message as the console shows it, keyboard included."""
    kind = "edited" if message.edited else "bot"
    lines = [f"[{kind} #{message.message_id}] {message.content}"]
    lines += attachment_lines(message)
    lines += keyboard_lines(message, numbered=numbered)
    return "\n".join(lines)


def attachment_lines(message: Message) -> list[str]:
    lines = []
    if message.invoice:
        invoice = message.invoice
        amount = f"{invoice['total_amount']} {invoice['currency']}"
        lines.append(words.invoice(invoice["title"], amount))
    if message.photo:
        lines.append(words.WITH_PHOTO)
    if message.document:
        lines.append(words.with_document(message.document.get("file_name", "")))
    return lines


def keyboard_lines(message: Message, *, numbered: bool = False) -> list[str]:
    """One line per keyboard row; numbered, the buttons count up from 1 across the rows."""
    if not numbered:
        return ["  " + " ".join(f"[{b.text}]" for b in row) for row in message.buttons]
    number = itertools.count(1)
    return ["  " + "  ".join(f"[#{next(number)}] {b.text}" for b in row) for row in message.buttons]


def button_number(line: str) -> int | None:
    """The button a line like "#3" presses; None for anything else, which is sent as text."""
    match = _BUTTON_NUMBER.match(line.strip())
    return int(match[1]) if match else None


class Console:
    """Turns typed lines into user actions; returns text to print."""

    def __init__(self, emulator: BotApiEmulator, user: SimulatedUser) -> None:
        self.emulator = emulator
        self.user = user
        self.last_query: CallbackQuery | None = None  # the latest button press, to await its answer
        # What to say when a URL button is pressed, if something better than its address.
        self.describe_link: Callable[[str], str | None] = lambda url: None

    async def handle(self, line: str) -> str | None:
        line = line.strip()
        if not line:
            return None
        number = button_number(line)
        if number is not None:
            return await self.press_number(number)
        if not line.startswith(":"):
            await self.user.send(line)
            return None
        command, _, rest = line.partition(" ")
        handler = {
            ":send": self._send,
            ":press": self._press,
            ":doc": self._document,
            ":photo": self._photo,
            ":album": self._album,
            ":save": self._save,
            ":pay": self._pay,
            ":calls": self._calls,
            ":help": self._help,
        }.get(command)
        if handler is None:
            return words.unknown_command(command)
        try:
            return await handler(rest.strip())
        except (LookupError, OSError, ValueError) as error:
            return f"! {error}"

    def latest_with_buttons(self) -> Message | None:
        """The message numbers refer to: the newest bot message that has inline buttons."""
        return next((m for m in reversed(self.user.bot_messages) if m.buttons), None)

    async def press_number(self, number: int) -> str | None:
        message = self.latest_with_buttons()
        if message is None:
            return words.NO_BUTTONS_YET
        buttons = [button for row in message.buttons for button in row]
        if not 1 <= number <= len(buttons):
            return words.no_such_button(number, len(buttons))
        return await self._press_on(message, buttons[number - 1])

    async def _press_on(self, message: Message, button: Button) -> str | None:
        if button.callback_data is None:
            if not button.url:
                return words.BUTTON_DOES_NOTHING
            return self.describe_link(button.url) or words.button_opens(button.url)
        self.last_query = await self.user.press(message, button.callback_data)
        return None

    async def _send(self, text: str) -> str | None:
        if not text:
            raise ValueError(words.SEND_WHAT)
        await self.user.send(text)
        return None

    async def _press(self, text: str) -> str | None:
        for message in reversed(self.user.bot_messages):
            if text in message.button_texts:
                return await self._press_on(message, message.button(text))
        raise NoSuchButton(words.no_message_has_button(text))

    async def _document(self, rest: str) -> str | None:
        path, *caption = shlex.split(rest)
        content = await asyncio.to_thread(Path(path).read_bytes)
        await self.user.send_document(
            content, file_name=Path(path).name, caption=" ".join(caption) or None
        )
        return None

    async def _photo(self, rest: str) -> str | None:
        path, *caption = shlex.split(rest)
        content = await asyncio.to_thread(Path(path).read_bytes)
        await self.user.send_photo(content, caption=" ".join(caption) or None)
        return None

    async def _album(self, rest: str) -> str | None:
        contents = [await asyncio.to_thread(Path(path).read_bytes) for path in shlex.split(rest)]
        await self.user.send_album(contents)
        return None

    async def _save(self, rest: str) -> str | None:
        if not rest:
            raise ValueError(words.SAVE_WHERE)
        for message in reversed(self.user.bot_messages):
            attachment = message.photo[-1] if message.photo else message.document
            if attachment:
                content = self.emulator.file_content(attachment["file_id"])
                await asyncio.to_thread(Path(rest).write_bytes, content)
                return words.saved(len(content), rest)
        raise LookupError(words.NOTHING_TO_SAVE)

    async def _pay(self, rest: str) -> str | None:
        for message in reversed(self.user.bot_messages):
            if message.invoice:
                answer = await self.user.pay(message)
                return words.PAYMENT_ACCEPTED if answer.ok else words.declined(answer.error_message)
        raise LookupError(words.NO_INVOICE)

    async def _calls(self, rest: str) -> str | None:
        calls = [c for c in self.emulator.calls if c.method != "getUpdates"][-10:]
        return (
            "\n".join(f"{c.method} {c.status} {c.description or ''}".rstrip() for c in calls)
            or words.NO_CALLS_YET
        )

    async def _help(self, rest: str) -> str | None:
        return HELP
