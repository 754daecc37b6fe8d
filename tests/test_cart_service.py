from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot import texts
from bot.db import Database
from bot.models import MAX_LINE_QUANTITY, Cart, CartItem, Product, Size
from bot.services import cart as carts
from bot.services.errors import InvalidInput, NotAllowed, NotFound, OutOfStock
from tests.factories import make_product, make_user
from tests.refusals import refused


@dataclass(frozen=True)
class Shop:
    user_id: int
    product_id: int
    sizes: dict[str, int]  # size name -> size id


async def _shop(db: Database, **product: Any) -> Shop:
    """A customer and one product (Classic Sneakers, 49.99 EUR, sizes as given)."""
    async with db.transaction() as session:
        user = await make_user(session)
        made = await make_product(session, **product)
        sizes = await session.scalars(select(Size).where(Size.product_id == made.id))
        return Shop(user.id, made.id, {s.name: s.id for s in sizes})


async def _another_product(db: Database, **product: Any) -> tuple[int, dict[str, int]]:
    async with db.transaction() as session:
        made = await make_product(session, **product)
        sizes = await session.scalars(select(Size).where(Size.product_id == made.id))
        return made.id, {s.name: s.id for s in sizes}


async def _stored_lines(db: Database, user_id: int) -> list[tuple[int, int]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(CartItem.size_id, CartItem.quantity)
            .join(Cart, Cart.id == CartItem.cart_id)
            .where(Cart.user_id == user_id)
            .order_by(CartItem.id)
        )
        return [(size_id, quantity) for size_id, quantity in rows]


async def _add(db: Database, shop: Shop, size: str = "M", quantity: int = 1) -> carts.CartView:
    async with db.transaction() as session:
        return await carts.add_item(
            session,
            user_id=shop.user_id,
            product_id=shop.product_id,
            size_id=shop.sizes[size],
            quantity=quantity,
        )


async def _set_stock(db: Database, size_id: int, stock: int) -> None:
    async with db.transaction() as session:
        await session.execute(update(Size).where(Size.id == size_id).values(stock=stock))


async def _view(db: Database, user_id: int) -> carts.CartView:
    async with db.transaction() as session:
        return await carts.view_cart(session, user_id=user_id)


# -------------------------------------------------------------------- the cart row


async def test_simultaneous_first_adds_create_one_cart(db: Database) -> None:
    shop = await _shop(db)

    async def open_cart() -> int:
        async with db.transaction() as session:
            return (await carts.get_or_create_cart(session, user_id=shop.user_id)).id

    ids = await asyncio.gather(*(open_cart() for _ in range(10)))
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(Cart))
    assert count == 1
    assert len(set(ids)) == 1


async def test_an_unknown_customer_has_no_cart_to_open(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await carts.get_or_create_cart(session, user_id=999)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Cart)) == 0


async def test_a_customer_without_a_cart_sees_an_empty_one(db: Database) -> None:
    shop = await _shop(db)
    view = await _view(db, shop.user_id)
    assert view.is_empty
    assert view.lines == ()
    assert (view.total, view.currency, view.can_checkout) == (0, None, False)


# ----------------------------------------------------------------------- adding


async def test_adding_a_size_shows_it_at_the_current_price(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 3})
    view = await _add(db, shop, quantity=2)
    assert view.lines == (
        carts.CartLine(
            size_id=shop.sizes["M"],
            product_id=shop.product_id,
            product_name="Classic Sneakers",
            size_name="M",
            unit_price=4999,
            quantity=2,
            line_total=9998,
            currency="EUR",
            stock=3,
            problem=None,
        ),
    )
    assert (view.total, view.currency, view.is_empty, view.can_checkout) == (
        9998,
        "EUR",
        False,
        True,
    )
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 2)]


async def test_adding_the_same_size_again_increases_the_quantity(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await _add(db, shop)
    view = await _add(db, shop, quantity=2)
    assert [line.quantity for line in view.lines] == [3]
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 3)]


async def test_a_double_tap_on_add_counts_both_taps_in_one_line(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await asyncio.gather(_add(db, shop), _add(db, shop))
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 2)]


async def test_lines_are_listed_in_the_order_they_were_added(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 3, "M": 3, "L": 3})
    await _add(db, shop, "L")
    await _add(db, shop, "S")
    view = await _add(db, shop, "M")
    assert [line.size_name for line in view.lines] == ["L", "S", "M"]
    assert view.total == 3 * 4999


async def test_a_size_of_another_product_is_not_found(db: Database) -> None:
    shop = await _shop(db)
    _, other_sizes = await _another_product(db, name="Boots")
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await carts.add_item(
                session, user_id=shop.user_id, product_id=shop.product_id, size_id=other_sizes["M"]
            )
    assert await _stored_lines(db, shop.user_id) == []


async def test_an_unknown_product_is_not_found(db: Database) -> None:
    shop = await _shop(db)
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await carts.add_item(
                session, user_id=shop.user_id, product_id=999, size_id=shop.sizes["M"]
            )
    assert await _stored_lines(db, shop.user_id) == []


async def test_a_hidden_product_cannot_be_added(db: Database) -> None:
    shop = await _shop(db, is_active=False)
    with refused(NotAllowed, "Classic Sneakers is no longer sold"):
        await _add(db, shop)
    assert await _stored_lines(db, shop.user_id) == []


@pytest.mark.parametrize("quantity", [0, -1, MAX_LINE_QUANTITY + 1])
async def test_a_quantity_outside_one_to_ninety_nine_is_refused(
    db: Database, quantity: int
) -> None:
    shop = await _shop(db, sizes={"M": 500})
    await _add(db, shop)
    with refused(InvalidInput, "1 to 99"):
        await _add(db, shop, quantity=quantity)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


async def test_more_than_the_stock_is_refused_with_what_is_left(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 2})
    with refused(OutOfStock, r"^Only 2 left of Classic Sneakers \(M\)\.$"):
        await _add(db, shop, quantity=3)
    assert await _stored_lines(db, shop.user_id) == []


async def test_adding_again_beyond_the_stock_keeps_the_line_as_it_was(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 2})
    await _add(db, shop, quantity=2)
    with refused(OutOfStock, r"Only 2 left .* already have 2 in your cart"):
        await _add(db, shop)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 2)]


async def test_a_sold_out_size_cannot_be_added(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 0})
    with refused(OutOfStock, r"Classic Sneakers \(M\) is out of stock"):
        await _add(db, shop)
    assert await _stored_lines(db, shop.user_id) == []


async def test_a_line_never_exceeds_ninety_nine_even_with_more_stock(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 500})
    await _add(db, shop, quantity=60)
    with refused(InvalidInput, "at most 99"):
        await _add(db, shop, quantity=40)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 60)]


async def test_a_cart_holds_a_single_currency(db: Database) -> None:
    shop = await _shop(db)
    dollar_id, dollar_sizes = await _another_product(db, name="Cap", currency="USD")
    await _add(db, shop)
    async with db.transaction() as session:
        with refused(InvalidInput, r"EUR .* USD"):
            await carts.add_item(
                session, user_id=shop.user_id, product_id=dollar_id, size_id=dollar_sizes["M"]
            )
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


async def test_an_emptied_cart_takes_another_currency(db: Database) -> None:
    shop = await _shop(db)
    dollar_id, dollar_sizes = await _another_product(db, name="Cap", currency="USD")
    await _add(db, shop)
    async with db.transaction() as session:
        await carts.clear_cart(session, user_id=shop.user_id)
    async with db.transaction() as session:
        view = await carts.add_item(
            session, user_id=shop.user_id, product_id=dollar_id, size_id=dollar_sizes["M"]
        )
    assert view.currency == "USD"


# ----------------------------------------------------------- changing and removing


async def _set(db: Database, shop: Shop, quantity: int, size: str = "M") -> carts.CartView:
    async with db.transaction() as session:
        return await carts.set_quantity(
            session, user_id=shop.user_id, size_id=shop.sizes[size], quantity=quantity
        )


async def test_setting_a_quantity_replaces_it(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await _add(db, shop, quantity=4)
    view = await _set(db, shop, 2)
    assert [line.quantity for line in view.lines] == [2]
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 2)]


async def test_setting_the_quantity_to_zero_removes_the_line(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 5, "M": 5})
    await _add(db, shop, "S")
    await _add(db, shop, "M")
    view = await _set(db, shop, 0, "S")
    assert [line.size_name for line in view.lines] == ["M"]
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


async def test_setting_more_than_the_stock_is_refused(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 3})
    await _add(db, shop)
    with refused(OutOfStock, r"^Only 3 left of Classic Sneakers \(M\)\.$"):
        await _set(db, shop, 4)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


@pytest.mark.parametrize("quantity", [-1, MAX_LINE_QUANTITY + 1])
async def test_setting_a_quantity_out_of_range_is_refused(db: Database, quantity: int) -> None:
    shop = await _shop(db, sizes={"M": 500})
    await _add(db, shop)
    with refused(InvalidInput, "0 to 99"):
        await _set(db, shop, quantity)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


async def test_setting_the_quantity_of_a_size_not_in_the_cart_is_not_found(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 5, "M": 5})
    await _add(db, shop, "M")
    with pytest.raises(NotFound):
        await _set(db, shop, 2, "S")
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 1)]


async def test_a_hidden_products_quantity_cannot_be_changed(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await _add(db, shop, quantity=2)
    async with db.transaction() as session:
        await session.execute(
            update(Product).where(Product.id == shop.product_id).values(is_active=False)
        )
    with refused(NotAllowed, "no longer sold"):
        await _set(db, shop, 1)
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["M"], 2)]


async def test_removing_a_line_drops_only_that_line(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 5, "M": 5})
    await _add(db, shop, "S")
    await _add(db, shop, "M")
    async with db.transaction() as session:
        view = await carts.remove_item(session, user_id=shop.user_id, size_id=shop.sizes["M"])
    assert [line.size_name for line in view.lines] == ["S"]
    assert await _stored_lines(db, shop.user_id) == [(shop.sizes["S"], 1)]


async def test_removing_a_line_twice_is_harmless(db: Database) -> None:
    shop = await _shop(db)
    await _add(db, shop)
    for _ in range(2):
        async with db.transaction() as session:
            view = await carts.remove_item(session, user_id=shop.user_id, size_id=shop.sizes["M"])
        assert view.is_empty
    assert await _stored_lines(db, shop.user_id) == []


async def test_clearing_the_cart_removes_every_line(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 5, "M": 5})
    await _add(db, shop, "S")
    await _add(db, shop, "M")
    async with db.transaction() as session:
        await carts.clear_cart(session, user_id=shop.user_id)
    assert await _stored_lines(db, shop.user_id) == []
    assert (await _view(db, shop.user_id)).is_empty


# ------------------------------------------------------------------ the cart view


async def test_the_cart_shows_the_current_price(db: Database) -> None:
    shop = await _shop(db)
    await _add(db, shop, quantity=2)
    async with db.transaction() as session:
        await session.execute(
            update(Product).where(Product.id == shop.product_id).values(price=3999)
        )
    view = await _view(db, shop.user_id)
    assert (view.lines[0].unit_price, view.lines[0].line_total, view.total) == (3999, 7998, 7998)


async def test_a_hidden_product_in_the_cart_blocks_checkout(db: Database) -> None:
    shop = await _shop(db)
    await _add(db, shop)
    async with db.transaction() as session:
        await session.execute(
            update(Product).where(Product.id == shop.product_id).values(is_active=False)
        )
    view = await _view(db, shop.user_id)
    assert texts.cart_problem(view.lines[0]) == "no longer sold"
    assert not view.can_checkout


async def test_stock_that_fell_below_the_quantity_blocks_checkout(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await _add(db, shop, quantity=3)
    await _set_stock(db, shop.sizes["M"], 1)
    view = await _view(db, shop.user_id)
    assert (texts.cart_problem(view.lines[0]), view.lines[0].stock) == ("only 1 left", 1)
    assert not view.can_checkout


async def test_a_sold_out_line_blocks_checkout(db: Database) -> None:
    shop = await _shop(db, sizes={"M": 5})
    await _add(db, shop)
    await _set_stock(db, shop.sizes["M"], 0)
    view = await _view(db, shop.user_id)
    assert texts.cart_problem(view.lines[0]) == "out of stock"
    assert not view.can_checkout


async def test_one_problem_line_blocks_checkout_of_the_whole_cart(db: Database) -> None:
    shop = await _shop(db, sizes={"S": 5, "M": 5})
    await _add(db, shop, "S")
    await _add(db, shop, "M")
    await _set_stock(db, shop.sizes["S"], 0)
    view = await _view(db, shop.user_id)
    assert [texts.cart_problem(line) for line in view.lines] == ["out of stock", None]
    assert not view.can_checkout
