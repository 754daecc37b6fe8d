"""A cart or an order with many long lines still fits in one Telegram message (4,096
characters): the lines that fit are shown, with how many more there are, and the total."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import Size
from bot.services import cart as carts
from bot.services.product_fields import PRODUCT_NAME_MAX_LENGTH
from tests.conftest import OWNER_ID
from tests.factories import make_product, make_user
from tests.fakes.orders import place_order

LINES = 30


def long_name(number: int) -> str:
    return f"Product {number:02} " + "with a very long name " * 10


LONG_LINES = tuple((long_name(n)[:PRODUCT_NAME_MAX_LENGTH], 1000 + n, 1) for n in range(LINES))


async def test_a_cart_of_many_long_lines_fits_in_one_message(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=42, first_name="Ann")
        for name, price, quantity in LONG_LINES:
            product = await make_product(session, name=name, price=price, sizes={"M": 5})
            size_id = (
                await session.scalars(select(Size.id).where(Size.product_id == product.id))
            ).one()
            await carts.add_item(
                session, user_id=ann.id, product_id=product.id, size_id=size_id, quantity=quantity
            )
    customer = emulator.user(42, "Ann")

    await customer.send("/cart")
    cart = await customer.next_message()

    assert len(cart.content) <= 4096
    assert "Product 00" in cart.content
    assert "more items" in cart.content
    assert "Total: €304.35" in cart.content  # every line counted, shown or not


async def test_an_order_of_many_long_lines_fits_for_the_customer_and_the_admin(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    placed = await place_order(db, lines=LONG_LINES)
    customer = emulator.user(placed.telegram_id, "Ann")
    owner = emulator.user(OWNER_ID, "Owner")

    await customer.send("/orders")
    listing = await customer.next_message()
    await customer.press_button(listing, listing.buttons[0][0].text)
    details = await customer.next_message()
    await owner.send(f"/order {placed.order_id}")
    card = await owner.next_message()

    for screen in (details, card):
        assert len(screen.content) <= 4096
        assert "Product 00" in screen.content and "more items" in screen.content
        assert "€304.35" in screen.content
