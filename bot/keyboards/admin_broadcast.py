"""The buttons under a /broadcast preview: Send to N customers, or Cancel."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import button
from bot.texts import admin as admin_texts


@register("abc")
@dataclasses.dataclass(frozen=True, slots=True)
class BroadcastChoice(Callback):
    send: int  # 1: send the previewed broadcast; 0: cancel it
    draft: int  # which preview: its /broadcast message, so an older one can't send a newer one


def broadcast_keyboard(recipients: int, draft: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(admin_texts.broadcast_send(recipients), BroadcastChoice(1, draft))],
            [button(admin_texts.CANCEL, BroadcastChoice(0, draft))],
        ]
    )
