"""The shop's background work: delivering the outbox, expiring unpaid orders, broadcasts,
abandoned-cart reminders and daily backups of an SQLite database.

Each job is one asyncio task running one round at a time. Several bot instances may run them
at once: delivery leases the rows it sends, expiry locks each order and broadcasts claim each
recipient, so nothing is sent or cancelled twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy import select
from telegram import Bot

from bot.config import Settings
from bot.db import Database
from bot.jobs.broadcast_delivery import Broadcaster
from bot.jobs.outbox_delivery import DELIVERY_INTERVAL_S, deliver_due
from bot.models import utcnow
from bot.models.outbox import OutboxMessage, OutboxStatus
from bot.payments.stripe_gateway import StripeGateway
from bot.services.errors import PaymentError
from bot.usecases.abandoned_carts import remind_abandoned_carts
from bot.usecases.backups import DailyBackups, keep_daily_backups
from bot.usecases.expiry import LATE_PAYMENT_GRACE, expire_unpaid_orders
from bot.usecases.stripe_sync import SyncResult, sync_stripe_events
from bot.usecases.stripe_upkeep import Upkeep, settle_with_stripe

log = logging.getLogger(__name__)

T = TypeVar("T")

EXPIRY_INTERVAL_S = 60.0
# Closing the pages of cancelled orders and refunding money that landed on them.
STRIPE_UPKEEP_INTERVAL_S = 30.0
# Asking Stripe for events it could not deliver to the webhook.
STRIPE_SYNC_INTERVAL_S = 600.0
# How often an idle shop looks for a broadcast to send (resumed ones, another instance's).
BROADCAST_INTERVAL_S = 1.0
# How often the shop looks for today's backup (with BACKUP_KEEP): a copy is made at the first
# look of each day (UTC), so one within ten minutes of midnight, or of the shop starting.
BACKUP_INTERVAL_S = 600.0
# How often the shop looks for carts left alone for ABANDONED_CART_HOURS: a reminder comes at
# most this much later than the hours say.
ABANDONED_CART_INTERVAL_S = 300.0
# Long enough for a delivery round to finish: a message sent but not yet marked sent would be
# sent again once its lease runs out.
STOP_TIMEOUT_S = 10.0


class RepeatingJob(Generic[T]):
    """`work` every `interval_s` seconds, starting at once; never two rounds at a time."""

    def __init__(self, name: str, work: Callable[[], Awaitable[T]], interval_s: float) -> None:
        self.name = name
        self._work = work
        self._interval_s = interval_s
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name=self.name)

    def wake(self) -> None:
        """Run the next round now rather than at the end of the interval."""
        self._wake.set()

    async def run_now(self) -> T:
        """One round, after the one in progress if any; its errors are the caller's."""
        async with self._lock:
            return await self._work()

    async def stop(self) -> None:
        """Let the round in progress finish, then end; cancel it only if it hangs."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT_S)
        if not done:
            log.warning("%s did not finish within %s s; cancelling it", self.name, STOP_TIMEOUT_S)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_now()
            except Exception:  # a database outage must not end the job for good
                log.exception("%s failed; trying again in %s s", self.name, self._interval_s)
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval_s):
                    await self._wake.wait()


class BackgroundJobs:
    """Outbox delivery (every second), unpaid-order expiry (every minute), Stripe upkeep
    (every half minute, with a gateway), broadcasts (batch after batch while one runs),
    abandoned-cart reminders (every five minutes, unless ABANDONED_CART_HOURS is 0) and, with
    BACKUP_KEEP on SQLite, a backup a day."""

    def __init__(
        self,
        bot: Bot,
        database: Database,
        settings: Settings,
        *,
        delivery_interval_s: float = DELIVERY_INTERVAL_S,
        expiry_interval_s: float = EXPIRY_INTERVAL_S,
        stripe_gateway: StripeGateway | None = None,
        stripe_upkeep_interval_s: float = STRIPE_UPKEEP_INTERVAL_S,
    ) -> None:
        self._bot = bot
        self._database = database
        self._gateway = stripe_gateway
        self._admin_ids = tuple(settings.alert_chat_ids)
        self._default_language = settings.default_language
        self.stripe_upkeep = RepeatingJob(
            "stripe upkeep", self._settle_with_stripe, stripe_upkeep_interval_s
        )
        self.stripe_sync = RepeatingJob("stripe sync", self._sync_stripe, STRIPE_SYNC_INTERVAL_S)
        self._timeout = settings.unpaid_order_hold
        self.delivery = RepeatingJob("outbox delivery", self._deliver, delivery_interval_s)
        self.expiry = RepeatingJob("unpaid order expiry", self._expire, expiry_interval_s)
        self.broadcaster = Broadcaster(
            bot,
            database,
            messages_per_second=settings.broadcast_messages_per_second,
            default_language=settings.default_language,
        )
        self.broadcasts = RepeatingJob("broadcasts", self._broadcast, BROADCAST_INTERVAL_S)
        self._backup_keep = settings.backup_keep
        self._backup_dir = settings.backup_path
        self.daily_backup = RepeatingJob("daily backup", self._back_up, BACKUP_INTERVAL_S)
        self._abandoned_cart_hours = settings.abandoned_cart_hours
        self.abandoned_carts = RepeatingJob(
            "abandoned-cart reminders", self._remind_abandoned_carts, ABANDONED_CART_INTERVAL_S
        )

    def start(self) -> None:
        self.delivery.start()
        self.expiry.start()
        if self._gateway is not None:
            self.stripe_upkeep.start()
            self.stripe_sync.start()
        self.broadcaster.resume()
        self.broadcasts.start()
        if self._abandoned_cart_hours:
            self.abandoned_carts.start()
        if self._backup_keep and self._database.is_sqlite:
            self.daily_backup.start()
        elif self._backup_keep:
            log.info("BACKUP_KEEP is set, but PostgreSQL is backed up by pg_dump: no daily copies")

    async def stop(self) -> None:
        await self.daily_backup.stop()
        await self.abandoned_carts.stop()
        self.broadcaster.interrupt()
        await self.broadcasts.stop()
        await self.stripe_sync.stop()
        await self.stripe_upkeep.stop()
        await self.expiry.stop()
        await self.delivery.stop()

    async def deliver_now(self) -> int:
        """Send what is due now; returns how many messages were sent."""
        return await self.delivery.run_now()

    # Each round looks first in a read-only transaction, so an idle shop never takes SQLite's
    # write lock: a handler whose read transaction turns into a write at that very moment would
    # fail with "database is locked" instead of waiting.

    async def _deliver(self) -> int:
        if not await self._anything_to_deliver():
            return 0
        return await deliver_due(
            self._bot,
            self._database,
            admin_chat_ids=self._admin_ids,
            default_language=self._default_language,
        )

    async def _anything_to_deliver(self) -> bool:
        async with self._database.reading() as session:
            due = await session.scalar(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .limit(1)
            )
        return due is not None

    async def _broadcast(self) -> int:
        sent = await self.broadcaster.round()
        if self.broadcaster.more_to_send:
            self.broadcasts.wake()  # the next batch at once, not in a second
        return sent

    async def _settle_with_stripe(self) -> Upkeep | None:
        if self._gateway is None:
            return None
        done = await settle_with_stripe(self._database, self._gateway)
        if done.pages_closed or done.refunds_asked:
            log.info(
                "Stripe upkeep: %d page(s) closed, %d refund(s) asked",
                done.pages_closed,
                done.refunds_asked,
            )
        return done

    async def _sync_stripe(self) -> SyncResult | None:
        if self._gateway is None:
            return None
        try:
            synced = await sync_stripe_events(
                self._database, self._gateway, admin_chat_ids=self._admin_ids
            )
        except PaymentError:  # Stripe unreachable: the next round asks again
            log.warning("Stripe could not be asked for undelivered events; trying later")
            return None
        if synced.applied:
            log.info("Stripe sync applied %d missed event(s)", synced.applied)
            self.delivery.wake()
        return synced

    async def _back_up(self) -> DailyBackups:
        done = await keep_daily_backups(
            self._database.url,
            backup_dir=self._backup_dir,
            keep=self._backup_keep,
            today=utcnow().date(),
        )
        if done.made is not None:
            log.info("Daily backup written to %s", done.made)
        for removed in done.removed:
            log.info("Removed the old daily backup %s (BACKUP_KEEP=%d)", removed, self._backup_keep)
        return done

    async def _remind_abandoned_carts(self) -> int:
        queued = await remind_abandoned_carts(self._database, hours=self._abandoned_cart_hours)
        if queued:
            log.info("Reminded %d customer(s) of the cart they left", queued)
            self.delivery.wake()
        return queued

    async def _expire(self) -> list[int]:
        expired = await expire_unpaid_orders(
            self._database, older_than=self._timeout + LATE_PAYMENT_GRACE
        )
        if expired:
            log.info("Cancelled %d unpaid order(s): %s", len(expired), expired)
            self.delivery.wake()  # tell the customers now, not at the next tick
        return expired
