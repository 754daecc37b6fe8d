"""/backup: a fresh copy of the shop's SQLite database, sent to an owner as a file."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction, ParseMode

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.router import on_admin_command
from bot.texts import admin as admin_texts
from bot.usecases import backups


@on_admin_command("backup")
async def send_backup(update: Update, context: ShopContext) -> None:
    Args("backup", context.args).at_most(0)
    chat, sender = update.effective_chat, update.effective_user
    assert chat is not None and sender is not None
    made = await backups.backup_for_owner(
        context.db, by=sender.id, owners=context.settings.admin_ids
    )
    await chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)  # up to 50 MB takes a while
    await chat.send_document(
        InputFile(made.data, filename=made.file_name),
        caption=admin_texts.backup_caption(made.taken_at, len(made.data)),
        parse_mode=ParseMode.HTML,
    )
