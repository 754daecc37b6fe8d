from __future__ import annotations

from sqlalchemy import select, update

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.cart import RemoveLine, SetQuantity
from bot.models import CartItem, Product, Size, User
from bot.services import cart as carts
from bot.services import dialog
from bot.texts.errors import ERRORS
from tests.factories import make_product, make_user

ANN = 42


async def _customer_with_cart(
    db: Database, lines: dict[str, tuple[int, int, int]]
) -> dict[str, int]:
    """Ann with `name: (price, stock, quantity in cart)`; returns each product's size id."""
    sizes = {}
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=ANN, first_name="Ann")
        for name, (price, stock, quantity) in lines.items():
            product = await make_product(session, name=name, price=price, sizes={"M": stock})
            size_id = await session.scalar(select(Size.id).where(Size.product_id == product.id))
            assert size_id is not None
            await carts.add_item(
                session, user_id=user.id, product_id=product.id, size_id=size_id, quantity=quantity
            )
            sizes[name] = size_id
    return sizes


async def _quantities(db: Database) -> dict[int, int]:
    async with db.reading() as session:
        rows = await session.execute(select(CartItem.size_id, CartItem.quantity))
        return {size_id: quantity for size_id, quantity in rows}


async def _open_cart(ann: SimulatedUser) -> Message:
    await ann.send("/cart")
    return await ann.next_message()


async def test_an_empty_cart_says_so_and_offers_the_catalogue(
    shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    cart = await _open_cart(emulator.user(ANN, "Ann"))
    assert "empty" in cart.content
    assert cart.button(texts.CART_BROWSE).callback_data == "m:catalog"


async def test_the_cart_shows_each_line_with_size_quantity_and_totals(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 2), "Wool Hat": (1500, 5, 1)})
    cart = await _open_cart(emulator.user(ANN, "Ann"))
    assert "1. Classic Sneakers · M\n    2 × €49.99 = €99.98" in cart.content
    assert "2. Wool Hat · M\n    1 × €15.00 = €15.00" in cart.content
    assert "Total: €114.98" in cart.content
    assert {"1. M × 2", "2. M × 1", texts.CART_CHECKOUT, texts.CART_CLEAR} <= set(cart.button_texts)


async def test_the_menu_button_opens_the_cart_in_place(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 1)})
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()
    await ann.callback_answer(await ann.press_button(menu, texts.MENU_CART))
    cart = await ann.next_message()
    assert cart.message_id == menu.message_id
    assert "Classic Sneakers" in cart.content


async def test_plus_and_minus_change_the_quantity_in_place_with_a_toast(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 2)})
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    answer = await ann.callback_answer(await ann.press_button(cart, texts.CART_INCREASE))
    edited = await ann.next_message()
    assert answer.text == "Quantity: 3"
    assert edited.message_id == cart.message_id
    assert "3 × €49.99 = €149.97" in edited.content
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 3}
    answer = await ann.callback_answer(await ann.press_button(edited, texts.CART_DECREASE))
    assert answer.text == "Quantity: 2"
    assert "2 × €49.99" in (await ann.next_message()).content
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 2}


async def test_a_double_tapped_plus_lands_on_the_same_quantity(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 1)})
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    plus = SetQuantity(sizes["Classic Sneakers"], 2).pack()
    first, second = await ann.press(cart, plus), await ann.press(cart, plus)
    await ann.callback_answer(first)
    await ann.callback_answer(second)
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 2}


async def test_minus_on_a_single_item_removes_the_line(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 1)})
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    answer = await ann.callback_answer(await ann.press_button(cart, texts.CART_DECREASE))
    assert answer.text == texts.CART_LINE_REMOVED
    assert "empty" in (await ann.next_message()).content
    assert await _quantities(db) == {}


async def test_the_bin_removes_only_its_line(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(
        db, {"Classic Sneakers": (4999, 5, 2), "Wool Hat": (1500, 5, 1)}
    )
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    query = await ann.press(cart, RemoveLine(sizes["Classic Sneakers"]).pack())
    assert (await ann.callback_answer(query)).text == texts.CART_LINE_REMOVED
    edited = await ann.next_message()
    assert "Sneakers" not in edited.content
    assert "Total: €15.00" in edited.content
    assert await _quantities(db) == {sizes["Wool Hat"]: 1}


async def test_more_than_the_stock_is_refused_and_nothing_changes(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(db, {"Classic Sneakers": (4999, 2, 2)})
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    answer = await ann.callback_answer(await ann.press_button(cart, texts.CART_INCREASE))
    assert answer.show_alert
    assert answer.text == "Only 2 left of Classic Sneakers (M)."
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 2}


async def test_a_stale_button_for_a_removed_line_changes_nothing(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(
        db, {"Classic Sneakers": (4999, 5, 2), "Wool Hat": (1500, 5, 1)}
    )
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    await ann.callback_answer(await ann.press(cart, RemoveLine(sizes["Wool Hat"]).pack()))
    answer = await ann.callback_answer(
        await ann.press_forged(cart, SetQuantity(sizes["Wool Hat"], 2).pack())
    )
    assert answer.show_alert
    assert answer.text == "That item is no longer in your cart."
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 2}


async def test_clearing_the_cart_asks_first(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(db, {"Classic Sneakers": (4999, 5, 2)})
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    await ann.callback_answer(await ann.press_button(cart, texts.CART_CLEAR))
    question = await ann.next_message()
    assert question.content == texts.CART_CLEAR_QUESTION
    await ann.callback_answer(await ann.press_button(question, texts.BACK))
    assert "Classic Sneakers" in (await ann.next_message()).content
    assert await _quantities(db) == {sizes["Classic Sneakers"]: 2}

    await ann.callback_answer(await ann.press_button(cart.message_id, texts.CART_CLEAR))
    question = await ann.next_message()
    answer = await ann.callback_answer(await ann.press_button(question, texts.CART_CLEAR_YES))
    assert answer.text == texts.CART_CLEARED
    assert "empty" in (await ann.next_message()).content
    assert await _quantities(db) == {}


async def test_flagged_lines_block_checkout_until_fixed(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    sizes = await _customer_with_cart(
        db,
        {"Classic Sneakers": (4999, 5, 3), "Wool Hat": (1500, 5, 1), "Old Scarf": (900, 5, 1)},
    )
    async with db.transaction() as session:
        await session.execute(
            update(Size).where(Size.id == sizes["Classic Sneakers"]).values(stock=2)
        )
        await session.execute(update(Size).where(Size.id == sizes["Wool Hat"]).values(stock=0))
        await session.execute(
            update(Product).where(Product.name == "Old Scarf").values(is_active=False)
        )
    ann = emulator.user(ANN, "Ann")
    cart = await _open_cart(ann)
    assert "⚠️ only 2 left" in cart.content
    assert "⚠️ out of stock" in cart.content
    assert "⚠️ no longer sold" in cart.content
    assert texts.CART_NEEDS_ATTENTION in cart.content

    answer = await ann.callback_answer(await ann.press_button(cart, texts.CART_CHECKOUT))
    assert answer.show_alert
    assert answer.text == ERRORS["checkout.blocked"]
    async with db.reading() as session:
        ann_id = await session.scalar(select(User.id).where(User.telegram_id == ANN))
        assert ann_id is not None
        assert await dialog.current_step(session, user_id=ann_id) is None

    await ann.callback_answer(
        await ann.press(cart, SetQuantity(sizes["Classic Sneakers"], 2).pack())
    )
    fixed = await ann.next_message()
    for name in ("Wool Hat", "Old Scarf"):
        await ann.callback_answer(await ann.press(fixed, RemoveLine(sizes[name]).pack()))
        fixed = await ann.next_message()
    assert "⚠️" not in fixed.content
    await ann.callback_answer(await ann.press_button(fixed, texts.CART_CHECKOUT))
    assert "New address" in (await ann.next_message()).content
