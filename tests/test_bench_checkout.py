"""A small run of the checkout benchmark, so a change that breaks it fails CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import checkout as bench
from bench.common import scratch_database
from bot.db import Database
from tests.conftest import TEST_DATABASE_URL

DATABASE = TEST_DATABASE_URL or "sqlite"


def test_more_buyers_than_units_never_oversell(tmp_path: Path) -> None:
    out = tmp_path / "checkout.json"

    status = bench.main(["--scenarios", "30:6:2", "--database", DATABASE, "--json", str(out)])

    (result,) = json.loads(out.read_text())["results"]
    assert status == 0 and result["correct"]
    assert result["orders"] + result["sold_out_refusals"] == 30
    assert 0 < result["units_sold"] <= 6
    assert result["units_wanted"] > 30  # some buyers wanted two sizes


def test_the_stock_is_spread_over_the_sizes() -> None:
    assert bench.Scenario(10, 7, 3).stock() == {"S1": 3, "S2": 2, "S3": 2}


async def test_the_audit_notices_units_sold_beyond_the_stock() -> None:
    async with scratch_database(DATABASE) as url:
        database = Database(url)
        try:
            stock, people = await bench.contenders(database, bench.Scenario(8, 4, 1), seed=1)
            outcomes = [(await bench.check_out(database, person))[1] for person in people]
            honest = await bench.audit(database, stock, people, outcomes)
            claimed_less = {size_id: units - 1 for size_id, units in stock.items()}
            found = await bench.audit(database, claimed_less, people, outcomes)
        finally:
            await database.dispose()

    assert outcomes.count("ok") == 4
    assert (honest["oversold_sizes"], honest["units_unaccounted"]) == (0, 0)
    assert (found["oversold_sizes"], found["units_unaccounted"]) == (1, 1)


def test_scenarios_are_read_as_buyers_units_sizes() -> None:
    args = bench.parse_args(["--scenarios", "5:3:1,9:8:2"])
    assert args.scenarios == [bench.Scenario(5, 3, 1), bench.Scenario(9, 8, 2)]
    with pytest.raises(SystemExit):
        bench.parse_args(["--scenarios", "5:3:4"])
