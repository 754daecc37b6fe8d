"""A pool of one-time keys under concurrency: two paid orders claiming the last key at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db import Database
from bot.models import DigitalKey, OrderItem
from bot.services import digital
from tests.factories import make_product
from tests.fakes.orders import place_order


async def test_two_orders_claiming_the_last_key_at_once_one_gets_it(db: Database) -> None:
    first = await place_order(db, lines=(("Game key", 250, 1),))
    second = await place_order(db, lines=(("Game key", 250, 1),))
    async with db.transaction() as session:
        pool = await make_product(session, name="Pool", price=250, currency="XTR")
        session.add(DigitalKey(product_id=pool.id, value="ONLY-KEY"))
        pool_id = pool.id

    async def claim(order_id: int) -> list[str]:
        async with db.transaction() as session:
            item = (
                await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id))
            ).one()
            return await digital.claim_keys(session, item=item, product_id=pool_id)

    results = await asyncio.gather(claim(first.order_id), claim(second.order_id))

    assert sorted(results) == [[], ["ONLY-KEY"]]
    async with db.reading() as session:
        key = (await session.scalars(select(DigitalKey))).one()
    assert key.order_item_id is not None and key.claimed_at is not None
