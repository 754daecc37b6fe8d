"""Links customers share: a product's opens its card, a category's its first page, each after
the greeting, for someone who has never talked to the shop too."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.services import product
from tests.factories import make_category, make_product

ANN = 42


async def test_a_product_link_opens_its_card_after_the_greeting_for_a_new_customer(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        hoodie = await make_product(session, name="Zip Hoodie", price=4999, sizes={"M": 3})
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start p_{hoodie.id}")
    welcome = await ann.next_message()
    card = await ann.next_message()

    assert "Ann" in welcome.content and texts.MENU_CATALOG in welcome.button_texts
    assert "Zip Hoodie" in card.content and "€49.99" in card.content
    assert texts.BACK in card.button_texts


async def test_a_category_link_opens_its_first_page(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        caps = await make_category(session, "Caps")
        for name in ("Trucker", "Beanie"):
            await make_product(session, name=name, category=caps, price=1000)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start c_{caps.id}")
    await ann.next_message()
    page = await ann.next_message()

    assert "Caps" in page.content
    assert page.button_texts[:2] == ["Beanie · €10.00", "Trucker · €10.00"]


async def test_a_link_to_a_product_no_longer_sold_greets_and_says_so(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        gone = await make_product(session, name="Old Cap")
        await product.set_active(session, product_id=gone.id, active=False)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start p_{gone.id}")
    welcome = await ann.next_message()
    refusal = await ann.next_message()

    assert "Ann" in welcome.content
    assert "This product is no longer available." in refusal.content
    assert "Old Cap" not in refusal.content


async def test_a_malformed_link_is_a_plain_greeting(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    ann = emulator.user(ANN, "Ann")

    for parameter in ("p_x", "p_99999999999", "c_"):
        await ann.send(f"/start {parameter}")
        assert "Ann" in (await ann.next_message()).content
    await ann.send("/cart")
    assert (await ann.next_message()).content == texts.CART_EMPTY  # nothing else was sent


async def test_the_card_s_share_button_shares_the_link_that_opens_it(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        hoodie = await make_product(session, name="Zip Hoodie")
    ann = emulator.user(ANN, "Ann")
    await ann.send(f"/start p_{hoodie.id}")
    await ann.next_message()
    card = await ann.next_message()

    share = card.button(texts.SHARE)
    page = urlparse(share.url or "")
    query = parse_qs(page.query)

    assert (page.netloc, page.path) == ("t.me", "/share/url")
    assert query["url"] == [f"https://t.me/shop_test_bot?start=p_{hoodie.id}"]
    assert query["text"] == ["Zip Hoodie"]
