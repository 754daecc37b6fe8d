from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import AdminAction, User
from tests.conftest import OWNER_ID

ANN = 42


async def _reply(emulator: BotApiEmulator, telegram_id: int, text: str) -> str:
    user = emulator.user(telegram_id, "Owner" if telegram_id == OWNER_ID else "Ann")
    await user.send(text)
    reply = await user.next_message()
    assert reply.text is not None
    return reply.text


async def test_admin_lists_every_admin_command_with_its_usage(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    listing = await _reply(emulator, OWNER_ID, "/admin")
    assert "/promote <telegram user id> — make a customer an admin" in listing
    assert "/demote" in listing


async def test_a_customer_sending_an_admin_command_gets_the_unknown_command_reply(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    for command in ("/admin", f"/promote {ANN}"):
        assert await _reply(emulator, ANN, command) == texts.UNKNOWN_COMMAND
    async with db.reading() as session:
        ann = (await session.scalars(select(User).where(User.telegram_id == ANN))).one()
        assert not ann.is_admin


async def test_an_owner_promotes_a_customer_who_then_can_use_admin_commands(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _reply(emulator, ANN, "/start")
    assert "is now an admin" in await _reply(emulator, OWNER_ID, f"/promote {ANN}")
    assert "Admin commands" in await _reply(emulator, ANN, "/admin")
    async with db.reading() as session:
        logged = (await session.scalars(select(AdminAction))).one()
    assert (logged.admin_telegram_id, logged.action, logged.entity) == (OWNER_ID, "promote", "user")


async def test_a_promoted_admin_cannot_promote_others(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _reply(emulator, ANN, "/start")
    await _reply(emulator, OWNER_ID, f"/promote {ANN}")
    assert "owners" in await _reply(emulator, ANN, f"/promote {OWNER_ID + 1}")


async def test_demote_takes_admin_rights_away(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    await _reply(emulator, ANN, "/start")
    await _reply(emulator, OWNER_ID, f"/promote {ANN}")
    assert "no longer an admin" in await _reply(emulator, OWNER_ID, f"/demote {ANN}")
    assert await _reply(emulator, ANN, "/admin") == texts.UNKNOWN_COMMAND


async def test_bad_arguments_get_the_usage_line_and_unknown_ids_not_found(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert "Usage" in await _reply(emulator, OWNER_ID, "/promote")
    assert "Usage" in await _reply(emulator, OWNER_ID, "/promote ann")
    assert "Usage" in await _reply(emulator, OWNER_ID, "/promote 1 2")
    assert "yet" in await _reply(emulator, OWNER_ID, "/promote 999999")


async def test_owners_cannot_be_demoted_from_the_chat(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert "ADMIN_IDS" in await _reply(emulator, OWNER_ID, f"/demote {OWNER_ID}")
