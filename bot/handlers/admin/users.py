"""/users (how many customers, and what they do) and /user (one customer in detail)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.services import stats
from bot.texts import admin as admin_texts
from bot.texts.statuses import STATUS_LABELS


@on_admin_command(
    "users",
    usage="/users",
    summary="customers: new, ordering, blocked, admins",
    section="Customers",
)
async def users_summary(update: Update, context: ShopContext) -> None:
    Args("users", context.args).at_most(0)
    async with context.db.reading() as session:
        summary = await stats.users_summary(session, owners=context.settings.admin_ids)
    await send(update, admin_texts.users_summary(summary))


@on_admin_command(
    "user",
    usage="/user <telegram user id>",
    summary="one customer: orders, spend, last orders",
    section="Customers",
)
async def customer_details(update: Update, context: ShopContext) -> None:
    telegram_id = Args("user", context.args).at_most(1).integer(0, minimum=1)
    async with context.db.reading() as session:
        details = await stats.customer_details(
            session, telegram_id=telegram_id, owners=context.settings.admin_ids
        )
    await send(update, admin_texts.customer_details(details, STATUS_LABELS))
