"""A small run of the webhooks benchmark, so a change that breaks it fails CI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bench import webhooks as bench
from tests.conftest import TEST_DATABASE_URL

DATABASE = TEST_DATABASE_URL or "sqlite"


def test_every_event_is_applied_once_even_in_a_storm(tmp_path: Path) -> None:
    out = tmp_path / "webhooks.json"
    arguments = ["--events", "15", "--concurrency", "10", "--copies", "5"]

    bench.main([*arguments, "--database", DATABASE, "--json", str(out)])

    phases = {phase["phase"]: phase for phase in json.loads(out.read_text())["results"]}
    assert set(phases) == {"steady", "storm"}
    assert [phases["steady"]["requests"], phases["storm"]["requests"]] == [15, 75]
    assert all(phase["exactly_once"] and phase["all_accepted"] for phase in phases.values())
    assert all(phase["notifications"] == 15 for phase in phases.values())


def test_a_doubled_notification_or_a_refused_request_is_a_miss() -> None:
    fine = bench.PhaseResult(
        database="sqlite", phase="storm", events=10, requests=50, seconds=1.0, events_per_s=10,
        requests_per_s=50, p50_ms=1, p99_ms=2, statuses={"200": 50}, orders_paid=10,
        events_recorded=10, notifications=10, server_cpu=0.5,
    )  # fmt: skip

    assert fine.exactly_once and fine.all_accepted
    assert not replace(fine, notifications=11).exactly_once
    assert not replace(fine, events_recorded=9).exactly_once
    assert not replace(fine, statuses={"200": 49, "500": 1}).all_accepted


def test_the_storm_is_judged_by_requests_and_the_steady_phase_by_events() -> None:
    storm = bench.PhaseResult(
        database="sqlite", phase="storm", events=200, requests=1000, seconds=1.0,
        events_per_s=200, requests_per_s=1000, p50_ms=1, p99_ms=2, statuses={"200": 1000},
        orders_paid=200, events_recorded=200, notifications=200, server_cpu=0.5,
    )  # fmt: skip
    steady = replace(storm, phase="steady", requests=200, requests_per_s=200)

    assert [v.met for v in bench.verdicts([storm])] == [True, True, True]
    assert bench.verdicts([replace(storm, requests_per_s=999)])[0].met is False
    assert bench.verdicts([steady])[0].met is False
    assert bench.verdicts([replace(steady, events_per_s=300)])[0].met is True
