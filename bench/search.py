"""Search benchmark: the in-memory index against rapidfuzz's WRatio over every name.

Two query sets per size: misspelt names (one or two typos, words dropped or moved), and hard
queries (three words of a name in any order, every one mistyped, one an invented brand or model
word).

    .venv/bin/python -m bench.search [--sizes 1000,10000,100000] [--queries 300] [--json out.json]
                                     [--seed N] [--in-process]

Each catalogue size runs in a fresh child process (unless --in-process), so the RSS growth of
one build is not hidden by memory an earlier size freed. Needs no network and no database.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import os
import platform
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import rapidfuzz
from rapidfuzz import fuzz, process

from bench.catalog_gen import Product, TypoQuery, catalogue, hard_queries, typo_queries
from bot.services.search import IndexRow, SearchIndex

TOP = 5
TARGET_SIZE = 100_000
TARGET_P95_MS = 10.0
TARGET_RECALL = 0.95
TARGET_HARD_RECALL = 0.9
TARGET_SPEEDUP = 20.0
TARGET_BUILD_S = 5.0
TARGET_BUILD_MB = 300.0
NAIVE_WARMUP_QUERIES = 3
MISSES_KEPT = 10
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True, slots=True)
class Miss:
    query: str
    wanted: str
    found: list[str]


@dataclass(frozen=True, slots=True)
class SizeResult:
    products: int
    queries: int
    build_s: float
    build_peak_mb: float  # tracemalloc peak while building
    index_mb: float  # tracemalloc, still allocated once built
    rss_delta_mb: float
    index_first_pass: Latency  # word cache empty at first
    index: Latency  # warm: the second pass
    index_recall: float
    naive: Latency
    naive_recall: float
    index_recall_by_edit: dict[str, float]
    index_misses: list[Miss]
    hard: Latency  # warm, like `index`
    hard_recall: float
    naive_hard_recall: float
    hard_misses: list[Miss]

    @property
    def speedup_p50(self) -> float:
        return self.naive.p50_ms / self.index.p50_ms

    @property
    def speedup_p95(self) -> float:
        return self.naive.p95_ms / self.index.p95_ms


@dataclass(frozen=True, slots=True)
class Verdict:
    target: str
    value: str
    met: bool


def percentile(samples: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def latency(seconds: Sequence[float]) -> Latency:
    return Latency(percentile(seconds, 50) * 1000, percentile(seconds, 95) * 1000)


def timed(search: Callable[[str], list[int]], queries: Sequence[TypoQuery]) -> tuple[
    list[float], list[list[int]]
]:  # fmt: skip
    """Each query's time in seconds and the product ids it found."""
    seconds, found = [], []
    for query in queries:
        start = time.perf_counter()
        ids = search(query.text)
        seconds.append(time.perf_counter() - start)
        found.append(ids)
    return seconds, found


def recall(queries: Sequence[TypoQuery], found: Sequence[list[int]]) -> float:
    hits = sum(
        not query.targets.isdisjoint(ids[:TOP]) for query, ids in zip(queries, found, strict=True)
    )
    return hits / len(queries)


def recall_by_edit(queries: Sequence[TypoQuery], found: Sequence[list[int]]) -> dict[str, float]:
    seen: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for query, ids in zip(queries, found, strict=True):
        for edit in set(query.edits):
            seen[edit] += 1
            hits[edit] += not query.targets.isdisjoint(ids[:TOP])
    return {edit: round(hits[edit] / seen[edit], 4) for edit in sorted(seen)}


def rss_bytes() -> int:
    """Resident set size now (Linux); 0 where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def build_index(rows: Sequence[tuple[int, str, int, str, str, str]]) -> SearchIndex:
    """As the bot builds it from the rows of its catalogue query."""
    return SearchIndex.build(IndexRow(*row) for row in rows)


def measure_size(size: int, query_count: int, seed: int) -> SizeResult:
    products = catalogue(size, seed=seed)
    queries = typo_queries(products, query_count, seed=seed)
    hard = hard_queries(products, query_count, seed=seed)
    rows = [product.row() for product in products]

    gc.collect()
    rss_before = rss_bytes()
    start = time.perf_counter()
    index = build_index(rows)
    build_s = time.perf_counter() - start
    rss_delta = rss_bytes() - rss_before
    index_mb, peak_mb = _traced_build(rows)

    def search_index(text: str) -> list[int]:
        return [hit.product_id for hit in index.query(text, TOP)]

    first_seconds, _ = timed(search_index, queries)
    warm_seconds, found = timed(search_index, queries)
    naive_seconds, naive_found = _naive_run(products, queries)
    timed(search_index, hard)
    hard_seconds, hard_found = timed(search_index, hard)
    _, naive_hard_found = _naive_run(products, hard)
    return SizeResult(
        products=size,
        queries=len(queries),
        build_s=build_s,
        build_peak_mb=peak_mb,
        index_mb=index_mb,
        rss_delta_mb=rss_delta / MB,
        index_first_pass=latency(first_seconds),
        index=latency(warm_seconds),
        index_recall=recall(queries, found),
        naive=latency(naive_seconds),
        naive_recall=recall(queries, naive_found),
        index_recall_by_edit=recall_by_edit(queries, found),
        index_misses=_misses(queries, found, products),
        hard=latency(hard_seconds),
        hard_recall=recall(hard, hard_found),
        naive_hard_recall=recall(hard, naive_hard_found),
        hard_misses=_misses(hard, hard_found, products),
    )


def _traced_build(rows: Sequence[tuple[int, str, int, str, str, str]]) -> tuple[float, float]:
    """Memory the index keeps and the peak while building it (a second build: tracing slows
    it down too much to time)."""
    gc.collect()
    tracemalloc.start()
    try:
        index = build_index(rows)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del index
    return current / MB, peak / MB


def _naive_run(
    products: Sequence[Product], queries: Sequence[TypoQuery]
) -> tuple[list[float], list[list[int]]]:
    names = [product.name for product in products]

    def search(text: str) -> list[int]:
        matches = process.extract(text, names, scorer=fuzz.WRatio, limit=TOP)
        return [products[position].product_id for _, _, position in matches]

    timed(search, queries[:NAIVE_WARMUP_QUERIES])
    return timed(search, queries)


def _misses(
    queries: Sequence[TypoQuery], found: Sequence[list[int]], products: Sequence[Product]
) -> list[Miss]:
    names = {product.product_id: product.name for product in products}
    misses = [
        Miss(query.text, query.name, [names[product_id] for product_id in ids])
        for query, ids in zip(queries, found, strict=True)
        if query.targets.isdisjoint(ids[:TOP])
    ]
    return misses[:MISSES_KEPT]


def run(
    sizes: Sequence[int], query_count: int, seed: int, *, isolate: bool = True
) -> list[SizeResult]:
    if not isolate:
        return [measure_size(size, query_count, seed) for size in sizes]
    results = []
    context = multiprocessing.get_context("fork")  # a child that starts with almost nothing
    for size in sizes:
        with ProcessPoolExecutor(1, mp_context=context) as pool:  # fails, not hangs, on a crash
            results.append(pool.submit(measure_size, size, query_count, seed).result())
    return results


def verdicts(results: Sequence[SizeResult]) -> list[Verdict]:
    """The issue's targets, judged at 100k products (none when that size was not run)."""
    at = next((result for result in results if result.products == TARGET_SIZE), None)
    if at is None:
        return []
    build_mb = max(at.build_peak_mb, at.rss_delta_mb)
    p95, recall, speedup = at.index.p95_ms, at.index_recall, at.speedup_p95
    hard_p95, hard_recall = at.hard.p95_ms, at.hard_recall
    return [
        Verdict(f"p95 ≤ {TARGET_P95_MS:g} ms", f"{p95:.2f} ms", p95 <= TARGET_P95_MS),
        Verdict(f"recall@5 ≥ {TARGET_RECALL}", f"{recall:.3f}", recall >= TARGET_RECALL),
        Verdict(
            f"hard p95 ≤ {TARGET_P95_MS:g} ms", f"{hard_p95:.2f} ms", hard_p95 <= TARGET_P95_MS
        ),
        Verdict(
            f"hard recall@5 ≥ {TARGET_HARD_RECALL}",
            f"{hard_recall:.3f}",
            hard_recall >= TARGET_HARD_RECALL,
        ),
        Verdict(f"≥ {TARGET_SPEEDUP:g}× naive (p95)", f"{speedup:.0f}×", speedup >= TARGET_SPEEDUP),
        Verdict(
            f"build ≤ {TARGET_BUILD_S:g} s", f"{at.build_s:.2f} s", at.build_s <= TARGET_BUILD_S
        ),
        Verdict(
            f"build ≤ {TARGET_BUILD_MB:g} MB", f"{build_mb:.0f} MB", build_mb <= TARGET_BUILD_MB
        ),
    ]


def markdown(results: Sequence[SizeResult]) -> str:
    header = (
        "| products | build s | build peak MB (tracemalloc) | index MB | RSS Δ MB "
        "| index p50 ms | index p95 ms | first-pass p95 ms | index recall@5 "
        "| naive p50 ms | naive p95 ms | naive recall@5 | speed-up p50 | speed-up p95 "
        "| hard p95 ms | hard recall@5 | naive hard recall@5 |"
    )
    lines = [header, "|" + "---:|" * header.count(" | ") + "---:|"]
    for r in results:
        cells = [
            f"{r.products:,}", f"{r.build_s:.2f}", f"{r.build_peak_mb:.0f}", f"{r.index_mb:.0f}",
            f"{r.rss_delta_mb:.0f}", f"{r.index.p50_ms:.2f}", f"{r.index.p95_ms:.2f}",
            f"{r.index_first_pass.p95_ms:.2f}", f"{r.index_recall:.3f}", f"{r.naive.p50_ms:.1f}",
            f"{r.naive.p95_ms:.1f}", f"{r.naive_recall:.3f}", f"{r.speedup_p50:.0f}×",
            f"{r.speedup_p95:.0f}×", f"{r.hard.p95_ms:.2f}", f"{r.hard_recall:.3f}",
            f"{r.naive_hard_recall:.3f}",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "rapidfuzz": rapidfuzz.__version__,
        "platform": platform.platform(),
    }


def report(results: Sequence[SizeResult], about: dict[str, str], query_count: int) -> str:
    lines = [
        f"Machine: {about['cpus']} × {about['cpu']}, Python {about['python']}, "
        f"rapidfuzz {about['rapidfuzz']}",
        f"{query_count} typo and {query_count} hard queries per size; latency per query; naive = "
        f"process.extract(query, names, scorer=WRatio, limit={TOP})",
        "",
        markdown(results),
    ]
    judged = verdicts(results)
    if judged:
        lines += ["", f"Targets at {TARGET_SIZE:,} products:"]
        lines += [f"- {'met' if v.met else 'MISSED'}: {v.target} ({v.value})" for v in judged]
    return "\n".join(lines)


def as_json(results: Sequence[SizeResult], about: dict[str, str], **run: Any) -> dict[str, Any]:
    return {
        "benchmark": "search",
        "machine": about,
        **run,
        "results": [
            asdict(r) | {"speedup_p50": r.speedup_p50, "speedup_p95": r.speedup_p95}
            for r in results
        ],
        "targets": [asdict(verdict) for verdict in verdicts(results)],
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, default="1000,10000,100000", help="e.g. 1000,10000")
    parser.add_argument("--queries", type=int, default=300, help="queries per set and size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    args = parser.parse_args(argv)
    if args.queries < 1:
        parser.error("--queries must be positive")
    return args


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(size) for size in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of numbers") from None
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 1 when a target is missed."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    about = machine()
    results = run(args.sizes, args.queries, args.seed, isolate=not args.in_process)
    print(report(results, about, args.queries))
    if args.json:
        document = as_json(
            results,
            about,
            command=" ".join(["python -m bench.search", *arguments]),
            seed=args.seed,
            queries=args.queries,
        )
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(verdict.met for verdict in verdicts(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
