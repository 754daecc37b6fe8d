"""/import (a CSV file sent with that caption) and /export: the catalogue as a spreadsheet."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Document, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.progress_message import ProgressMessage
from bot.handlers.render import send
from bot.handlers.router import on_admin_caption_command, on_admin_command
from bot.services import catalog_csv
from bot.services.catalog_csv import ImportResult
from bot.services.errors import InvalidInput, ShopError
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text

SECTION = "Import and export"


@on_admin_caption_command(
    "import",
    usage="/import (as the caption of a CSV file)",
    summary="create or update products from a CSV file, all or nothing "
    "(columns sku,name,category,description,price,size,stock,photo; one row per size)",
    section=SECTION,
)
async def import_catalog(update: Update, context: ShopContext) -> None:
    message, chat, sender = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and message.document is not None
    assert chat is not None and sender is not None
    file_name = message.document.file_name or "the file"
    status = await ProgressMessage.send(chat, admin_texts.import_reading(file_name))
    try:
        result = await _import(context, status, message.document, sender.id)
    except ShopError as error:
        await status.finish(admin_texts.import_failed(error_text(error)))
        return
    except Exception:
        await status.finish(admin_texts.IMPORT_BROKE)  # the error handler apologises next
        raise
    await status.finish(
        admin_texts.imported(
            file_name,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            categories=result.categories_created,
        )
    )


async def _import(
    context: ShopContext, status: ProgressMessage, document: Document, admin_id: int
) -> ImportResult:
    data = await _download(document)
    currency = context.settings.default_currency
    async with context.db.reading() as session:
        currencies = await catalog_csv.foreign_currencies(session, default_currency=currency)
    # Reading 100,000 rows takes a moment: the bot keeps answering others meanwhile.
    catalog = await asyncio.to_thread(
        catalog_csv.parse_catalog, data, default_currency=currency, currencies=currencies
    )

    async def progress(done: int, total: int) -> None:
        if done < total:  # the result follows at once
            await status.update(admin_texts.import_progress(done, total))

    if catalog.rows > catalog_csv.CHUNK_ROWS:
        await status.update(admin_texts.import_progress(0, catalog.rows), now=True)
    async with context.db.transaction() as session:
        return await catalog_csv.apply_catalog(
            session,
            catalog=catalog,
            admin_telegram_id=admin_id,
            file_name=document.file_name or "",
            progress=progress,
        )


async def _download(document: Document) -> bytes:
    catalog_csv.check_file_size(document.file_size or 0)
    try:
        file = await document.get_file()
    except BadRequest as error:
        if "too big" not in error.message.lower():
            raise
        raise InvalidInput(
            "catalog_file.too_large", limit_mb=catalog_csv.MAX_FILE_BYTES // (1024 * 1024)
        ) from None
    return bytes(await file.download_as_bytearray())


@on_admin_command(
    "export",
    usage="/export",
    summary="the whole catalogue as a CSV file, hidden products too, ready to edit and /import",
    section=SECTION,
)
async def export_catalog(update: Update, context: ShopContext) -> None:
    Args("export", context.args).at_most(0)
    async with context.db.reading() as session:
        export = await catalog_csv.export_catalog(session)
    if not export.products or update.effective_chat is None:
        await send(update, admin_texts.NOTHING_TO_EXPORT)
        return
    name = f"catalogue-{datetime.now(UTC):%Y-%m-%d}.csv"
    await update.effective_chat.send_document(
        InputFile(export.data, filename=name),
        caption=admin_texts.exported(export.products, export.rows),
        parse_mode=ParseMode.HTML,
    )
