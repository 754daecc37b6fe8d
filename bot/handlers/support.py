"""/support: the customer writes to the shop; their messages are relayed to the admins."""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import send, show
from bot.handlers.router import on_command, on_photo_step, on_screen, on_step
from bot.keyboards.menu import back_to_menu
from bot.keyboards.support import contact_button, header_keyboard, prompt_keyboard
from bot.services.dialog import Step
from bot.texts import support as support_texts
from bot.texts.i18n import using_language
from bot.usecases import support as usecase
from bot.usecases.support import SUPPORT_FORM

log = logging.getLogger(__name__)


@on_command("support")
@on_screen("support")
async def support_screen(update: Update, context: ShopContext) -> None:
    """Open the form, and say the rule: what is sent goes to the shop until the form is left."""
    if await usecase.start(context.db, sender=sender_of(update)):
        await show(update, support_texts.PROMPT, prompt_keyboard())
    else:
        await show(update, support_texts.MUTED, prompt_keyboard())


@on_command("paysupport")
async def pay_support(update: Update, context: ShopContext) -> None:
    """Telegram asks every bot that takes Stars to answer /paysupport: how to get help with a
    payment, which is /support here."""
    await show(update, texts.PAY_SUPPORT, InlineKeyboardMarkup([contact_button(), back_to_menu()]))


@on_step(SUPPORT_FORM)
async def relay_text(update: Update, context: ShopContext, step: Step, text: str) -> None:
    await _relay(update, context)


@on_photo_step(SUPPORT_FORM)
async def relay_photo(update: Update, context: ShopContext, step: Step, file_id: str) -> None:
    await _relay(update, context)


async def relay_reply(update: Update, context: ShopContext) -> bool:
    """A customer's reply to the shop's answer, in an open conversation: relayed as if sent in
    the form (which it opens again); False for any other reply."""
    message, chat = update.effective_message, update.effective_chat
    replied = message.reply_to_message if message is not None else None
    if chat is None or replied is None:
        return False
    found = await usecase.replied_to(context.db, chat_id=chat.id, message_id=replied.message_id)
    if (
        found is None
        or not found.open
        or found.customer.telegram_id != sender_of(update).telegram_id
    ):
        return False
    await _relay(update, context)
    return True


async def _relay(update: Update, context: ShopContext) -> None:
    """A copy of the message to the admins' group, or to each admin, after a header when the
    conversation (or this /support) starts; where it landed is recorded for their replies."""
    message = update.effective_message
    if message is None:
        return
    relay = await usecase.relay(
        context.db, sender=sender_of(update), admin_chat_ids=context.settings.alert_chat_ids
    )
    if relay is None:
        await send(update, support_texts.MUTED)
        return
    posted: list[tuple[int, int]] = []
    for chat_id in relay.chat_ids:
        with contextlib.suppress(TelegramError):  # one admin who blocked the bot stops no one
            if relay.header is not None:
                with using_language(context.settings.default_language):
                    header = await context.bot.send_message(
                        chat_id,
                        support_texts.header(relay.header),
                        parse_mode=ParseMode.HTML,
                        reply_markup=header_keyboard(relay.conversation_id),
                    )
                posted.append((chat_id, header.message_id))
            copied = await message.copy(chat_id)
            posted.append((chat_id, copied.message_id))
    await usecase.posted(context.db, conversation_id=relay.conversation_id, where=posted)
    if not posted:
        log.warning("a support message reached no admin: %s", relay.chat_ids)
        await send(update, support_texts.NOBODY)
        return
    await send(update, support_texts.SENT)
