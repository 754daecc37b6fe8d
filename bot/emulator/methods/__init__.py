"""Bot API methods; importing the modules registers them."""

from bot.emulator.methods import account, callbacks, editing, payments, sending, updates
from bot.emulator.methods.registry import Handler, find

__all__ = [
    "Handler",
    "account",
    "callbacks",
    "editing",
    "find",
    "payments",
    "sending",
    "updates",
]
