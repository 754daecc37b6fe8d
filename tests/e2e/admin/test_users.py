from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.models import Order, OrderStatus, Size
from tests.conftest import OWNER_ID
from tests.factories import make_order, make_product, make_user

ANN = 42
JOINED = datetime(2025, 6, 1, 9, tzinfo=UTC)


async def _customers(db: Database) -> list[int]:
    """Ann (joined long ago, four orders), Bob (blocked the bot), Cid (promoted admin).

    Returns Ann's order ids, oldest first."""
    async with db.transaction() as session:
        sneakers = await make_product(session, name="Classic Sneakers")
        cap = await make_product(session, name="Cap", price=1500, currency="USD")
        ann = await make_user(session, telegram_id=ANN, first_name="Ann", username="ann_b")
        ann.created_at = JOINED
        await make_user(session, first_name="Bob", is_blocked=True)
        await make_user(session, first_name="Cid", is_admin=True)
        orders = []
        for n, (product, quantity, status) in enumerate(
            [
                (sneakers, 2, OrderStatus.DELIVERED),
                (cap, 1, OrderStatus.PAID),
                (sneakers, 1, OrderStatus.REFUNDED),
                (cap, 3, OrderStatus.PENDING_PAYMENT),
            ]
        ):
            size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
            order = await make_order(
                session, user=ann, product=product, size=size, quantity=quantity, status=status
            )
            order.created_at = JOINED + timedelta(days=10 + n)
            orders.append(order.id)
    return orders


async def _owner_sends(emulator: BotApiEmulator, text: str) -> str:
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send(text)
    return (await owner.next_message()).text or ""


async def test_users_counts_customers_by_what_they_did_and_lists_them(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customers(db)
    figures, listed, hint = (await _owner_sends(emulator, "/users")).split("\n\n")
    assert figures == "\n".join(
        [
            "👥 Customers",
            # Ann joined long ago; Bob, Cid and the owner (by sending /users) joined today.
            "Total: 4",
            "New: 3 today · 3 in 7 days · 3 in 30 days",
            "Placed an order: 1 · paid for one: 1",
            "Blocked the bot: 1",
            "Admins: 2",
        ]
    )
    lines = listed.split("\n")
    assert len(lines) == 4
    assert lines[0] == f"• Owner ({OWNER_ID}): 0 orders, nothing paid"  # the newest
    assert lines[-1] == f"• Ann @ann_b ({ANN}): 4 orders, €99.98 · $15.00"
    assert any(line.startswith("• Bob") and "⛔ blocked the bot" in line for line in lines)
    assert hint == "Newest first. /user <id> shows one customer in detail."


async def test_users_pages_through_many_customers(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    async with db.transaction() as session:
        for number in range(24):
            await make_user(session, first_name=f"Customer {number}")
    owner = emulator.user(OWNER_ID, "Owner")
    await owner.send("/users")
    first = await owner.next_message()

    await owner.press_button(first, "▶")
    second = await owner.next_message()
    await owner.press_button(second, "▶")
    third = await owner.next_message()

    assert "1 / 3" in first.button_texts
    assert (second.text or "").count("• ") == 10
    assert (third.text or "").count("• ") == 5  # 24 customers and the owner
    assert "▶" not in third.button_texts


async def test_user_shows_a_customers_orders_and_spend(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    first, second, third, fourth = await _customers(db)
    async with db.reading() as session:
        ann_id = await session.scalar(select(Order.user_id).where(Order.id == first))
    assert await _owner_sends(emulator, f"/user {ANN}") == "\n".join(
        [
            "👤 Ann @ann_b",
            f"Telegram id {ANN} · customer #{ann_id}",
            "Joined 1 Jun 2025 · customer · blocked the bot: no",
            "Orders: 4 — 1 awaiting payment, 1 paid, 1 delivered, 1 refunded",
            "Spent: €99.98 (1 order) · $15.00 (1 order)",
            "",
            "Last orders",
            f"#{fourth} · 14 Jun 2025 · $45.00 · awaiting payment",
            f"#{third} · 13 Jun 2025 · €49.99 · refunded",
            f"#{second} · 12 Jun 2025 · $15.00 · paid",
            f"#{first} · 11 Jun 2025 · €99.98 · delivered",
        ]
    )


async def test_user_marks_the_owner(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    details = await _owner_sends(emulator, f"/user {OWNER_ID}")
    assert "· owner · blocked the bot: no" in details
    assert "Orders: 0\nSpent: nothing yet" in details


async def test_bad_user_ids_get_the_usage_line_and_unknown_ones_not_found(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customers(db)
    for wrong in ("/user", "/user ann", "/user 0", f"/user {ANN} 1"):
        assert await _owner_sends(emulator, wrong) == "Usage: /user <telegram user id>"
    assert await _owner_sends(emulator, "/users all") == "Usage: /users"
    assert (
        await _owner_sends(emulator, "/user 999999")
        == "Customer with Telegram id 999999 not found."
    )


async def test_customers_cannot_look_at_other_customers(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _customers(db)
    bob = emulator.user(ANN + 1, "Bob")
    for command in ("/users", f"/user {ANN}"):
        await bob.send(command)
        assert (await bob.next_message()).text == texts.UNKNOWN_COMMAND
