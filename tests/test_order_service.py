from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import (
    ALLOWED_TRANSITIONS,
    Address,
    Cart,
    CartItem,
    Order,
    OrderStatus,
    OrderStatusChange,
    Product,
    Size,
    User,
    utcnow,
)
from bot.services import order as orders
from bot.services.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    OutOfStock,
)
from bot.texts.errors import error_text
from tests.factories import make_order, make_product, make_user
from tests.refusals import refused

S = OrderStatus


@dataclass(frozen=True)
class Shop:
    user_id: int
    address_id: int
    product_id: int
    size_ids: dict[str, int]


async def make_address(session: AsyncSession, user: User, **fields: object) -> Address:
    address = Address(
        user_id=user.id,
        recipient_name="Ann Example",
        phone="+49 30 1234567",
        street="Main St 1",
        city="Berlin",
        region="",
        postal_code="10115",
        country="DE",
    )
    for key, value in fields.items():
        setattr(address, key, value)
    session.add(address)
    await session.flush()
    return address


async def fill_cart(session: AsyncSession, user: User, lines: list[tuple[Size, int]]) -> Cart:
    cart = Cart(user_id=user.id)
    session.add(cart)
    await session.flush()
    for size, quantity in lines:
        session.add(
            CartItem(
                cart_id=cart.id, product_id=size.product_id, size_id=size.id, quantity=quantity
            )
        )
    await session.flush()
    return cart


async def sizes_of(session: AsyncSession, product: Product) -> dict[str, Size]:
    rows = await session.scalars(select(Size).where(Size.product_id == product.id))
    return {size.name: size for size in rows}


async def shop_with_cart(
    db: Database, stock: dict[str, int], wanted: dict[str, int], price: int = 4999
) -> Shop:
    """A customer with an address and a cart holding `wanted` of one product."""
    async with db.transaction() as session:
        user = await make_user(session)
        address = await make_address(session, user)
        product = await make_product(session, price=price, sizes=stock)
        sizes = await sizes_of(session, product)
        await fill_cart(session, user, [(sizes[name], qty) for name, qty in wanted.items()])
        return Shop(user.id, address.id, product.id, {n: s.id for n, s in sizes.items()})


async def stock(db: Database, size_id: int) -> int:
    async with db.transaction() as session:
        value = await session.scalar(select(Size.stock).where(Size.id == size_id))
        assert value is not None
        return value


async def cart_lines(db: Database, user_id: int) -> dict[int, int]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(CartItem.size_id, CartItem.quantity).join(Cart).where(Cart.user_id == user_id)
        )
        return {size_id: quantity for size_id, quantity in rows}


async def order_count(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Order)) or 0


async def place(db: Database, shop: Shop) -> Order:
    async with db.transaction() as session:
        return await orders.place_order(session, user_id=shop.user_id, address_id=shop.address_id)


async def reload(db: Database, order_id: int) -> Order:
    async with db.transaction() as session:
        return await orders.get_order(session, order_id=order_id)


async def order_in(db: Database, status: OrderStatus, quantity: int = 1) -> tuple[int, int]:
    """An order already in `status` (stock untouched) and the id of its size."""
    async with db.transaction() as session:
        user = await make_user(session)
        product = await make_product(session, sizes={"M": 10})
        size = (await sizes_of(session, product))["M"]
        order = await make_order(
            session, user=user, product=product, size=size, quantity=quantity, status=status
        )
        return order.id, size.id


# Placing orders


async def test_placing_an_order_snapshots_the_lines_and_the_address(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5, "L": 5}, {"M": 2, "L": 1}, price=1500)

    placed = await place(db, shop)

    order = await reload(db, placed.id)
    assert order.status is S.PENDING_PAYMENT
    assert order.total == 4500
    assert order.currency == "EUR"
    assert [(i.size_name, i.quantity, i.unit_price) for i in order.items] == [
        ("M", 2, 1500),
        ("L", 1, 1500),
    ]
    assert all(item.product_name == "Classic Sneakers" for item in order.items)
    assert all(item.sku.startswith("SKU-") for item in order.items)
    assert (order.ship_recipient_name, order.ship_city, order.ship_country) == (
        "Ann Example",
        "Berlin",
        "DE",
    )
    assert [item.size_name for item in placed.items] == ["M", "L"]


async def test_placing_an_order_takes_the_stock_and_empties_the_cart(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5, "L": 5}, {"M": 2, "L": 1})

    await place(db, shop)

    assert await stock(db, shop.size_ids["M"]) == 3
    assert await stock(db, shop.size_ids["L"]) == 4
    assert await cart_lines(db, shop.user_id) == {}


async def test_the_order_uses_the_price_at_checkout_not_when_added(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 2}, price=1000)
    async with db.transaction() as session:
        product = await session.get_one(Product, shop.product_id)
        product.price = 1200

    order = await place(db, shop)

    assert order.total == 2400
    assert order.items[0].unit_price == 1200


async def test_the_first_history_entry_records_who_placed_the_order(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 1})
    async with db.transaction() as session:
        placed = await orders.place_order(
            session, user_id=shop.user_id, address_id=shop.address_id, actor="admin:7"
        )

    order = await reload(db, placed.id)
    assert [(h.from_status, h.to_status, h.actor) for h in order.history] == [
        (None, S.PENDING_PAYMENT, "admin:7")
    ]


async def test_editing_the_address_after_ordering_does_not_change_the_order(
    db: Database,
) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 1})
    placed = await place(db, shop)

    async with db.transaction() as session:
        address = await session.get_one(Address, shop.address_id)
        address.street = "Elsewhere 99"
        address.city = "Hamburg"

    order = await reload(db, placed.id)
    assert (order.ship_street, order.ship_city) == ("Main St 1", "Berlin")


async def test_an_empty_cart_cannot_be_ordered(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {})

    with refused(InvalidInput, "empty"):
        await place(db, shop)

    assert await order_count(db) == 0
    assert await stock(db, shop.size_ids["M"]) == 5


async def test_a_customer_without_a_cart_cannot_order(db: Database) -> None:
    async with db.transaction() as session:
        user = await make_user(session)
        address = await make_address(session, user)
        shop = Shop(user.id, address.id, 0, {})

    with refused(InvalidInput, "empty"):
        await place(db, shop)

    assert await order_count(db) == 0


async def test_another_customers_address_is_not_found(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 1})
    async with db.transaction() as session:
        stranger = await make_user(session)
        theirs = await make_address(session, stranger, city="Paris")

    with pytest.raises(NotFound):
        await place(db, Shop(shop.user_id, theirs.id, shop.product_id, shop.size_ids))

    assert await order_count(db) == 0
    assert await stock(db, shop.size_ids["M"]) == 5
    assert await cart_lines(db, shop.user_id) == {shop.size_ids["M"]: 1}


async def test_a_product_no_longer_sold_blocks_the_order(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 1})
    async with db.transaction() as session:
        product = await session.get_one(Product, shop.product_id)
        product.is_active = False

    with refused(NotAllowed, "Classic Sneakers is no longer sold"):
        await place(db, shop)

    assert await order_count(db) == 0
    assert await stock(db, shop.size_ids["M"]) == 5
    assert await cart_lines(db, shop.user_id) == {shop.size_ids["M"]: 1}


async def test_a_cart_mixing_currencies_is_refused(db: Database) -> None:
    async with db.transaction() as session:
        user = await make_user(session)
        address = await make_address(session, user)
        euro = await make_product(session, currency="EUR")
        dollar = await make_product(session, currency="USD", name="Boots")
        euro_m = (await sizes_of(session, euro))["M"]
        dollar_m = (await sizes_of(session, dollar))["M"]
        await fill_cart(session, user, [(euro_m, 1), (dollar_m, 1)])
        shop = Shop(user.id, address.id, euro.id, {"M": euro_m.id})

    with refused(InvalidInput, "currency"):
        await place(db, shop)

    assert await order_count(db) == 0
    assert await stock(db, euro_m.id) == 3
    assert await stock(db, dollar_m.id) == 3


async def test_running_out_on_a_later_line_gives_back_the_earlier_lines(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5, "L": 1}, {"M": 2, "L": 2})

    with refused(OutOfStock, r"only 1 of Classic Sneakers \(size L\)"):
        await place(db, shop)

    assert await stock(db, shop.size_ids["M"]) == 5
    assert await stock(db, shop.size_ids["L"]) == 1
    assert await order_count(db) == 0
    assert await cart_lines(db, shop.user_id) == {shop.size_ids["M"]: 2, shop.size_ids["L"]: 2}


async def test_a_sold_out_size_is_named_in_the_error(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 0}, {"M": 1})

    with refused(OutOfStock, r"Classic Sneakers \(size M\) is sold out"):
        await place(db, shop)

    assert await stock(db, shop.size_ids["M"]) == 0


# Reading orders


async def test_a_customer_lists_their_own_orders_newest_first(db: Database) -> None:
    async with db.transaction() as session:
        ann = await make_user(session)
        bob = await make_user(session)
        product = await make_product(session)
        size = (await sizes_of(session, product))["M"]
        mine = [await make_order(session, user=ann, product=product, size=size) for _ in range(3)]
        await make_order(session, user=bob, product=product, size=size)
        mine[0].created_at = utcnow() - timedelta(days=2)
        mine[1].created_at = utcnow() - timedelta(days=1)

    async with db.transaction() as session:
        first = await orders.list_orders(session, user_id=ann.id, per_page=2)
        second = await orders.list_orders(session, user_id=ann.id, page=2, per_page=2)

    assert [o.id for o in first.items] == [mine[2].id, mine[1].id]
    assert [o.id for o in second.items] == [mine[0].id]
    assert (first.total, first.pages, first.has_next, second.has_next) == (3, 2, True, False)
    assert first.items[0].items[0].quantity == 1


async def test_admins_list_every_order_filtered_by_status(db: Database) -> None:
    paid_id, _ = await order_in(db, S.PAID)
    shipped_id, _ = await order_in(db, S.SHIPPED)
    other_paid_id, _ = await order_in(db, S.PAID)

    async with db.transaction() as session:
        everything = await orders.list_all_orders(session)
        paid = await orders.list_all_orders(session, status=S.PAID)

    assert {o.id for o in everything.items} == {paid_id, shipped_id, other_paid_id}
    assert [o.id for o in paid.items] == [other_paid_id, paid_id]
    assert paid.total == 2


async def test_a_page_number_below_one_is_refused(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(InvalidInput):
            await orders.list_all_orders(session, page=0)


async def test_an_order_comes_with_its_lines_history_and_payment(db: Database) -> None:
    order_id, _ = await order_in(db, S.PAID, quantity=2)
    async with db.transaction() as session:
        user_id = (await session.get_one(Order, order_id)).user_id

    async with db.transaction() as session:
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)

    assert order.items[0].quantity == 2
    assert [h.to_status for h in order.history] == [S.PAID]
    assert order.payment is None


async def test_another_customers_order_is_not_found(db: Database) -> None:
    order_id, _ = await order_in(db, S.PAID)
    async with db.transaction() as session:
        stranger = await make_user(session)

    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await orders.get_order(session, order_id=order_id, user_id=stranger.id)


# The state machine

ALLOWED = [(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in sorted(targets)]
ILLEGAL = [
    (S.PENDING_PAYMENT, S.SHIPPED),
    (S.PENDING_PAYMENT, S.DELIVERED),
    (S.PENDING_PAYMENT, S.REFUNDED),
    (S.PAID, S.PAID),
    (S.PAID, S.DELIVERED),
    (S.SHIPPED, S.CANCELLED),
    (S.SHIPPED, S.PAID),
    (S.DELIVERED, S.PAID),
    (S.DELIVERED, S.CANCELLED),
    (S.CANCELLED, S.PAID),
    (S.CANCELLED, S.PENDING_PAYMENT),
    (S.REFUNDED, S.SHIPPED),
]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
async def test_every_allowed_transition_is_recorded_with_its_actor(
    db: Database, start: OrderStatus, to: OrderStatus
) -> None:
    order_id, _ = await order_in(db, start)

    async with db.transaction() as session:
        moved = await orders.transition(
            session, order_id=order_id, to=to, actor="admin:1", note="by hand"
        )
    assert moved.status is to

    order = await reload(db, order_id)
    assert order.status is to
    last = order.history[-1]
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        start,
        to,
        "admin:1",
        "by hand",
    )


@pytest.mark.parametrize(("start", "to"), ILLEGAL)
async def test_an_illegal_transition_changes_nothing(
    db: Database, start: OrderStatus, to: OrderStatus
) -> None:
    order_id, size_id = await order_in(db, start)

    async with db.transaction() as session:
        with pytest.raises(IllegalTransition) as error:
            await orders.transition(session, order_id=order_id, to=to, actor="admin:1")

    assert error_text(error.value).startswith(f"Order #{order_id} is ")
    assert "cannot become" in error_text(error.value)
    order = await reload(db, order_id)
    assert order.status is start
    assert len(order.history) == 1
    assert await stock(db, size_id) == 10


async def test_the_illegal_transition_reason_reads_naturally(db: Database) -> None:
    order_id, _ = await order_in(db, S.DELIVERED)

    async with db.transaction() as session:
        with pytest.raises(IllegalTransition) as error:
            await orders.transition(session, order_id=order_id, to=S.PAID, actor="admin:1")

    assert error_text(error.value) == f"Order #{order_id} is delivered; it cannot become paid."


async def test_moving_a_missing_order_is_not_found(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await orders.transition(session, order_id=404, to=S.PAID, actor="admin:1")


async def test_cancelling_returns_the_stock_of_every_line(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5, "L": 3}, {"M": 2, "L": 3})
    placed = await place(db, shop)
    assert await stock(db, shop.size_ids["L"]) == 0

    async with db.transaction() as session:
        await orders.transition(session, order_id=placed.id, to=S.CANCELLED, actor="admin:1")

    assert await stock(db, shop.size_ids["M"]) == 5
    assert await stock(db, shop.size_ids["L"]) == 3


async def test_cancelling_a_paid_order_also_returns_the_stock(db: Database) -> None:
    order_id, size_id = await order_in(db, S.PAID, quantity=4)

    async with db.transaction() as session:
        await orders.transition(session, order_id=order_id, to=S.CANCELLED, actor="admin:1")

    assert await stock(db, size_id) == 14


async def test_cancelling_skips_sizes_deleted_since_the_sale(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5, "L": 5}, {"M": 1, "L": 2})
    placed = await place(db, shop)
    async with db.transaction() as session:
        await session.delete(await session.get_one(Size, shop.size_ids["M"]))

    async with db.transaction() as session:
        await orders.transition(session, order_id=placed.id, to=S.CANCELLED, actor="admin:1")

    assert await stock(db, shop.size_ids["L"]) == 5
    assert (await reload(db, placed.id)).status is S.CANCELLED


async def test_refunding_does_not_return_the_stock(db: Database) -> None:
    order_id, size_id = await order_in(db, S.DELIVERED, quantity=2)

    async with db.transaction() as session:
        await orders.transition(session, order_id=order_id, to=S.REFUNDED, actor="admin:1")

    assert await stock(db, size_id) == 10


# Customers cancelling


async def test_a_customer_cancels_their_unpaid_order(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 2})
    placed = await place(db, shop)

    async with db.transaction() as session:
        await orders.cancel_order(session, order_id=placed.id, user_id=shop.user_id)

    order = await reload(db, placed.id)
    assert order.status is S.CANCELLED
    assert (order.history[-1].actor, order.history[-1].to_status) == ("customer", S.CANCELLED)
    assert await stock(db, shop.size_ids["M"]) == 5


async def test_a_customer_cannot_cancel_someone_elses_order(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 2})
    placed = await place(db, shop)
    async with db.transaction() as session:
        stranger = await make_user(session)

    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await orders.cancel_order(session, order_id=placed.id, user_id=stranger.id)

    assert (await reload(db, placed.id)).status is S.PENDING_PAYMENT
    assert await stock(db, shop.size_ids["M"]) == 3


async def test_a_customer_cannot_cancel_a_paid_order(db: Database) -> None:
    order_id, size_id = await order_in(db, S.PAID)
    async with db.transaction() as session:
        user_id = (await session.get_one(Order, order_id)).user_id

    async with db.transaction() as session:
        with refused(NotAllowed, "is paid, so it can no longer be cancelled"):
            await orders.cancel_order(session, order_id=order_id, user_id=user_id)

    order = await reload(db, order_id)
    assert order.status is S.PAID
    assert len(order.history) == 1
    assert await stock(db, size_id) == 10


# Abandoned checkouts


async def test_unpaid_orders_past_the_timeout_are_cancelled_by_the_system(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 2})
    stale = await place(db, shop)
    recent_id, _ = await order_in(db, S.PENDING_PAYMENT)
    old_paid_id, _ = await order_in(db, S.PAID)
    async with db.transaction() as session:
        for order_id in (stale.id, old_paid_id):
            (await session.get_one(Order, order_id)).created_at = utcnow() - timedelta(hours=3)

    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(session, older_than=timedelta(hours=1))

    assert expired == [stale.id]
    order = await reload(db, stale.id)
    assert order.status is S.CANCELLED
    last = order.history[-1]
    assert (last.actor, last.note) == ("system", "payment_timeout")
    assert await stock(db, shop.size_ids["M"]) == 5
    assert (await reload(db, recent_id)).status is S.PENDING_PAYMENT
    assert (await reload(db, old_paid_id)).status is S.PAID


async def test_expiry_measures_age_from_the_given_time_and_respects_the_limit(
    db: Database,
) -> None:
    first_id, _ = await order_in(db, S.PENDING_PAYMENT)
    second_id, _ = await order_in(db, S.PENDING_PAYMENT)
    later = utcnow() + timedelta(hours=2)

    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(
            session, older_than=timedelta(hours=1), now=later, limit=1
        )

    assert expired == [first_id]
    assert (await reload(db, second_id)).status is S.PENDING_PAYMENT
    async with db.transaction() as session:
        changes = await session.scalar(
            select(func.count())
            .select_from(OrderStatusChange)
            .where(OrderStatusChange.to_status == S.CANCELLED)
        )
    assert changes == 1


async def test_a_placed_order_is_returned_with_its_lines_loaded(db: Database) -> None:
    shop = await shop_with_cart(db, {"M": 5}, {"M": 2})

    order = await place(db, shop)

    assert [line.quantity for line in order.items] == [2]
    assert order.items[0].line_total == order.total
