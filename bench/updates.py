"""Updates benchmark: the real bot, long-polling the Bot API emulator, under many customers at once.

    .venv/bin/python -m bench.updates [--customers 200] [--seconds 15] [--warmup 3]
        [--products 1000] [--database sqlite --database postgresql+asyncpg://…/test]
        [--transports aiohttp,httpx] [--json out.json] [--seed N]

This process runs the emulator and the simulated customers; the bot runs in a process of its
own (bench.bot_process: bot.runner.running_shop, as `shopbot run` runs it). Each customer waits
for the bot's answer before their next step, as a person does, and latency runs from the
update being queued in the emulator to the reply arriving there. The shop mix browses the
catalogue, opens products, searches with typos, adds to the cart and looks at it, on every
database given (a scratch database each, seeded with a generated catalogue and dropped after).
The ceiling is the same bot and emulator with a handler that only replies, once per transport.
Messages are not paced to Telegram's 30/s flood limit (the emulator has none): that would
measure Telegram's rule, not the bot. Loopback only; every run ends after its --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench.catalog_gen import Product, catalogue, typo_queries
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
from bench.shop_data import stock_catalogue
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.callbacks import Callback, ExpiredButton, unpack
from bot.keyboards.catalog import AddToCart, CategoryPage, ProductCard
from bot.keyboards.menu import Menu

# The share of the same run's reply-only ceiling each mix is to reach.
TARGET_SHARE_OF_CEILING = {"shop": 0.4, "catalogue": 0.7}
TARGET_P99_MS = 250.0
FIRST_CUSTOMER_ID = 500_000
REPLY_TIMEOUT_S = 10.0
STOCK_PER_SIZE = 100_000  # nobody ever finds a size sold out
TYPO_QUERIES = 300

C = TypeVar("C", bound=Callback)


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class RunResult:
    workload: str  # "shop", "catalogue" or "ceiling"
    database: str
    transport: str
    customers: int
    seconds: float
    updates: int
    updates_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    api_calls_per_update: float
    bot_cpu: float  # busy share of one core
    driver_cpu: float  # the emulator and the customers
    by_kind: dict[str, Latency]

    @property
    def bot_cpu_ms_per_update(self) -> float:
        """What an update costs the bot, whatever else the machine is doing."""
        return self.bot_cpu * 1000 / self.updates_per_s if self.updates_per_s else 0.0


@dataclass
class Recorder:
    """Latencies of the updates answered inside the measuring window."""

    start: float = float("inf")
    end: float = float("inf")
    samples: list[tuple[str, float]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, queued: float, answered: float) -> None:
        if self.start <= answered < self.end:
            self.samples.append((kind, answered - queued))

    def fail(self, kind: str) -> None:
        self.errors[kind] += 1


class Customer:
    """One simulated person; each step is one update, timed until the bot's answer."""

    def __init__(self, user: SimulatedUser, recorder: Recorder, rng: random.Random) -> None:
        self.user = user
        self.recorder = recorder
        self.rng = rng

    async def say(self, text: str, kind: str) -> Message | None:
        queued = time.perf_counter()
        await self.user.send(text)
        try:
            reply = await self.user.next_message(timeout=REPLY_TIMEOUT_S)
        except TimeoutError:
            self.recorder.fail(kind)
            return None
        self.recorder.record(kind, queued, time.perf_counter())
        return reply

    async def tap(
        self, message: Message | None, data: Callback | None, kind: str
    ) -> Message | None:
        """Press a button; the answer is the button's toast, after the message was edited."""
        if message is None or data is None:
            return None
        queued = time.perf_counter()
        query = await self.user.press(message, data.pack())
        try:
            await self.user.callback_answer(query, timeout=REPLY_TIMEOUT_S)
        except TimeoutError:
            self.recorder.fail(kind)
            return None
        self.recorder.record(kind, queued, time.perf_counter())
        try:  # edited before the answer; unchanged when the press changed nothing
            return await self.user.next_message(timeout=0)
        except TimeoutError:
            return message

    def pick(
        self, message: Message | None, cls: type[C], keep: Callable[[C], bool] = bool
    ) -> C | None:
        found = [data for data in buttons(message, cls) if keep(data)]
        return self.rng.choice(found) if found else None


def buttons(message: Message | None, cls: type[C]) -> list[C]:
    if message is None:
        return []
    found = []
    for row in message.buttons:
        for button in row:
            with contextlib.suppress(ExpiredButton):
                data = unpack(button.callback_data)
                if isinstance(data, cls):
                    found.append(data)
    return found


async def shop_visit(customer: Customer, queries: Sequence[str]) -> None:
    """Browse a category, open a product, maybe add it to the cart; search; look at the cart."""
    rng = customer.rng
    categories = await customer.say("/catalog", "catalogue")
    listing = await customer.tap(categories, customer.pick(categories, CategoryPage), "category")
    if rng.random() < 0.25:
        more = customer.pick(listing, CategoryPage, lambda page: page.page > 1)
        listing = await customer.tap(listing, more, "category") if more else listing
    card = await customer.tap(listing, customer.pick(listing, ProductCard), "product")
    saw_cart = False
    if card is not None and rng.random() < 0.5:
        if not buttons(card, AddToCart):
            size = customer.pick(card, ProductCard, lambda state: state.size_id != 0)
            card = await customer.tap(card, size, "size")
        card = await customer.tap(card, customer.pick(card, AddToCart), "add to cart")
        if rng.random() < 0.5:
            to_cart = customer.pick(card, Menu, lambda menu: menu.screen == "cart")
            saw_cart = await customer.tap(card, to_cart, "cart") is not None
    results = await customer.say(rng.choice(queries), "search")
    if rng.random() < 0.7:
        await customer.tap(results, customer.pick(results, ProductCard), "product")
    if not saw_cart:
        await customer.say("/cart", "cart")


async def catalogue_visit(customer: Customer, queries: Sequence[str]) -> None:
    """Only the catalogue's screens: its categories, a category (sometimes its next page), a
    product."""
    categories = await customer.say("/catalog", "catalogue")
    listing = await customer.tap(categories, customer.pick(categories, CategoryPage), "category")
    if customer.rng.random() < 0.25:
        more = customer.pick(listing, CategoryPage, lambda page: page.page > 1)
        listing = await customer.tap(listing, more, "category") if more else listing
    await customer.tap(listing, customer.pick(listing, ProductCard), "product")


async def ceiling_visit(customer: Customer, queries: Sequence[str]) -> None:
    await customer.say("hello", "reply")


Visit = Callable[[Customer, Sequence[str]], Awaitable[None]]
VISITS: dict[str, Visit] = {
    "shop": shop_visit,
    "catalogue": catalogue_visit,
    "ceiling": ceiling_visit,
}


async def browse_until(
    stop: asyncio.Event, customer: Customer, visit: Visit, queries: Sequence[str]
) -> None:
    await customer.say("/start", "start")
    while not stop.is_set():
        await visit(customer, queries)


# ---------------------------------------------------------------- the shop's data


async def stock_shop(database_url: str, items: Sequence[Product]) -> None:
    database = Database(database_url)
    try:
        await stock_catalogue(database, items, stock=STOCK_PER_SIZE)
    finally:
        await database.dispose()


# ---------------------------------------------------------------- the bot's process


@contextlib.asynccontextmanager
async def bot_process(
    emulator: BotApiEmulator, *, mode: str, database_url: str, transport: str
) -> AsyncIterator[int]:
    """The bot, started and polling; it stops with this block."""
    arguments = [
        "--mode", mode, "--api", emulator.base_url, "--files", emulator.base_file_url,
        "--token", emulator.token, "--database", database_url, "--transport", transport,
    ]  # fmt: skip
    async with child_process("bench.bot_process", *arguments) as (pid, ready):
        if ready != "ready":
            raise RuntimeError(f"the bot said {ready!r} instead of 'ready'")
        yield pid


# ---------------------------------------------------------------- one run


@dataclass(frozen=True, slots=True)
class RunPlan:
    workload: str
    database: str  # a URL of a migrated, stocked database
    transport: str
    customers: int
    seconds: float
    warmup: float
    seed: int
    profile: Path | None = None  # a folder for py-spy's flame graphs of the bot


async def measure(plan: RunPlan, queries: Sequence[str]) -> RunResult:
    visit = VISITS[plan.workload]
    recorder = Recorder()
    stop = asyncio.Event()
    async with BotApiEmulator() as emulator:
        people = [
            Customer(
                emulator.user(FIRST_CUSTOMER_ID + n, f"Customer {n}", username=f"customer{n}"),
                recorder,
                random.Random(f"{plan.seed}:{n}"),
            )
            for n in range(plan.customers)
        ]
        async with bot_process(
            emulator,
            mode="ceiling" if plan.workload == "ceiling" else "shop",
            database_url=plan.database,
            transport=plan.transport,
        ) as pid:
            tasks = [asyncio.create_task(browse_until(stop, c, visit, queries)) for c in people]
            try:
                await asyncio.sleep(plan.warmup)
                calls_before, bot_before = len(emulator.calls), cpu_seconds(pid)
                driver_before = time.process_time()
                recorder.start = time.perf_counter()
                profile_name = f"{plan.workload}-{database_kind(plan.database)}-{plan.transport}"
                async with profiling(plan.profile, profile_name, pid):
                    await asyncio.sleep(plan.seconds)
                recorder.end = time.perf_counter()
                calls = len(emulator.calls) - calls_before
                bot_cpu = cpu_seconds(pid) - bot_before
                driver_cpu = time.process_time() - driver_before
            finally:
                stop.set()
                async with asyncio.timeout(REPLY_TIMEOUT_S * 4):
                    await asyncio.gather(*tasks)
    return summarise(plan, recorder, calls, bot_cpu, driver_cpu)


def summarise(
    plan: RunPlan, recorder: Recorder, calls: int, bot_cpu: float, driver_cpu: float
) -> RunResult:
    window = recorder.end - recorder.start
    seconds = [latency for _, latency in recorder.samples]
    by_kind: defaultdict[str, list[float]] = defaultdict(list)
    for kind, latency in recorder.samples:
        by_kind[kind].append(latency)
    p50, p99, worst = ms_percentiles(seconds, 50, 99, 100)
    return RunResult(
        workload=plan.workload,
        database=database_kind(plan.database),
        transport=plan.transport,
        customers=plan.customers,
        seconds=round(window, 3),
        updates=len(seconds),
        updates_per_s=len(seconds) / window,
        p50_ms=p50,
        p99_ms=p99,
        max_ms=worst,
        errors=sum(recorder.errors.values()),
        api_calls_per_update=calls / len(seconds) if seconds else 0.0,
        bot_cpu=bot_cpu / window,
        driver_cpu=driver_cpu / window,
        by_kind={
            kind: Latency(len(values), *ms_percentiles(values, 50, 99))
            for kind, values in sorted(by_kind.items())
        },
    )


async def run(
    *,
    databases: Sequence[str],
    transports: Sequence[str],
    customers: int,
    seconds: float,
    warmup: float,
    catalogue_size: int,
    seed: int,
    mixes: Sequence[str] = ("shop", "catalogue"),
    profile: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[RunResult]:
    """The ceiling per transport (on SQLite, which it never touches), then each mix on each
    database with the default transport (the first given)."""
    items = catalogue(catalogue_size, seed=seed)
    queries = [query.text for query in typo_queries(items, TYPO_QUERIES, seed=seed)]
    results = []

    def plan(workload: str, url: str, transport: str) -> RunPlan:
        return RunPlan(workload, url, transport, customers, seconds, warmup, seed, profile)

    async with scratch_database(SQLITE) as url:
        await stock_shop(url, items)
        for transport in transports:
            progress(f"ceiling with {transport}…")
            results.append(await measure(plan("ceiling", url, transport), queries))
        if SQLITE in databases:
            for mix in mixes:
                progress(f"{mix} mix on sqlite…")
                results.append(await measure(plan(mix, url, transports[0]), queries))
    for spec in databases:
        if spec == SQLITE:
            continue
        async with scratch_database(spec) as url:
            await stock_shop(url, items)
            for mix in mixes:
                progress(f"{mix} mix on {database_kind(spec)}…")
                results.append(await measure(plan(mix, url, transports[0]), queries))
    return results


# ---------------------------------------------------------------- report


def ceiling_for(results: Sequence[RunResult], transport: str) -> RunResult | None:
    return next((r for r in results if r.workload == "ceiling" and r.transport == transport), None)


def verdicts(results: Sequence[RunResult]) -> list[Verdict]:
    judged = []
    for result in results:
        target = TARGET_SHARE_OF_CEILING.get(result.workload)
        if target is None:
            continue
        mix = f"{result.database}, {result.workload} mix"
        ceiling = ceiling_for(results, result.transport)
        if ceiling is not None and ceiling.updates_per_s > 0:
            share = result.updates_per_s / ceiling.updates_per_s
            judged.append(
                Verdict(f"{mix}: ≥ {target:.0%} of the ceiling", f"{share:.1%}", share >= target)
            )
        judged.append(
            Verdict(
                f"{mix}: p99 ≤ {TARGET_P99_MS:g} ms",
                f"{result.p99_ms:.0f} ms",
                result.p99_ms <= TARGET_P99_MS,
            )
        )
        if result.errors:
            judged.append(
                Verdict(f"{result.database}: every update answered", str(result.errors), False)
            )
    return judged


def markdown(results: Sequence[RunResult]) -> str:
    header = (
        "| workload | database | transport | customers | updates/s | p50 ms | p99 ms | max ms "
        "| of ceiling | API calls/update | bot CPU | bot CPU ms/update | emulator CPU "
        "| unanswered |"
    )
    lines = [header, "|---|---|---|" + "---:|" * (header.count(" | ") - 2)]
    for r in results:
        ceiling = ceiling_for(results, r.transport)
        share = (
            f"{r.updates_per_s / ceiling.updates_per_s:.0%}"
            if ceiling and ceiling.updates_per_s
            else "–"
        )
        cells = [
            r.workload,
            r.database,
            r.transport,
            str(r.customers),
            f"{r.updates_per_s:,.0f}",
            f"{r.p50_ms:.0f}",
            f"{r.p99_ms:.0f}",
            f"{r.max_ms:.0f}",
            share,
            f"{r.api_calls_per_update:.2f}",
            f"{r.bot_cpu:.0%}",
            f"{r.bot_cpu_ms_per_update:.2f}",
            f"{r.driver_cpu:.0%}",
            str(r.errors),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kinds_markdown(results: Sequence[RunResult]) -> str:
    lines = [
        "| workload | database | step | updates | p50 ms | p99 ms |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in results:
        if r.workload == "ceiling":
            continue
        for kind, latency in r.by_kind.items():
            lines.append(
                f"| {r.workload} | {r.database} | {kind} | {latency.count} "
                f"| {latency.p50_ms:.0f} | {latency.p99_ms:.0f} |"
            )
    return "\n".join(lines)


def report(results: Sequence[RunResult], about: dict[str, str], args: argparse.Namespace) -> str:
    lines = [
        describe(about),
        f"{args.customers} customers at once, each waiting for the answer before the next step; "
        f"{args.seconds:g} s measured after {args.warmup:g} s of warm-up; "
        f"{args.products:,} products",
        "",
        markdown(results),
        "",
        kinds_markdown(results),
    ]  # fmt: skip
    aiohttp, httpx = ceiling_for(results, "aiohttp"), ceiling_for(results, "httpx")
    if aiohttp and httpx and httpx.updates_per_s:
        ratio = aiohttp.updates_per_s / httpx.updates_per_s
        lines += ["", f"Ceiling, aiohttp against httpx: {ratio:.2f}×"]
    judged = verdicts(results)
    if judged:
        lines += ["", "Targets:"]
        lines += [f"- {'met' if v.met else 'MISSED'}: {v.target} ({v.value})" for v in judged]
    return "\n".join(lines)


def as_json(results: Sequence[RunResult], about: dict[str, str], **run: Any) -> dict[str, Any]:
    return {
        "benchmark": "updates",
        "machine": about,
        **run,
        "results": [asdict(result) for result in results],
        "targets": [asdict(verdict) for verdict in verdicts(results)],
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.updates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0, help="measured, per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="before measuring, per run")
    parser.add_argument("--products", type=int, default=1000, help="catalogue size")
    parser.add_argument(
        "--database",
        action="append",
        dest="databases",
        help=f"'{SQLITE}' or a PostgreSQL server URL (a scratch database is made there); "
        f"repeat for several; default: {' and '.join(DEFAULT_DATABASES)}",
    )
    parser.add_argument(
        "--transports",
        default="aiohttp,httpx",
        help="ceilings to measure; the first also carries the shop mix",
    )
    parser.add_argument(
        "--mixes", default="shop,catalogue", help="shop and/or catalogue (its screens only)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profile", type=Path, help="write py-spy samples of the bot here (pip install py-spy)"
    )
    args = parser.parse_args(argv)
    args.databases = args.databases or list(DEFAULT_DATABASES)
    args.transports = [name.strip() for name in args.transports.split(",") if name.strip()]
    if not set(args.transports) <= {"aiohttp", "httpx"} or not args.transports:
        parser.error("--transports: aiohttp and/or httpx")
    args.mixes = [name.strip() for name in args.mixes.split(",") if name.strip()]
    if not set(args.mixes) <= set(TARGET_SHARE_OF_CEILING) or not args.mixes:
        parser.error("--mixes: shop and/or catalogue")
    if args.customers < 1 or args.seconds <= 0 or args.warmup < 0 or args.products < 10:
        parser.error("--customers and --seconds must be positive, --products at least 10")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 1 when a target is missed."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    about = machine()
    results = asyncio.run(
        run(
            databases=args.databases,
            transports=args.transports,
            customers=args.customers,
            seconds=args.seconds,
            warmup=args.warmup,
            catalogue_size=args.products,
            seed=args.seed,
            mixes=args.mixes,
            profile=args.profile,
            progress=lambda step: print(step, file=sys.stderr, flush=True),
        )
    )
    print(report(results, about, args))
    if args.json:
        document = as_json(
            results,
            about,
            command=" ".join(["python -m bench.updates", *arguments]),
            customers=args.customers,
            seconds=args.seconds,
            products=args.products,
            seed=args.seed,
        )
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(verdict.met for verdict in verdicts(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
