from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import Product, User
from bot.runner import running_shop
from bot.services import dialog
from bot.texts.errors import ERRORS
from tests.conftest import shop_settings
from tests.factories import make_category, make_product

ANN = 42


async def _shop(db: Database) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Classic Sneakers", price=4999)
        await make_product(session, name="Wool Hat", price=1500)


async def _press(ann: SimulatedUser, message: Message, label: str) -> Message:
    await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message()


async def _step(db: Database) -> str | None:
    async with db.reading() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == ANN))
        assert user_id is not None
        step = await dialog.current_step(session, user_id=user_id)
    return step.flow if step else None


async def test_a_typo_still_finds_the_sneakers(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/search snekers")
    results = await ann.next_message()
    assert results.content == "🔎 1 product found for “snekers”:"
    assert results.button_texts == ["Classic Sneakers · €49.99", texts.MAIN_MENU]


async def test_plain_text_is_a_search(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("wool hat")
    results = await ann.next_message()
    assert results.button_texts[0] == "Wool Hat · €15.00"


async def test_nothing_found_suggests_the_catalogue(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/search submarine")
    reply = await ann.next_message()
    assert reply.content.startswith("Nothing found for “submarine”.")
    catalogue = await _press(ann, reply, texts.BROWSE_CATALOG)
    assert catalogue.message_id == reply.message_id
    assert len(catalogue.button_texts) == 3  # two categories and the menu


async def test_a_bare_search_command_asks_and_takes_the_next_text_as_the_query(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/search")
    assert (await ann.next_message()).content == "🔎 What are you looking for? " + (
        "Type a few words, like black hoodie. Typos are fine."
    )
    assert await _step(db) == "search"
    await ann.send("hat")
    assert (await ann.next_message()).button_texts[0] == "Wool Hat · €15.00"
    assert await _step(db) is None


async def test_the_menu_search_button_asks_for_words_in_place(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    prompt = await _press(ann, menu, texts.MENU_SEARCH)
    assert prompt.message_id == menu.message_id
    assert "What are you looking for?" in prompt.content
    await ann.send("sneakers")
    assert (await ann.next_message()).button_texts[0] == "Classic Sneakers · €49.99"


@pytest.mark.parametrize(
    "query",
    ["😀🔥🎉", "sneakers " * 600, "'; DROP TABLE products; --", "<b>hat</b> & %_"],
    ids=["emoji", "5000 chars", "sql", "markup"],
)
async def test_weird_input_gets_a_polite_answer_and_changes_nothing(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, query: str
) -> None:
    await _shop(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send(query)
    reply = await ann.next_message()
    assert reply.content.startswith(("Nothing found for “", "🔎 "))
    assert texts.SOMETHING_WENT_WRONG not in reply.content
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Product)) == 2


async def test_a_result_opens_the_card_whose_back_returns_to_that_results_page(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        category = await make_category(session, "Sneakers")
        for number in range(1, 11):
            await make_product(session, name=f"Sneaker {number:02}", category=category)
    ann = emulator.user(ANN, "Ann")
    await ann.send("sneaker")
    first = await ann.next_message()
    second = await _press(ann, first, texts.NEXT)
    card = await _press(ann, second, "Sneaker 10 · €49.99")
    assert "Sneaker 10" in card.content
    back = await _press(ann, card, texts.BACK)
    assert back.message_id == first.message_id
    assert back.button_texts[:2] == ["Sneaker 09 · €49.99", "Sneaker 10 · €49.99"]
    assert "2 / 2" in back.button_texts


async def test_result_pages_still_turn_after_the_bot_restarts(
    emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        category = await make_category(session, "Sneakers")
        for number in range(1, 11):
            await make_product(session, name=f"Sneaker {number:02}", category=category)
    ann = emulator.user(ANN, "Ann")
    settings = shop_settings(emulator, db)
    async with running_shop(settings, db, token=emulator.token):
        await ann.send("/search sneakers")
        first = await ann.next_message()
        assert "1 / 2" in first.button_texts
    async with running_shop(settings, db, token=emulator.token):
        second = await _press(ann, first, texts.NEXT)
    assert second.message_id == first.message_id
    assert second.button_texts[:2] == ["Sneaker 09 · €49.99", "Sneaker 10 · €49.99"]
    assert "2 / 2" in second.button_texts


async def test_a_page_button_with_no_remembered_search_asks_to_search_again(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    answer = await ann.callback_answer(await ann.press_forged(menu, "sp:2"))
    assert (answer.text, answer.show_alert) == (ERRORS["search.forgotten"], True)
