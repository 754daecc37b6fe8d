from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from bot.emulator.users import SimulatedUser
from bot.handlers.progress_message import ProgressMessage


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        yield bot


@pytest.fixture
def ann(emulator: BotApiEmulator) -> SimulatedUser:
    return emulator.user(42, "Ann")


async def progress_message(bot: Bot, clock: Clock) -> ProgressMessage:
    message = await bot.send_message(42, "Starting")
    return ProgressMessage(message, "Starting", interval=1.0, clock=clock)


def texts(ann: SimulatedUser) -> list[str]:
    [message] = ann.bot_messages
    return [version.content for version in (*message.history, message)]


async def test_updates_closer_than_the_interval_are_dropped(bot: Bot, ann: SimulatedUser) -> None:
    clock = Clock()
    progress = await progress_message(bot, clock)

    for step, at in enumerate((0.5, 1.0, 1.5, 1.9, 2.0, 2.1), start=1):
        clock.now = 100 + at
        await progress.update(f"{step} / 6")

    assert texts(ann) == ["Starting", "2 / 6", "5 / 6"]


async def test_an_urgent_update_and_the_final_text_are_never_held_back(
    bot: Bot, ann: SimulatedUser
) -> None:
    clock = Clock()
    progress = await progress_message(bot, clock)

    await progress.update("0 / 6", now=True)
    await progress.update("1 / 6")
    await progress.finish("Done")

    assert texts(ann) == ["Starting", "0 / 6", "Done"]


async def test_the_same_text_is_not_sent_twice(
    bot: Bot, ann: SimulatedUser, emulator: BotApiEmulator
) -> None:
    progress = await progress_message(bot, Clock())

    await progress.update("Starting", now=True)
    await progress.finish("Starting")

    assert emulator.calls_to("editMessageText") == []


async def test_a_failed_edit_does_not_stop_the_job_and_the_result_still_arrives(
    bot: Bot, ann: SimulatedUser, emulator: BotApiEmulator
) -> None:
    clock = Clock()
    progress = await progress_message(bot, clock)
    emulator.inject("editMessageText", Fault.bad_request("message to edit not found"), times=2)

    await progress.update("1 / 6", now=True)
    clock.now += 5
    await progress.update("2 / 6")
    await progress.finish("Done")

    assert [message.content for message in ann.bot_messages] == ["Starting", "Done"]
    assert len(emulator.calls_to("editMessageText")) == 2  # no more progress once one failed
