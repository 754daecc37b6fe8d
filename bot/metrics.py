"""The shop's Prometheus metrics: one registry per running shop, never the process-wide one.

`bot.runner` makes a `ShopMetrics` when METRICS_ENABLED is on and hands it to what records into
it: the Bot API transport, the update processor, the web routes, the catalogue search and the
database (whose committed transactions also count orders placed, paid and cancelled). Labels
take values from small fixed sets only (an update's kind, a Bot API method, a currency): never a
user, chat or order id, nor anything a person typed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

PREFIX = "shopbot_"
# A scrape waits this long for the figures read from the database, then goes without them.
SCRAPE_QUERY_TIMEOUT_S = 3.0

# Seconds. Handling an update and a database transaction: milliseconds to a stuck second.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A search answers from memory in about a millisecond; rebuilding the index takes longer.
SEARCH_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """Notifications not yet sent, across every instance, read from the database."""

    pending: int
    oldest_age_s: float  # of the oldest of them; 0 when there is none


class ShopMetrics:
    """Every metric family of one shop, in a registry of its own: two shops in one process
    (tests, several instances side by side) never share or clash over a counter."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.updates = Counter(
            f"{PREFIX}updates",
            "Telegram updates handled, by kind (message, callback_query, pre_checkout_query…) "
            "and outcome: ok, error (a handler raised) or dropped (the chat was flooding).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.update_seconds = Histogram(
            f"{PREFIX}update_handling_seconds",
            "Time the handlers took over one update, from its turn in its chat to the end, "
            "by kind.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.bot_api_requests = Counter(
            f"{PREFIX}bot_api_requests",
            "HTTP requests to the Telegram Bot API, each retry counted, by method and outcome: "
            "ok, rate_limited (429), client_error (other 4xx), server_error (5xx) or "
            "network_error (no answer). Files downloaded count as method file_download.",
            ["method", "outcome"],
            registry=registry,
        )
        self.webhook_events = Counter(
            f"{PREFIX}webhook_events",
            "Webhook requests received, by provider (stripe, telegram), event type (Stripe's "
            "event types the shop handles, a Telegram update's kind; other or unknown) and "
            "outcome (what was done with it, or why it was refused).",
            ["provider", "type", "outcome"],
            registry=registry,
        )
        self.orders_placed = Counter(
            f"{PREFIX}orders_placed",
            "Orders placed (committed), by currency.",
            ["currency"],
            registry=registry,
        )
        self.orders_paid = Counter(
            f"{PREFIX}orders_paid",
            "Orders that became paid (committed), by currency.",
            ["currency"],
            registry=registry,
        )
        self.orders_cancelled = Counter(
            f"{PREFIX}orders_cancelled",
            "Orders cancelled (committed) by the customer, an admin, Stripe or expiry, by "
            "currency.",
            ["currency"],
            registry=registry,
        )
        self.revenue = Counter(
            f"{PREFIX}revenue_minor_units",
            "Totals of the orders that became paid, in the currency's minor units as integers "
            "(cents for EUR: 4999 is 49.99 EUR), by currency; refunds are not taken off.",
            ["currency"],
            registry=registry,
        )
        self.search_seconds = Histogram(
            f"{PREFIX}search_seconds",
            "Time to answer a catalogue search, with the check of the catalogue's revision and "
            "any rebuild of the in-memory index it needed.",
            buckets=SEARCH_BUCKETS,
            registry=registry,
        )
        self.db_transaction_seconds = Histogram(
            f"{PREFIX}db_transaction_seconds",
            "Time from asking for a database transaction to its commit or rollback (on SQLite "
            "with the wait for the write lock), by kind: read or write.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._outbox = _OutboxCollector()
        registry.register(self._outbox)

    # Orders, counted by bot.services.order once the transaction that changed them commits.

    def order_placed(self, currency: str) -> None:
        self.orders_placed.labels(currency).inc()

    def order_paid(self, currency: str, total: int) -> None:
        self.orders_paid.labels(currency).inc()
        self.revenue.labels(currency).inc(total)

    def order_cancelled(self, currency: str) -> None:
        self.orders_cancelled.labels(currency).inc()

    # Read at scrape time

    def read_outbox_with(self, read: Callable[[], Awaitable[OutboxBacklog]]) -> None:
        """How to read the outbox's backlog; asked again at every scrape."""
        self._outbox.read = read

    async def refresh(self) -> None:
        """Read what is computed at scrape time; a figure that cannot be read in time is left
        out of this scrape rather than shown stale."""
        await self._outbox.refresh()


class _OutboxCollector(Collector):
    """The outbox's backlog, computed from the database at each scrape, so every instance
    reports the same figures, right whichever of them sends."""

    def __init__(self) -> None:
        self.read: Callable[[], Awaitable[OutboxBacklog]] | None = None
        self._latest: OutboxBacklog | None = None

    async def refresh(self) -> None:
        self._latest = None
        if self.read is None:
            return
        try:
            async with asyncio.timeout(SCRAPE_QUERY_TIMEOUT_S):
                self._latest = await self.read()
        except Exception as error:  # the scrape goes on: the database has /healthz for itself
            log.warning("outbox backlog not read for the metrics: %r", error)

    def describe(self) -> Iterable[Metric]:
        return _outbox_families(OutboxBacklog(0, 0.0))

    def collect(self) -> Iterable[Metric]:
        return () if self._latest is None else _outbox_families(self._latest)


def _outbox_families(backlog: OutboxBacklog) -> list[Metric]:
    pending = GaugeMetricFamily(
        f"{PREFIX}outbox_pending_messages",
        "Notifications waiting in the outbox (due, or waiting to be retried), read from the "
        "database at scrape time.",
        value=backlog.pending,
    )
    oldest = GaugeMetricFamily(
        f"{PREFIX}outbox_oldest_pending_age_seconds",
        "Age of the oldest notification still waiting in the outbox; 0 when none is.",
        value=backlog.oldest_age_s,
    )
    return [pending, oldest]
