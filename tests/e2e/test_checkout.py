from __future__ import annotations

import asyncio

from sqlalchemy import func, select, update

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.checkout import ChooseAddress
from bot.models import Address, CartItem, Order, OrderStatus, Size, User
from bot.runner import running_shop
from bot.services import cart as carts
from bot.services import dialog
from bot.services import user as users
from bot.services.user import AddressInput
from bot.texts.errors import ERRORS
from tests.conftest import shop_settings
from tests.factories import make_product, make_user

ANN, BOB = 42, 43
HOME = AddressInput("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")
WORK = AddressInput("Ann Example", "+49 30 7654321", "Office Rd 9", "Hamburg", "", "20095", "DE")
NEW_ADDRESS = ("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "-", "10115", "Germany")


async def _shopper(
    db: Database, telegram_id: int = ANN, *, quantity: int = 2, stock: int = 5, size_id: int = 0
) -> tuple[int, int]:
    """A customer with `quantity` Classic Sneakers (size M) in the cart: (user id, size id)."""
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=telegram_id, first_name="Shopper")
        if not size_id:
            await make_product(session, price=4999, sizes={"M": stock})
            size_id = (await session.scalars(select(Size.id))).one()
        product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
        assert product_id is not None
        await carts.add_item(
            session, user_id=user.id, product_id=product_id, size_id=size_id, quantity=quantity
        )
    return user.id, size_id


async def _save_addresses(db: Database, user_id: int, *addresses: AddressInput) -> list[int]:
    async with db.transaction() as session:
        return [
            (await users.add_address(session, user_id=user_id, address=a)).id for a in addresses
        ]


async def _checkout(user: SimulatedUser) -> Message:
    """Opens the cart and presses Checkout: the address choice or the first question."""
    await user.send("/cart")
    cart = await user.next_message()
    await user.callback_answer(await user.press_button(cart, texts.CART_CHECKOUT))
    return await user.next_message()


async def _answer(user: SimulatedUser, text: str) -> Message:
    await user.send(text)
    return await user.next_message()


async def _summary(user: SimulatedUser) -> Message:
    choice = await _checkout(user)
    await user.callback_answer(await user.press_button(choice, choice.button_texts[0]))
    return await user.next_message()


async def _counts(db: Database) -> tuple[int, int, int]:
    """(orders, addresses, cart lines)"""
    async with db.reading() as session:
        return (
            await session.scalar(select(func.count()).select_from(Order)) or 0,
            await session.scalar(select(func.count()).select_from(Address)) or 0,
            await session.scalar(select(func.count()).select_from(CartItem)) or 0,
        )


async def _stock(db: Database, size_id: int) -> int:
    async with db.reading() as session:
        return await session.scalar(select(Size.stock).where(Size.id == size_id)) or 0


async def test_checkout_with_a_saved_address_places_the_order_and_holds_the_stock(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, size_id = await _shopper(db)
    _, work = await _save_addresses(db, user_id, HOME, WORK)
    ann = emulator.user(ANN, "Ann")
    choice = await _checkout(ann)
    assert choice.content.startswith("📍 Where should we deliver?")
    assert choice.button_texts[:3] == [
        "⭐ Ann Example, Main St 1, Berlin",
        "Ann Example, Office Rd 9, Hamburg",
        texts.CHECKOUT_NEW_ADDRESS,
    ]
    await ann.callback_answer(await ann.press(choice, ChooseAddress(work).pack()))
    summary = await ann.next_message()
    assert summary.message_id == choice.message_id
    assert "Classic Sneakers · M\n    2 × €49.99 = €99.98" in summary.content
    assert "Total: €99.98" in summary.content
    assert "Office Rd 9\n20095 Hamburg\nDE\n+49 30 7654321" in summary.content
    assert summary.button_texts == [
        texts.CHECKOUT_PROMO,
        texts.CHECKOUT_PLACE,
        texts.CHECKOUT_CANCEL,
    ]

    await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    placed = await ann.next_message()
    assert "Order #1 placed" in placed.content
    assert "Total: €99.98" in placed.content
    assert "awaiting payment" in placed.content
    assert "not switched on" in placed.content
    assert "60 minutes" in placed.content
    async with db.reading() as session:
        order = (await session.scalars(select(Order))).one()
        assert (order.status, order.total, order.ship_street) == (
            OrderStatus.PENDING_PAYMENT,
            9998,
            "Office Rd 9",
        )
        assert await dialog.current_step(session, user_id=user_id) is None
    assert await _stock(db, size_id) == 3
    assert await _counts(db) == (1, 2, 0)


async def test_a_new_address_is_asked_step_by_step_and_bad_answers_are_asked_again(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, _ = await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    question = await _checkout(ann)
    assert "step 1 of 7" in question.content
    assert "recipient's full name" in question.content
    assert "step 2 of 7" in (await _answer(ann, "Ann Example")).content

    reask = await _answer(ann, "abc")
    assert reask.content == "Please send a phone number of 7 to 15 digits, like +49 30 1234567."
    async with db.reading() as session:
        step = await dialog.current_step(session, user_id=user_id)
    assert step is not None
    assert (step.step, step.data) == ("phone", {"recipient_name": "Ann Example"})

    for text in NEW_ADDRESS[1:6]:
        question = await _answer(ann, text)
    assert "step 7 of 7" in question.content
    reask = await _answer(ann, "Narnia")
    assert "I don't know the country “Narnia”" in reask.content
    assert await _counts(db) == (0, 0, 1)

    summary = await _answer(ann, "Germany")
    assert "Order summary" in summary.content
    assert "Main St 1\n10115 Berlin\nDE\n+49 30 1234567" in summary.content
    async with db.reading() as session:
        address = (await session.scalars(select(Address))).one()
        assert (address.region, address.country, address.is_default) == ("", "DE", True)
    await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    assert "Order #1 placed" in (await ann.next_message()).content
    assert await _counts(db) == (1, 1, 0)


async def test_new_address_from_the_address_choice(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, _ = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    choice = await _checkout(ann)
    await ann.callback_answer(await ann.press_button(choice, texts.CHECKOUT_NEW_ADDRESS))
    assert "step 1 of 7" in (await ann.next_message()).content
    for text in NEW_ADDRESS[:-1]:
        await _answer(ann, text)
    wrong_country = await _answer(ann, "Austria")  # a German postal code: asked again
    postal_again = await _answer(ann, "1010")
    summary = await _answer(ann, "Austria")
    assert wrong_country.content == (
        "“10115” isn't a postal code in Austria (they look like 1010). "
        "Please send the postal code again."
    )
    assert "step 7 of 7" in postal_again.content  # the country, once more
    assert "1010 Berlin\nAT" in summary.content
    assert "+49 30 1234567" in summary.content
    assert await _counts(db) == (0, 2, 1)


async def test_cancel_in_the_middle_of_the_address_keeps_the_cart(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, _ = await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    await _checkout(ann)
    for text in NEW_ADDRESS[:3]:
        await _answer(ann, text)
    assert (await _answer(ann, "/cancel")).content == texts.cancelled("checkout")
    async with db.reading() as session:
        assert await dialog.current_step(session, user_id=user_id) is None
    assert await _counts(db) == (0, 0, 1)
    await ann.send("/cart")
    assert "2 × €49.99" in (await ann.next_message()).content


async def test_the_cancel_button_leaves_checkout_for_the_cart(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, _ = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    summary = await _summary(ann)
    answer = await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_CANCEL))
    assert answer.text == texts.CHECKOUT_CANCELLED
    assert "Your cart" in (await ann.next_message()).content
    async with db.reading() as session:
        assert await dialog.current_step(session, user_id=user_id) is None
    assert await _counts(db) == (0, 1, 1)


async def test_typing_where_a_button_is_expected_points_to_the_buttons(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, _ = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    choice = await _checkout(ann)
    assert (await _answer(ann, "Main St 1")).content == texts.CHECKOUT_USE_BUTTONS
    await ann.callback_answer(await ann.press_button(choice, choice.button_texts[0]))
    await ann.next_message()
    assert (await _answer(ann, "yes")).content == texts.CHECKOUT_USE_BUTTONS
    assert await _counts(db) == (0, 1, 1)


async def test_a_stale_confirm_shows_the_fresh_summary_instead_of_placing(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, size_id = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    summary = await _summary(ann)
    async with db.transaction() as session:
        product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
        assert product_id is not None
        await carts.add_item(session, user_id=user_id, product_id=product_id, size_id=size_id)
    answer = await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    assert answer.text == texts.CHECKOUT_CART_CHANGED
    fresh = await ann.next_message()
    assert "Total: €149.97" in fresh.content
    assert await _counts(db) == (0, 1, 1)

    await ann.callback_answer(await ann.press_button(fresh, texts.CHECKOUT_PLACE))
    assert "Total: €149.97" in (await ann.next_message()).content
    assert await _counts(db) == (1, 1, 0)
    assert await _stock(db, size_id) == 2


async def test_a_second_tap_on_place_order_orders_nothing_more(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, size_id = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    summary = await _summary(ann)
    place = summary.button(texts.CHECKOUT_PLACE).callback_data
    assert place is not None
    first, second = await ann.press(summary, place), await ann.press_forged(summary, place)
    await ann.callback_answer(first)
    answer = await ann.callback_answer(second)
    assert answer.show_alert
    assert answer.text == ERRORS["checkout.cart_empty"]
    assert "Order #1 placed" in (ann.last_bot_message or summary).content
    assert await _counts(db) == (1, 1, 0)
    assert await _stock(db, size_id) == 3


async def test_sold_out_at_placement_places_nothing_and_returns_to_the_cart(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    user_id, size_id = await _shopper(db)
    await _save_addresses(db, user_id, HOME)
    ann = emulator.user(ANN, "Ann")
    summary = await _summary(ann)
    async with db.transaction() as session:
        await session.execute(update(Size).where(Size.id == size_id).values(stock=1))
    answer = await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    assert answer.text == texts.CHECKOUT_NOT_PLACED
    cart = await ann.next_message()
    assert texts.CHECKOUT_NOT_PLACED in cart.content
    assert "⚠️ only 1 left" in cart.content
    assert texts.CART_CHECKOUT in cart.button_texts
    assert await _counts(db) == (0, 1, 1)
    assert await _stock(db, size_id) == 1
    async with db.reading() as session:
        assert await dialog.current_step(session, user_id=user_id) is None


async def test_two_customers_racing_for_the_last_unit_one_wins(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann_id, size_id = await _shopper(db, ANN, quantity=1, stock=1)
    bob_id, _ = await _shopper(db, BOB, quantity=1, size_id=size_id)
    await _save_addresses(db, ann_id, HOME)
    await _save_addresses(db, bob_id, WORK)
    ann, bob = emulator.user(ANN, "Ann"), emulator.user(BOB, "Bob")
    summaries = [await _summary(ann), await _summary(bob)]
    presses = [
        await person.press_button(summary, texts.CHECKOUT_PLACE)
        for person, summary in zip((ann, bob), summaries, strict=True)
    ]
    await asyncio.gather(*(p.callback_answer(q) for p, q in zip((ann, bob), presses, strict=True)))
    outcomes = sorted([(await ann.next_message()).content, (await bob.next_message()).content])
    assert "Order #1 placed" in outcomes[1]
    assert texts.CHECKOUT_NOT_PLACED in outcomes[0]
    assert await _stock(db, size_id) == 0
    assert await _counts(db) == (1, 2, 1)


async def test_someone_elses_address_in_a_button_is_not_found(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ann_id, size_id = await _shopper(db, ANN)
    bob_id, _ = await _shopper(db, BOB, size_id=size_id)
    await _save_addresses(db, ann_id, HOME)
    (bobs,) = await _save_addresses(db, bob_id, WORK)
    ann = emulator.user(ANN, "Ann")
    choice = await _checkout(ann)
    answer = await ann.callback_answer(await ann.press_forged(choice, ChooseAddress(bobs).pack()))
    assert answer.show_alert
    assert answer.text == "We couldn't find that address. It may have been deleted."
    assert await _counts(db) == (0, 2, 2)


async def test_checkout_survives_restarts_mid_address_and_at_the_summary(
    emulator: BotApiEmulator, db: Database
) -> None:
    user_id, size_id = await _shopper(db)
    settings = shop_settings(emulator, db)
    ann = emulator.user(ANN, "Ann")
    async with running_shop(settings, db, token=emulator.token):
        await _checkout(ann)
        for text in NEW_ADDRESS[:4]:
            question = await _answer(ann, text)
        assert "step 5 of 7" in question.content

    async with running_shop(settings, db, token=emulator.token):
        question = await _answer(ann, "-")
        assert "step 6 of 7" in question.content
        await _answer(ann, "10115")
        summary = await _answer(ann, "DE")
        assert "Ann Example\nMain St 1\n10115 Berlin\nDE" in summary.content

    async with running_shop(settings, db, token=emulator.token):
        assert (await _answer(ann, "ok")).content == texts.CHECKOUT_USE_BUTTONS
        await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
        assert "Order #1 placed" in (await ann.next_message()).content
    assert await _counts(db) == (1, 1, 0)
    assert await _stock(db, size_id) == 3
    async with db.reading() as session:
        assert await session.scalar(select(User.id).where(User.telegram_id == ANN)) == user_id
