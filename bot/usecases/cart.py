"""The customer's cart: look at it, change a line's quantity, remove a line, empty it.

Adding to it happens on a product's card, with the catalogue's use cases.
"""

from __future__ import annotations

from bot.db import Database
from bot.languages import reader
from bot.services import cart as carts
from bot.services.cart import CartView
from bot.usecases.customers import Sender, shopper_id

EMPTY = CartView(lines=(), total=0, currency=None)


async def view_cart(db: Database, *, sender: Sender) -> CartView:
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        return await carts.view_cart(session, user_id=user_id, language=reader())


async def set_quantity(db: Database, *, sender: Sender, size_id: int, quantity: int) -> CartView:
    """Zero removes the line."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await carts.set_quantity(
            session, user_id=user_id, size_id=size_id, quantity=quantity, language=reader()
        )


async def remove_line(db: Database, *, sender: Sender, size_id: int) -> CartView:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await carts.remove_item(session, user_id=user_id, size_id=size_id, language=reader())


async def clear_cart(db: Database, *, sender: Sender) -> CartView:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await carts.clear_cart(session, user_id=user_id)
    return EMPTY
