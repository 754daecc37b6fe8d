"""Inline mode: `@shop_test_bot hodie` in any chat lists the shop's hoodies, and choosing one
posts a card whose button opens the product in the bot, for someone new to the shop too."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import ProductTranslation, User
from bot.services import product
from tests.factories import make_category, make_product, make_user

ANN, BOB = 42, 43
HOODIES = 23  # more than a page of 20


async def _hoodies(db: Database, photo: str) -> tuple[int, int]:
    """Many hoodies, the zip one with a photo Telegram has; a hidden one. Their ids."""
    async with db.transaction() as session:
        hoodies = await make_category(session, "Hoodies")
        zip_hoodie = await make_product(
            session,
            name="Zip Hoodie",
            price=4999,
            category=hoodies,
            description="Warm brushed cotton with a full zip.",
        )
        zip_hoodie.photo = photo
        for number in range(HOODIES - 1):
            await make_product(session, name=f"Hoodie {number:02}", price=3000, category=hoodies)
        hidden = await make_product(session, name="Old Hoodie", category=hoodies)
        await make_product(session, name="Wool Hat", price=1500)
        await product.set_active(session, product_id=hidden.id, active=False)
    return zip_hoodie.id, hidden.id


async def test_a_typo_lists_the_hoodies_page_by_page_with_photo_price_and_no_hidden_one(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    photo = emulator.upload_photo(b"\xff\xd8 a zip hoodie")
    zip_id, hidden_id = await _hoodies(db, photo)
    ann = emulator.user(ANN, "Ann")

    first = await ann.inline_answer(await ann.inline_query("hodie"))
    second = await ann.inline_answer(await ann.inline_query("hodie", offset=first.next_offset))

    assert (len(first.results), first.next_offset) == (20, "2")
    assert (len(second.results), second.next_offset) == (HOODIES - 20, "")
    listed = [result.id for result in (*first, *second)]
    assert len(set(listed)) == HOODIES and str(hidden_id) not in listed
    zip_hoodie = next(result for result in (*first, *second) if result.id == str(zip_id))
    assert (zip_hoodie.type, zip_hoodie.title, zip_hoodie.thumbnail) == (
        "photo",
        "Zip Hoodie",
        photo,
    )
    assert zip_hoodie.description == "€49.99 · Warm brushed cotton with a full zip."
    assert first.cache_time > 0 and first.is_personal
    async with db.reading() as session:  # a stranger's queries leave no trace
        assert await session.scalar(select(func.count(User.id))) == 0


async def test_an_empty_query_lists_the_newest_products_first(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        for name in ("Old Tee", "Wool Hat", "New Cap"):
            await make_product(session, name=name)
    ann = emulator.user(ANN, "Ann")

    answer = await ann.inline_answer(await ann.inline_query(""))

    assert [result.title for result in answer] == ["New Cap", "Wool Hat", "Old Tee"]
    assert [result.type for result in answer] == ["article"] * 3
    assert answer.next_offset == ""


async def test_a_product_hidden_after_a_query_is_gone_from_the_next_one(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Trucker Cap")
    ann = emulator.user(ANN, "Ann")
    shown = await ann.inline_answer(await ann.inline_query("cap"))
    async with db.transaction() as session:
        await product.set_active(session, product_id=cap.id, active=False)

    again = await ann.inline_answer(await ann.inline_query("cap"))

    assert [result.title for result in shown] == ["Trucker Cap"]
    assert list(again) == []


async def test_a_chosen_hoodie_posts_a_card_that_opens_it_for_a_new_customer(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    photo = emulator.upload_photo(b"\xff\xd8 a zip hoodie")
    zip_id, _ = await _hoodies(db, photo)
    ann, bob = emulator.user(ANN, "Ann"), emulator.user(BOB, "Bob")
    answer = await ann.inline_answer(await ann.inline_query("zip hoodie"))

    card = await ann.choose(answer, str(zip_id))

    assert card.json["via_bot"]["username"] == "shop_test_bot"
    assert card.photo and card.photo[0]["file_id"] == photo
    assert card.content.splitlines() == [
        "Zip Hoodie",
        "€49.99",
        "",
        "Warm brushed cotton with a full zip.",
    ]
    link = urlparse(card.button(texts.OPEN_IN_SHOP).url or "")
    assert (link.netloc, link.path) == ("t.me", "/shop_test_bot")
    start = parse_qs(link.query)["start"][0]
    assert start == f"p_{zip_id}"

    await bob.send(f"/start {start}")
    welcome, opened = await bob.next_message(), await bob.next_message()
    assert "Bob" in welcome.content
    assert "Zip Hoodie" in opened.content and texts.ADD_TO_CART in opened.button_texts
    await ann.send("/cart")  # the posted card itself was not taken as a search
    assert (await ann.next_message()).content == texts.CART_EMPTY


async def test_a_german_app_gets_german_prices_and_buttons(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Trucker Cap", price=1500)
    hans = emulator.user(ANN, "Hans", language_code="de")
    answer = await hans.inline_answer(await hans.inline_query("cap"))

    card = await hans.choose(answer, str(cap.id))

    assert answer.results[0].description == "15,00\xa0€"
    assert card.button_texts == ["🛍 Im Shop öffnen"]


async def test_a_customer_gets_the_language_they_chose_in_the_shop_over_their_apps(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Trucker Cap", price=1500)
        session.add(ProductTranslation(product_id=cap.id, language="ru", name="Кепка"))
        await make_user(session, first_name="Ann", telegram_id=ANN, language="ru")
    ann = emulator.user(ANN, "Ann", language_code="en")

    answer = await ann.inline_answer(await ann.inline_query("cap"))

    assert [result.title for result in answer] == ["Кепка"]
    assert answer.results[0].buttons[0][0].text == "🛍 Открыть в магазине"
