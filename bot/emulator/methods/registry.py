"""Bot API method registry; method names are case-insensitive, as on api.telegram.org."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.params import Params
from bot.emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Params], Awaitable[Any]]

_METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _METHODS[name.lower()] = (name, handler)
        return handler

    return register


def find(name: str) -> tuple[str, Handler] | None:
    """The canonical method name and its handler."""
    return _METHODS.get(name.lower())
