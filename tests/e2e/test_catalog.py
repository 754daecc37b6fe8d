from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.catalog import AddToCart, ProductCard
from bot.models import CartItem, Category, Product, Size, User
from bot.services import cart as carts
from bot.services import review
from tests.factories import make_category, make_order, make_product, make_user
from tests.statements import statements

ANN = 42
PHOTO = "https://shop.example/sneakers.jpg"


async def _sizes(db: Database, product_id: int) -> dict[str, int]:
    async with db.reading() as session:
        rows = await session.execute(
            select(Size.name, Size.id).where(Size.product_id == product_id)
        )
        return {name: size_id for name, size_id in rows}


async def _sneakers(db: Database, **fields: object) -> tuple[Product, Category]:
    async with db.transaction() as session:
        category = await make_category(session, "Sneakers")
        product = await make_product(
            session,
            name="Classic Sneakers",
            price=4999,
            sizes={"S": 5, "M": 2, "XL": 0},
            category=category,
            description="Leather low-tops.",
        )
        for key, value in fields.items():
            setattr(product, key, value)
        await session.flush()
    return product, category


async def _press(ann: SimulatedUser, message: Message, label: str) -> tuple[Message, str | None]:
    """Press a button; the screen it leads to and the toast or alert it answered with."""
    answer = await ann.callback_answer(await ann.press_button(message, label))
    return await ann.next_message(), answer.text


async def _open_card(ann: SimulatedUser, name: str = "Classic Sneakers") -> Message:
    await ann.send("/catalog")
    categories = await ann.next_message()
    products, _ = await _press(ann, categories, categories.button_texts[0])
    label = next(text for text in products.button_texts if text.startswith(name))
    card, _ = await _press(ann, products, label)
    return card


async def _cart_lines(db: Database) -> list[tuple[int, int]]:
    async with db.reading() as session:
        rows = await session.execute(select(CartItem.size_id, CartItem.quantity))
        return [(size_id, quantity) for size_id, quantity in rows]


async def test_the_catalogue_lists_only_categories_with_something_to_buy(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        await make_category(session, "Empty shelf")
        await make_product(session, name="Runner", category=shoes)
        await make_product(session, name="Court", category=shoes)
        await make_product(session, name="Old", category=shoes, is_active=False)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/catalog")
    catalogue = await ann.next_message()
    assert catalogue.button_texts == ["Sneakers (2)", texts.MAIN_MENU]
    menu, _ = await _press(ann, catalogue, texts.MAIN_MENU)
    assert menu.message_id == catalogue.message_id
    assert texts.MENU_CATALOG in menu.button_texts


async def test_an_empty_catalogue_says_so_and_leads_back_to_the_menu(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Hidden", is_active=False)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/catalog")
    reply = await ann.next_message()
    assert (reply.content, reply.button_texts) == (texts.CATALOG_EMPTY, [texts.MAIN_MENU])


async def test_a_category_pages_its_products_eight_at_a_time_with_back_on_every_level(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        for number in range(1, 11):
            await make_product(session, name=f"Sneaker {number:02}", category=shoes, price=1000)
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    catalogue, _ = await _press(ann, menu, texts.MENU_CATALOG)
    first, _ = await _press(ann, catalogue, "Sneakers (10)")
    assert "10 products" in first.content
    assert first.button_texts[:8] == [f"Sneaker {n:02} · €10.00" for n in range(1, 9)]
    assert first.button_texts[8:] == ["1 / 2", texts.NEXT, texts.BACK]
    second, _ = await _press(ann, first, texts.NEXT)
    assert second.button_texts == [
        "Sneaker 09 · €10.00",
        "Sneaker 10 · €10.00",
        texts.PREVIOUS,
        "2 / 2",
        texts.BACK,
    ]
    again, _ = await _press(ann, second, texts.PREVIOUS)
    assert "1 / 2" in again.button_texts
    back, _ = await _press(ann, again, texts.BACK)
    assert back.button_texts == ["Sneakers (10)", texts.MAIN_MENU]
    home, _ = await _press(ann, back, texts.MAIN_MENU)
    assert {message.message_id for message in (catalogue, second, back, home)} == {menu.message_id}


async def test_the_card_shows_price_rating_stock_and_sold_out_sizes_cannot_be_chosen(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sneakers, _ = await _sneakers(db)
    sizes = await _sizes(db, sneakers.id)
    async with db.transaction() as session:
        size = await session.get_one(Size, sizes["S"])
        for stars in (4, 5):
            buyer = await make_user(session, first_name="Buyer")
            await make_order(session, user=buyer, product=sneakers, size=size)
            await review.rate(session, user_id=buyer.id, product_id=sneakers.id, value=stars)
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann)
    assert "Classic Sneakers\n€49.99\n★ 4.5 (2 ratings)" in card.content
    assert "Leather low-tops." in card.content
    assert "S — 5 in stock\nM — 2 in stock\nXL — sold out" in card.content
    assert texts.CHOOSE_SIZE in card.content
    assert card.button_texts[:3] == ["S", "M", "XL ✕"]
    assert texts.ADD_TO_CART not in card.button_texts
    answer = await ann.callback_answer(await ann.press_button(card, "XL ✕"))
    assert answer.text == "Size XL is sold out."
    current = ann.last_bot_message
    assert current is not None and "• XL" not in current.button_texts
    assert texts.ADD_TO_CART not in current.button_texts


async def test_choosing_a_size_and_quantity_then_adding_puts_it_in_the_cart(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _sneakers(db)
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann)
    card, _ = await _press(ann, card, "M")
    assert "• M" in card.button_texts
    assert "Selected: M × 1 = €49.99" in card.content
    card, _ = await _press(ann, card, texts.MORE)
    assert texts.quantity(2) in card.button_texts
    assert texts.MORE not in card.button_texts  # only 2 of M in stock
    card, toast = await _press(ann, card, texts.ADD_TO_CART)
    assert toast == "Added 2 × Classic Sneakers (M) to your cart"
    assert card.button(texts.GO_TO_CART).callback_data == "m:cart"
    async with db.reading() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == ANN))
        assert user_id is not None
        view = await carts.view_cart(session, user_id=user_id)
    assert [(line.product_name, line.size_name, line.quantity) for line in view.lines] == [
        ("Classic Sneakers", "M", 2)
    ]


async def test_a_product_with_a_single_size_has_it_chosen_already(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Wool Hat", sizes={"One size": 3})
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann, "Wool Hat")
    assert "• One size" in card.button_texts
    _, toast = await _press(ann, card, texts.ADD_TO_CART)
    assert toast == "Added 1 × Wool Hat (One size) to your cart"
    assert len(await _cart_lines(db)) == 1


async def test_forged_buttons_for_a_sold_out_size_or_a_hidden_product_add_nothing(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sneakers, category = await _sneakers(db)
    async with db.transaction() as session:
        hidden = await make_product(session, name="Old Boots", category=category, is_active=False)
    sold_out = (await _sizes(db, sneakers.id))["XL"]
    hidden_size = (await _sizes(db, hidden.id))["M"]
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann)
    forged = [
        AddToCart(sneakers.id, sold_out, 1, "c", category.id, 1),
        AddToCart(hidden.id, hidden_size, 1, "c", category.id, 1),
        ProductCard(hidden.id, hidden_size, 1, 0, "c", category.id, 1),
        AddToCart(sneakers.id, sold_out, 0, "c", category.id, 1),
    ]
    answers = [await ann.callback_answer(await ann.press_forged(card, f.pack())) for f in forged]
    assert [(answer.text, answer.show_alert) for answer in answers] == [
        ("Classic Sneakers (XL) is out of stock.", True),
        ("This product is no longer available.", True),
        ("This product is no longer available.", True),
        ("You can add 1 to 99 at a time.", True),
    ]
    assert await _cart_lines(db) == []
    assert ann.last_bot_message is not None
    assert ann.last_bot_message.content == card.content


async def test_a_card_with_a_photo_is_edited_in_place_and_back_returns_to_its_page(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        shoes = await make_category(session, "Sneakers")
        for number in range(1, 10):
            await make_product(session, name=f"Sneaker {number}", category=shoes, sizes={"M": 1})
        photo = await make_product(session, name="Zebra Sneaker", category=shoes)
        photo.photo = PHOTO
    ann = emulator.user(ANN, "Ann")
    await ann.send("/catalog")
    products, _ = await _press(ann, await ann.next_message(), "Sneakers (10)")
    second_page, _ = await _press(ann, products, texts.NEXT)
    card, _ = await _press(ann, second_page, "Zebra Sneaker · €49.99")
    assert card.photo is not None and "Zebra Sneaker" in card.content
    assert "• M" in card.button_texts  # the only size: already chosen
    chosen, _ = await _press(ann, card, texts.MORE)
    assert chosen.message_id == card.message_id
    assert "Selected: M × 2 = €99.98" in chosen.content
    assert emulator.calls_to("editMessageMedia")
    back, _ = await _press(ann, chosen, texts.BACK)
    assert back.photo is None
    assert "2 / 2" in back.button_texts


async def test_a_long_description_is_shortened_to_fit_under_the_photo(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = {f"EU {number}": number for number in range(36, 48)}
    async with db.transaction() as session:
        boots = await make_product(
            session, name="Story Boots", sizes=sizes, description="word " * 200
        )
        boots.photo = PHOTO
    card = await _open_card(emulator.user(ANN, "Ann"), "Story Boots")
    assert card.photo is not None
    assert len(card.content) <= 1024
    assert "word…" in card.content
    assert "EU 47 — 47 in stock" in card.content


def _looks_a_customer_up(statement: str) -> bool:
    return statement.startswith("SELECT users.") and "WHERE users.telegram_id" in statement


async def test_each_update_looks_its_customer_up_once(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    """The sender is recorded before every handler; the handler reuses that lookup."""
    await _sneakers(db)
    ann = emulator.user(ANN, "Ann")
    card = await _open_card(ann)
    with statements(db, keep=_looks_a_customer_up) as lookups:
        card, _ = await _press(ann, card, "M")
        card, toast = await _press(ann, card, texts.ADD_TO_CART)
    assert toast is not None and "Classic Sneakers" in toast
    assert len(lookups) == 2, "\n\n".join(lookups)  # one per button
