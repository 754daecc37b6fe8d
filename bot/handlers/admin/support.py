"""The admins' side of a line to the shop: replies to relayed messages, /close, /mute, /unmute.

They work in the admins' group (SUPPORT_CHAT_ID) and in an admin's private chat with the bot.
In the group the bot answers admins only: anyone else there is ignored, as if unheard.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext, sender_is_admin, sender_of
from bot.handlers.router import (
    dispatch_photo,
    dispatch_text,
    friendly,
    on_admin_button,
    on_admin_command,
)
from bot.handlers.support import relay_reply
from bot.keyboards.callbacks import ExpiredButton
from bot.keyboards.support import CloseConversation, MuteCustomer
from bot.services.support import Conversation
from bot.texts import support as support_texts
from bot.texts.i18n import negotiate, using_language
from bot.usecases import support as usecase

Handler = Callable[[Update, ShopContext], Coroutine[Any, Any, None]]


async def _conversation(update: Update, context: ShopContext) -> Conversation | None:
    """The conversation of the bot's message this one replies to."""
    message, chat = update.effective_message, update.effective_chat
    replied = message.reply_to_message if message is not None else None
    if chat is None or replied is None or replied.from_user is None:
        return None
    if replied.from_user.id != context.bot.id:
        return None
    return await usecase.replied_to(context.db, chat_id=chat.id, message_id=replied.message_id)


async def answer(update: Update, context: ShopContext) -> bool:
    """An admin's reply to a relayed message goes to its customer, as the shop; False when
    this message is no such reply (or not from an admin)."""
    message = update.effective_message
    if message is None or not await sender_is_admin(update, context):
        return False
    conversation = await _conversation(update, context)
    if conversation is None:
        return False
    customer = conversation.customer
    if not conversation.open:
        await message.reply_text(support_texts.ALREADY_CLOSED)
        return True
    if not message.text and not message.photo:
        await message.reply_text(support_texts.ONLY_TEXT_OR_PHOTO)
        return True
    language = negotiate(
        chosen=customer.language,
        telegram=customer.app_language,
        default=context.settings.default_language,
    )
    try:
        with using_language(language):
            sent = await _send_as_shop(message, context, customer.telegram_id)
    except Forbidden:
        await message.reply_text(support_texts.reply_not_delivered(customer.first_name))
        return True
    # The customer's reply to the answer goes back to the shop (bot.handlers.support).
    where = [(customer.telegram_id, sent.message_id)]
    await usecase.posted(context.db, conversation_id=conversation.id, where=where)
    await message.reply_text(support_texts.reply_sent(customer.first_name))
    return True


async def _send_as_shop(message: Message, context: ShopContext, chat_id: int) -> Message:
    if message.photo:
        return await context.bot.send_photo(
            chat_id,
            message.photo[-1].file_id,
            caption=support_texts.shop_replied_caption(message.caption or ""),
            parse_mode=ParseMode.HTML,
        )
    return await context.bot.send_message(
        chat_id, support_texts.shop_replied(message.text or ""), parse_mode=ParseMode.HTML
    )


async def private_reply(update: Update, context: ShopContext) -> None:
    """A reply in a private chat: an admin's answer to a customer, a customer's to the shop's
    answer, else read as any message."""
    if await answer(update, context) or await relay_reply(update, context):
        return
    message = update.effective_message
    if message is not None and message.photo:
        await dispatch_photo(update, context)
    else:
        await dispatch_text(update, context)


async def group_reply(update: Update, context: ShopContext) -> None:
    """A reply in the admins' group; anything else said there is not for the bot."""
    with using_language(context.settings.default_language):
        await answer(update, context)


def in_group(handler: Handler) -> Handler:
    """A command in the admins' group: its admins' only, in the shop's language; silence to
    anyone else."""

    async def guarded(update: Update, context: ShopContext) -> None:
        if await sender_is_admin(update, context):
            with using_language(context.settings.default_language):
                await handler(update, context)

    return friendly(guarded)


@on_admin_command("close")
async def close_command(update: Update, context: ShopContext) -> None:
    conversation = await _conversation(update, context)
    await _reply(update, await _close(context, sender_of(update).telegram_id, conversation))


@on_admin_command("mute")
async def mute_command(update: Update, context: ShopContext) -> None:
    conversation = await _conversation(update, context)
    await _reply(update, await _mute(context, sender_of(update).telegram_id, conversation))


@on_admin_command("unmute")
async def unmute_command(update: Update, context: ShopContext) -> None:
    telegram_id = Args("unmute", context.args).at_most(1).integer(0, minimum=1)
    was_muted = await usecase.unmute(
        context.db, by=sender_of(update).telegram_id, telegram_id=telegram_id
    )
    await _reply(update, support_texts.unmuted(telegram_id, was_muted=was_muted))


GROUP_COMMANDS: dict[str, Handler] = {
    "close": close_command,
    "mute": mute_command,
    "unmute": unmute_command,
}


@on_admin_button(CloseConversation)
async def close_button(update: Update, context: ShopContext, data: CloseConversation) -> None:
    """Said under the header, for every admin in the group to see."""
    found = await usecase.conversation(context.db, conversation_id=data.conversation_id)
    if found is None:
        raise ExpiredButton
    await _reply(update, await _close(context, sender_of(update).telegram_id, found))


@on_admin_button(MuteCustomer)
async def mute_button(update: Update, context: ShopContext, data: MuteCustomer) -> None:
    found = await usecase.conversation(context.db, conversation_id=data.conversation_id)
    if found is None:
        raise ExpiredButton
    await _reply(update, await _mute(context, sender_of(update).telegram_id, found))


async def _close(context: ShopContext, by: int, conversation: Conversation | None) -> str:
    if conversation is None:
        return support_texts.NOT_A_CONVERSATION
    if not await usecase.close(context.db, by=by, conversation_id=conversation.id):
        return support_texts.ALREADY_CLOSED
    return support_texts.closed(conversation.customer.first_name)


async def _mute(context: ShopContext, by: int, conversation: Conversation | None) -> str:
    if conversation is None:
        return support_texts.NOT_A_CONVERSATION
    customer = conversation.customer
    if not await usecase.mute(context.db, by=by, user_id=customer.user_id):
        return support_texts.ALREADY_MUTED
    return support_texts.muted(customer.first_name, customer.telegram_id)


async def _reply(update: Update, text: str) -> None:
    """To the command, or to the message whose button was pressed."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, parse_mode=ParseMode.HTML)
