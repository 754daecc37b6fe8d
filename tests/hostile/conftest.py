"""Hypothesis profiles for the hostile-input tests, and a net for errors logged while they run.

The default profile is derandomized with a modest example count, so the suite stays fast on
both databases and a CI run tries exactly what the last local run tried. Pick another with
HYPOTHESIS_PROFILE=thorough for a longer, random hunt.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import HealthCheck, settings

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.runner import running_shop
from tests.conftest import shop_settings

# Every example runs against the one shop its test started: the shop, emulator and database
# are function-scoped fixtures on purpose, and each example uses a fresh customer.
for name, examples, derandomize in (("hostile", 12, True), ("thorough", 200, False)):
    settings.register_profile(
        name,
        max_examples=examples,
        derandomize=derandomize,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "hostile")
settings.load_profile(PROFILE)
# Tests of a single step each can afford more examples than the multi-step ones.
SINGLE_STEP = settings(max_examples=settings.get_profile(PROFILE).max_examples * 3)


class ErrorLog(logging.Handler):
    """Remembers every record of level ERROR or worse, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        """What was logged since the last take, with the exception that caused it."""
        taken = [
            record.getMessage() + (f": {record.exc_info[1]!r}" if record.exc_info else "")
            for record in self.records
        ]
        self.records.clear()
        return taken


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture
async def shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """The running shop without per-chat flood control: these tests press buttons at machine
    speed to test other rules, and tests/test_flood_control.py tests the flood limit itself."""
    settings = shop_settings(emulator, db, flood_updates_per_second=0)
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app
