"""/broadcast: a message to every customer, sent in the background (bot.jobs.broadcast_delivery)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.router import on_admin_command
from bot.services import broadcast as broadcasts
from bot.services.errors import InvalidInput, ShopError
from bot.texts import admin as admin_texts
from bot.texts import esc
from bot.texts.errors import error_text


@on_admin_command(
    "broadcast",
    usage="/broadcast <text>, or reply /broadcast to a message to copy it",
    summary="send a message to every customer",
    section="Customers",
)
async def broadcast(update: Update, context: ShopContext) -> None:
    message = update.message
    sender = update.effective_user
    if message is None or sender is None:
        return
    text = _text_after_command(message)
    replied = message.reply_to_message
    if replied is None and not text:
        raise Args("broadcast", context.args).wrong()
    if replied is not None and text:
        raise InvalidInput("broadcast.text_or_reply")
    async with context.db.reading() as session:
        if await broadcasts.started_by(
            session, chat_id=message.chat.id, command_message_id=message.message_id
        ):
            return  # Telegram delivered this update again: it is already under way
    progress = await message.chat.send_message(admin_texts.BROADCAST_STARTING)
    try:
        async with context.db.transaction() as session:
            await broadcasts.start(
                session,
                admin_telegram_id=sender.id,
                chat_id=message.chat.id,
                progress_message_id=progress.message_id,
                text=text,
                copy_message_id=replied.message_id if replied is not None else None,
                command_message_id=message.message_id,
            )
    except ShopError as error:
        await progress.edit_text(esc(error_text(error)), parse_mode=ParseMode.HTML)
        return
    if context.bot_data.jobs is not None:
        context.bot_data.jobs.broadcasts.wake()


def _text_after_command(message: Message) -> str:
    """What follows /broadcast, with the admin's bold, links and so on kept as HTML."""
    parts = message.text_html.split(maxsplit=1) if message.text else []
    return parts[1].strip() if len(parts) > 1 else ""
