"""A small run of the catalogue read model benchmark, so a change that breaks it fails CI. No
timings are asserted beyond the freshness bound, which the tests of the read model hold too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import catalogue_view as bench
from tests.conftest import TEST_DATABASE_URL

DATABASE = TEST_DATABASE_URL or "sqlite"


def test_a_small_run_builds_serves_and_follows_a_price_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "catalogue_view.json"
    bench.main(["--products", "300", "--database", DATABASE, "--json", str(out)])

    table = capsys.readouterr().out
    (result,) = json.loads(out.read_text())["results"]
    assert (result["products"], result["sizes"] > result["products"]) == (300, True)
    assert result["retained_mb"] > 0 and result["card_p50_ms"] > 0
    assert result["fresh_after_ms"] <= bench.TARGET_FRESH_S * 1000
    assert "| price fresh after ms |" in table
