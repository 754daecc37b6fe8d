"""Change notification that lets tests wait for emulator state deterministically, without sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """Wakes every waiter whenever anything in the emulator changes.

    `notify()` is synchronous so state changes never need to await; each waiter re-checks its own
    condition after every change, so no notification can be missed between check and wait.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(self, probe: Callable[[], T | None], seconds: float | None) -> T:
        """Returns the first non-None value of `probe()`; raises TimeoutError after `seconds`."""
        async with asyncio.timeout(seconds):
            while True:
                found = probe()
                if found is not None:
                    return found
                await self._event.wait()

    async def changed(self, seconds: float) -> bool:
        """Waits for the next change; False if `seconds` passed first."""
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return False
        return True
