"""A local Telegram Bot API emulator: the bot talks HTTP to it, tests play the users.

emu = BotApiEmulator(token="123:TEST")
await emu.start()
app = Application.builder().token(emu.token).base_url(emu.base_url)
    .base_file_url(emu.base_file_url).build()
ann = emu.user(42, "Ann", username="ann")
await ann.send("/start")
menu = await ann.next_message()
await ann.press_button(menu, "Add to cart")
"""

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.errors import ApiError
from bot.emulator.faults import Fault
from bot.emulator.groups import GroupMember, Supergroup
from bot.emulator.inline import InlineAnswer, InlineQuery, InlineResult
from bot.emulator.markup import Button
from bot.emulator.messages import Message, NoSuchButton
from bot.emulator.state import (
    ApiCall,
    CallbackAnswer,
    CallbackQuery,
    PreCheckoutAnswer,
    PreCheckoutQuery,
    Webhook,
)
from bot.emulator.users import SimulatedUser

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "Button",
    "CallbackAnswer",
    "CallbackQuery",
    "Fault",
    "GroupMember",
    "InlineAnswer",
    "InlineQuery",
    "InlineResult",
    "Message",
    "NoSuchButton",
    "PreCheckoutAnswer",
    "PreCheckoutQuery",
    "SimulatedUser",
    "Supergroup",
    "Webhook",
]
