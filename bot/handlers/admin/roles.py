"""/admin (what admins can do), /promote and /demote."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import admin_commands, on_admin_command
from bot.texts import admin as admin_texts
from bot.usecases import roles


@on_admin_command("admin")
async def admin_help(update: Update, context: ShopContext) -> None:
    for message in admin_texts.admin_help_messages(admin_commands()):
        await send(update, message)


@on_admin_command("promote")
async def promote(update: Update, context: ShopContext) -> None:
    await _set_admin(update, context, "promote", admin_=True)


@on_admin_command("demote")
async def demote(update: Update, context: ShopContext) -> None:
    await _set_admin(update, context, "demote", admin_=False)


async def _set_admin(update: Update, context: ShopContext, command: str, *, admin_: bool) -> None:
    telegram_id = Args(command, context.args).at_most(1).integer(0, minimum=1)
    assert update.effective_user is not None
    change = await roles.set_admin(
        context.db,
        by=update.effective_user.id,
        owners=context.settings.admin_ids,
        telegram_id=telegram_id,
        admin_=admin_,
    )
    reply = admin_texts.promoted if change.admin else admin_texts.demoted
    await send(update, reply(change.first_name, change.telegram_id))
