"""Handling many customers' updates at once while each customer's stay in order.

python-telegram-bot handles one update at a time by default, so every customer waits for every
other customer's database queries and Bot API calls. Handling updates concurrently hides those
waits, but a customer who sends two messages quickly (an address, then a city) must still have
them handled one after the other, as they were sent.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import structlog
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.botapi.flood import FloodGate, Verdict
from bot.botapi.metering import update_kind
from bot.metrics import ShopMetrics

log = logging.getLogger(__name__)

# Told to a chat whose updates are being dropped (once per flood), e.g. "slow down".
FloodNotice = Callable[[Update], Awaitable[None]]

# Updates handled at once, across customers; one customer's are never handled side by side.
# More only lengthens the event loop's queue: each database round trip of every update then
# waits behind all the others, and a slow few end up waiting seconds (bench/updates.py).
MAX_CONCURRENT_UPDATES = 64


class _Handling:
    """The update this task is handling, as far as its metrics go."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed = False


# Set while an update is handled: python-telegram-bot runs its error handler in the same task.
_HANDLING: ContextVar[_Handling | None] = ContextVar("shopbot_handling", default=None)


def handling_failed() -> None:
    """Called by the error handler: the update this task is handling counts as an error."""
    handling = _HANDLING.get()
    if handling is not None:
        handling.failed = True


class _Turns:
    __slots__ = ("lock", "queued")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()  # first come, first served
        self.queued = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates from different chats run concurrently; one chat's run one at a time, in the
    order Telegram sent them. Updates without a chat or user (rare) run at once. With a
    `flood_gate`, a chat past its limit has its updates dropped unhandled, and `on_flood`
    tells it once per flood. With `metrics`, each update is counted and timed."""

    __slots__ = ("_flood_gate", "_metrics", "_on_flood", "_turns")

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        *,
        flood_gate: FloodGate | None = None,
        on_flood: FloodNotice | None = None,
        metrics: ShopMetrics | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, _Turns] = {}
        self._flood_gate = flood_gate
        self._on_flood = on_flood
        self._metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Every line logged while the update is handled, by its handlers, the error handler or
        # the libraries they call, names it (bot.logs). python-telegram-bot handles each update
        # in a task of its own, so the binding is the update's alone; it ends with the handling.
        context = {"update_id": update.update_id} if isinstance(update, Update) else {}
        with structlog.contextvars.bound_contextvars(**context):
            await self._process(update, coroutine)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _sender(update)
        if key is None:
            await self._handle(update, coroutine)
            return
        if self._flood_gate is not None:
            verdict = self._flood_gate.admit(key)
            if verdict is not Verdict.ALLOW:
                if self._metrics is not None:
                    self._metrics.updates.labels(update_kind(update), "dropped").inc()
                await self._drop(update, coroutine, warn=verdict is Verdict.DROP_AND_WARN)
                return
        turns = self._turns.get(key)
        if turns is None:
            turns = self._turns[key] = _Turns()
        turns.queued += 1
        try:
            try:
                await turns.lock.acquire()
            except BaseException:  # cancelled while waiting: the update is dropped unstarted
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                raise
            try:
                await self._handle(update, coroutine)
            finally:
                turns.lock.release()
        finally:
            turns.queued -= 1
            if not turns.queued:
                del self._turns[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        metrics = self._metrics
        if metrics is None:
            await coroutine
            return
        handling = _Handling()
        token = _HANDLING.set(handling)
        started = time.perf_counter()
        try:
            await coroutine
        except BaseException:  # cancelled as the shop stopped: it did not finish
            handling.failed = True
            raise
        finally:
            _HANDLING.reset(token)
            kind = update_kind(update)
            metrics.update_seconds.labels(kind).observe(time.perf_counter() - started)
            metrics.updates.labels(kind, "error" if handling.failed else "ok").inc()

    async def _drop(self, update: object, coroutine: Awaitable[Any], *, warn: bool) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()
        if not warn or not isinstance(update, Update):
            return
        log.warning("chat %s is flooding; dropping its updates for now", _sender(update))
        if self._on_flood is not None:
            try:
                await self._on_flood(update)
            except Exception:  # telling them is a courtesy; failing to must not break anything
                log.warning("could not tell a flooding chat to slow down", exc_info=True)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for running updates itself."""


class UpdateBacklog(asyncio.Queue[Any]):
    """The application's update queue, bounded together with the updates being handled.

    python-telegram-bot takes each update off its queue at once and starts a task for it, so a
    queue's own bound never fills and a flood of updates becomes a flood of tasks. Here an update
    is only taken off while fewer than `max_handling` are being handled (the application calls
    task_done() when one is finished); the rest wait in the queue, at most `maxsize` of them. A
    full queue makes polling wait before asking Telegram for more, and the webhook answer
    "retry later", so Telegram keeps the surplus instead of this process's memory."""

    def __init__(self, maxsize: int, *, max_handling: int) -> None:
        super().__init__(maxsize)
        self._max_handling = max_handling
        self._handling = 0
        self._slot_freed = asyncio.Event()

    @property
    def handling(self) -> int:
        return self._handling

    async def get(self) -> Any:
        while self._handling >= self._max_handling:
            self._slot_freed.clear()
            await self._slot_freed.wait()
        return await super().get()  # which takes the update through get_nowait()

    def get_nowait(self) -> Any:
        update = super().get_nowait()
        self._handling += 1
        return update

    def task_done(self) -> None:
        super().task_done()
        self._handling = max(self._handling - 1, 0)
        self._slot_freed.set()


def _sender(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
