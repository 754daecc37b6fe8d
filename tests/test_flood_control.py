"""One chat flooding the shop is slowed down alone: others are served as usual."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import texts
from bot.botapi.flood import SWEEP_AT, FloodGate, Verdict
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.runner import running_shop
from tests.conftest import shop_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_chat_gets_its_burst_then_its_rate_and_is_warned_once_per_flood() -> None:
    clock = Clock()
    gate = FloodGate(burst=3, per_second=2, clock=clock)

    burst = [gate.admit(1) for _ in range(5)]
    other = gate.admit(2)
    clock.now += 0.5  # one update's worth refilled
    after_a_pause = [gate.admit(1), gate.admit(1)]
    clock.now += 10
    flood_again = [gate.admit(1) for _ in range(5)]

    allow, warn, drop = Verdict.ALLOW, Verdict.DROP_AND_WARN, Verdict.DROP
    assert burst == [allow, allow, allow, warn, drop]
    assert other is allow
    assert after_a_pause == [allow, warn]
    assert flood_again == [allow, allow, allow, warn, drop]


def test_quiet_chats_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    gate = FloodGate(burst=2, per_second=1, clock=clock)
    for chat in range(SWEEP_AT):
        gate.admit(chat)
    clock.now += 60

    gate.admit(SWEEP_AT + 1)

    assert gate.tracked == 1


def test_a_rate_of_zero_turns_it_off() -> None:
    gate = FloodGate(burst=1, per_second=0)
    assert {gate.admit(1) for _ in range(100)} == {Verdict.ALLOW}


async def _quiet(user: SimulatedUser, seconds: float = 0.6) -> None:
    """Until the bot has sent nothing new to this chat for a while."""
    seen = -1
    while seen != len(user.bot_messages):
        seen = len(user.bot_messages)
        await asyncio.sleep(seconds)


async def test_a_flooding_chat_is_slowed_down_while_another_is_served(
    emulator: BotApiEmulator, db: Database
) -> None:
    settings = shop_settings(emulator, db, flood_burst=5, flood_updates_per_second=2)
    async with running_shop(settings, db, token=emulator.token):
        eve, ann = emulator.user(66, "Eve"), emulator.user(42, "Ann")
        for _ in range(200):
            await eve.send("/help")
        await ann.send("/start")
        greeting = await ann.next_message()
        await _quiet(eve)
        flood_answers = [m.content for m in eve.bot_messages]
        await asyncio.sleep(3)  # the bucket refills
        eve.skip_unread()
        await eve.send("/start")
        welcome_back = await eve.next_message()

    assert "Ann" in greeting.content
    slow_downs = [text for text in flood_answers if text == texts.SLOW_DOWN]
    assert len(slow_downs) == 1
    assert 5 <= len(flood_answers) - 1 <= 12  # the burst, and what refilled meanwhile
    assert "Eve" in welcome_back.content


async def test_updates_taken_in_are_bounded_by_the_setting_however_slow_handling_is(
    emulator: BotApiEmulator, db: Database
) -> None:
    """Half being handled, half waiting; Telegram keeps the rest until there is room."""
    settings = shop_settings(emulator, db, max_queued_updates=20)
    release = asyncio.Event()
    entered: list[int] = []

    async def slow(update: Update, context: object) -> None:
        entered.append(update.update_id)
        await release.wait()
        raise ApplicationHandlerStop

    async with running_shop(settings, db, token=emulator.token) as application:
        application.add_handler(TypeHandler(Update, slow), group=-2)
        customers = [emulator.user(5000 + number, f"C{number}") for number in range(60)]
        for customer in customers:
            await customer.send("hello")
        await asyncio.sleep(0.5)
        backlog = application.update_queue
        held = (len(entered), backlog.qsize())
        release.set()
        for _ in range(100):
            if len(entered) == len(customers):
                break
            await asyncio.sleep(0.05)

    assert held == (10, 10)
    assert sorted(entered) == sorted(set(entered)) and len(entered) == len(customers)
