"""/broadcast: previewed with its audience, then sent to every customer on Send, in the
background (bot.jobs.broadcast_delivery)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import show
from bot.handlers.router import on_admin_button, on_admin_command
from bot.keyboards.admin_broadcast import BroadcastChoice, broadcast_keyboard
from bot.services.errors import InvalidInput, ShopError
from bot.texts import admin as admin_texts
from bot.texts import esc
from bot.texts.errors import error_text
from bot.usecases import broadcasts


@on_admin_command("broadcast")
async def broadcast(update: Update, context: ShopContext) -> None:
    """Shows the message as customers will see it and how many it reaches; Send sends it."""
    message = update.message
    if message is None:
        return
    text = _text_after_command(message)
    replied = message.reply_to_message
    if replied is None and not text:
        raise Args("broadcast", context.args).wrong()
    if replied is not None and text:
        raise InvalidInput("broadcast.text_or_reply")
    draft = await broadcasts.preview_broadcast(
        context.db,
        sender=sender_of(update),
        chat_id=message.chat.id,
        command_message_id=message.message_id,
        text=text,
        copy_message_id=replied.message_id if replied is not None else None,
    )
    if draft is None:  # this command message was sent before: nothing more to do
        return
    await message.chat.send_message(admin_texts.BROADCAST_PREVIEW_ABOVE)
    if replied is not None:
        await replied.copy(message.chat.id)
    else:
        await message.chat.send_message(text, parse_mode=ParseMode.HTML)
    await message.chat.send_message(
        admin_texts.broadcast_audience(draft.recipients),
        reply_markup=broadcast_keyboard(draft.recipients, message.message_id),
    )


@on_admin_button(BroadcastChoice)
async def decide(update: Update, context: ShopContext, data: BroadcastChoice) -> str | None:
    sender = sender_of(update)
    if not data.send:
        try:
            cancelled = await broadcasts.cancel_previewed(
                context.db, sender=sender, draft=data.draft
            )
        except ShopError as error:
            await show(update, esc(error_text(error)))
            return None
        await show(update, admin_texts.BROADCAST_CANCELLED if cancelled else admin_texts.NO_DRAFT)
        return None
    posted: list[Message] = []

    async def announce() -> int:
        query = update.callback_query
        assert query is not None and isinstance(query.message, Message)
        await query.message.edit_text(admin_texts.BROADCAST_STARTING)
        posted.append(query.message)
        return query.message.message_id

    try:
        started = await broadcasts.send_previewed(
            context.db, sender=sender, draft=data.draft, announce=announce
        )
    except ShopError as error:
        await show(update, esc(error_text(error)))
        return None
    if started is None:
        await show(update, admin_texts.NO_DRAFT)
    elif context.bot_data.jobs is not None:
        context.bot_data.jobs.broadcasts.wake()
    return None


def _text_after_command(message: Message) -> str:
    """What follows /broadcast, with the admin's bold, links and so on kept as HTML."""
    parts = message.text_html.split(maxsplit=1) if message.text else []
    return parts[1].strip() if len(parts) > 1 else ""
