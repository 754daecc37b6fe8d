"""/import (a CSV file sent with that caption) and /export: the catalogue as a spreadsheet."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Document, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.progress_message import ProgressMessage
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_admin_caption_command, on_admin_command
from bot.keyboards.admin_import import APPLY, CANCEL, FORCE, ImportDecision, preview_keyboard
from bot.keyboards.callbacks import ExpiredButton
from bot.services.errors import ShopError
from bot.texts import admin as admin_texts
from bot.texts.errors import error_text
from bot.usecases import catalog_io


@on_admin_caption_command("import")
async def import_catalog(update: Update, context: ShopContext) -> None:
    """Reads the file and shows what it would change; Apply (below) changes it."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.document is not None and chat is not None
    document = message.document
    file_name = document.file_name or admin_texts.UNNAMED_FILE
    status = await ProgressMessage.send(chat, admin_texts.import_reading(file_name))

    async def progress(done: int, total: int) -> None:
        if done < total:  # the result follows at once
            await status.update(admin_texts.import_progress(done, total), now=done == 0)

    try:
        preview = await catalog_io.preview_import(
            context.db,
            sender=sender_of(update),
            preview_id=message.message_id,
            file_id=document.file_id,
            file_name=file_name,
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
        admin_texts.import_preview(preview.file_name, preview.result),
        keyboard=preview_keyboard(preview.result, message.message_id),
    )


@on_admin_button(ImportDecision)
async def decide_import(update: Update, context: ShopContext, data: ImportDecision) -> str | None:
    sender = sender_of(update)
    if data.choice == CANCEL:
        try:
            cancelled = await catalog_io.cancel_import(
                context.db, sender=sender, preview_id=data.preview
            )
        except ShopError as error:
            await show(update, admin_texts.import_failed(error_text(error)))
            return None
        await show(update, admin_texts.IMPORT_CANCELLED if cancelled else admin_texts.IMPORT_GONE)
        return None
    if data.choice not in (APPLY, FORCE):
        raise ExpiredButton
    try:
        applied = await catalog_io.apply_import(
            context.db,
            sender=sender,
            preview_id=data.preview,
            fetch=lambda file_id: _download_by_id(context, file_id),
            default_currency=context.settings.default_currency,
            apply_conflicts=data.choice == FORCE,
        )
    except ShopError as error:
        await show(update, admin_texts.import_failed(error_text(error)))
        return None
    if applied is None:
        await show(update, admin_texts.IMPORT_GONE)
        return None
    result = applied.result
    await show(
        update,
        admin_texts.imported(
            applied.file_name,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            categories=result.categories_created,
        ),
    )
    return None


async def _download_by_id(context: ShopContext, file_id: str) -> bytes | None:
    try:
        file = await context.bot.get_file(file_id)
    except BadRequest as error:
        if "too big" not in error.message.lower():
            raise
        return None
    return bytes(await file.download_as_bytearray())


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
