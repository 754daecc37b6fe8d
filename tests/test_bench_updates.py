"""A small run of the updates benchmark, so a change that breaks it fails CI. No timings are
asserted: the numbers come from `python -m bench.updates` on a quiet machine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench import updates as bench
from tests.conftest import TEST_DATABASE_URL

DATABASE = TEST_DATABASE_URL or "sqlite"


def test_a_small_run_answers_every_customer_and_reports_each_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "updates.json"
    arguments = ["--customers", "4", "--seconds", "1.5", "--warmup", "1", "--products", "40"]
    bench.main([*arguments, "--database", DATABASE, "--transports", "aiohttp", "--json", str(out)])

    table = capsys.readouterr().out
    document = json.loads(out.read_text())
    runs = {(run["workload"], run["transport"]): run for run in document["results"]}
    assert set(runs) == {("ceiling", "aiohttp"), ("shop", "aiohttp"), ("catalogue", "aiohttp")}
    assert all(run["updates"] > 0 and run["errors"] == 0 for run in runs.values())
    assert {"catalogue", "category", "product", "search"} <= runs["shop", "aiohttp"][
        "by_kind"
    ].keys()
    assert set(runs["catalogue", "aiohttp"]["by_kind"]) <= {"catalogue", "category", "product"}
    assert set(runs["ceiling", "aiohttp"]["by_kind"]) == {"reply"}
    assert "| shop |" in table and "| catalogue |" in table and "| ceiling |" in table
    assert {"cpus", "cpu", "python"} <= document["machine"].keys()


def _result(workload: str, per_second: float, p99_ms: float) -> bench.RunResult:
    return bench.RunResult(
        workload=workload, database="sqlite", transport="aiohttp", customers=200, seconds=10.0,
        updates=int(per_second * 10), updates_per_s=per_second, p50_ms=p99_ms / 2,
        p99_ms=p99_ms, max_ms=p99_ms, errors=0, api_calls_per_update=2.0, bot_cpu=1.0,
        driver_cpu=1.0, by_kind={},
    )  # fmt: skip


def test_each_mix_is_judged_against_the_ceiling_of_its_transport() -> None:
    ceiling = _result("ceiling", 1000, 50)
    fast_enough = _result("shop", 400, 250)
    browsing = _result("catalogue", 700, 100)

    assert all(verdict.met for verdict in bench.verdicts([ceiling, fast_enough, browsing]))
    missed = bench.verdicts([ceiling, replace(fast_enough, updates_per_s=399, p99_ms=251)])
    assert [verdict.value for verdict in missed if not verdict.met] == ["39.9%", "251 ms"]
    slow_browsing = bench.verdicts([ceiling, replace(browsing, updates_per_s=699)])
    assert [verdict.value for verdict in slow_browsing if not verdict.met] == ["69.9%"]
    unanswered = bench.verdicts([ceiling, replace(fast_enough, errors=3)])
    assert [verdict.met for verdict in unanswered] == [True, True, False]
