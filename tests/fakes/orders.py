"""Orders placed through the real services, as a customer's checkout places them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db import Database
from bot.models import Order, Size
from bot.services import cart, order, user
from bot.services.user import AddressInput
from tests.factories import make_product, make_user


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    user_id: int
    telegram_id: int
    total: int
    currency: str
    size_ids: tuple[int, ...]


async def place_order(
    db: Database, *, lines: tuple[tuple[str, int, int], ...] = (("Hoodie", 4999, 2),)
) -> PlacedOrder:
    """Each line is (product name, unit price in cents, quantity), sold in size M from 10."""
    async with db.transaction() as session:
        customer = await make_user(session)
        address = await user.add_address(
            session,
            user_id=customer.id,
            address=AddressInput(
                recipient_name="Ann Example",
                phone="+49 30 1234567",
                street="Main St 1",
                city="Berlin",
                region="",
                postal_code="10115",
                country="DE",
            ),
        )
        size_ids = []
        for name, price, quantity in lines:
            product = await make_product(session, name=name, price=price, sizes={"M": 10})
            size_id = (
                await session.scalars(select(Size.id).where(Size.product_id == product.id))
            ).one()
            await cart.add_item(
                session,
                user_id=customer.id,
                product_id=product.id,
                size_id=size_id,
                quantity=quantity,
            )
            size_ids.append(size_id)
        placed: Order = await order.place_order(session, user_id=customer.id, address_id=address.id)
        return PlacedOrder(
            placed.id,
            customer.id,
            customer.telegram_id,
            placed.total,
            placed.currency,
            tuple(size_ids),
        )


async def ready_to_check_out(
    db: Database,
    *,
    telegram_id: int,
    first_name: str,
    address: AddressInput,
    language_code: str | None = None,
) -> int:
    """A customer with a saved address, 2 × Classic Sneakers (M) at €49.99 and 1 × Cap (M) at
    €15.00 in the cart, from stock of 5 each. Returns the sneakers' size id."""
    async with db.transaction() as session:
        customer = await make_user(
            session, telegram_id=telegram_id, first_name=first_name, language_code=language_code
        )
        await user.add_address(session, user_id=customer.id, address=address)
        size_ids = []
        for name, price, quantity in (("Classic Sneakers", 4999, 2), ("Cap", 1500, 1)):
            product = await make_product(session, name=name, price=price, sizes={"M": 5})
            size_id = (
                await session.scalars(select(Size.id).where(Size.product_id == product.id))
            ).one()
            await cart.add_item(
                session,
                user_id=customer.id,
                product_id=product.id,
                size_id=size_id,
                quantity=quantity,
            )
            size_ids.append(size_id)
        return size_ids[0]
