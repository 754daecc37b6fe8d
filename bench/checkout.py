"""Checkout contention: N buyers check out at the same moment, wanting more than the K units there.

    .venv/bin/python -m bench.checkout [--scenarios 50:10:1,200:100:4,1000:200:5]
        [--database sqlite --database postgresql+asyncpg://…/test] [--json out.json] [--seed N]

A scenario BUYERS:UNITS:SIZES is one product whose UNITS are spread over SIZES sizes, and BUYERS
customers with a full cart: most want one unit of one size, a fifth want two sizes (so a failed
second line must give back the first). They all place their orders at once, each in its own
transaction through the real checkout service, on a scratch database per database given.
Afterwards no size may have sold more than it had, every unit must be either sold or still in
stock, every order must match a winning buyer and every losing buyer must keep their cart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import (
    DEFAULT_DATABASES,
    SQLITE,
    Verdict,
    database_kind,
    describe,
    machine,
    ms_percentiles,
    scratch_database,
)
from bench.shop_data import Buyer, buyer, sized_product
from bot.db import Database
from bot.models import Cart, CartItem, Order, OrderItem, Size
from bot.services import order as orders
from bot.services.errors import OutOfStock

BUYERS_PER_TRANSACTION = 100
TWO_SIZES = 0.2


@dataclass(frozen=True, slots=True)
class Scenario:
    buyers: int
    units: int
    sizes: int

    def __str__(self) -> str:
        return f"{self.buyers}:{self.units}:{self.sizes}"

    def stock(self) -> dict[str, int]:
        """UNITS spread as evenly as they go over the sizes."""
        share, extra = divmod(self.units, self.sizes)
        return {f"S{n + 1}": share + (n < extra) for n in range(self.sizes)}


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    database: str
    buyers: int
    units: int
    sizes: int
    units_wanted: int
    seconds: float
    checkouts_per_s: float
    p50_ms: float
    p99_ms: float
    orders: int
    sold_out_refusals: int
    other_errors: dict[str, int]
    units_sold: int
    oversold_sizes: int  # sizes that sold more than they had, or went below zero
    units_unaccounted: int  # |stock before - (sold + left)| over all sizes
    orders_without_winner: int
    losers_with_changed_carts: int

    @property
    def correct(self) -> bool:
        return not (
            self.oversold_sizes
            or self.units_unaccounted
            or self.orders_without_winner
            or self.losers_with_changed_carts
            or self.other_errors
        )


@dataclass(frozen=True, slots=True)
class Contender:
    buyer: Buyer
    lines: dict[int, int]  # size id → quantity


async def contenders(
    database: Database, scenario: Scenario, seed: int
) -> tuple[dict[int, int], list[Contender]]:
    """The product's stock by size id, and the buyers with their carts filled."""
    rng = random.Random(f"checkout:{seed}:{scenario}")
    async with database.transaction() as session:
        product_id, size_ids = await sized_product(
            session, sku=f"CONTESTED-{scenario}", name="Limited Sneakers", price=8999,
            stock=scenario.stock(),
        )  # fmt: skip
    by_name = scenario.stock()
    stock = {size_ids[name]: units for name, units in by_name.items()}
    ids = list(stock)
    made: list[Contender] = []
    for start in range(0, scenario.buyers, BUYERS_PER_TRANSACTION):
        async with database.transaction() as session:
            for number in range(start, min(start + BUYERS_PER_TRANSACTION, scenario.buyers)):
                wanted = rng.sample(ids, 2 if len(ids) > 1 and rng.random() < TWO_SIZES else 1)
                lines = dict.fromkeys(wanted, 1)
                who = await buyer(session, number, product_id=product_id, lines=lines)
                made.append(Contender(who, lines))
    return stock, made


async def check_out(database: Database, contender: Contender) -> tuple[float, str]:
    """Seconds taken and "ok", "sold out" or the error's class name."""
    started = time.perf_counter()
    try:
        async with database.transaction() as session:
            await orders.place_order(
                session, user_id=contender.buyer.user_id, address_id=contender.buyer.address_id
            )
    except OutOfStock:
        return time.perf_counter() - started, "sold out"
    except Exception as error:  # counted and reported: a checkout must fail only for stock
        return time.perf_counter() - started, type(error).__name__
    return time.perf_counter() - started, "ok"


async def audit(
    database: Database, stock: dict[int, int], people: Sequence[Contender], outcomes: Sequence[str]
) -> dict[str, int]:
    """What the database says happened, against what may have."""
    async with database.reading() as session:
        rows = await session.execute(select(Size.id, Size.stock).where(Size.id.in_(stock)))
        left: dict[int, int] = {size_id: units for size_id, units in rows}
        rows = await session.execute(
            select(OrderItem.size_id, func.sum(OrderItem.quantity))
            .where(OrderItem.size_id.in_(stock))
            .group_by(OrderItem.size_id)
        )
        sold: dict[int, int] = {size_id: units for size_id, units in rows}
        ordered_by = Counter(
            (
                await session.scalars(
                    select(Order.user_id).where(
                        Order.user_id.in_([p.buyer.user_id for p in people])
                    )
                )
            ).all()
        )
        carts: dict[int, dict[int, int]] = {}
        lines = await session.execute(
            select(Cart.user_id, CartItem.size_id, CartItem.quantity).join(CartItem)
        )
        for user_id, size_id, quantity in lines:
            carts.setdefault(user_id, {})[size_id] = quantity
    results = list(zip(people, outcomes, strict=True))
    winners = {p.buyer.user_id for p, outcome in results if outcome == "ok"}
    oversold = sum(
        1 for size_id, units in stock.items() if left[size_id] < 0 or sold.get(size_id, 0) > units
    )
    unaccounted = sum(
        abs(units - left[size_id] - sold.get(size_id, 0)) for size_id, units in stock.items()
    )
    stray = sum(n for user_id, n in ordered_by.items() if user_id not in winners or n != 1)
    stray += sum(1 for user_id in winners if user_id not in ordered_by)
    changed = sum(
        1 for p, outcome in results if outcome != "ok" and carts.get(p.buyer.user_id) != p.lines
    )
    return {
        "units_sold": sum(sold.values()),
        "oversold_sizes": oversold,
        "units_unaccounted": unaccounted,
        "orders_without_winner": stray,
        "losers_with_changed_carts": changed,
    }


async def measure(spec: str, scenario: Scenario, seed: int) -> ScenarioResult:
    async with scratch_database(spec) as url:
        database = Database(url)
        try:
            stock, people = await contenders(database, scenario, seed)
            started = time.perf_counter()
            timed = await asyncio.gather(*(check_out(database, p) for p in people))
            seconds = time.perf_counter() - started
            outcomes = [outcome for _, outcome in timed]
            found = await audit(database, stock, people, outcomes)
        finally:
            await database.dispose()
    counted = Counter(outcomes)
    p50, p99 = ms_percentiles([taken for taken, _ in timed], 50, 99)
    return ScenarioResult(
        database=database_kind(spec),
        buyers=scenario.buyers,
        units=scenario.units,
        sizes=scenario.sizes,
        units_wanted=sum(sum(p.lines.values()) for p in people),
        seconds=round(seconds, 3),
        checkouts_per_s=len(people) / seconds,
        p50_ms=p50,
        p99_ms=p99,
        orders=counted.pop("ok", 0),
        sold_out_refusals=counted.pop("sold out", 0),
        other_errors=dict(counted),
        **found,
    )


# ---------------------------------------------------------------- report


def verdicts(results: Sequence[ScenarioResult]) -> list[Verdict]:
    return [
        Verdict(
            f"{r.database} {r.buyers}:{r.units}:{r.sizes}: zero oversell, every unit and cart "
            "accounted for",
            f"{r.units_sold} of {r.units} units sold to {r.orders} buyers"
            + (f"; errors {r.other_errors}" if r.other_errors else ""),
            r.correct,
        )
        for r in results
    ]


def markdown(results: Sequence[ScenarioResult]) -> str:
    header = (
        "| database | buyers | units | sizes | units wanted | seconds | checkouts/s | p50 ms "
        "| p99 ms | orders | sold out | units sold | oversold sizes | unaccounted | other errors |"
    )
    lines = [header, "|---|" + "---:|" * (header.count(" | ") - 1) + "---|"]
    for r in results:
        cells = [
            r.database, str(r.buyers), str(r.units), str(r.sizes), str(r.units_wanted),
            f"{r.seconds:.2f}", f"{r.checkouts_per_s:,.0f}", f"{r.p50_ms:.0f}", f"{r.p99_ms:.0f}",
            str(r.orders), str(r.sold_out_refusals), str(r.units_sold), str(r.oversold_sizes),
            str(r.units_unaccounted), str(sum(r.other_errors.values())),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(results: Sequence[ScenarioResult], about: dict[str, str]) -> str:
    lines = [describe(about), "", markdown(results), "", "Targets:"]
    lines += [
        f"- {'met' if v.met else 'MISSED'}: {v.target} ({v.value})" for v in verdicts(results)
    ]
    return "\n".join(lines)


def _scenarios(text: str) -> list[Scenario]:
    try:
        found = [Scenario(*(int(part) for part in item.split(":"))) for item in text.split(",")]
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError("BUYERS:UNITS:SIZES[,…], e.g. 200:100:4") from None
    if any(min(s.buyers, s.units, s.sizes) < 1 or s.sizes > s.units for s in found):
        raise argparse.ArgumentTypeError("positive numbers, and no more sizes than units")
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.checkout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scenarios", type=_scenarios, default="50:10:1,200:100:4,1000:200:5",
        help="BUYERS:UNITS:SIZES, comma-separated",
    )  # fmt: skip
    parser.add_argument(
        "--database",
        action="append",
        dest="databases",
        help=f"'{SQLITE}' or a PostgreSQL server URL; default: {' and '.join(DEFAULT_DATABASES)}",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.databases = args.databases or list(DEFAULT_DATABASES)
    return args


async def run(
    databases: Sequence[str], scenarios: Sequence[Scenario], seed: int
) -> list[ScenarioResult]:
    results = []
    for spec in databases:
        for scenario in scenarios:
            print(f"checkout {scenario} on {database_kind(spec)}…", file=sys.stderr, flush=True)
            results.append(await measure(spec, scenario, seed))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 1 when anything was oversold or lost."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    about = machine()
    results = asyncio.run(run(args.databases, args.scenarios, args.seed))
    print(report(results, about))
    if args.json:
        document: dict[str, Any] = {
            "benchmark": "checkout",
            "machine": about,
            "command": " ".join(["python -m bench.checkout", *arguments]),
            "seed": args.seed,
            "results": [asdict(r) | {"correct": r.correct} for r in results],
            "targets": [asdict(verdict) for verdict in verdicts(results)],
        }
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(verdict.met for verdict in verdicts(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
