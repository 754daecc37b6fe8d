"""Many customers at once: the database, not luck, decides who gets the last unit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.db import Database
from bot.models import (
    Address,
    Cart,
    CartItem,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    PaymentProvider,
    Size,
)
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import InvalidInput, NotAllowed, OutOfStock
from bot.services.payment_outcome import PaymentOutcome, PaymentResult
from tests.factories import make_product, make_user

BUYERS = 20


@dataclass(frozen=True)
class Buyer:
    user_id: int
    address_id: int
    lines: dict[int, int]  # size id -> quantity


async def make_buyer(db: Database, lines: dict[int, int]) -> Buyer:
    async with db.transaction() as session:
        user = await make_user(session)
        address = Address(
            user_id=user.id,
            recipient_name="Ann Example",
            phone="+49 30 1234567",
            street="Main St 1",
            city="Berlin",
            postal_code="10115",
            country="DE",
        )
        cart = Cart(user_id=user.id)
        session.add_all([address, cart])
        await session.flush()
        for size_id, quantity in lines.items():
            product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
            assert product_id is not None
            session.add(
                CartItem(cart_id=cart.id, product_id=product_id, size_id=size_id, quantity=quantity)
            )
        return Buyer(user.id, address.id, lines)


async def make_sizes(db: Database, stock: dict[str, int]) -> dict[str, int]:
    async with db.transaction() as session:
        product = await make_product(session, sizes=stock)
        rows = await session.scalars(select(Size).where(Size.product_id == product.id))
        return {size.name: size.id for size in rows}


async def checkout(db: Database, buyer: Buyer) -> Order:
    async with db.transaction() as session:
        return await orders.place_order(session, user_id=buyer.user_id, address_id=buyer.address_id)


async def cart_of(db: Database, user_id: int) -> dict[int, int]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(CartItem.size_id, CartItem.quantity).join(Cart).where(Cart.user_id == user_id)
        )
        return {size_id: quantity for size_id, quantity in rows}


async def stock_and_sold(db: Database, size_id: int) -> tuple[int, int]:
    async with db.transaction() as session:
        stock = await session.scalar(select(Size.stock).where(Size.id == size_id))
        sold = await session.scalar(
            select(func.coalesce(func.sum(OrderItem.quantity), 0)).where(
                OrderItem.size_id == size_id
            )
        )
        assert stock is not None and sold is not None
        return stock, sold


async def test_concurrent_buyers_never_get_more_than_the_stock_on_hand(db: Database) -> None:
    sizes = await make_sizes(db, {"M": 3, "L": 2})
    m, size_l = sizes["M"], sizes["L"]
    # A third of the buyers want both sizes, so a failure on L must give back their M.
    wanted = [{m: 1}, {size_l: 1}, {m: 1, size_l: 1}]
    buyers = [await make_buyer(db, wanted[i % 3]) for i in range(BUYERS)]

    results = await asyncio.gather(
        *(checkout(db, buyer) for buyer in buyers), return_exceptions=True
    )

    assert all(isinstance(r, Order | OutOfStock) for r in results), results
    assert await stock_and_sold(db, m) == (0, 3)
    assert await stock_and_sold(db, size_l) == (0, 2)
    for buyer, result in zip(buyers, results, strict=True):
        if isinstance(result, OutOfStock):
            assert await cart_of(db, buyer.user_id) == buyer.lines
        else:
            assert await cart_of(db, buyer.user_id) == {}
    async with db.transaction() as session:
        placed = (await session.scalars(select(Order.user_id))).all()
        changes = await session.scalar(select(func.count()).select_from(OrderStatusChange))
    winners = {
        buyer.user_id for buyer, r in zip(buyers, results, strict=True) if isinstance(r, Order)
    }
    assert sorted(placed) == sorted(winners)
    assert changes == len(winners)


async def test_a_double_tapped_checkout_places_one_order(db: Database) -> None:
    sizes = await make_sizes(db, {"M": 5})
    buyer = await make_buyer(db, {sizes["M"]: 2})

    results = await asyncio.gather(checkout(db, buyer), checkout(db, buyer), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["InvalidInput", "Order"]
    assert any(isinstance(r, InvalidInput) for r in results)
    assert await stock_and_sold(db, sizes["M"]) == (3, 2)


async def unpaid_order(db: Database) -> int:
    sizes = await make_sizes(db, {"M": 5})
    buyer = await make_buyer(db, {sizes["M"]: 1})
    return (await checkout(db, buyer)).id


async def mark_paid(db: Database, order_id: int, reference: str) -> PaymentResult:
    async with db.transaction() as session:
        return await ledger.mark_paid(
            session,
            provider=PaymentProvider.TELEGRAM,
            reference=reference,
            amount=4999,
            currency="EUR",
            order_id=order_id,
            actor="telegram",
        )


async def test_a_payment_delivered_twice_at_once_pays_the_order_once(db: Database) -> None:
    order_id = await unpaid_order(db)

    results = await asyncio.gather(
        mark_paid(db, order_id, "tg_charge_1"), mark_paid(db, order_id, "tg_charge_1")
    )

    assert sorted(r.outcome for r in results) == [
        PaymentOutcome.ALREADY_PAID,
        PaymentOutcome.PAID,
    ]
    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=order_id)
    assert order.status is OrderStatus.PAID
    assert [h.to_status for h in order.history].count(OrderStatus.PAID) == 1


async def test_a_stripe_webhook_delivered_twice_at_once_pays_the_order_once(
    db: Database,
) -> None:
    order_id = await unpaid_order(db)
    async with db.transaction() as session:
        await ledger.attach_reference(
            session, order_id=order_id, provider=PaymentProvider.STRIPE, checkout_session_id="cs_1"
        )

    async def webhook() -> PaymentResult:
        async with db.transaction() as session:
            return await ledger.mark_paid(
                session,
                provider=PaymentProvider.STRIPE,
                reference="cs_1",
                amount=4999,
                currency="eur",
                actor="stripe",
            )

    results = await asyncio.gather(webhook(), webhook(), webhook())

    assert sorted(r.outcome for r in results) == [
        PaymentOutcome.ALREADY_PAID,
        PaymentOutcome.ALREADY_PAID,
        PaymentOutcome.PAID,
    ]
    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=order_id)
    assert [h.to_status for h in order.history].count(OrderStatus.PAID) == 1


async def test_a_customer_cancelling_while_the_payment_arrives_gets_one_outcome(
    db: Database,
) -> None:
    order_id = await unpaid_order(db)
    async with db.transaction() as session:
        user_id = (await session.get_one(Order, order_id)).user_id

    async def cancel() -> Order:
        async with db.transaction() as session:
            return await orders.cancel_order(session, order_id=order_id, user_id=user_id)

    cancelled, paid = await asyncio.gather(
        cancel(), mark_paid(db, order_id, "tg_charge_1"), return_exceptions=True
    )

    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=order_id)
        stock = await session.scalar(select(Size.stock))
    assert isinstance(paid, PaymentResult)
    if isinstance(cancelled, NotAllowed):
        assert (paid.outcome, order.status, stock) == (PaymentOutcome.PAID, OrderStatus.PAID, 4)
    else:
        assert paid.outcome is PaymentOutcome.NOT_PAYABLE
        assert (order.status, stock) == (OrderStatus.CANCELLED, 5)
    assert len(order.history) == 2
