"""Webhooks benchmark: signed Stripe payment events through the shop's real web server.

    .venv/bin/python -m bench.webhooks [--events 1000] [--concurrency 50] [--copies 5]
        [--database sqlite --database postgresql+asyncpg://…/test] [--json out.json]

For each database (a scratch one, dropped after): one order awaiting payment per event, made
through the services; bot/web's application (bench.web_process, a process of its own) on
loopback; then two phases with the same number of events each. Steady: every event once,
`--concurrency` requests in flight. Storm: every event `--copies` times at the same moment,
as Stripe's retries and a replaying attacker would send it, with as many requests in flight.
Afterwards the database must show every order paid, every event recorded once and exactly one
customer notification in the outbox per event. Events are signed before the clock starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench.common import (
    DEFAULT_DATABASES,
    SQLITE,
    Verdict,
    child_process,
    cpu_seconds,
    database_kind,
    describe,
    machine,
    ms_percentiles,
    profiling,
    scratch_database,
)
from bench.shop_data import buyer, sized_product
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import signed_event
from bot.models import Order, OrderStatus, OutboxMessage, PaymentProvider, ProviderEvent
from bot.services import ledger
from bot.services import order as orders
from bot.web import STRIPE_WEBHOOK_PATH

TARGET_EVENTS_PER_S = 300.0  # steady: each event once
TARGET_STORM_REQUESTS_PER_S = 1000.0  # storm: every copy of every event answered
SECRET = f"whsec_bench_{secrets.token_hex(8)}"
ORDERS_PER_TRANSACTION = 100
STEADY, STORM = "steady", "storm"


@dataclass(frozen=True, slots=True)
class PaidOrder:
    order_id: int
    total: int
    session_id: str


@dataclass(frozen=True, slots=True)
class PhaseResult:
    database: str
    phase: str
    events: int
    requests: int
    seconds: float
    events_per_s: float
    requests_per_s: float
    p50_ms: float  # per request
    p99_ms: float
    statuses: dict[str, int]
    orders_paid: int
    events_recorded: int
    notifications: int  # outbox rows for these orders
    server_cpu: float  # busy share of one core

    @property
    def exactly_once(self) -> bool:
        return self.orders_paid == self.events_recorded == self.notifications == self.events

    @property
    def all_accepted(self) -> bool:
        return self.statuses == {"200": self.requests}


# ---------------------------------------------------------------- the shop's data


async def orders_awaiting_payment(database: Database, count: int, first: int) -> list[PaidOrder]:
    """`count` orders of one unit each, placed by their own customers, each with a Stripe
    Checkout Session attached as the Pay button attaches it."""
    made: list[PaidOrder] = []
    async with database.transaction() as session:
        product_id, sizes = await sized_product(
            session, sku=f"WEBHOOK-{first}", name="Storm Jacket", price=12999, stock={"M": count}
        )
    for start in range(0, count, ORDERS_PER_TRANSACTION):
        async with database.transaction() as session:
            for number in range(first + start, first + min(start + ORDERS_PER_TRANSACTION, count)):
                who = await buyer(session, number, product_id=product_id, lines={sizes["M"]: 1})
                placed = await orders.place_order(
                    session, user_id=who.user_id, address_id=who.address_id
                )
                session_id = f"cs_bench_{placed.id}_{secrets.token_hex(6)}"
                await ledger.attach_reference(
                    session,
                    order_id=placed.id,
                    provider=PaymentProvider.STRIPE,
                    checkout_session_id=session_id,
                )
                made.append(PaidOrder(placed.id, placed.total, session_id))
    return made


def signed(order: PaidOrder) -> tuple[bytes, str]:
    """checkout.session.completed for the order, paid in full, with its Stripe-Signature."""
    checkout = simulate.checkout_session(
        session_id=order.session_id, order_id=order.order_id, amount=order.total, currency="EUR"
    )
    return signed_event(simulate.stripe_event("checkout.session.completed", checkout), SECRET)


async def outcome(database: Database, order_ids: Sequence[int]) -> tuple[int, int, int]:
    """Orders paid, Stripe events recorded and outbox rows, for these orders."""
    keys = [f"order:{order_id}:paid:customer" for order_id in order_ids]
    async with database.reading() as session:
        paid = await session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.id.in_(order_ids), Order.status == OrderStatus.PAID)
        )
        recorded = await session.scalar(
            select(func.count())
            .select_from(ProviderEvent)
            .where(ProviderEvent.provider == "stripe")
        )
        notified = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key.in_(keys))
        )
    return paid or 0, recorded or 0, notified or 0


# ---------------------------------------------------------------- sending


async def send_all(
    url: str, signed_events: Sequence[tuple[bytes, str]], *, copies: int, concurrency: int
) -> tuple[float, list[float], Counter[str]]:
    """Wall time, each request's latency and the statuses; `copies` of an event go together."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    queue: asyncio.Queue[tuple[bytes, str]] = asyncio.Queue()
    for item in signed_events:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)

    async with aiohttp.ClientSession(connector=connector) as http:

        async def post(body: bytes, signature: str) -> None:
            headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
            started = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
            latencies.append(time.perf_counter() - started)
            statuses[str(response.status)] += 1

        async def worker() -> None:
            while not queue.empty():
                body, signature = queue.get_nowait()
                await asyncio.gather(*(post(body, signature) for _ in range(copies)))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(max(concurrency // copies, 1))))
        return time.perf_counter() - started, latencies, statuses


async def measure(
    spec: str, *, events: int, concurrency: int, copies: int, profile: Path | None = None
) -> list[PhaseResult]:
    results = []
    async with scratch_database(spec) as url:
        database = Database(url)
        try:
            phases = {
                STEADY: await orders_awaiting_payment(database, events, 0),
                STORM: await orders_awaiting_payment(database, events, events),
            }
            async with child_process(
                "bench.web_process", "--database", url, "--stripe-webhook-secret", SECRET
            ) as (pid, base_url):
                recorded_before = 0
                for phase, made in phases.items():
                    bodies = [signed(order) for order in made]
                    cpu_before = cpu_seconds(pid)
                    async with profiling(profile, f"webhooks-{database_kind(spec)}-{phase}", pid):
                        seconds, latencies, statuses = await send_all(
                            base_url + STRIPE_WEBHOOK_PATH,
                            bodies,
                            copies=1 if phase == STEADY else copies,
                            concurrency=concurrency,
                        )
                    cpu = cpu_seconds(pid) - cpu_before
                    paid, recorded, notified = await outcome(database, [o.order_id for o in made])
                    p50, p99 = ms_percentiles(latencies, 50, 99)
                    results.append(
                        PhaseResult(
                            database=database_kind(spec),
                            phase=phase,
                            events=len(made),
                            requests=len(latencies),
                            seconds=round(seconds, 3),
                            events_per_s=len(made) / seconds,
                            requests_per_s=len(latencies) / seconds,
                            p50_ms=p50,
                            p99_ms=p99,
                            statuses=dict(statuses),
                            orders_paid=paid,
                            events_recorded=recorded - recorded_before,
                            notifications=notified,
                            server_cpu=cpu / seconds,
                        )
                    )
                    recorded_before = recorded
        finally:
            await database.dispose()
    return results


# ---------------------------------------------------------------- report


def verdicts(results: Sequence[PhaseResult]) -> list[Verdict]:
    judged = []
    for r in results:
        name = f"{r.database} {r.phase}"
        if r.phase == STORM:
            judged.append(
                Verdict(
                    f"{name}: ≥ {TARGET_STORM_REQUESTS_PER_S:,.0f} requests/s",
                    f"{r.requests_per_s:,.0f}",
                    r.requests_per_s >= TARGET_STORM_REQUESTS_PER_S,
                )
            )
        else:
            judged.append(
                Verdict(
                    f"{name}: ≥ {TARGET_EVENTS_PER_S:g} events/s",
                    f"{r.events_per_s:,.0f}",
                    r.events_per_s >= TARGET_EVENTS_PER_S,
                )
            )
        judged.append(
            Verdict(
                f"{name}: one effect and one notification per event",
                f"{r.orders_paid} paid, {r.events_recorded} recorded, "
                f"{r.notifications} notifications for {r.events} events",
                r.exactly_once,
            )
        )
        judged.append(
            Verdict(f"{name}: every request answered 200", str(r.statuses), r.all_accepted)
        )
    return judged


def markdown(results: Sequence[PhaseResult]) -> str:
    header = (
        "| database | phase | events | requests | events/s | requests/s | p50 ms | p99 ms "
        "| server CPU | paid | recorded | notifications | statuses |"
    )
    lines = [header, "|---|---|" + "---:|" * (header.count(" | ") - 2) + "---|"]
    for r in results:
        cells = [
            r.database, r.phase, str(r.events), str(r.requests), f"{r.events_per_s:,.0f}",
            f"{r.requests_per_s:,.0f}", f"{r.p50_ms:.0f}", f"{r.p99_ms:.0f}",
            f"{r.server_cpu:.0%}", str(r.orders_paid), str(r.events_recorded),
            str(r.notifications), ", ".join(f"{k}×{v}" for k, v in sorted(r.statuses.items())),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(results: Sequence[PhaseResult], about: dict[str, str], args: argparse.Namespace) -> str:
    lines = [
        describe(about),
        f"{args.events} events per phase; {args.concurrency} requests in flight; "
        f"the storm sends each event {args.copies} times at once",
        "",
        markdown(results),
        "",
        "Targets:",
    ]
    lines += [
        f"- {'met' if v.met else 'MISSED'}: {v.target} ({v.value})" for v in verdicts(results)
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.webhooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=1000, help="per phase")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    parser.add_argument("--copies", type=int, default=5, help="deliveries of each storm event")
    parser.add_argument(
        "--database",
        action="append",
        dest="databases",
        help=f"'{SQLITE}' or a PostgreSQL server URL; default: {' and '.join(DEFAULT_DATABASES)}",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profile", type=Path, help="write py-spy samples of the server here (pip install py-spy)"
    )
    args = parser.parse_args(argv)
    args.databases = args.databases or list(DEFAULT_DATABASES)
    if min(args.events, args.concurrency, args.copies) < 1:
        parser.error("--events, --concurrency and --copies must be positive")
    return args


async def run(args: argparse.Namespace) -> list[PhaseResult]:
    results = []
    for spec in args.databases:
        print(f"webhooks on {database_kind(spec)}…", file=sys.stderr, flush=True)
        results += await measure(
            spec,
            events=args.events,
            concurrency=args.concurrency,
            copies=args.copies,
            profile=args.profile,
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 1 when a target is missed."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    about = machine()
    results = asyncio.run(run(args))
    print(report(results, about, args))
    if args.json:
        document: dict[str, Any] = {
            "benchmark": "webhooks",
            "machine": about,
            "command": " ".join(["python -m bench.webhooks", *arguments]),
            "results": [
                asdict(r) | {"exactly_once": r.exactly_once, "all_accepted": r.all_accepted}
                for r in results
            ],
            "targets": [asdict(verdict) for verdict in verdicts(results)],
        }
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(verdict.met for verdict in verdicts(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
