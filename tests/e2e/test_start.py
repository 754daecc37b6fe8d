from __future__ import annotations

from sqlalchemy import func, select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import User


async def test_start_greets_a_new_customer_by_name_with_the_menu(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    reply = await ann.next_message()
    assert reply.text is not None and "Ann" in reply.text
    assert "🛒 Cart" in reply.button_texts
    await ann.send("/start")
    await ann.next_message()
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_the_command_list_is_registered_with_telegram(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert emulator.commands() == [
        "start",
        "catalog",
        "search",
        "cart",
        "orders",
        "wishlist",
        "profile",
        "payments",
        "language",
        "cancel",
        "help",
        "support",
        "paysupport",
    ]


async def test_help_lists_every_command_in_the_menu(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")

    await ann.send("/help")
    reply = await ann.next_message()

    for command in emulator.commands():
        assert f"/{command} — " in reply.content
    assert "/payments — Your saved cards" in reply.content


async def test_an_unknown_command_gets_a_pointer_to_help(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    await ann.send("/frobnicate")
    reply = await ann.next_message()
    assert reply.text is not None and "/help" in reply.text


async def test_a_tampered_button_is_an_expired_menu_and_changes_nothing(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(42, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    query = await ann.press_forged(menu, "zz:1:2")
    answer = await ann.callback_answer(query)
    assert answer.text is not None and "expired" in answer.text
