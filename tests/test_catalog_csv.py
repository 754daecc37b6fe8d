from __future__ import annotations

import codecs
import csv
import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.db import Database
from bot.models import AdminAction, Category, Product, Size
from bot.services import catalog_csv
from bot.services import catalog_translation as translations
from bot.services.catalog_csv import (
    CatalogFile,
    CatalogFileInvalid,
    ImportResult,
    LineError,
    StockChange,
    StockConflict,
    parse_catalog,
)
from bot.services.errors import InvalidInput
from bot.services.search import CatalogSearch, catalog_revision
from bot.texts.errors import error_text, file_problems, line_problem
from tests.factories import make_category, make_product
from tests.refusals import refused

HEADER = "sku,name,category,description,price,size,stock,photo"
ADMIN = 7000


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode()


def parse(data: bytes, **currencies: str) -> CatalogFile:
    return parse_catalog(data, default_currency="EUR", currencies=currencies)


def errors_of(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(CatalogFileInvalid) as raised:
        parse(data)
    return [
        (error.line, line_problem(error).removeprefix(f"Line {error.line}: "))
        for error in raised.value.errors
    ]


async def run_import(db: Database, data: bytes, **options: Any) -> ImportResult:
    async with db.reading() as session:
        currencies = await catalog_csv.foreign_currencies(session, default_currency="EUR")
    catalog = parse_catalog(data, default_currency="EUR", currencies=currencies)
    async with db.transaction() as session:
        return await catalog_csv.apply_catalog(
            session, catalog=catalog, admin_telegram_id=ADMIN, **options
        )


async def export(db: Database) -> bytes:
    async with db.reading() as session:
        return (await catalog_csv.export_catalog(session)).data


async def products(db: Database) -> dict[str, Product]:
    async with db.reading() as session:
        statement = select(Product).options(
            selectinload(Product.sizes), selectinload(Product.category)
        )
        return {product.sku: product for product in await session.scalars(statement)}


SNEAKERS = csv_file(
    "SNK-1,Court Sneakers,Sneakers,Low-top leather,49.99,41,3,",
    "SNK-1,Court Sneakers,Sneakers,Low-top leather,49.99,42,0,",
    "CAP-1,Trucker Cap,Caps,,19,One size,12,https://example.com/cap.jpg",
)


# --- reading ------------------------------------------------------------------------------


def test_rows_of_one_sku_become_one_product_with_its_sizes_in_file_order() -> None:
    catalog = parse(SNEAKERS)

    sneakers, cap = catalog.products
    assert catalog.rows == 3
    assert (sneakers.sku, sneakers.name, sneakers.price, sneakers.photo) == (
        "SNK-1",
        "Court Sneakers",
        4999,
        (),
    )
    assert [(size.line, size.name, size.stock) for size in sneakers.sizes] == [
        (2, "41", 3),
        (3, "42", 0),
    ]
    assert (cap.price, cap.photo, cap.description) == (1900, ("https://example.com/cap.jpg",), "")


def test_prices_are_read_in_the_currency_of_the_existing_product() -> None:
    catalog = parse(csv_file("JP-1,Geta,Shoes,,1500,M,1,"), **{"JP-1": "JPY"})

    assert (catalog.products[0].price, catalog.products[0].currency) == (1500, "JPY")
    with refused(CatalogFileInvalid, "more decimals than JPY allows"):
        parse(csv_file("JP-1,Geta,Shoes,,15.5,M,1,"), **{"JP-1": "JPY"})


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + SNEAKERS,
        SNEAKERS.decode().encode("utf-16"),
        SNEAKERS.replace(b"\n", b"\r\n"),
        SNEAKERS.replace(b",", b";"),
    ],
    ids=["utf-8 with BOM", "utf-16", "CRLF", "semicolons"],
)
def test_files_saved_by_spreadsheets_read_the_same(encoded: bytes) -> None:
    assert parse(encoded) == parse(SNEAKERS)


def test_columns_may_come_in_any_order_and_visible_is_optional() -> None:
    data = csv_file(
        "Court Sneakers,SNK-1,Sneakers,,49.99,41,3,,no",
        header="name,sku,category,description,price,size,stock,photo,Visible",
    )

    product = parse(data).products[0]

    assert (product.sku, product.visible) == ("SNK-1", False)
    assert parse(SNEAKERS).products[0].visible is None


def test_a_quoted_value_may_hold_commas_and_line_breaks_and_later_lines_keep_their_numbers() -> (
    None
):
    data = csv_file(
        'SNK-1,"Court Sneakers, white",Sneakers,"Leather.\nHand-stitched.",49.99,41,3,',
        "SNK-2,Runner,Sneakers,,oops,41,3,",
    )

    assert errors_of(data) == [(4, "price: “oops” is not a price. Write it like 49.99.")]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ",Court,Sneakers,,49.99,41,3,",
            "sku: A SKU is 1 to 64 characters without spaces, like SNK-042.",
        ),
        ("SNK 1,Court,Sneakers,,49.99,41,3,", "sku: A SKU is 1 to 64 characters without spaces"),
        ("SNK-1,,Sneakers,,49.99,41,3,", "name: A product name can't be empty."),
        (
            "SNK-1," + "n" * 129 + ",Sneakers,,49.99,41,3,",
            "name: A product name can be at most 128 characters long.",
        ),
        ("SNK-1,Court,,,49.99,41,3,", "category: A category name can't be empty."),
        (
            "SNK-1,Court,Sneakers," + "d" * 1001 + ",49.99,41,3,",
            "description: A description can be at most 1000",
        ),
        ("SNK-1,Court,Sneakers,,,41,3,", "price: A price can't be empty."),
        ("SNK-1,Court,Sneakers,,-5,41,3,", "price: “-5” is not a price."),
        ("SNK-1,Court,Sneakers,,49.999,41,3,", "price: “49.999” has more decimals than EUR"),
        ("SNK-1,Court,Sneakers,,100000.01,41,3,", "price: A price can be at most €100,000.00."),
        ("SNK-1,Court,Sneakers,,49.99,,3,", "size: A size name can't be empty."),
        (
            "SNK-1,Court,Sneakers,,49.99," + "s" * 33 + ",3,",
            "size: A size name can be at most 32 characters long.",
        ),
        ("SNK-1,Court,Sneakers,,49.99,41,,", "stock: Stock is a whole number from 0 to 1,000,000."),
        (
            "SNK-1,Court,Sneakers,,49.99,41,-1,",
            "stock: Stock is a whole number from 0 to 1,000,000.",
        ),
        (
            "SNK-1,Court,Sneakers,,49.99,41,2.5,",
            "stock: Stock is a whole number from 0 to 1,000,000.",
        ),
        (
            "SNK-1,Court,Sneakers,,49.99,41,1000001,",
            "stock: Stock is a whole number from 0 to 1,000,000.",
        ),
        (
            "SNK-1,Court,Sneakers,,49.99,41,3," + "p" * 513,
            "photo: A photo reference can be at most 512 characters.",
        ),
        ("SNK-1,Court,Sneakers,,49.99,41,3", "7 values instead of 8"),
        ("SNK-1,Court, white,Sneakers,,49.99,41,3,", "9 values instead of 8"),
    ],
)
def test_a_bad_value_is_reported_with_its_line_and_column(row: str, message: str) -> None:
    data = csv_file("OK-1,Fine,Caps,,10,M,1,", row)

    [(line, reported)] = errors_of(data)

    assert line == 3
    assert reported.startswith(message)


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    data = csv_file(
        "SNK-1,Court,Sneakers,,49.99,41,-1,",
        "SNK-2,Runner,Sneakers,,x,41,3,",
        "SNK-3,Knit,Sneakers,,59,41,3,",
        ",,Sneakers,,59,41,3,",
    )

    assert errors_of(data) == [
        (2, "stock: Stock is a whole number from 0 to 1,000,000."),
        (3, "price: “x” is not a price. Write it like 49.99."),
        (5, "sku: A SKU is 1 to 64 characters without spaces, like SNK-042."),
        (5, "name: A product name can't be empty."),
    ]


def test_the_message_lists_the_first_twenty_problems_and_counts_the_rest() -> None:
    data = csv_file(*(f"SNK-{i},Court,Sneakers,,49.99,41,-1," for i in range(1500)))

    with pytest.raises(CatalogFileInvalid) as raised:
        parse(data)

    lines = error_text(raised.value).splitlines()
    assert lines[0] == "The file has 1,500 problems:"
    assert lines[1] == "Line 2: stock: Stock is a whole number from 0 to 1,000,000."
    assert lines[20] == "Line 21: stock: Stock is a whole number from 0 to 1,000,000."
    assert lines[21:] == ["…and 1,480 more."]


def test_a_double_quote_left_open_is_pointed_at() -> None:
    data = csv_file('SNK-1,"Court,Sneakers,,49.99,41,3,', "SNK-2,Runner,Sneakers,,59,41,3,")

    assert errors_of(data) == [(2, "2 values instead of 8 (is a double quote left open?).")]


def test_rows_of_one_sku_must_agree_on_the_product() -> None:
    data = csv_file(
        "SNK-1,Court Sneakers,Sneakers,,49.99,41,3,",
        "SNK-1,Court Sneakers,Sneakers,,59.99,42,3,",
        "SNK-1,Court Sneakers,Boots,,49.99,43,3,",
    )

    assert errors_of(data) == [
        (3, "the price of SNK-1 differs from line 2; the rows of one product must agree."),
        (4, "the category of SNK-1 differs from line 2; the rows of one product must agree."),
    ]


def test_a_size_listed_twice_for_one_sku_is_an_error_whatever_its_case() -> None:
    data = csv_file(
        "TEE-1,Tee,T-Shirts,,19.99,M,3,",
        "TEE-2,Tee,T-Shirts,,19.99,M,3,",
        "TEE-1,Tee,T-Shirts,,19.99,m,5,",
    )

    assert errors_of(data) == [(4, "size “m” of TEE-1 is already on line 2.")]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("sku,name,category,description,price,size,stock", "missing photo"),
        (HEADER + ",colour", "unknown “colour”"),
        (HEADER + ",sku", "repeated sku"),
        ("Court,Sneakers,49.99", "missing sku, name"),
    ],
)
def test_a_wrong_header_is_reported_on_line_one(header: str, problem: str) -> None:
    [(line, message)] = errors_of(csv_file("SNK-1,Court,Sneakers,,49.99,41,3,", header=header))

    assert line == 1
    assert message.startswith("the first line must name the columns " + HEADER)
    assert problem in message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\n", "The file is empty."),
        (HEADER.encode() + b"\n\n", "The file has a header but no products."),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "This is not a CSV file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file."),
        (csv_file("SNK-1,Caf\xe9,Drinks,,2,M,1,").replace(b"\xc3\xa9", b"\xe9"), "Line 2: this"),
    ],
    ids=["empty", "blank", "header only", "xlsx", "png", "latin-1"],
)
def test_files_that_are_not_a_catalogue_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse(data)

    assert message in error_text(raised.value)


def test_a_file_over_twenty_megabytes_is_refused() -> None:
    with refused(InvalidInput, "too large: at most 20 MB"):
        parse(SNEAKERS + b"#" * catalog_csv.MAX_FILE_BYTES)


# --- applying -----------------------------------------------------------------------------


async def test_an_import_creates_products_sizes_and_missing_categories(db: Database) -> None:
    async with db.transaction() as session:
        await make_category(session, "sneakers")

    result = await run_import(db, SNEAKERS, file_name="spring.csv")

    found = await products(db)
    sneakers, cap = found["SNK-1"], found["CAP-1"]
    assert result == ImportResult(rows=3, created=2, updated=0, unchanged=0, categories_created=1)
    assert (sneakers.category.name, sneakers.price, sneakers.currency) == ("sneakers", 4999, "EUR")
    assert [(size.name, size.stock) for size in sneakers.sizes] == [("41", 3), ("42", 0)]
    assert (cap.category.name, cap.photo, cap.is_active) == (
        "Caps",
        "https://example.com/cap.jpg",
        True,
    )
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
        assert await catalog_revision(session) > 0
    assert (logged.admin_telegram_id, logged.action, logged.entity) == (
        ADMIN,
        "import_csv",
        "catalog",
    )
    assert "file=spring.csv rows=3 created=2" in logged.details


async def test_an_existing_sku_is_updated_and_sizes_left_out_keep_their_stock(
    db: Database,
) -> None:
    async with db.transaction() as session:
        old = await make_category(session, "Old")
        product = await make_product(
            session,
            name="Court",
            price=3999,
            sizes={"41": 1, "42": 2},
            category=old,
            is_active=False,
        )
        sku = product.sku
    data = csv_file(
        f"{sku},Court Sneakers,Sneakers,Now in white,49.99,42,7,file-id-1",
        f"{sku},Court Sneakers,Sneakers,Now in white,49.99,43,4,file-id-1",
    )

    result = await run_import(db, data)

    updated = (await products(db))[sku]
    assert (result.created, result.updated) == (0, 1)
    assert (updated.name, updated.description, updated.price, updated.photo) == (
        "Court Sneakers",
        "Now in white",
        4999,
        "file-id-1",
    )
    assert updated.category.name == "Sneakers"
    assert [(size.name, size.stock) for size in updated.sizes] == [("41", 1), ("42", 7), ("43", 4)]
    assert updated.is_active is False  # no visible column: visibility is kept


async def test_the_visible_column_hides_and_shows_products(db: Database) -> None:
    async with db.transaction() as session:
        shown = (await make_product(session, sizes={"M": 1})).sku
    data = csv_file(
        f"{shown},Tee,T-Shirts,,10,M,1,,no",
        "NEW-1,Tee,T-Shirts,,10,M,1,,no",
        "NEW-2,Tee,T-Shirts,,10,M,1,,",
        header=HEADER + ",visible",
    )

    await run_import(db, data)

    found = await products(db)
    assert [found[sku].is_active for sku in (shown, "NEW-1", "NEW-2")] == [False, False, True]


async def test_an_export_imported_again_changes_nothing(db: Database) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Shoes")
        await make_product(session, name="Court", sizes={"41": 1, "42": 0}, category=shoes)
        await make_product(session, name="Hidden", is_active=False, category=shoes)
        await make_product(session, name="Geta", price=1500, currency="JPY", category=shoes)
        await make_product(
            session, name='Quote "and", comma', description="Two\nlines", category=shoes
        )
    await run_import(db, SNEAKERS)
    exported = await export(db)
    before = await _snapshot(db)
    async with db.reading() as session:
        revision = await catalog_revision(session)

    result = await run_import(db, exported)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert await _snapshot(db) == before
    assert await export(db) == exported
    async with db.reading() as session:
        assert await catalog_revision(session) == revision


async def test_cells_a_spreadsheet_would_run_as_formulas_are_exported_inert(
    db: Database,
) -> None:
    async with db.transaction() as session:
        formulas = await make_category(session, "=Formulas")
        await make_product(
            session,
            name='=HYPERLINK("http://evil.example","Click")',
            description="+1 best seller\n-20% today",
            sizes={"@home": 2, "-": 1},
            category=formulas,
        )
    exported = await export(db)
    before = await _snapshot(db)

    cells = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))[1:]
    result = await run_import(db, exported)

    assert all(not cell.startswith(("=", "+", "-", "@")) for line in cells for cell in line)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert await _snapshot(db) == before
    assert await export(db) == exported


async def _snapshot(db: Database) -> list[tuple[object, ...]]:
    found = await products(db)
    return [
        (
            sku,
            p.name,
            p.category.name,
            p.description,
            p.price,
            p.currency,
            p.photo,
            p.is_active,
            p.updated_at,
            [(s.id, s.name, s.stock, s.position) for s in p.sizes],
        )
        for sku, p in sorted(found.items())
    ]


async def test_the_export_is_utf8_with_a_bom_and_one_row_per_size(db: Database) -> None:
    await run_import(db, SNEAKERS)

    lines = (await export(db)).decode("utf-8-sig").splitlines()

    assert (await export(db)).startswith(codecs.BOM_UTF8)
    assert lines == [
        HEADER + ",visible,stock_at_export,product_id",
        "SNK-1,Court Sneakers,Sneakers,Low-top leather,49.99,41,3,,yes,3,1",
        "SNK-1,Court Sneakers,Sneakers,Low-top leather,49.99,42,0,,yes,0,1",
        "CAP-1,Trucker Cap,Caps,,19.00,One size,12,https://example.com/cap.jpg,yes,12,2",
    ]


async def test_progress_is_reported_as_the_rows_are_written(db: Database) -> None:
    rows = [f"SKU-{p},Tee {p},T-Shirts,,10,{s},1," for p in range(300) for s in "SMLX"]
    reported: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        reported.append((done, total))

    await run_import(db, csv_file(*rows), progress=progress)

    assert reported == [(500, 1200), (1000, 1200), (1200, 1200)]


async def test_search_finds_imported_products_and_forgets_renamed_ones(db: Database) -> None:
    search = CatalogSearch()
    await run_import(db, SNEAKERS)
    async with db.reading() as session:
        assert [hit.name for hit in (await search.search(session, "trucker")).items] == [
            "Trucker Cap"
        ]

    await run_import(db, SNEAKERS.replace(b"Trucker Cap", b"Baseball Cap"))

    async with db.reading() as session:
        assert (await search.search(session, "trucker")).items == []
        assert [hit.name for hit in (await search.search(session, "baseball")).items] == [
            "Baseball Cap"
        ]


async def test_a_failed_import_leaves_the_catalogue_untouched(db: Database) -> None:
    async with db.transaction() as session:
        existing = (await make_product(session, name="Court", price=3999)).sku
    before = await _snapshot(db)
    catalog = parse(csv_file(f"{existing},Court,Sneakers,,1,41,3,", "NEW-1,Tee,Tees,,1,M,1,"))

    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await catalog_csv.apply_catalog(session, catalog=catalog, admin_telegram_id=ADMIN)
            raise RuntimeError("the admin's chat went away")

    assert await _snapshot(db) == before
    async with db.reading() as session:
        assert len((await session.scalars(select(Category))).all()) == 1
        assert (await session.scalars(select(AdminAction))).all() == []


def _with_stock(export: bytes, sku: str, size: str, stock: int) -> bytes:
    """The export with one size's `stock` edited, as an admin would in a spreadsheet."""
    lines = export.decode("utf-8-sig").splitlines()
    edited = []
    for line in lines:
        cells = line.split(",")
        if cells[0] == sku and cells[5] == size:
            cells[6] = str(stock)
        edited.append(",".join(cells))
    return "\n".join(edited).encode()


async def _stock(db: Database, sku: str, size: str) -> int:
    return next(s.stock for s in (await products(db))[sku].sizes if s.name == size)


async def _set_stock(db: Database, sku: str, size: str, stock: int) -> None:
    async with db.transaction() as session:
        for s in (await session.scalars(select(Size))).all():
            product = await session.get_one(Product, s.product_id)
            if product.sku == sku and s.name == size:
                s.stock = stock


async def test_an_old_export_imported_again_never_undoes_the_sales_made_since(
    db: Database,
) -> None:
    await run_import(db, SNEAKERS)
    old_export = await export(db)  # size 41: 3 in stock
    await _set_stock(db, "SNK-1", "41", 1)  # two sold since

    result = await run_import(db, old_export)

    assert await _stock(db, "SNK-1", "41") == 1
    assert (result.stock_changes, result.conflicts) == ((), ())


async def test_an_edited_stock_is_applied_unless_it_changed_since_the_export(
    db: Database,
) -> None:
    await run_import(db, SNEAKERS)
    edited = _with_stock(await export(db), "CAP-1", "One size", 20)
    edited = _with_stock(edited, "SNK-1", "41", 10)
    await _set_stock(db, "SNK-1", "41", 1)  # sold meanwhile: 41 is a conflict now

    result = await run_import(db, edited)

    assert result.stock_changes == (StockChange("CAP-1", "One size", 12, 20),)
    assert result.conflicts == (StockConflict("SNK-1", "41", exported=3, now=1, wanted=10),)
    assert (await _stock(db, "CAP-1", "One size"), await _stock(db, "SNK-1", "41")) == (20, 1)

    forced = await run_import(db, edited, apply_conflicts=True)

    assert forced.conflicts == (StockConflict("SNK-1", "41", exported=3, now=1, wanted=10),)
    assert await _stock(db, "SNK-1", "41") == 10


def test_the_problems_of_a_file_always_fit_in_one_message() -> None:
    long_sku = "S" * 400
    problems = [
        LineError(
            line, "catalog_file.rows_disagree", {"column": "name", "sku": long_sku, "first_line": 2}
        )
        for line in range(3, 503)
    ]

    text = file_problems(CatalogFileInvalid(problems))

    assert len(text) < 3700
    assert text.startswith("The file has 500 problems:")
    assert text.endswith("more.")


# --- translations ---------------------------------------------------------------------------

TRANSLATED = HEADER + ",name:de,description:de,category:de"


def test_translation_columns_name_their_language_in_any_common_spelling() -> None:
    data = csv_file(
        "SNK-1,Court,Sneakers,,49.99,41,3,,Tênis Court,Tênis de couro,Tênis",
        header=HEADER + ",Name:PT-BR,description:pt,category:pt_br",
    )

    [product] = parse(data).products

    assert parse(data).languages == ("pt_BR",)
    assert product.texts == {
        "name:pt_BR": "Tênis Court",
        "description:pt_BR": "Tênis de couro",
        "category:pt_BR": "Tênis",
    }


def test_a_column_in_a_language_the_shop_has_no_texts_for_is_refused_on_line_one() -> None:
    [(line, message)] = errors_of(
        csv_file("SNK-1,Court,Sneakers,,49.99,41,3,,Baskets", header=HEADER + ",name:fr")
    )

    assert (line, message) == (
        1,
        "the column “name:fr” names a language the shop has no texts for; it has en, ru, es, "
        "pt_BR, de.",
    )


def test_translations_are_checked_like_the_text_they_translate_and_must_agree() -> None:
    data = csv_file(
        "SNK-1,Court,Sneakers,,49.99,41,3,," + "x" * 129 + ",,",
        "SNK-2,Runner,Sneakers,,49.99,41,3,,Läufer,,Turnschuhe",
        "SNK-2,Runner,Sneakers,,49.99,42,3,,Renner,,Turnschuhe",
        "SNK-3,Knit,Sneakers,,49.99,42,3,,Strick,,Sportschuhe",
        header=TRANSLATED,
    )

    assert errors_of(data) == [
        (2, "name:de: A product name can be at most 128 characters long."),
        (4, "the name:de of SNK-2 differs from line 3; the rows of one product must agree."),
        (
            5,
            "the category:de of the category “Sneakers” differs from line 3; a category has one "
            "name in each language.",
        ),
    ]


async def test_an_import_sets_translations_and_an_empty_cell_removes_one(db: Database) -> None:
    first = await run_import(
        db,
        csv_file(
            "SNK-1,Court,Sneakers,,49.99,41,3,,Halbschuh,Aus Leder,Turnschuhe",
            "CAP-1,Cap,Caps,,19.99,One size,3,,Mütze,,",
            header=TRANSLATED,
        ),
    )
    second = await run_import(
        db,
        csv_file(
            "SNK-1,Court,Sneakers,,49.99,41,3,,Halbschuh,,Turnschuhe",
            "CAP-1,Cap,Caps,,19.99,One size,3,,Mütze,,",
            header=TRANSLATED,
        ),
    )
    kept = await run_import(db, csv_file("SNK-1,Court,Sneakers,,49.99,41,3,"))

    async with db.reading() as session:
        texts = await translations.all_product_texts(session)
        categories = await translations.all_category_names(session)
    assert (first.created, second.updated, second.unchanged, kept.unchanged) == (2, 1, 1, 1)
    assert sorted((text.name, text.description) for t in texts.values() for text in t.values()) == [
        ("Halbschuh", None),
        ("Mütze", None),
    ]
    assert sorted(name for names in categories.values() for name in names.values()) == [
        "Turnschuhe"
    ]


GALLERY = csv_file(
    "TEE-1,Tee,Shirts,,19.00,M,4,https://example.com/front.jpg|AgACfileid-back|"
    "https://example.com/side.jpg",
    "TEE-1,Tee,Shirts,,19.00,L,2,https://example.com/front.jpg|AgACfileid-back|"
    "https://example.com/side.jpg",
)


async def test_a_photo_cell_with_several_photos_gives_a_gallery_in_their_order(
    db: Database,
) -> None:
    await run_import(db, GALLERY)

    tee = (await products(db))["TEE-1"]
    assert [photo.value for photo in tee.photos] == [
        "https://example.com/front.jpg",
        "AgACfileid-back",
        "https://example.com/side.jpg",
    ]
    assert tee.photo == "https://example.com/front.jpg"  # the first is the cover


async def test_a_gallery_survives_an_export_and_a_changed_one_is_replaced(db: Database) -> None:
    await run_import(db, GALLERY)
    exported = await export(db)
    assert "https://example.com/front.jpg|AgACfileid-back|https://example.com/side.jpg" in (
        exported.decode("utf-8-sig")
    )

    again = await run_import(db, exported)
    reordered = await run_import(db, exported.replace(b"front.jpg|AgACfileid-back|", b"front.jpg|"))

    assert (again.updated, again.unchanged) == (0, 1)
    assert reordered.updated == 1
    tee = (await products(db))["TEE-1"]
    assert [photo.value for photo in tee.photos] == [
        "https://example.com/front.jpg",
        "https://example.com/side.jpg",
    ]


def test_more_than_ten_photos_in_a_cell_are_refused() -> None:
    photos = "|".join(f"https://example.com/{number}.jpg" for number in range(11))
    problems = errors_of(csv_file(f"TEE-1,Tee,Shirts,,19.00,M,4,{photos}"))

    assert [line for line, _ in problems] == [2]
    assert "at most 10 photos" in problems[0][1]
