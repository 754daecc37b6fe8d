"""/users (how many customers, what they do, and a page of them) and /user (one in detail)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send, show
from bot.handlers.router import on_admin_button, on_admin_command
from bot.keyboards.admin_users import AdminUsersPage, admin_users_keyboard
from bot.texts import admin as admin_texts
from bot.usecases import stats


@on_admin_command("users")
async def users_overview(update: Update, context: ShopContext) -> None:
    Args("users", context.args).at_most(0)
    await _show_page(update, context, 1)


@on_admin_button(AdminUsersPage)
async def turn_page(update: Update, context: ShopContext, data: AdminUsersPage) -> str | None:
    await _show_page(update, context, data.page)
    return None


async def _show_page(update: Update, context: ShopContext, page: int) -> None:
    overview = await stats.users_overview(context.db, owners=context.settings.admin_ids, page=page)
    await show(
        update,
        admin_texts.users_overview(overview.summary, overview.customers),
        admin_users_keyboard(overview.customers),
    )


@on_admin_command("user")
async def customer_details(update: Update, context: ShopContext) -> None:
    telegram_id = Args("user", context.args).at_most(1).integer(0, minimum=1)
    details = await stats.customer_details(
        context.db, telegram_id=telegram_id, owners=context.settings.admin_ids
    )
    await send(update, admin_texts.customer_details(details))
