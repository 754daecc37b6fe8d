"""The catalogue as a CSV file: /import previews one, applies it all or nothing once the admin
confirms, and /export writes one.

The preview is the import itself, rolled back: it reports exactly what the import would do.
The file's Telegram id and what the preview showed are kept in the admin's dialog state, so
Apply works after a restart and on another instance; at Apply the file is read again, and if
the shop changed since the preview in a way that changes the outcome, nothing is applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.services import catalog_csv, dialog
from bot.services.catalog_csv import CatalogExport, CatalogFile, ImportResult
from bot.services.errors import InvalidInput, NotAllowed
from bot.usecases.customers import Sender, shopper_id

FLOW = "import"
CONFIRM = "confirm"

# Fetches the file; None when the front door's transport refuses a file that large.
Download = Callable[[], Awaitable[bytes | None]]
# Fetches a file again by the id its front door gave it.
Fetch = Callable[[str], Awaitable[bytes | None]]
# Told (rows done, rows in the file): (0, rows) first when the file is long, then per chunk.
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ImportPreview:
    file_name: str
    result: ImportResult  # what Apply will do; conflicts are skipped unless applied on purpose


class _Previewed(Exception):
    """Carries the preview out of the transaction it rolls back."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result


async def preview_import(
    db: Database,
    *,
    sender: Sender,
    preview_id: int,
    file_id: str,
    file_name: str,
    file_size: int,
    download: Download,
    default_currency: str,
    progress: Progress,
) -> ImportPreview:
    """What the file would change, with nothing changed yet; `preview_id` (the message that
    brought the file) is what Apply and Cancel name. A file too large is refused before it is
    downloaded; a file with any problem raises CatalogFileInvalid, by line."""
    catalog_csv.check_file_size(file_size)
    catalog = await _read(db, await download(), default_currency)
    if catalog.rows > catalog_csv.CHUNK_ROWS:
        await progress(0, catalog.rows)
    try:
        async with db.transaction() as session:
            result = await catalog_csv.apply_catalog(
                session,
                catalog=catalog,
                admin_telegram_id=sender.telegram_id,
                file_name=file_name,
                progress=progress,
            )
            raise _Previewed(result)
    except _Previewed as previewed:
        result = previewed.result
    pending = {
        "preview": preview_id,
        "file_id": file_id,
        "file_name": file_name,
        "plan": result.fingerprint,
    }
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CONFIRM, data=pending)
    return ImportPreview(file_name, result)


async def apply_import(
    db: Database,
    *,
    sender: Sender,
    preview_id: int,
    fetch: Fetch,
    default_currency: str,
    apply_conflicts: bool,
) -> ImportPreview | None:
    """The previewed file, applied; None when there is no preview waiting (applied or
    cancelled already). NotAllowed, with nothing applied, when the outcome would now differ
    from the preview (stock sold meanwhile, say): the admin sends the file again.
    InvalidInput when a newer file's preview replaced this one."""
    async with db.reading() as session:
        pending = await _pending(session, sender)
    if pending is None:
        return None
    _check_latest(pending, preview_id)
    catalog = await _read(db, await fetch(str(pending["file_id"])), default_currency)
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow != FLOW or step.data != pending:
            return None  # a second press: the first applied it
        result = await catalog_csv.apply_catalog(
            session,
            catalog=catalog,
            admin_telegram_id=sender.telegram_id,
            file_name=str(pending["file_name"]),
            apply_conflicts=apply_conflicts,
        )
        if result.fingerprint != pending["plan"]:
            raise NotAllowed("catalog_file.changed_since_preview")
        await dialog.clear_step(session, user_id=user_id)
        return ImportPreview(str(pending["file_name"]), result)


async def cancel_import(db: Database, *, sender: Sender, preview_id: int) -> bool:
    """Whether there was a previewed import to forget; InvalidInput when a newer file's
    preview replaced this one (that one stays)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        if step is None or step.flow != FLOW:
            return False
        _check_latest(step.data, preview_id)
        await dialog.clear_step(session, user_id=user_id)
        return True


def _check_latest(pending: dict[str, object], preview_id: int) -> None:
    if pending.get("preview") != preview_id:
        raise InvalidInput("catalog_file.preview_replaced")


async def _pending(session: AsyncSession, sender: Sender) -> dict[str, object] | None:
    user_id = await shopper_id(session, sender)
    step = await dialog.current_step(session, user_id=user_id)
    if step is None or step.flow != FLOW or "file_id" not in step.data:
        return None
    return dict(step.data)


async def _read(db: Database, data: bytes | None, default_currency: str) -> CatalogFile:
    if data is None:
        raise catalog_csv.file_too_large()
    async with db.reading() as session:
        currencies = await catalog_csv.foreign_currencies(
            session, default_currency=default_currency
        )
    # Reading 100,000 rows takes a moment: the event loop keeps serving others meanwhile.
    return await asyncio.to_thread(
        catalog_csv.parse_catalog, data, default_currency=default_currency, currencies=currencies
    )


async def export_catalogue(db: Database) -> CatalogExport:
    """The whole catalogue, hidden products too, one row per size."""
    async with db.reading() as session:
        return await catalog_csv.export_catalog(session)
