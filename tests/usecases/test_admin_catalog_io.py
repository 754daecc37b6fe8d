"""/import and /export as use cases: a file is refused before it is fetched, or applied whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.db import Database
from bot.models import AdminAction, Product, Size
from bot.services import catalog_csv
from bot.services.catalog_csv import CatalogFileInvalid, ImportResult
from bot.services.errors import InvalidInput, NotAllowed
from bot.usecases import catalog_io
from bot.usecases.customers import Sender

ADMIN = 7000
OWNER = Sender(ADMIN, "Owner")
FILE_ID = "file-1"
PREVIEW = 501  # the message that brought the file
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

    async def fetch(self, file_id: str) -> bytes | None:
        assert file_id == FILE_ID
        return await self.download()

    async def report(self, done: int, total: int) -> None:
        self.progress.append((done, total))


async def _preview(
    db: Database, upload: Upload, *, size: int | None = None, preview_id: int = PREVIEW
) -> catalog_io.ImportPreview:
    return await catalog_io.preview_import(
        db,
        sender=OWNER,
        preview_id=preview_id,
        file_id=FILE_ID,
        file_name="shop.csv",
        file_size=len(upload.data or b"") if size is None else size,
        download=upload.download,
        default_currency="EUR",
        progress=upload.report,
    )


async def _apply(
    db: Database, upload: Upload, *, conflicts_too: bool = False, preview_id: int = PREVIEW
) -> catalog_io.ImportPreview | None:
    return await catalog_io.apply_import(
        db,
        sender=OWNER,
        preview_id=preview_id,
        fetch=upload.fetch,
        default_currency="EUR",
        apply_conflicts=conflicts_too,
    )


async def _import(db: Database, upload: Upload, *, size: int | None = None) -> ImportResult:
    """Previewed, then applied."""
    await _preview(db, upload, size=size)
    applied = await _apply(db, upload)
    assert applied is not None
    return applied.result


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


CAPS = (HEADER + "A-1,Cap,Hats,,9.99,One size,3,\n").encode()


async def _stock(db: Database) -> list[int]:
    async with db.reading() as session:
        return list((await session.scalars(select(Size.stock).order_by(Size.id))).all())


async def test_a_preview_changes_nothing_and_apply_applies_it_once(db: Database) -> None:
    upload = Upload(CAPS)

    preview = await _preview(db, upload)
    before = (await _count(db, Product), await _count(db, AdminAction))
    first = await _apply(db, upload)
    second = await _apply(db, upload)  # a second press of Apply

    assert (preview.result.created, before) == (1, (0, 0))
    assert first is not None and first.result.created == 1
    assert second is None
    assert (await _count(db, Product), await _count(db, AdminAction)) == (1, 1)


async def test_a_cancelled_preview_cannot_be_applied(db: Database) -> None:
    upload = Upload(CAPS)
    await _preview(db, upload)

    assert await catalog_io.cancel_import(db, sender=OWNER, preview_id=PREVIEW) is True
    assert await _apply(db, upload) is None
    assert await _count(db, Product) == 0


async def test_an_older_preview_can_neither_apply_nor_cancel_a_newer_file(db: Database) -> None:
    older, newer = Upload(CAPS), Upload((HEADER + "B-1,Beanie,Hats,,12.00,One size,5,\n").encode())
    await _preview(db, older, preview_id=1)
    await _preview(db, newer, preview_id=2)

    with pytest.raises(InvalidInput) as applied:
        await _apply(db, newer, preview_id=1)
    with pytest.raises(InvalidInput) as cancelled:
        await catalog_io.cancel_import(db, sender=OWNER, preview_id=1)
    assert applied.value.code == cancelled.value.code == "catalog_file.preview_replaced"
    assert await _count(db, Product) == 0

    imported = await _apply(db, newer, preview_id=2)
    assert imported is not None and imported.result.created == 1
    async with db.reading() as session:
        assert (await session.scalars(select(Product.sku))).all() == ["B-1"]


async def test_an_outcome_changed_since_the_preview_is_not_applied(db: Database) -> None:
    await _import(db, Upload(CAPS))
    export = (await catalog_io.export_catalogue(db)).data
    edited = export.replace(b",3,,yes,3,", b",10,,yes,3,")  # the admin restocks to 10
    upload = Upload(edited)
    preview = await _preview(db, upload)
    async with db.transaction() as session:
        await session.execute(update(Size).values(stock=2))  # one sold meanwhile

    with pytest.raises(NotAllowed) as refused:
        await _apply(db, upload)

    assert len(preview.result.stock_changes) == 1 and preview.result.conflicts == ()
    assert refused.value.code == "catalog_file.changed_since_preview"
    assert await _stock(db) == [2]


async def test_a_conflict_is_skipped_unless_applied_on_purpose(db: Database) -> None:
    await _import(db, Upload(CAPS))
    export = (await catalog_io.export_catalogue(db)).data
    async with db.transaction() as session:
        await session.execute(update(Size).values(stock=1))  # two sold since the export
    upload = Upload(export.replace(b",3,,yes,3,", b",10,,yes,3,"))

    preview = await _preview(db, upload)
    skipped = await _apply(db, upload)
    stock_after_skip = await _stock(db)
    await _preview(db, upload)
    forced = await _apply(db, upload, conflicts_too=True)

    assert len(preview.result.conflicts) == 1
    assert skipped is not None and stock_after_skip == [1]
    assert forced is not None and await _stock(db) == [10]
