"""/broadcast: a message to every customer, sent in the background (bot.jobs.broadcast_delivery)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.router import on_admin_command
from bot.services.errors import InvalidInput, ShopError
from bot.texts import admin as admin_texts
from bot.texts import esc
from bot.texts.errors import error_text
from bot.usecases.broadcasts import start_broadcast


@on_admin_command("broadcast")
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
    posted: list[Message] = []

    async def announce() -> int:
        posted.append(await message.chat.send_message(admin_texts.BROADCAST_STARTING))
        return posted[0].message_id

    try:
        started = await start_broadcast(
            context.db,
            admin_telegram_id=sender.id,
            chat_id=message.chat.id,
            command_message_id=message.message_id,
            text=text,
            copy_message_id=replied.message_id if replied is not None else None,
            announce=announce,
        )
    except ShopError as error:
        if not posted:
            raise
        await posted[0].edit_text(esc(error_text(error)), parse_mode=ParseMode.HTML)
        return
    if started is not None and context.bot_data.jobs is not None:
        context.bot_data.jobs.broadcasts.wake()


def _text_after_command(message: Message) -> str:
    """What follows /broadcast, with the admin's bold, links and so on kept as HTML."""
    parts = message.text_html.split(maxsplit=1) if message.text else []
    return parts[1].strip() if len(parts) > 1 else ""
