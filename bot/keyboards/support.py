"""A line to the shop: the customer's "Contact us", and the admins' buttons on a header."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import Menu, back_to_menu, button
from bot.texts import support as support_texts


@register("spc")
@dataclass(frozen=True, slots=True)
class CloseConversation(Callback):
    conversation_id: int


@register("spm")
@dataclass(frozen=True, slots=True)
class MuteCustomer(Callback):
    conversation_id: int


def contact_button() -> list[InlineKeyboardButton]:
    return [button(support_texts.CONTACT_US, Menu("support"))]


def prompt_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([back_to_menu()])


def header_keyboard(conversation_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(support_texts.CLOSE, CloseConversation(conversation_id)),
                button(support_texts.MUTE, MuteCustomer(conversation_id)),
            ]
        ]
    )
