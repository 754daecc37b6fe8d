"""A small run of the search benchmark, so a change that breaks it fails CI. No timings are
asserted: the numbers come from `python -m bench.search` on a quiet machine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench import search as bench
from bench.catalog_gen import catalogue, hard_queries, tokens, typo_queries

SMALL = 200


@pytest.fixture(scope="module")
def small_run() -> bench.SizeResult:
    return bench.measure_size(SMALL, 60, seed=1)


def test_the_same_seed_gives_the_same_catalogue_and_queries() -> None:
    products = catalogue(SMALL, seed=7)
    assert catalogue(SMALL, seed=7) == products
    assert catalogue(SMALL, seed=8) != products
    assert typo_queries(products, 50, seed=7) == typo_queries(products, 50, seed=7)


def test_products_have_names_categories_descriptions_and_prices() -> None:
    products = catalogue(SMALL, seed=1)
    assert [product.product_id for product in products] == list(range(1, SMALL + 1))
    assert all(product.category and product.description for product in products)
    assert all(product.price > 0 and len(product.name.split()) >= 4 for product in products)


def test_each_query_is_labelled_with_every_product_of_its_name() -> None:
    products = catalogue(SMALL, seed=2)
    products += [replace(products[0], product_id=SMALL + 1)]  # a namesake
    for query in typo_queries(products, 300, seed=2):
        assert query.targets == {p.product_id for p in products if p.name == query.name}


def test_each_query_misspells_its_name() -> None:
    typos = {"letter dropped", "letters swapped", "letter doubled", "letter substituted"}
    queries = typo_queries(catalogue(SMALL, seed=3), 300, seed=3)
    assert len(queries) == 300
    assert all(typos & set(query.edits) for query in queries)
    assert all(query.text.casefold() != query.name.casefold() for query in queries)
    kinds = {edit for query in queries for edit in query.edits}
    assert kinds >= typos | {"word order", "missing word", "lowercase"}


def test_hard_queries_are_three_mistyped_words_of_a_name_with_an_invented_one() -> None:
    products = catalogue(2_000, seed=4)
    names = {product.product_id: product.name for product in products}
    queries = hard_queries(products, 200, seed=4)
    assert len(queries) == 200 and hard_queries(products, 200, seed=4) == queries
    for query in queries:
        words = tokens(query.name)
        typed = tokens(query.text)
        assert len(words) == len(typed) == 3
        assert all(word not in typed for word in words)  # every word mistyped
        assert query.targets == {
            product_id for product_id, name in names.items() if set(words) <= set(tokens(name))
        }
    invented = {"aurora", "summit", "northwind", "kestrel", "black", "backpack"}
    assert all(not invented.issuperset(tokens(query.name)) for query in queries)


def test_a_small_run_measures_both_approaches(small_run: bench.SizeResult) -> None:
    assert (small_run.products, small_run.queries) == (SMALL, 60)
    assert 0 < small_run.index.p50_ms <= small_run.index.p95_ms
    assert 0 < small_run.naive.p50_ms <= small_run.naive.p95_ms
    assert small_run.build_s > 0 and small_run.build_peak_mb > 0
    assert 0 <= small_run.naive_recall <= 1


def test_the_index_finds_most_misspelt_products(small_run: bench.SizeResult) -> None:
    assert small_run.index_recall >= 0.9, small_run.index_misses
    assert small_run.hard_recall >= 0.9, small_run.hard_misses


def test_targets_are_judged_only_at_a_hundred_thousand_products(
    small_run: bench.SizeResult,
) -> None:
    assert bench.verdicts([small_run]) == []
    at_target = replace(
        small_run,
        products=bench.TARGET_SIZE,
        index=bench.Latency(2.0, 9.0),
        naive=bench.Latency(100.0, 200.0),
        index_recall=0.95,
        hard=bench.Latency(1.0, 9.0),
        hard_recall=0.9,
        build_s=6.0,
    )
    missed = [verdict.target for verdict in bench.verdicts([at_target]) if not verdict.met]
    assert missed == ["build ≤ 5 s"]


def test_the_command_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "search.json"
    status = bench.main(
        ["--sizes", "100,150", "--queries", "20", "--seed", "4", "--json", str(out)]
    )
    table = capsys.readouterr().out
    assert status == 0
    assert "| products | build s |" in table
    assert "| 100 |" in table and "| 150 |" in table
    document = json.loads(out.read_text())
    assert [result["products"] for result in document["results"]] == [100, 150]
    assert document["command"].endswith("--seed 4 --json " + str(out))
    assert {"cpus", "cpu", "python"} <= document["machine"].keys()


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]
    assert (bench.percentile(samples, 50), bench.percentile(samples, 95)) == (50.0, 95.0)
    assert bench.percentile([3.0], 95) == 3.0
