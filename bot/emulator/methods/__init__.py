"""Bot API methods; importing the modules registers them."""

from bot.emulator.methods import (
    account,
    callbacks,
    editing,
    inline,
    payments,
    sending,
    updates,
)
from bot.emulator.methods.registry import Handler, find

__all__ = [
    "Handler",
    "account",
    "callbacks",
    "editing",
    "find",
    "inline",
    "payments",
    "sending",
    "updates",
]
