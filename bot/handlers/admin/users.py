"""/users (how many customers, and what they do) and /user (one customer in detail)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.texts import admin as admin_texts
from bot.usecases import stats


@on_admin_command("users")
async def users_summary(update: Update, context: ShopContext) -> None:
    Args("users", context.args).at_most(0)
    summary = await stats.users_summary(context.db, owners=context.settings.admin_ids)
    await send(update, admin_texts.users_summary(summary))


@on_admin_command("user")
async def customer_details(update: Update, context: ShopContext) -> None:
    telegram_id = Args("user", context.args).at_most(1).integer(0, minimum=1)
    details = await stats.customer_details(
        context.db, telegram_id=telegram_id, owners=context.settings.admin_ids
    )
    await send(update, admin_texts.customer_details(details))
