"""/import and /export as use cases: a file is refused before it is fetched, or applied whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AdminAction, Product
from bot.services import catalog_csv
from bot.services.catalog_csv import CatalogFileInvalid, ImportResult
from bot.services.errors import InvalidInput
from bot.usecases import catalog_io

ADMIN = 7000
HEADER = "sku,name,category,description,price,size,stock,photo\n"


class Upload:
    """A document to import; counts how often it was fetched and what progress was told."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.downloads = 0
        self.progress: list[tuple[int, int]] = []

    async def download(self) -> bytes | None:
        self.downloads += 1
        return self.data

    async def report(self, done: int, total: int) -> None:
        self.progress.append((done, total))


async def _import(db: Database, upload: Upload, *, size: int | None = None) -> ImportResult:
    return await catalog_io.import_catalogue(
        db,
        admin_telegram_id=ADMIN,
        file_name="shop.csv",
        file_size=len(upload.data or b"") if size is None else size,
        download=upload.download,
        default_currency="EUR",
        progress=upload.report,
    )


async def _count(db: Database, model: type[object]) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_file_too_large_is_refused_before_it_is_downloaded(db: Database) -> None:
    upload = Upload(HEADER.encode())
    with pytest.raises(InvalidInput):
        await _import(db, upload, size=catalog_csv.MAX_FILE_BYTES + 1)
    assert upload.downloads == 0


async def test_a_file_the_transport_will_not_hand_over_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput):
        await _import(db, Upload(None), size=1000)


async def test_a_file_with_one_bad_line_imports_nothing(db: Database) -> None:
    rows = "A-1,Cap,Hats,,9.99,One size,3,\nA-2,Scarf,Hats,,lots,One size,1,\n"
    with pytest.raises(CatalogFileInvalid):
        await _import(db, Upload((HEADER + rows).encode()))
    assert await _count(db, Product) == 0
    assert await _count(db, AdminAction) == 0


async def test_an_import_is_logged_and_a_long_one_reports_its_progress(db: Database) -> None:
    count = catalog_csv.CHUNK_ROWS + 1
    rows = "".join(f"A-{n},Cap {n},Hats,,9.99,One size,3,\n" for n in range(count))
    upload = Upload((HEADER + rows).encode())
    result = await _import(db, upload)
    assert (result.rows, result.created, result.categories_created) == (count, count, 1)
    assert upload.progress[0] == (0, count)
    assert upload.progress[-1] == (count, count)
    async with db.reading() as session:
        entry = (await session.scalars(select(AdminAction))).one()
    assert (entry.admin_telegram_id, entry.action) == (ADMIN, "import_csv")
    export = await catalog_io.export_catalogue(db)
    assert (export.products, export.rows) == (count, count)
