"""The catalogue as a CSV file: /import applies one, all or nothing, and /export writes one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.db import Database
from bot.services import catalog_csv
from bot.services.catalog_csv import CatalogExport, ImportResult

# Fetches the file; None when the front door's transport refuses a file that large.
Download = Callable[[], Awaitable[bytes | None]]
# Told (rows done, rows in the file): (0, rows) first when the file is long, then per chunk.
Progress = Callable[[int, int], Awaitable[None]]


async def import_catalogue(
    db: Database,
    *,
    admin_telegram_id: int,
    file_name: str,
    file_size: int,
    download: Download,
    default_currency: str,
    progress: Progress,
) -> ImportResult:
    """A file too large is refused before it is downloaded; a file with any problem changes
    nothing (CatalogFileInvalid lists them by line)."""
    catalog_csv.check_file_size(file_size)
    data = await download()
    if data is None:
        raise catalog_csv.file_too_large()
    async with db.reading() as session:
        currencies = await catalog_csv.foreign_currencies(
            session, default_currency=default_currency
        )
    # Reading 100,000 rows takes a moment: the event loop keeps serving others meanwhile.
    catalog = await asyncio.to_thread(
        catalog_csv.parse_catalog, data, default_currency=default_currency, currencies=currencies
    )
    if catalog.rows > catalog_csv.CHUNK_ROWS:
        await progress(0, catalog.rows)
    async with db.transaction() as session:
        return await catalog_csv.apply_catalog(
            session,
            catalog=catalog,
            admin_telegram_id=admin_telegram_id,
            file_name=file_name,
            progress=progress,
        )


async def export_catalogue(db: Database) -> CatalogExport:
    """The whole catalogue, hidden products too, one row per size."""
    async with db.reading() as session:
        return await catalog_csv.export_catalog(session)
