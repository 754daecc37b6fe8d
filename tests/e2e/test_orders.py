from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.keyboards.orders import CancelOrder, ConfirmCancelOrder, OrderDetails
from bot.keyboards.reviews import ReviewProduct
from bot.models import Order, OrderStatus, Size
from tests.conftest import OWNER_ID
from tests.factories import make_order, make_product, make_user

ANN, BOB = 42, 43


async def _orders(
    db: Database, telegram_id: int = ANN, *, count: int = 1, status: OrderStatus
) -> tuple[list[int], int]:
    """`count` orders of one Classic Sneakers (M, 3 in stock): (order ids, size id)."""
    async with db.transaction() as session:
        user = await make_user(session, telegram_id=telegram_id)
        product = await make_product(session, price=4999, sizes={"M": 3})
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        ids = [
            (await make_order(session, user=user, product=product, size=size, status=status)).id
            for _ in range(count)
        ]
    return ids, size.id


async def _state(db: Database, order_id: int, size_id: int) -> tuple[OrderStatus, int]:
    async with db.reading() as session:
        order = (await session.scalars(select(Order).where(Order.id == order_id))).one()
        stock = await session.scalar(select(Size.stock).where(Size.id == size_id))
        return order.status, stock or 0


async def _open(user: SimulatedUser) -> Message:
    await user.send("/orders")
    return await user.next_message()


async def _tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


def _label(message: Message, order_id: int) -> str:
    return next(text for text in message.button_texts if text.startswith(f"#{order_id} · "))


async def test_no_orders_yet_says_so(shop: ShopApplication, emulator: BotApiEmulator) -> None:
    reply = await _open(emulator.user(ANN, "Ann"))
    assert reply.content == texts.ORDERS_EMPTY
    assert texts.CART_BROWSE in reply.button_texts


async def test_an_order_button_shows_number_date_total_and_status(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), _ = await _orders(db, status=OrderStatus.PENDING_PAYMENT)
    async with db.reading() as session:
        created = (await session.scalars(select(Order.created_at))).one()
    reply = await _open(emulator.user(ANN, "Ann"))
    day = f"{created.day} {created:%b}"
    assert f"#{order_id} · {day} · €49.99 · awaiting payment" in reply.button_texts


async def test_the_history_is_paginated_newest_first(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    ids, _ = await _orders(db, count=7, status=OrderStatus.PAID)
    ann = emulator.user(ANN, "Ann")
    first = await _open(ann)
    numbers = [t.split(" · ")[0] for t in first.button_texts if t.startswith("#")]
    assert numbers == [f"#{i}" for i in reversed(ids[2:])]
    assert texts.page_counter(1, 2) in first.button_texts
    second = await _tap(ann, first, texts.NEXT)
    assert second.message_id == first.message_id
    assert [t.split(" · ")[0] for t in second.button_texts if t.startswith("#")] == ["#2", "#1"]

    details = await _tap(ann, second, _label(second, 1))
    assert "Order #1" in details.content
    back = await _tap(ann, details, texts.ORDERS_ALL)
    assert texts.page_counter(2, 2) in back.button_texts


async def test_order_details_show_lines_total_address_and_history(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), _ = await _orders(db, status=OrderStatus.PENDING_PAYMENT)
    ann = emulator.user(ANN, "Ann")
    listing = await _open(ann)
    details = await _tap(ann, listing, _label(listing, order_id))
    assert details.content.startswith(f"📦 Order #{order_id} · awaiting payment")
    assert "1. Classic Sneakers · M\n    1 × €49.99 = €49.99" in details.content
    assert "Total: €49.99" in details.content
    assert "Ann Example\nMain St 1\n10115 Berlin\nDE\n+49 30 1234567" in details.content
    assert "UTC — awaiting payment" in details.content
    assert texts.ORDER_CANCEL in details.button_texts


async def test_cancelling_a_pending_order_asks_first_and_returns_the_stock(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), size_id = await _orders(db, status=OrderStatus.PENDING_PAYMENT)
    ann = emulator.user(ANN, "Ann")
    listing = await _open(ann)
    details = await _tap(ann, listing, _label(listing, order_id))
    question = await _tap(ann, details, texts.ORDER_CANCEL)
    assert question.content == texts.order_cancel_question(order_id)
    kept = await _tap(ann, question, texts.ORDER_KEEP)
    assert texts.ORDER_CANCEL in kept.button_texts
    assert await _state(db, order_id, size_id) == (OrderStatus.PENDING_PAYMENT, 3)

    question = await _tap(ann, kept, texts.ORDER_CANCEL)
    answer = await ann.callback_answer(await ann.press_button(question, texts.ORDER_CANCEL_YES))
    assert answer.text == texts.order_cancelled(order_id)
    cancelled = await ann.next_message()
    assert cancelled.content.startswith(f"📦 Order #{order_id} · cancelled")
    assert "UTC — cancelled" in cancelled.content
    assert texts.ORDER_CANCEL not in cancelled.button_texts
    assert await _state(db, order_id, size_id) == (OrderStatus.CANCELLED, 4)


async def test_a_paid_order_cannot_be_cancelled_here(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), size_id = await _orders(db, status=OrderStatus.PAID)
    ann = emulator.user(ANN, "Ann")
    listing = await _open(ann)
    details = await _tap(ann, listing, _label(listing, order_id))
    assert texts.ORDER_CANCEL not in details.button_texts
    await ann.callback_answer(await ann.press_forged(details, CancelOrder(order_id, 1).pack()))
    assert ann.last_bot_message is not None
    assert ann.last_bot_message.content == details.content
    query = await ann.press_forged(details, ConfirmCancelOrder(order_id, 1).pack())
    answer = await ann.callback_answer(query)
    assert answer.show_alert
    assert answer.text is not None and "can no longer be cancelled" in answer.text
    assert await _state(db, order_id, size_id) == (OrderStatus.PAID, 3)


async def test_another_customers_order_is_not_found_and_nothing_changes(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (bobs,), size_id = await _orders(db, BOB, status=OrderStatus.PENDING_PAYMENT)
    await _orders(db, ANN, status=OrderStatus.PAID)
    ann = emulator.user(ANN, "Ann")
    listing = await _open(ann)
    assert not any(text.startswith(f"#{bobs} ") for text in listing.button_texts)
    for forged in (OrderDetails(bobs, 1), ConfirmCancelOrder(bobs, 1)):
        answer = await ann.callback_answer(await ann.press_forged(listing, forged.pack()))
        assert answer.show_alert
        assert answer.text == f"Order #{bobs} was not found."
    assert await _state(db, bobs, size_id) == (OrderStatus.PENDING_PAYMENT, 3)


async def test_a_delivered_order_offers_rate_and_review_for_its_products(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), size_id = await _orders(db, status=OrderStatus.DELIVERED)
    async with db.reading() as session:
        product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
    assert product_id is not None
    ann = emulator.user(ANN, "Ann")
    listing = await _open(ann)
    details = await _tap(ann, listing, _label(listing, order_id))
    review = details.button(texts.order_review_button("Classic Sneakers"))
    assert review.callback_data == ReviewProduct(product_id).pack()
    assert texts.ORDER_CANCEL not in details.button_texts


async def _ask_to_cancel(ann: SimulatedUser, order_id: int) -> tuple[str | None, Message]:
    await ann.send("/orders")
    listing = await ann.next_message()
    await ann.callback_answer(await ann.press_button(listing, listing.buttons[0][0].text))
    details = await ann.next_message()
    assert texts.ORDER_REQUEST_CANCEL in details.button_texts, details.button_texts
    answer = await ann.callback_answer(await ann.press_button(details, texts.ORDER_REQUEST_CANCEL))
    return answer.text, details


async def test_a_paid_order_can_be_asked_to_cancel_and_the_admin_cancels_it(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), size_id = await _orders(db, status=OrderStatus.PAID)
    ann, owner = emulator.user(ANN, "Ann"), emulator.user(OWNER_ID, "Owner")

    asked, details = await _ask_to_cancel(ann, order_id)
    alert = await owner.next_message()
    again = await ann.callback_answer(await ann.press_button(details, texts.ORDER_REQUEST_CANCEL))
    await owner.send(f"/cancelorder {order_id}")
    await owner.next_message()

    assert asked == texts.CANCEL_REQUESTED
    assert again.text == texts.CANCEL_REQUESTED_ALREADY
    assert f"asks to cancel order #{order_id}" in alert.content
    assert f"/cancelorder {order_id}" in alert.content
    assert (await _state(db, order_id, size_id))[0] is OrderStatus.CANCELLED
    told = [m.content for m in ann.bot_messages]
    assert any(f"We asked the shop to cancel order #{order_id}" in t for t in told)


async def test_an_admin_keeps_the_order_and_the_customer_is_told_once(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    (order_id,), size_id = await _orders(db, status=OrderStatus.PAID)
    ann, owner = emulator.user(ANN, "Ann"), emulator.user(OWNER_ID, "Owner")
    await _ask_to_cancel(ann, order_id)
    await owner.next_message()

    await owner.send(f"/keeporder {order_id}")
    kept = await owner.next_message()
    await owner.send(f"/keeporder {order_id}")
    again = await owner.next_message()
    assert admin_shop.bot_data.jobs is not None
    await admin_shop.bot_data.jobs.deliver_now()

    assert kept.content == f"Order #{order_id} stays; the customer was told."
    assert again.content.startswith("The customer was already told")
    assert (await _state(db, order_id, size_id))[0] is OrderStatus.PAID
    declined = [m for m in ann.bot_messages if "can't be cancelled any more" in m.content]
    assert len(declined) == 1
