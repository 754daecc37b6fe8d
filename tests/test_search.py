from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import pytest

from bot.db import Database
from bot.services import product as catalog
from bot.services.errors import InvalidInput
from bot.services.search import CatalogSearch, IndexRow, SearchIndex
from tests.factories import rename_category
from tests.statements import statements

SHOP = [
    ("Northwind Court Sneakers", "Sneakers", "Leather low-tops."),
    ("Kestrel Trail Sneakers", "Sneakers", "Mesh running shoes."),
    ("Black T-Shirt", "T-Shirts", "Soft cotton tee."),
    ("White T-Shirt", "T-Shirts", "Soft cotton tee."),
    ("Black Jeans", "Jeans", "Slim stretch denim."),
    ("Classic Pullover Hoodie", "Hoodies", "Brushed fleece."),
    ("Zip-Up Hoodie", "Hoodies", "Loopback cotton."),
    ("Packable Rain Shell", "Outerwear", "Folds into its own pocket."),
    ("Baseball Cap", "Caps", "Cotton twill, adjustable strap."),
    ("Café Racer Jacket", "Outerwear", "Waxed cotton."),
    ("Canvas Tote Bag", "Accessories", "Fits sneakers or a laptop."),
]


def build(rows: list[tuple[str, str, str]] = SHOP) -> SearchIndex:
    return SearchIndex.build(
        IndexRow(number, name, 1000 + number, "EUR", category, description)
        for number, (name, category, description) in enumerate(rows, start=1)
    )


def names(index: SearchIndex, query: str, limit: int = 10) -> list[str]:
    return [hit.name for hit in index.query(query, limit)]


# --- the index on its own -----------------------------------------------------------------


@pytest.mark.parametrize("query", ["snekers", "sneakres", "SNEAKERS", "sneak"])
def test_typos_and_unfinished_words_find_sneakers(query: str) -> None:
    found = names(build(), query, limit=2)
    assert found == ["Kestrel Trail Sneakers", "Northwind Court Sneakers"]


@pytest.mark.parametrize("query", ["tshirt black", "black t-shirt", "Black T Shirt", "blak tshrit"])
def test_word_order_hyphens_and_typos_do_not_matter(query: str) -> None:
    assert names(build(), query)[0] == "Black T-Shirt"


def test_hoddie_finds_hoodies() -> None:
    assert names(build(), "hoddie") == ["Classic Pullover Hoodie", "Zip-Up Hoodie"]


def test_a_word_only_seen_in_descriptions_still_matches_names_with_typos() -> None:
    rows = [("Zip Hoodie", "Tops", ""), ("Fleece Jacket", "Tops", "Warmer than a hoody.")]
    assert names(build(rows), "hoody") == ["Zip Hoodie", "Fleece Jacket"]


def test_a_category_name_finds_its_products() -> None:
    assert names(build(), "outerwear") == ["Café Racer Jacket", "Packable Rain Shell"]


def test_a_word_in_the_name_counts_more_than_in_a_description() -> None:
    rows = [("Canvas Tote", "Bags", "Fits a laptop."), ("Laptop Sleeve", "Bags", "Padded.")]
    [sleeve, *_] = build(rows).query("laptop")
    [tote] = build(rows[:1]).query("laptop")  # on its own, a description match is found
    assert sleeve.name == "Laptop Sleeve"
    assert tote.score < sleeve.score


def test_several_matching_words_outrank_one() -> None:
    rows = [("Black Jeans", "Clothes", ""), ("Black Hoodie", "Clothes", "")]
    assert names(build(rows), "hoodie black") == ["Black Hoodie", "Black Jeans"]


CLOTHES = [
    ("Alder Corduroy Cap – Black", "Caps", "Unstructured cap."),
    ("Alder Selvedge Jeans – Black", "Jeans", "Japanese denim."),
    ("Halden Coach Jacket – Black", "Jackets", "Nylon shell."),
    ("Halden Boxy T-Shirt – Sand", "T-Shirts", "Heavy jersey."),
    ("Kestrel Crew T-Shirt – Grey", "T-Shirts", "Organic cotton."),
    ("Marlow Pullover Hoodie – Navy", "Hoodies", "Brushed fleece."),
    ("Tidewater Zip Hoodie – Olive", "Hoodies", "Loopback cotton."),
]


@pytest.mark.parametrize(
    ("query", "kind"), [("tshirt black", "T-Shirt"), ("black hoodie", "Hoodie")]
)
def test_the_kind_of_product_outweighs_a_colour(query: str, kind: str) -> None:
    found = names(build(CLOTHES), query)
    of_kind = [name for name in found if kind in name]
    assert of_kind and found[: len(of_kind)] == of_kind
    assert names(build([*CLOTHES, (f"Urban {kind} – Black", "Misc", "")]), query)[0] == (
        f"Urban {kind} – Black"  # a word of the name still counts: black and of its kind
    )


def test_a_kind_is_the_category_s_word_give_or_take_an_ending() -> None:
    rows = [("Cap Sleeve Dress", "Dresses", ""), ("Baseball Cap", "Caps", "")]
    assert names(build(rows), "cap") == ["Baseball Cap", "Cap Sleeve Dress"]
    rows = [("Slim Jean", "Jeans", ""), ("Jean Jacket", "Jackets", "")]
    assert names(build(rows), "jean") == ["Slim Jean", "Jean Jacket"]


def test_numbers_count_even_a_single_digit() -> None:
    rows = [(f"Graphic Tee {number}", "T-Shirts", "") for number in range(13)]
    rows += [("Runner 42", "Sneakers", ""), ("Runner 420", "Sneakers", "")]
    index = build(rows)
    assert names(index, "graphic tee 3")[0] == "Graphic Tee 3"
    assert names(index, "grafic tee 12")[0] == "Graphic Tee 12"
    assert names(index, "42") == ["Runner 42"]
    assert names(index, "runner 420")[0] == "Runner 420"


def test_a_size_counts_a_little() -> None:
    rows = [("Court Sneakers", "Sneakers", "", "40 41"), ("Trail Sneakers", "Sneakers", "", "42")]
    index = SearchIndex.build(
        IndexRow(number, name, 1000, "EUR", category, description, sizes)
        for number, (name, category, description, sizes) in enumerate(rows, start=1)
    )
    assert names(index, "sneakers 42") == ["Trail Sneakers", "Court Sneakers"]
    assert names(index, "42") == ["Trail Sneakers"]
    [hit] = index.query("court 40", 1)
    [named] = index.query("court sneakers", 1)
    assert hit.score < named.score  # a size is no name word


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("худи черное", "Худи оверсайз чёрное"),  # ё typed as е, as most people do
        ("футблка", "Футболка белая"),
        ("КРОСОВКИ", "Кроссовки беговые"),
        ("zapatilas", "Zapatillas de running"),
        ("Turnschuhe weiss", "Turnschuhe Weiß"),
    ],
)
def test_any_script_with_typos_finds_its_product(query: str, found: str) -> None:
    rows = [
        ("Худи оверсайз чёрное", "Худи", ""),
        ("Футболка белая", "Футболки", ""),
        ("Кроссовки беговые", "Обувь", ""),
        ("Zapatillas de running", "Calzado", ""),
        ("Turnschuhe Weiß", "Schuhe", ""),
    ]
    assert names(build(rows), query)[:1] == [found]


def test_accents_and_case_do_not_matter() -> None:
    assert names(build(), "CAFE racer") == ["Café Racer Jacket"]


def test_a_hit_carries_the_product_id_and_price() -> None:
    [hit] = build().query("baseball", 5)
    assert (hit.product_id, hit.name, hit.price, hit.currency) == (9, "Baseball Cap", 1009, "EUR")


def test_equal_matches_are_ordered_by_name() -> None:
    rows = [(f"Sock {letter}", "Socks", "") for letter in "DBECA"]
    assert names(build(rows), "sock") == [f"Sock {letter}" for letter in "ABCDE"]


def test_pages_split_the_ranking_without_gaps_or_overlaps() -> None:
    rows = [(f"Hoodie {number:02d}", "Hoodies", "") for number in range(20)]
    rows += [(f"Zip Hoodie {number:02d}", "Hoodies", "Zip hoodie.") for number in range(5)]
    index = build(rows)
    pages = [index.page("zip hoodie", page=number, per_page=4) for number in range(1, 8)]
    assert {page.total for page in pages} == {25}
    paged = [hit.product_id for page in pages for hit in page.items]
    assert paged == [hit.product_id for hit in index.query("zip hoodie", 100)]
    assert len(set(paged)) == 25
    assert names(index, "zip hoodie", limit=5) == [f"Zip Hoodie {n:02d}" for n in range(5)]


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_is_refused(query: str) -> None:
    with pytest.raises(InvalidInput):
        build().query(query)


@pytest.mark.parametrize("query", ["🔥👟", "%_*?[]", "\x00", "שלום", "x" * 10_000, "zz"])
def test_odd_queries_find_nothing_without_crashing(query: str) -> None:
    page = build().page(query)
    assert (list(page.items), page.total) == ([], 0)


def test_sql_looking_text_is_just_words() -> None:
    index = build()
    index.page("'; DROP TABLE products; --")
    assert names(index, "cap'; DELETE FROM products; --", limit=1) == ["Baseball Cap"]


def test_a_long_query_is_cut_to_its_first_hundred_characters() -> None:
    index = build()
    assert names(index, "sneakers " + "z" * 500, limit=1) == ["Kestrel Trail Sneakers"]
    assert names(index, "z" * 100 + " sneakers") == []


def test_an_empty_index_finds_nothing() -> None:
    page = SearchIndex.build([]).page("sneakers")
    assert (list(page.items), page.total) == ([], 0)


def test_paging_arguments_are_checked() -> None:
    with pytest.raises(InvalidInput):
        build().page("sneakers", page=0)
    with pytest.raises(InvalidInput):
        build().page("sneakers", per_page=0)


# --- the shared catalogue -----------------------------------------------------------------


async def add(db: Database, name: str, *, category: str = "Sneakers", sku: str = "") -> int:
    async with db.transaction() as session:
        summaries = await catalog.list_categories(session, include_empty=True)
        existing = {summary.name: summary.id for summary in summaries}
        category_id = (
            existing.get(category) or (await catalog.create_category(session, name=category)).id
        )
        product = await catalog.create_product(
            session,
            sku=sku or name.replace(" ", "-"),
            name=name,
            price=4999,
            currency="EUR",
            category_id=category_id,
        )
        return product.id


async def search(db: Database, engine: CatalogSearch, query: str, **paging: Any) -> list[str]:
    async with db.transaction() as session:
        page = await engine.search(session, query, **paging)
    return [hit.name for hit in page.items]


def product_reads(db: Database) -> AbstractContextManager[list[str]]:
    """The SQL statements that read the products table while the block runs."""
    return statements(db, keep=lambda sql: "FROM products" in sql, reads_too=False)


async def test_hidden_products_are_never_found(db: Database) -> None:
    shown = await add(db, "Court Sneakers")
    hidden = await add(db, "Trail Sneakers")
    async with db.transaction() as session:
        await catalog.set_active(session, product_id=hidden, active=False)
    engine = CatalogSearch()
    assert await search(db, engine, "sneakers") == ["Court Sneakers"]
    async with db.transaction() as session:
        await catalog.set_active(session, product_id=hidden, active=True)
        await catalog.set_active(session, product_id=shown, active=False)
    assert await search(db, engine, "sneakers") == ["Trail Sneakers"]


async def test_a_product_added_after_a_search_is_found_by_the_next_one(db: Database) -> None:
    engine = CatalogSearch()
    await add(db, "Court Sneakers")
    assert await search(db, engine, "hoodie") == []
    await add(db, "Zip Hoodie", category="Hoodies")
    assert await search(db, engine, "hoddie") == ["Zip Hoodie"]


async def test_another_process_sees_changes_made_through_this_one(db: Database) -> None:
    here, elsewhere = CatalogSearch(), CatalogSearch()
    product_id = await add(db, "Court Sneakers")
    assert await search(db, elsewhere, "court") == ["Court Sneakers"]
    async with db.transaction() as session:
        await catalog.update_product(session, product_id=product_id, name="Palace Sneakers")
    assert await search(db, here, "palace") == ["Palace Sneakers"]
    assert await search(db, elsewhere, "palace") == ["Palace Sneakers"]
    assert await search(db, elsewhere, "court") == []


async def test_an_unchanged_catalogue_is_not_read_again(db: Database) -> None:
    await add(db, "Court Sneakers")
    engine = CatalogSearch()
    with product_reads(db) as reads:
        await search(db, engine, "sneakers")
        assert len(reads) == 1
        await search(db, engine, "court")
        await search(db, engine, "snekers")
        assert len(reads) == 1


async def test_sizes_in_the_catalogue_are_searchable(db: Database) -> None:
    engine = CatalogSearch()
    court = await add(db, "Court Sneakers")
    await add(db, "Trail Sneakers")
    await add(db, "Canvas Tote", category="Bags")
    assert await search(db, engine, "42") == []
    async with db.transaction() as session:
        await catalog.set_stock(session, product_id=court, size_name="42", stock=3)
    assert await search(db, engine, "sneakers 42") == ["Court Sneakers", "Trail Sneakers"]
    assert await search(db, engine, "size") == []  # "One size" is no size to look for


async def test_a_renamed_category_is_searchable_under_its_new_name(db: Database) -> None:
    await add(db, "Rain Shell", category="Jackets")
    engine = CatalogSearch()
    assert await search(db, engine, "jackets") == ["Rain Shell"]
    async with db.transaction() as session:
        [jackets] = await catalog.list_categories(session)
        await rename_category(session, category_id=jackets.id, name="Outerwear")
    assert await search(db, engine, "outerwear") == ["Rain Shell"]


async def test_uncommitted_changes_are_searchable_only_in_their_own_transaction(
    db: Database,
) -> None:
    engine = CatalogSearch()
    court = await add(db, "Court Sneakers")
    assert await search(db, engine, "sneakers") == ["Court Sneakers"]
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            [sneakers] = await catalog.list_categories(session)
            await catalog.create_product(
                session,
                sku="T-1",
                name="Trail Sneakers",
                price=1,
                currency="EUR",
                category_id=sneakers.id,
            )
            page = await engine.search(session, "sneakers")
            assert [hit.name for hit in page.items] == ["Court Sneakers", "Trail Sneakers"]
            raise RuntimeError("rolled back")
    async with db.transaction() as session:  # brings back the rolled back revision number
        await catalog.update_product(session, product_id=court, price=3999)
    assert await search(db, engine, "sneakers") == ["Court Sneakers"]


async def test_search_products_pages_through_the_ranking(db: Database) -> None:
    for number in range(5):
        await add(db, f"Trail Sneakers {number}")
    engine = CatalogSearch()
    async with db.transaction() as session:
        first = await catalog.search_products(
            session, catalog=engine, query="trail snekers", per_page=3
        )
        second = await catalog.search_products(
            session, catalog=engine, query="trail snekers", page=2, per_page=3
        )
    assert (first.total, first.pages, second.has_next) == (5, 2, False)
    assert [hit.name for hit in [*first.items, *second.items]] == [
        f"Trail Sneakers {number}" for number in range(5)
    ]


async def test_an_empty_query_is_refused_by_the_catalogue(db: Database) -> None:
    with pytest.raises(InvalidInput):
        async with db.transaction() as session:
            await catalog.search_products(session, catalog=CatalogSearch(), query="  ")
