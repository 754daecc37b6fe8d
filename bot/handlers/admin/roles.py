"""/admin (what admins can do), /promote and /demote."""

from __future__ import annotations

from telegram import Update

from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import admin_commands, on_admin_command
from bot.services import admin
from bot.texts import admin as admin_texts


@on_admin_command("admin", usage="/admin", summary="this list", section="Admins")
async def admin_help(update: Update, context: ShopContext) -> None:
    listed = [(c.section, c.usage, c.summary) for c in admin_commands()]
    await send(update, admin_texts.admin_help(listed))


@on_admin_command(
    "promote",
    usage="/promote <telegram user id>",
    summary="make a customer an admin (owners only)",
    section="Admins",
)
async def promote(update: Update, context: ShopContext) -> None:
    await _set_admin(update, context, "promote", admin_=True)


@on_admin_command(
    "demote",
    usage="/demote <telegram user id>",
    summary="take admin rights away (owners only)",
    section="Admins",
)
async def demote(update: Update, context: ShopContext) -> None:
    await _set_admin(update, context, "demote", admin_=False)


async def _set_admin(update: Update, context: ShopContext, command: str, *, admin_: bool) -> None:
    telegram_id = Args(command, context.args).at_most(1).integer(0, minimum=1)
    assert update.effective_user is not None
    async with context.db.transaction() as session:
        user = await admin.set_admin(
            session,
            by=update.effective_user.id,
            owners=context.settings.admin_ids,
            telegram_id=telegram_id,
            admin=admin_,
        )
        name = user.first_name
    reply = admin_texts.promoted if admin_ else admin_texts.demoted
    await send(update, reply(name, telegram_id))
