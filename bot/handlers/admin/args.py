"""Reading an admin command's arguments; a wrong one answers with the command's usage line."""

from __future__ import annotations

from collections.abc import Sequence

from bot.handlers.router import usage_line
from bot.keyboards.callbacks import MAX_INT
from bot.services.errors import InvalidInput


class Args:
    def __init__(self, command: str, args: Sequence[str] | None) -> None:
        self.command = command
        self.values = list(args or ())

    def __len__(self) -> int:
        return len(self.values)

    def wrong(self) -> InvalidInput:
        return InvalidInput("admin.usage", usage=usage_line(self.command))

    def word(self, index: int) -> str:
        if index >= len(self.values):
            raise self.wrong()
        return self.values[index]

    def integer(self, index: int, *, minimum: int = 0) -> int:
        word = self.word(index).lstrip("#")
        if not word.isascii() or not word.lstrip("-").isdigit():
            raise self.wrong()
        # Past MAX_INT no id exists, and a query with it overflows the column.
        if not minimum <= int(word) <= MAX_INT:
            raise self.wrong()
        return int(word)

    def product(self, index: int) -> int | str:
        """A product's id (`12`, `#12`) or its SKU (`HOODIE-M`), as the admin typed it."""
        word = self.word(index)
        number = word.lstrip("#")
        if not (number.isascii() and number.isdigit()):
            return word
        if not 1 <= int(number) <= MAX_INT:
            raise self.wrong()
        return int(number)

    def rest(self, start: int) -> str:
        """Everything from `start` on, as typed (spaces between words kept single)."""
        text = " ".join(self.values[start:]).strip()
        if not text:
            raise self.wrong()
        return text

    def optional_integer(self, index: int, *, minimum: int = 0) -> int | None:
        return self.integer(index, minimum=minimum) if index < len(self.values) else None

    def at_most(self, count: int) -> Args:
        if len(self.values) > count:
            raise self.wrong()
        return self
