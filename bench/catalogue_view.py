"""Catalogue read model benchmark: building it for a large catalogue, its memory, a screen
served from it, and how soon another instance shows a price change.

    .venv/bin/python -m bench.catalogue_view [--products 100000] [--database sqlite]
                                             [--database postgresql+asyncpg://…] [--json out.json]

Per database: a scratch database holds the generated catalogue (each product with its sizes, a
cover photo and a German name, inserted in bulk); a fresh process-like `Database` builds the
snapshot as the first screen does, timed; a second build, traced, gives what the snapshot
retains (tracemalloc); RSS Δ is the process's resident memory with the first snapshot held
against before it (what the allocator kept, freed rows included). Freshness: one instance
changes a price through the admin's service, the other reads the card until the new price
shows (during the rebuild that follows, screens read their part themselves).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import insert, select

from bench.catalog_gen import Product as Generated
from bench.catalog_gen import catalogue
from bench.common import (
    DEFAULT_DATABASES,
    Verdict,
    database_kind,
    describe,
    machine,
    ms_percentiles,
    scratch_database,
)
from bench.shop_data import sizes_for
from bot.db import Database
from bot.models import Category, GalleryPhoto, Product, ProductTranslation, Size
from bot.services import catalogue_view, inventory
from bot.services.product import bump_catalog_revision
from bot.usecases import catalog

TARGET_BUILD_S = 5.0
TARGET_MB = 300.0
TARGET_FRESH_S = 1.0
MB = 1024 * 1024
CHUNK = 5_000
SCREENS = 2_000


@dataclass(frozen=True, slots=True)
class Result:
    database: str
    products: int
    sizes: int
    build_s: float
    retained_mb: float
    rss_delta_mb: float
    card_p50_ms: float
    card_p99_ms: float
    page_p50_ms: float
    page_p99_ms: float
    fresh_after_ms: float


async def fill(url: str, items: Sequence[Generated]) -> int:
    """The catalogue in bulk; returns how many sizes it has."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            names = sorted({item.category for item in items})
            await session.execute(insert(Category), [{"name": name} for name in names])
            found = await session.execute(select(Category.name, Category.id))
            ids: dict[str, int] = {name: id for name, id in found}
            rows = [
                {
                    "id": item.product_id,
                    "sku": f"BENCH-{item.product_id:06d}",
                    "name": item.name,
                    "description": item.description,
                    "price": item.price,
                    "currency": item.currency,
                    "category_id": ids[item.category],
                    "is_active": True,
                }
                for item in items
            ]
            sizes = [
                {"product_id": item.product_id, "name": name, "stock": stock, "position": at}
                for item in items
                for at, (name, stock) in enumerate(sizes_for(item, 5))
            ]
            for table, values in (
                (Product, rows),
                (Size, sizes),
                (
                    GalleryPhoto,
                    [
                        {"product_id": r["id"], "position": 0, "value": f"https://img/{r['id']}"}
                        for r in rows
                    ],
                ),
                (
                    ProductTranslation,
                    [
                        {"product_id": r["id"], "language": "de", "name": f"{r['name']} (de)"}
                        for r in rows
                    ],
                ),
            ):
                for start in range(0, len(values), CHUNK):
                    await session.execute(insert(table), values[start : start + CHUNK])
            await bump_catalog_revision(session)
        return len(sizes)
    finally:
        await db.dispose()


async def measure(spec: str, products: int) -> Result:
    items = catalogue(products)
    async with scratch_database(spec) as url:
        sizes = await fill(url, items)
        reader, admin = Database(url), Database(url)
        try:
            gc.collect()
            rss_before = _rss_mb()
            started = time.perf_counter()
            async with reader.reading() as session:
                snapshot = await catalogue_view.load_snapshot(session)
            build_s = time.perf_counter() - started
            gc.collect()
            rss_delta = _rss_mb() - rss_before
            del snapshot
            gc.collect()
            tracemalloc.start()  # a second build, traced: tracing slows building down
            async with reader.reading() as session:
                snapshot = await catalogue_view.load_snapshot(session)
            gc.collect()
            retained, _ = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del snapshot
            await catalog.categories(reader, page=1, per_page=8)  # the screens' own snapshot
            card_s, page_s = await screens(reader, products)
            fresh_ms = await freshness(reader, admin)
        finally:
            await reader.dispose()
            await admin.dispose()
    card_p50, card_p99 = ms_percentiles(card_s, 50, 99)
    page_p50, page_p99 = ms_percentiles(page_s, 50, 99)
    return Result(
        database=database_kind(spec),
        products=products,
        sizes=sizes,
        build_s=round(build_s, 2),
        retained_mb=round(retained / MB, 1),
        rss_delta_mb=round(rss_delta, 1),
        card_p50_ms=round(card_p50, 2),
        card_p99_ms=round(card_p99, 2),
        page_p50_ms=round(page_p50, 2),
        page_p99_ms=round(page_p99, 2),
        fresh_after_ms=round(fresh_ms, 1),
    )


def _rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / MB


async def screens(db: Database, products: int) -> tuple[list[float], list[float]]:
    """Cards and category pages as a customer opens them (stock read live each time)."""
    cards, pages = [], []
    listing = await catalog.categories(db, page=1, per_page=100)
    categories = [category.id for category in listing.items]
    for at in range(SCREENS):
        started = time.perf_counter()
        await catalog.product_card(db, product_id=1 + at * 7919 % products, telegram_id=at)
        cards.append(time.perf_counter() - started)
        started = time.perf_counter()
        await catalog.category_products(
            db, category_id=categories[at % len(categories)], page=1 + at % 5, per_page=8
        )
        pages.append(time.perf_counter() - started)
    return cards, pages


async def freshness(reader: Database, admin: Database) -> float:
    """Milliseconds until `reader` shows a price `admin` changed."""
    before = (await catalog.product_card(reader, product_id=1)).price
    async with admin.transaction() as session:
        await inventory.edit_product(
            session, admin_id=1, product_id=1, field="price", value=f"{(before + 100) / 100:.2f}"
        )
    changed = time.perf_counter()
    while (await catalog.product_card(reader, product_id=1)).price == before:
        if time.perf_counter() - changed > 10:
            return float("inf")
        await asyncio.sleep(0.005)
    return (time.perf_counter() - changed) * 1000


def verdicts(results: Sequence[Result]) -> list[Verdict]:
    judged = []
    for r in results:
        judged += [
            Verdict(f"{r.database}: built ≤ {TARGET_BUILD_S:g} s", f"{r.build_s} s",
                    r.build_s <= TARGET_BUILD_S),
            Verdict(f"{r.database}: < {TARGET_MB:g} MB", f"{r.retained_mb} MB retained",
                    r.retained_mb < TARGET_MB),
            Verdict(f"{r.database}: fresh within {TARGET_FRESH_S:g} s", f"{r.fresh_after_ms} ms",
                    r.fresh_after_ms <= TARGET_FRESH_S * 1000),
        ]  # fmt: skip
    return judged


def markdown(results: Sequence[Result]) -> str:
    lines = [
        "| database | products | sizes | build s | retained MB (tracemalloc) | RSS Δ MB "
        "| card p50 ms | card p99 ms | page p50 ms | page p99 ms | price fresh after ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.products:,} | {r.sizes:,} | {r.build_s:.2f} | "
            f"{r.retained_mb:.0f} | {r.rss_delta_mb:.0f} | {r.card_p50_ms:.2f} | "
            f"{r.card_p99_ms:.2f} | {r.page_p50_ms:.2f} | {r.page_p99_ms:.2f} | "
            f"{r.fresh_after_ms:.0f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue_view", description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database", action="append", dest="databases")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    about = machine()
    results = [
        asyncio.run(measure(spec, args.products))
        for spec in args.databases or list(DEFAULT_DATABASES)
    ]
    print(describe(about))
    print(markdown(results))
    judged = verdicts(results)
    for verdict in judged:
        print(f"- {'met' if verdict.met else 'MISSED'}: {verdict.target} ({verdict.value})")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": about, "results": [asdict(r) for r in results]}, indent=2)
        )
    return 0 if all(verdict.met for verdict in judged) else 1


if __name__ == "__main__":
    raise SystemExit(main())
