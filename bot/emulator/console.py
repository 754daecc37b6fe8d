"""A terminal chat with the bot through the emulator: type as a user, see what the bot does."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message, NoSuchButton
from bot.emulator.users import SimulatedUser

HELP = """\
text           send a message (commands start with /)
:press TEXT    press the button labelled TEXT on the latest message that has it
:doc PATH [CAPTION]   send a file as a document
:photo PATH    send a picture
:pay           pay the latest invoice
:calls         the bot's last API calls
:help          this text
:quit          stop"""


def render(message: Message) -> str:
    """One bot message as the console shows it, keyboard included."""
    kind = "edited" if message.edited else "bot"
    lines = [f"[{kind} #{message.message_id}] {message.content}"]
    if message.invoice:
        invoice = message.invoice
        lines.append(
            f"  invoice: {invoice['title']} {invoice['total_amount']} {invoice['currency']}"
        )
    if message.photo or message.document:
        lines.append("  (with " + ("photo" if message.photo else "document") + ")")
    lines.extend("  " + " ".join(f"[{b.text}]" for b in row) for row in message.buttons)
    return "\n".join(lines)


class Console:
    """Turns typed lines into user actions; returns text to print."""

    def __init__(self, emulator: BotApiEmulator, user: SimulatedUser) -> None:
        self.emulator = emulator
        self.user = user

    async def handle(self, line: str) -> str | None:
        line = line.strip()
        if not line:
            return None
        if not line.startswith(":"):
            await self.user.send(line)
            return None
        command, _, rest = line.partition(" ")
        handler = {
            ":press": self._press,
            ":doc": self._document,
            ":photo": self._photo,
            ":pay": self._pay,
            ":calls": self._calls,
            ":help": self._help,
        }.get(command)
        if handler is None:
            return f"unknown command {command}; try :help"
        try:
            return await handler(rest.strip())
        except (LookupError, OSError, ValueError) as error:
            return f"! {error}"

    async def _press(self, text: str) -> str | None:
        for message in reversed(self.user.bot_messages):
            if text in message.button_texts:
                await self.user.press_button(message, text)
                return None
        raise NoSuchButton(f"no message has a button {text!r}")

    async def _document(self, rest: str) -> str | None:
        path, *caption = shlex.split(rest)
        content = await asyncio.to_thread(Path(path).read_bytes)
        await self.user.send_document(
            content, file_name=Path(path).name, caption=" ".join(caption) or None
        )
        return None

    async def _photo(self, rest: str) -> str | None:
        await self.user.send_photo(await asyncio.to_thread(Path(rest).read_bytes))
        return None

    async def _pay(self, rest: str) -> str | None:
        for message in reversed(self.user.bot_messages):
            if message.invoice:
                answer = await self.user.pay(message)
                return "payment accepted" if answer.ok else f"declined: {answer.error_message}"
        raise LookupError("the bot has sent no invoice")

    async def _calls(self, rest: str) -> str | None:
        calls = [c for c in self.emulator.calls if c.method != "getUpdates"][-10:]
        return (
            "\n".join(f"{c.method} {c.status} {c.description or ''}".rstrip() for c in calls)
            or "no calls yet"
        )

    async def _help(self, rest: str) -> str | None:
        return HELP
