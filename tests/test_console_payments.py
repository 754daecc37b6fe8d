"""Paying in the offline console: the Pay link, then :pay or :fail, then the shop's notice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.db import Database
from bot.devtools.console import DEFAULT_USER_ID, ShopConsole, open_console
from bot.models import Order, OrderStatus, Product, Size
from bot.services import cart as carts
from bot.services import user as users
from tests.test_console import _settings, fresh_database

ADDRESS = ("Guest Example", "+49 30 1234567", "Main St 1", "Berlin", "-", "10115", "Germany")


@pytest.fixture
async def url(tmp_path: Path) -> AsyncIterator[URL]:
    async with fresh_database(tmp_path) as database_url:
        yield database_url


@pytest.fixture
async def console(url: URL) -> AsyncIterator[ShopConsole]:
    async with open_console(_settings(url)) as (shop_console, _):
        yield shop_console


async def put_something_in_the_cart(url: URL) -> None:
    database = Database(url)
    try:
        async with database.transaction() as session:
            guest = await users.get_by_telegram_id(session, DEFAULT_USER_ID)
            size = (
                await session.scalars(
                    select(Size).join(Product).where(Size.stock > 0).order_by(Size.id).limit(1)
                )
            ).one()
            await carts.add_item(
                session, user_id=guest.id, product_id=size.product_id, size_id=size.id
            )
    finally:
        await database.dispose()


async def place_an_order(console: ShopConsole, url: URL, *, save_card: bool = False) -> str:
    """Checkout in the console, typing the address; returns what placing the order printed."""
    await put_something_in_the_cart(url)
    await console.handle("/cart")
    await console.handle(":press ✅ Checkout")
    for line in ADDRESS:
        await console.handle(line)
    if save_card:
        await console.handle(":press ☐ Save my card for next time")
    placed = await console.handle(":press ✅ Place order")
    assert placed is not None
    return placed


async def statuses(url: URL) -> list[OrderStatus]:
    database = Database(url)
    try:
        async with database.reading() as session:
            return list(await session.scalars(select(Order.status).order_by(Order.id)))
    finally:
        await database.dispose()


async def test_pay_completes_the_checkout_and_the_paid_notice_prints(
    console: ShopConsole, url: URL
) -> None:
    placed = await place_an_order(console, url)

    paid = await console.handle(":pay")

    assert "Order #1 placed" in placed and "💳 Pay €" in placed
    assert paid is not None
    assert "Stripe (simulated): €" in paid and "paid for order #1" in paid
    assert "Thank you! We received €" in paid
    assert await statuses(url) == [OrderStatus.PAID]
    assert await console.handle(":pay") == (
        "No order of yours is waiting for a card payment. Check out first; "
        "the 💳 Pay message means Stripe is ready."
    )


async def test_fail_tells_the_customer_and_the_order_can_still_be_paid(
    console: ShopConsole, url: URL
) -> None:
    await place_an_order(console, url)

    failed = await console.handle(":fail")
    paid = await console.handle(":pay")

    assert failed is not None and "the payment of €" in failed
    assert "did not go through" in failed
    assert paid is not None and "Thank you! We received €" in paid
    assert await statuses(url) == [OrderStatus.PAID]


async def test_the_pay_button_points_to_pay_and_help_lists_it(
    console: ShopConsole, url: URL
) -> None:
    placed = await place_an_order(console, url)
    assert "[#1] 💳 Pay €" in placed

    pressed = await console.handle("#1")
    shown = await console.handle(":help")

    assert pressed is not None and "type :pay to pay with a test card" in pressed
    assert shown is not None and ":pay " in shown and ":fail " in shown
    assert "pay the latest invoice" not in shown
    assert await statuses(url) == [OrderStatus.PENDING_PAYMENT]


async def test_a_card_saved_at_checkout_is_listed_after_pay_and_can_be_removed(
    console: ShopConsole, url: URL
) -> None:
    await place_an_order(console, url, save_card=True)
    await console.handle(":pay")

    listed = await console.handle("/payments")
    await console.handle(":press 🗑 Visa •••• 4242 · exp 12/34")
    removed = await console.handle(":press Yes, remove it")

    assert listed is not None and "Visa •••• 4242 · exp 12/34" in listed
    assert removed is not None and "You have no saved cards" in removed


async def _settled(url: URL, wanted: OrderStatus) -> list[OrderStatus]:
    """The orders' statuses once the stand-in's charge.refunded has had time to arrive."""
    for _ in range(100):
        found = await statuses(url)
        if wanted in found:
            return found
        await asyncio.sleep(0.05)
    return await statuses(url)


async def test_a_refund_is_confirmed_by_the_stand_in_as_stripe_would(url: URL) -> None:
    async with open_console(_settings(url), admin=True) as (console, _):
        await place_an_order(console, url)
        await console.handle(":pay")

        asked = await console.handle("/refund 1")
        refunded = await _settled(url, OrderStatus.REFUNDED)

    assert asked is not None and "Stripe is refunding" in asked
    assert refunded == [OrderStatus.REFUNDED]


async def test_an_order_paid_in_an_earlier_console_session_can_be_refunded(url: URL) -> None:
    async with open_console(_settings(url), admin=True) as (console, _):
        await place_an_order(console, url)
        await console.handle(":pay")
    async with open_console(_settings(url), admin=True) as (console, _):
        asked = await console.handle("/cancelorder 1")
        settled = await _settled(url, OrderStatus.CANCELLED)

    assert asked is not None and "No such payment_intent" not in asked
    assert settled == [OrderStatus.CANCELLED]
