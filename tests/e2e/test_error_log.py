"""When handling an update fails, the log says what kind of update it was, never its text."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import ShopApplication
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.faults import Fault

PRIVATE = "+49 30 1234567, Hauptstraße 5"


@pytest.mark.parametrize("sent", [PRIVATE, f"/start {PRIVATE}"])
async def test_a_failed_update_is_logged_by_kind_and_length_without_its_text(
    shop: ShopApplication,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
    sent: str,
) -> None:
    ann = emulator.user(42, "Ann")
    emulator.inject("sendMessage", Fault.bad_request("something unexpected"), times=2)

    with caplog.at_level(logging.INFO):
        await ann.send(sent)
        for _ in range(100):  # until the shop has given up on the update
            if any("failed to handle" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)

    failures = [r.getMessage() for r in caplog.records if "failed to handle" in r.getMessage()]
    assert failures, "the failure was logged"
    assert f"{len(sent)} characters" in failures[0]
    logged = "\n".join(caplog.text.splitlines())
    assert "1234567" not in logged and "Hauptstraße" not in logged
