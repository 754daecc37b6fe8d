"""/import (a CSV file sent with that caption) and /export: the catalogue as a spreadsheet."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Document, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.progress_message import ProgressMessage
from bot.handlers.render import send
from bot.handlers.router import on_admin_caption_command, on_admin_command
from bot.services.errors import ShopError
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text
from bot.usecases import catalog_io


@on_admin_caption_command("import")
async def import_catalog(update: Update, context: ShopContext) -> None:
    message, chat, sender = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and message.document is not None
    assert chat is not None and sender is not None
    document = message.document
    file_name = document.file_name or admin_texts.UNNAMED_FILE
    status = await ProgressMessage.send(chat, admin_texts.import_reading(file_name))

    async def progress(done: int, total: int) -> None:
        if done < total:  # the result follows at once
            await status.update(admin_texts.import_progress(done, total), now=done == 0)

    try:
        result = await catalog_io.import_catalogue(
            context.db,
            admin_telegram_id=sender.id,
            file_name=document.file_name or "",
            file_size=document.file_size or 0,
            download=lambda: _download(document),
            default_currency=context.settings.default_currency,
            progress=progress,
        )
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


async def _download(document: Document) -> bytes | None:
    """The file's bytes; None when Telegram won't hand a bot a file that large."""
    try:
        file = await document.get_file()
    except BadRequest as error:
        if "too big" not in error.message.lower():
            raise
        return None
    return bytes(await file.download_as_bytearray())


@on_admin_command("export")
async def export_catalog(update: Update, context: ShopContext) -> None:
    Args("export", context.args).at_most(0)
    export = await catalog_io.export_catalogue(context.db)
    if not export.products or update.effective_chat is None:
        await send(update, admin_texts.NOTHING_TO_EXPORT)
        return
    name = admin_texts.export_file_name(datetime.now(UTC).date())
    await update.effective_chat.send_document(
        InputFile(export.data, filename=name),
        caption=admin_texts.exported(export.products, export.rows),
        parse_mode=ParseMode.HTML,
    )
