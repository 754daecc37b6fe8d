"""The catalogue as a CSV file, one row per product size: import and export.

Reading a file is pure (bytes in, products or line-numbered errors out), so it can run away
from the database and be tested alone; applying it runs in the caller's transaction and writes
only what differs, so an import of the catalogue's own export changes nothing.

Columns: sku, name, category, description, price, size, stock, photo, and optionally visible
and stock_at_export. Rows with the same SKU are one product. An existing SKU gets the file's
name, category, description, price, photo and the stock of the sizes listed; its sizes the file
leaves out are kept as they are (an import never deletes).

`photo` holds a product's gallery, its cover first: file ids or URLs separated by `|`.

Stock is what sales change while a file sits in a spreadsheet, so the export writes each size's
stock twice: `stock` to edit and `stock_at_export` as it was. A size whose stock was not edited
is left alone, so an old export never undoes the sales made since; an edited one whose stock
changed since the export is a conflict, applied only if the admin says so. A file without
stock_at_export (written by hand) sets the stock it lists.

Prices are in the product's currency, or in the shop's default one for a new product. Without
a visible value, new products are shown and existing ones keep their visibility.

Translations come in optional columns named for a field and a language: `name:de`,
`description:de`, `category:de` (a category's name, the same on every row of the category). A
file with such a column sets that text in that language for every product it lists; an empty
cell removes the translation, so the product reads as written.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Row, RowMapping, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.languages import LANGUAGES
from bot.models import Category, GalleryPhoto, Product, Size
from bot.money import decimal_amount
from bot.services import admin, stock_alert, wishlist
from bot.services import catalog_translation as translations
from bot.services import product_fields as fields
from bot.services.errors import InvalidInput
from bot.services.product import bump_catalog_revision

COLUMNS = ("sku", "name", "category", "description", "price", "size", "stock", "photo")
VISIBLE = "visible"  # optional, so that hidden products survive a round trip
STOCK_AT_EXPORT = "stock_at_export"  # optional: the stock when the file was exported
PRODUCT_ID = "product_id"  # written for admins (commands take it); an import reads the SKU
TRANSLATED = ("name", "description", "category")  # fields with a column per language
_AGREED = ("name", "category", "description", "price", "photo", "visible")  # by a SKU's rows
PHOTOS_SEP = "|"  # between the photos of a product's gallery, in the photo column
MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest file Telegram lets a bot download
MAX_ROWS = 100_000
_MAX_ERRORS_KEPT = 1000  # a broken 20 MB file could have millions
CHUNK_ROWS = 500  # rows written between two progress reports
_DELIMITERS = (",", ";", "\t")  # spreadsheets in many locales save CSV with semicolons
# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection);
# the export puts a quote mark before it, the way spreadsheets mark text, and the import drops it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_MARK = "'"
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}

# Called with (rows done, rows in the file) as an import goes.
Progress = Callable[[int, int], Awaitable[None]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LineError:
    """A problem on one line: a code and its parameters, and the column when it is a value's."""

    line: int
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    column: str | None = None


class CatalogFileInvalid(InvalidInput):
    """What is wrong with a file, line by line (the first ones, in line order)."""

    def __init__(self, errors: Sequence[LineError], *, count: int | None = None) -> None:
        self.errors = tuple(errors)
        self.count = len(self.errors) if count is None else count
        super().__init__("catalog_file.invalid", count=self.count)


@dataclass(frozen=True, slots=True)
class SizeRow:
    line: int
    name: str
    stock: int
    exported_stock: int | None = None  # the stock when the file was exported, if it says


@dataclass(frozen=True, slots=True)
class StockChange:
    sku: str
    size: str
    before: int | None  # None: a new size
    after: int


@dataclass(frozen=True, slots=True)
class StockConflict:
    """The file changes a size's stock that also changed since the file was exported."""

    sku: str
    size: str
    exported: int
    now: int
    wanted: int


@dataclass(slots=True)
class ProductRow:
    """One product of a file: what its first line says, and the sizes of all its lines."""

    line: int
    sku: str
    name: str
    category: str
    description: str
    price: int
    currency: str
    photo: tuple[str, ...]  # the gallery, cover first
    visible: bool | None  # None: not given
    sizes: list[SizeRow] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # "name:de" -> "Kapuzenpullover"


@dataclass(frozen=True, slots=True)
class CatalogFile:
    products: tuple[ProductRow, ...]
    rows: int
    languages: tuple[str, ...] = ()  # those with a translation column


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    categories_created: int
    stock_changes: tuple[StockChange, ...] = ()  # of existing products
    conflicts: tuple[StockConflict, ...] = ()  # skipped, unless applied on purpose

    @property
    def fingerprint(self) -> str:
        """What the import does to stock and products, in one string: equal for a preview and
        an apply that agree, whether or not the apply writes the conflicts too."""
        return repr((self.created, self.categories_created, self.stock_changes, self.conflicts))


# --- reading ------------------------------------------------------------------------------


def parse_catalog(
    data: bytes, *, default_currency: str, currencies: Mapping[str, str] | None = None
) -> CatalogFile:
    """Every row checked; any problem raises CatalogFileInvalid with all of them by line.

    `currencies` holds the SKUs whose products are priced in another currency than the default.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns = _header(reader)
    rows = _Rows(default_currency, currencies or {})
    try:
        end = reader.line_num
        for record in reader:
            start, end = end + 1, reader.line_num
            if any(value.strip() for value in record):
                rows.add(start, columns, record)
    except csv.Error as error:
        rows.problem(reader.line_num, "catalog_file.unreadable", reason=str(error))
    return rows.result(columns)


def file_too_large() -> InvalidInput:
    return InvalidInput("catalog_file.too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))


def check_file_size(size: int) -> None:
    """Refuse a file too large before downloading it."""
    if size > MAX_FILE_BYTES:
        raise file_too_large()


def _decode(data: bytes) -> str:
    check_file_size(len(data))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"  # with or without the BOM Excel writes
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if b"\x00" in data:
            raise InvalidInput("catalog_file.not_csv") from None
        raise CatalogFileInvalid([LineError(line, "catalog_file.not_utf8")]) from None
    if "\x00" in text:
        raise InvalidInput("catalog_file.not_csv")
    if not text.strip():
        raise InvalidInput("catalog_file.empty")
    return text


def _delimiter(text: str) -> str:
    first = text.partition("\n")[0]
    for delimiter in _DELIMITERS:
        if set(COLUMNS) <= {name.strip().lower() for name in first.split(delimiter)}:
            return delimiter
    return ","


def _header(reader: Iterator[list[str]]) -> tuple[str, ...]:
    names = tuple(_column_name(name) for name in next(reader, []))
    missing = [name for name in COLUMNS if name not in names]
    known = (*COLUMNS, VISIBLE, STOCK_AT_EXPORT, PRODUCT_ID)
    unknown = [name[:30] for name in names if name not in known and not _translated(name)][:5]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        problem = LineError(
            1,
            "catalog_file.bad_header",
            {
                "expected": ",".join(COLUMNS),
                "missing": tuple(missing),
                "unknown": tuple(unknown),
                "repeated": tuple(repeated),
            },
        )
        raise CatalogFileInvalid([problem])
    return names


def _column_name(text: str) -> str:
    """The column's name as the import knows it: "Name:pt-br" is "name:pt_BR"."""
    name = text.strip().lower()
    what, colon, code = name.partition(":")
    if not colon or what not in TRANSLATED:
        return name
    try:
        return f"{what}:{translations.catalogue_language(code)}"
    except InvalidInput as error:
        known = error.params["known"]
        problem = LineError(1, "catalog_file.unknown_language", {"column": name, "known": known})
        raise CatalogFileInvalid([problem]) from None


def _translated(column: str) -> tuple[str, str] | None:
    """The field and the language of a translation column."""
    what, colon, language = column.partition(":")
    return (what, language) if colon and what in TRANSLATED else None


class _Rows:
    """Rows checked one by one and grouped by SKU, with every problem kept."""

    def __init__(self, default_currency: str, currencies: Mapping[str, str]) -> None:
        self.default_currency = default_currency
        self.currencies = currencies
        self.errors: list[LineError] = []
        self.error_count = 0
        self.products: dict[str, ProductRow] = {}
        self.sizes: dict[tuple[str, str], int] = {}  # (sku, folded size) -> its line
        # folded category -> its first line and its translated names there
        self.categories: dict[str, tuple[int, dict[str, str]]] = {}
        self.count = 0

    def add(self, line: int, columns: Sequence[str], record: Sequence[str]) -> None:
        self.count += 1
        if self.count > MAX_ROWS:
            if self.count == MAX_ROWS + 1:
                self.problem(line, "catalog_file.too_many_rows", limit=MAX_ROWS)
            return
        if len(record) != len(columns):
            found, expected = len(record), len(columns)
            if any("\n" in value for value in record):
                self.problem(line, "catalog_file.values_open_quote", found=found, expected=expected)
            else:
                self.problem(line, "catalog_file.values_count", found=found, expected=expected)
            return
        values = {column: _unmarked(value) for column, value in zip(columns, record, strict=True)}
        problems: list[LineError] = []
        product = self._product(line, values, problems)
        size = _checked(problems, line, "size", lambda: fields.size_name(values["size"]))
        stock = _checked(problems, line, "stock", lambda: fields.typed_stock(values["stock"]))
        exported = _checked(
            problems, line, STOCK_AT_EXPORT, lambda: _optional_stock(values.get(STOCK_AT_EXPORT))
        )
        for problem in problems:
            self.add_error(problem)
        if product is None or size is None or stock is None:
            return
        self._group(product, SizeRow(line, size, stock, exported))

    def _product(
        self, line: int, values: Mapping[str, str], problems: list[LineError]
    ) -> ProductRow | None:
        def checked(column: str, check: Callable[[], T]) -> T | None:
            return _checked(problems, line, column, check)

        def text_of(column: str) -> str | None:
            return checked(column, lambda: _text(column, values[column]))

        sku = checked("sku", lambda: fields.sku(values["sku"]))
        name = checked("name", lambda: fields.product_name(values["name"]))
        category = checked("category", lambda: fields.category_name(values["category"]))
        description = checked("description", lambda: fields.description(values["description"]))
        currency = self.currencies.get(sku or "", self.default_currency)
        price = checked("price", lambda: fields.typed_price(values["price"], currency))
        photo = checked("photo", lambda: tuple(fields.photos(values["photo"].split(PHOTOS_SEP))))
        visible = checked(VISIBLE, lambda: _visible(values.get(VISIBLE, "")))
        texts = {column: text_of(column) for column in values if _translated(column)}
        if sku is None or name is None or category is None or description is None:
            return None
        if price is None or photo is None or visible is None or None in texts.values():
            return None
        return ProductRow(
            line,
            sku,
            name,
            category,
            description,
            price,
            currency,
            photo,
            visible.value,
            texts={column: text for column, text in texts.items() if text is not None},
        )

    def _group(self, row: ProductRow, size: SizeRow) -> None:
        if not self._category_agrees(row, size.line):
            return
        first = self.products.setdefault(row.sku, row)
        if first is not row:
            columns = [(what, getattr(first, what), getattr(row, what)) for what in _AGREED]
            columns += [(column, first.texts[column], row.texts[column]) for column in row.texts]
            for what, before, now in columns:
                if before != now:
                    self.problem(
                        size.line,
                        "catalog_file.rows_disagree",
                        column=what,
                        sku=row.sku,
                        first_line=first.line,
                    )
                    return
        key = (row.sku, size.name.casefold())
        if key in self.sizes:
            self.problem(
                size.line,
                "catalog_file.size_twice",
                size=size.name,
                sku=row.sku,
                first_line=self.sizes[key],
            )
            return
        self.sizes[key] = size.line
        first.sizes.append(size)

    def _category_agrees(self, row: ProductRow, line: int) -> bool:
        """A category's translated names are the same on all its rows."""
        names = {
            column: text for column, text in row.texts.items() if column.startswith("category:")
        }
        first = self.categories.setdefault(row.category.casefold(), (line, names))
        for column, text in names.items():
            if first[1][column] != text:
                self.problem(
                    line,
                    "catalog_file.category_disagrees",
                    column=column,
                    category=row.category,
                    first_line=first[0],
                )
                return False
        return True

    def problem(self, line: int, code: str, **params: object) -> None:
        self.add_error(LineError(line, code, params))

    def add_error(self, problem: LineError) -> None:
        """Rows are read in order, so the problems come in line order."""
        self.error_count += 1
        if len(self.errors) < _MAX_ERRORS_KEPT:
            self.errors.append(problem)

    def result(self, columns: Sequence[str]) -> CatalogFile:
        if self.error_count:
            raise CatalogFileInvalid(self.errors, count=self.error_count)
        if not self.count:
            raise InvalidInput("catalog_file.no_products")
        found = (_translated(column) for column in columns)
        languages = tuple(dict.fromkeys(language for _, language in filter(None, found)))
        return CatalogFile(tuple(self.products.values()), self.count, languages)


def _text(column: str, value: str) -> str:
    """A translation as written, checked as the field it translates; "" for none."""
    if not value.strip():
        return ""
    what = column.partition(":")[0]
    if what == "name":
        return fields.product_name(value)
    if what == "category":
        return fields.category_name(value)
    return fields.description(value)


def _optional_stock(value: str | None) -> int | None:
    return fields.typed_stock(value) if value and value.strip() else None


@dataclass(frozen=True, slots=True)
class _Visible:
    value: bool | None


def _checked(problems: list[LineError], line: int, column: str, check: Callable[[], T]) -> T | None:
    try:
        return check()
    except InvalidInput as error:
        problems.append(LineError(line, error.code, error.params, column))
        return None


def _visible(value: str) -> _Visible:
    clean = value.strip().lower()
    if not clean:
        return _Visible(None)
    if clean in _YES or clean in _NO:
        return _Visible(clean in _YES)
    raise InvalidInput("catalog_file.not_yes_no", value=value.strip())


# --- applying -----------------------------------------------------------------------------


async def foreign_currencies(session: AsyncSession, *, default_currency: str) -> dict[str, str]:
    """SKUs priced in another currency than the default, to read a file's prices in."""
    rows = await session.execute(
        select(Product.sku, Product.currency).where(Product.currency != default_currency)
    )
    return {sku: currency for sku, currency in rows}


async def apply_catalog(
    session: AsyncSession,
    *,
    catalog: CatalogFile,
    admin_telegram_id: int,
    file_name: str = "",
    progress: Progress | None = None,
    apply_conflicts: bool = False,
) -> ImportResult:
    """Create and update the file's products in the caller's transaction, then log it.
    Stock conflicts are reported, and written only with `apply_conflicts`."""
    categories, categories_created = await _category_ids(session, catalog.products)
    renamed = await translations.replace_category_names(
        session, _category_texts(catalog.products, categories)
    )
    created = updated = done = 0
    stock_changes: list[StockChange] = []
    conflicts: list[StockConflict] = []
    price_drops: list[wishlist.PriceDrop] = []
    for chunk in _chunks(catalog.products):
        changes = _Changes(apply_conflicts=apply_conflicts)
        new = await _apply_chunk(session, chunk, categories, changes)
        if catalog.languages:
            changes.products_changed |= await _write_texts(session, chunk, new)
        created, updated = created + len(new), updated + len(changes.products_changed)
        stock_changes += changes.stock_changes
        conflicts += changes.conflicts
        price_drops += changes.price_drops
        done += sum(len(product.sizes) for product in chunk)
        if progress is not None:
            await progress(done, catalog.rows)
    if created or updated or categories_created or renamed:
        await bump_catalog_revision(session)
    result = ImportResult(
        rows=catalog.rows,
        created=created,
        updated=updated,
        unchanged=len(catalog.products) - created - updated,
        categories_created=categories_created,
        stock_changes=tuple(stock_changes),
        conflicts=tuple(conflicts),
    )
    entry = await admin.record(
        session,
        admin_telegram_id=admin_telegram_id,
        action="import_csv",
        entity="catalog",
        details=(
            f"file={file_name} rows={result.rows} created={result.created}"
            f" updated={result.updated} unchanged={result.unchanged}"
            f" categories_created={result.categories_created}"
            f" stock_changes={len(result.stock_changes)} conflicts={len(result.conflicts)}"
            f" conflicts_applied={apply_conflicts and bool(result.conflicts)}"
        ),
    )
    # Customers who saved a product the file made cheaper hear once for this import.
    await wishlist.announce_price_drops(session, drops=price_drops, change_id=entry.id)
    return result


def _chunks(products: Sequence[ProductRow]) -> Iterator[list[ProductRow]]:
    chunk: list[ProductRow] = []
    rows = 0
    for product in products:
        chunk.append(product)
        rows += len(product.sizes)
        if rows >= CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


async def _category_ids(
    session: AsyncSession, products: Sequence[ProductRow]
) -> tuple[dict[str, int], int]:
    """Category ids by folded name, creating the missing ones (named as first written)."""
    # Matched in Python, as product.py does: SQLite's lower() only folds ASCII.
    ids = {
        name.casefold(): id
        for id, name in await session.execute(select(Category.id, Category.name))
    }
    wanted = {product.category.casefold(): product.category for product in products}
    new = [Category(name=name) for folded, name in wanted.items() if folded not in ids]
    session.add_all(new)
    await _flush(session)
    ids |= {category.name.casefold(): category.id for category in new}
    return ids, len(new)


async def _apply_chunk(
    session: AsyncSession,
    rows: Sequence[ProductRow],
    categories: Mapping[str, int],
    changes: _Changes,
) -> set[str]:
    """The SKUs of the products created; `changes` collects what changed in the others.

    Plain rows and bulk statements rather than ORM objects: several times faster on large files.
    """
    statement = select(*_FIELDS.values(), Product.id).where(
        Product.sku.in_([row.sku for row in rows])
    )
    existing = {
        product["sku"]: product for product in (await session.execute(statement)).mappings()
    }
    sizes: dict[int, list[_SizeRow]] = {}
    found = await session.execute(
        select(Size.id, Size.product_id, Size.name, Size.stock, Size.position).where(
            Size.product_id.in_([product["id"] for product in existing.values()])
        )
    )
    for size in found:
        sizes.setdefault(size.product_id, []).append(size)
    galleries = await _galleries(session, [product["id"] for product in existing.values()])
    for row in rows:
        if (product := existing.get(row.sku)) is not None:
            gallery = galleries.get(product["id"], ())
            changes.add(row, categories, product, sizes.get(product["id"], []), gallery)
    await changes.write(session)
    new = [row for row in rows if row.sku not in existing]
    await _insert(session, new, categories)
    return {row.sku for row in new}


def _category_texts(
    products: Sequence[ProductRow], categories: Mapping[str, int]
) -> dict[int, dict[str, str]]:
    """Each category's names in the languages the file has a column for, by category id."""
    names: dict[int, dict[str, str]] = {}
    for product in products:
        for column, text in product.texts.items():
            what, language = _translated(column) or ("", "")
            if what == "category":
                names.setdefault(categories[product.category.casefold()], {})[language] = text
    return names


async def _write_texts(
    session: AsyncSession, rows: Sequence[ProductRow], created: set[str]
) -> set[int]:
    """Write the chunk's translations; returns the products updated by them (not created)."""
    skus = [row.sku for row in rows]
    ids = {
        sku: id
        for sku, id in await session.execute(
            select(Product.sku, Product.id).where(Product.sku.in_(skus))
        )
    }
    texts: dict[int, translations.Texts] = {}
    for row in rows:
        wanted = {_translated(column): text for column, text in row.texts.items()}
        texts[ids[row.sku]] = {
            key: text for key, text in wanted.items() if key and key[0] != "category"
        }
    changed = await translations.replace_product_texts(session, texts)
    return changed - {ids[sku] for sku in created}


_SizeRow = Row[int, int, str, int, int]  # id, product_id, name, stock, position
_FIELDS = {
    "sku": Product.sku,
    "name": Product.name,
    "description": Product.description,
    "price": Product.price,
    "currency": Product.currency,
    "category_id": Product.category_id,
    "is_active": Product.is_active,
}


def _fields(row: ProductRow, categories: Mapping[str, int], *, active: bool) -> dict[str, object]:
    return {
        "sku": row.sku,
        "name": row.name,
        "description": row.description,
        "price": row.price,
        "currency": row.currency,
        "category_id": categories[row.category.casefold()],
        "is_active": active if row.visible is None else row.visible,
    }


class _Changes:
    """What differs between a chunk of the file and the database, as bulk statement values."""

    def __init__(self, *, apply_conflicts: bool) -> None:
        self.apply_conflicts = apply_conflicts
        self.products: list[dict[str, object]] = []
        self.stocks: list[dict[str, object]] = []
        self.new_sizes: list[dict[str, object]] = []
        self.products_changed: set[int] = set()
        self.galleries: dict[int, tuple[str, ...]] = {}  # product id -> its new photos
        self.stock_changes: list[StockChange] = []
        self.conflicts: list[StockConflict] = []
        # For back-in-stock alerts: sizes given stock, products changed and on sale.
        self.restocked: list[int] = []
        self.shown: list[int] = []
        # For wishlists: products made cheaper in the same currency.
        self.price_drops: list[wishlist.PriceDrop] = []

    def add(
        self,
        row: ProductRow,
        categories: Mapping[str, int],
        product: RowMapping,
        sizes: Sequence[_SizeRow],
        gallery: tuple[str, ...],
    ) -> None:
        id = product["id"]
        wanted = _fields(row, categories, active=product["is_active"])
        if any(product[name] != value for name, value in wanted.items()):
            self.products.append({"id": id, **wanted})
            if wanted["is_active"]:
                self.shown.append(id)
            if wanted["currency"] == product["currency"] and row.price < product["price"]:
                self.price_drops.append(wishlist.PriceDrop(id, product["price"], row.price))
            self.products_changed.add(id)
        if gallery != row.photo:
            self.galleries[id] = row.photo
            self.products_changed.add(id)
        by_name = {size.name.casefold(): size for size in sizes}
        position = max((size.position for size in sizes), default=-1)
        for size in row.sizes:
            known = by_name.get(size.name.casefold())
            if known is None:
                position += 1
                self.new_sizes.append(
                    {"product_id": id, "name": size.name, "stock": size.stock, "position": position}
                )
                self.stock_changes.append(StockChange(row.sku, size.name, None, size.stock))
            elif not self._stock_to_write(row.sku, known, size):
                continue
            self.products_changed.add(id)

    def _stock_to_write(self, sku: str, known: _SizeRow, size: SizeRow) -> bool:
        """Whether the file's stock for this size is written (and recorded as such)."""
        if size.exported_stock is not None and size.stock == size.exported_stock:
            return False  # not edited: sales since the export stand
        if known.stock == size.stock:
            return False
        if size.exported_stock is not None and known.stock != size.exported_stock:
            self.conflicts.append(
                StockConflict(sku, known.name, size.exported_stock, known.stock, size.stock)
            )
            if not self.apply_conflicts:
                return False
        else:
            self.stock_changes.append(StockChange(sku, known.name, known.stock, size.stock))
        self.stocks.append({"id": known.id, "stock": size.stock})
        if size.stock > 0:
            self.restocked.append(known.id)
        return True

    async def write(self, session: AsyncSession) -> None:
        if self.products:
            await session.execute(update(Product), self.products)
        if self.stocks:
            await session.execute(update(Size), self.stocks)
        if self.new_sizes:
            await session.execute(insert(Size), self.new_sizes)
        # Stock written, or a hidden product shown again: customers waiting may hear.
        await stock_alert.announce_back_in_stock(
            session, size_ids=self.restocked, product_ids=self.shown
        )
        await _write_galleries(session, self.galleries)


async def _insert(
    session: AsyncSession, rows: Sequence[ProductRow], categories: Mapping[str, int]
) -> None:
    """New products and their sizes in two bulk INSERTs."""
    if not rows:
        return
    products = [_fields(row, categories, active=True) for row in rows]
    try:
        inserted = await session.execute(
            insert(Product).returning(Product.sku, Product.id), products
        )
    except IntegrityError:
        raise InvalidInput("catalog_file.changed_meanwhile") from None
    ids = {sku: id for sku, id in inserted}
    sizes = [
        {"product_id": ids[row.sku], "name": size.name, "stock": size.stock, "position": position}
        for row in rows
        for position, size in enumerate(row.sizes)
    ]
    await session.execute(insert(Size), sizes)
    await _write_galleries(session, {ids[row.sku]: row.photo for row in rows if row.photo})


async def _galleries(
    session: AsyncSession, product_ids: Sequence[int] | None
) -> dict[int, tuple[str, ...]]:
    """Each product's photos in order, by product id (None: every product's); products
    without any are left out."""
    found: dict[int, list[str]] = {}
    statement = select(GalleryPhoto.product_id, GalleryPhoto.value).order_by(
        GalleryPhoto.product_id, GalleryPhoto.position
    )
    if product_ids is not None:
        statement = statement.where(GalleryPhoto.product_id.in_(product_ids))
    for product_id, value in await session.execute(statement):
        found.setdefault(product_id, []).append(value)
    return {product_id: tuple(values) for product_id, values in found.items()}


async def _write_galleries(session: AsyncSession, galleries: Mapping[int, Sequence[str]]) -> None:
    """Replace these products' photos, in two bulk statements."""
    if not galleries:
        return
    await session.execute(delete(GalleryPhoto).where(GalleryPhoto.product_id.in_(list(galleries))))
    rows = [
        {"product_id": product_id, "position": position, "value": value}
        for product_id, photos in galleries.items()
        for position, value in enumerate(photos)
    ]
    if rows:
        await session.execute(insert(GalleryPhoto), rows)


async def _flush(session: AsyncSession) -> None:
    """A product or category someone else created meanwhile fails the unique keys: retry."""
    try:
        await session.flush()
    except IntegrityError:
        raise InvalidInput("catalog_file.changed_meanwhile") from None


# --- exporting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogExport:
    data: bytes
    products: int
    rows: int


async def export_catalog(session: AsyncSession) -> CatalogExport:
    """The whole catalogue, hidden products too, one row per size, oldest product first, with
    a column for each field and language that has translations.

    UTF-8 with a BOM, which spreadsheets need to read the accents right and the import skips.
    """
    texts = await translations.all_product_texts(session)
    category_names = await translations.all_category_names(session)
    present = {language for each in texts.values() for language in each}
    present |= {language for each in category_names.values() for language in each}
    languages = [language for language in LANGUAGES if language in present]
    statement = (
        select(
            Product.id,
            Product.sku,
            Product.name,
            Category.id,
            Category.name,
            Product.description,
            Product.price,
            Product.currency,
            Size.name,
            Size.stock,
            Product.is_active,
        )
        .join(Category, Category.id == Product.category_id)
        .join(Size, Size.product_id == Product.id)
        .order_by(Product.id, Size.position, Size.id)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    translated = [f"{what}:{language}" for language in languages for what in TRANSLATED]
    writer.writerow((*COLUMNS, VISIBLE, STOCK_AT_EXPORT, PRODUCT_ID, *translated))
    products: set[int] = set()
    rows = 0
    galleries = await _galleries(session, None)
    for row in await session.execute(statement):
        (id, sku, name, category_id, category, description, price, currency, size, stock) = row[:10]
        active = row[10]
        products.add(id)
        rows += 1
        writer.writerow(
            (
                _inert(sku),
                _inert(name),
                _inert(category),
                _inert(description),
                decimal_amount(price, currency),
                _inert(size),
                stock,
                _inert(PHOTOS_SEP.join(galleries.get(id, ()))),
                "yes" if active else "no",
                stock,
                id,
                *_translation_cells(
                    texts.get(id, {}), category_names.get(category_id, {}), languages
                ),
            )
        )
    return CatalogExport(buffer.getvalue().encode("utf-8-sig"), len(products), rows)


def _translation_cells(
    product: Mapping[str, translations.ProductText],
    category: Mapping[str, str],
    languages: Sequence[str],
) -> list[str]:
    """A row's translations, in the order of TRANSLATED for each language."""
    cells: list[str] = []
    for language in languages:
        text = product.get(language, _UNTRANSLATED)
        cells += (text.name or "", text.description or "", category.get(language, ""))
    return [_inert(cell) for cell in cells]


_UNTRANSLATED = translations.ProductText(None, None)


def _inert(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates."""
    return _TEXT_MARK + value if value.startswith(_FORMULA_STARTS) else value


def _unmarked(value: str) -> str:
    """The value `_inert` marked, as it was; other values as they are."""
    if value.startswith(_TEXT_MARK) and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value
