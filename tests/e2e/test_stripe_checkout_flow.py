"""Paying with Stripe from the chat: the Pay link, Stripe's webhook, the "paid" message.

The shop runs with its web server on loopback and Stripe at the fake; background jobs are off so
each test delivers the outbox itself, exactly when it wants to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.background import BackgroundJobs
from bot.models import Order, OrderStatus, PaymentInformation, Size
from bot.runner import running_shop
from bot.texts.errors import ERRORS
from tests.factories import make_order, make_product, make_user
from tests.fakes.stripe_shop import hoodie_for_ann, paid_event, post_event, stripe_settings

UNAVAILABLE = ERRORS["payment.unavailable"]
ANN = 42
ADMIN = 7
HOLD = timedelta(minutes=60)  # UNPAID_ORDER_TIMEOUT_MINUTES's default
PAID_NOTICE = "We received €99.98 for order #1"


@pytest.fixture
async def stripe_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api, admin_ids=[ADMIN])
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


@pytest.fixture
async def hoodie(db: Database) -> None:
    """A €49.99 hoodie in size M, and Ann with a saved address."""
    await hoodie_for_ann(db, telegram_id=ANN, stock=5)


def jobs(app: ShopApplication) -> BackgroundJobs:
    assert app.bot_data.jobs is not None
    return app.bot_data.jobs


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def check_out_two_hoodies(ann: SimulatedUser) -> Message:
    """From /start to the placed order; returns the message offering payment."""
    await ann.send("/start")
    await ann.next_message()
    await ann.send("hoodie")
    card = await tap(ann, await ann.next_message(), "Hoodie · €49.99")
    card = await tap(ann, card, "+")
    card = await tap(ann, card, "➕ Add to cart")
    cart = await tap(ann, card, "🛒 Go to cart")
    addresses = await tap(ann, cart, "✅ Checkout")
    summary = await tap(ann, addresses, addresses.buttons[0][0].text)
    placed = await tap(ann, summary, "✅ Place order")
    assert "Order #1 placed" in placed.content
    return await ann.next_message()


async def order_state(db: Database, order_id: int = 1) -> tuple[OrderStatus, str | None]:
    async with db.reading() as session:
        order = await session.get_one(Order, order_id)
        session_id = await session.scalar(
            select(PaymentInformation.stripe_checkout_session_id).where(
                PaymentInformation.order_id == order_id
            )
        )
    return order.status, session_id


def messages_with(user: SimulatedUser, text: str) -> list[Message]:
    return [message for message in user.bot_messages if text in message.content]


async def placed_at(db: Database, order_id: int = 1) -> datetime:
    async with db.reading() as session:
        return (await session.get_one(Order, order_id)).created_at


async def place_earlier(db: Database, minutes: int, order_id: int = 1) -> None:
    """As if the order had been placed `minutes` before it was."""
    async with db.transaction() as session:
        order = await session.get_one(Order, order_id)
        order.created_at -= timedelta(minutes=minutes)


# The journey


@pytest.mark.usefixtures("hoodie")
async def test_a_customer_pays_with_stripe_and_is_told_once(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    ann = emulator.user(ANN, "Ann")
    boss = emulator.user(ADMIN, "Boss")

    offer = await check_out_two_hoodies(ann)

    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    [(session_id, session)] = stripe_api.sessions.items()
    assert request.params["line_items"] == [
        {
            "quantity": "2",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4999",
                "product_data": {"name": "Hoodie (M)"},
            },
        }
    ]
    assert request.params["metadata"] == {"order_id": "1"}
    assert request.params["client_reference_id"] == "1"
    assert request.params["success_url"] == "https://t.me/shop_test_bot?start=paid_1"
    assert request.params["cancel_url"] == "https://t.me/shop_test_bot?start=unpaid_1"
    assert request.headers["Idempotency-Key"].startswith("order-1-checkout-no-save-")
    assert session["amount_total"] == 9998
    assert session["expires_at"] == int((await placed_at(db) + HOLD).timestamp())
    assert "€99.98" in offer.content and "#1" in offer.content
    assert "within 60 minutes" in offer.content  # when the unpaid order is released
    assert offer.button("💳 Pay €99.98").url == session["url"]
    assert await order_state(db) == (OrderStatus.PENDING_PAYMENT, session_id)

    event = paid_event(session_id=session_id, order_id=1, amount=9998, currency="EUR")
    assert await post_event(stripe_shop, event) == 200
    assert await jobs(stripe_shop).deliver_now() == 2

    assert PAID_NOTICE in (await ann.next_message()).content
    assert "New paid order #1" in (await boss.next_message()).content
    assert await order_state(db) == (OrderStatus.PAID, session_id)

    assert await post_event(stripe_shop, event) == 200  # Stripe delivers it again
    assert await jobs(stripe_shop).deliver_now() == 0
    assert len(messages_with(ann, PAID_NOTICE)) == 1
    assert await order_state(db) == (OrderStatus.PAID, session_id)


@pytest.mark.usefixtures("hoodie")
async def test_when_stripe_fails_the_order_stays_reserved_and_try_again_works(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    ann = emulator.user(ANN, "Ann")
    stripe_api.fail_next(status=400, type="invalid_request_error", message="internal xyz")

    failed = await check_out_two_hoodies(ann)

    assert UNAVAILABLE in failed.content
    assert "internal xyz" not in failed.content
    assert "Order #1 is still reserved" in failed.content
    assert await order_state(db) == (OrderStatus.PENDING_PAYMENT, None)
    async with db.reading() as session:
        assert await session.scalar(select(Size.stock)) == 3

    offer = await tap(ann, failed, "🔄 Try again")

    [session_id] = stripe_api.sessions
    assert offer.button("💳 Pay €99.98").url == stripe_api.sessions[session_id]["url"]
    assert await order_state(db) == (OrderStatus.PENDING_PAYMENT, session_id)


@pytest.mark.usefixtures("hoodie")
async def test_pay_in_the_order_details_offers_the_same_checkout_again(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    ann = emulator.user(ANN, "Ann")
    first = await check_out_two_hoodies(ann)
    await ann.send("/orders")
    history = await ann.next_message()
    details = await tap(ann, history, history.buttons[0][0].text)

    again = await tap(ann, details, "💳 Pay")

    assert again.button("💳 Pay €99.98").url == first.button("💳 Pay €99.98").url
    assert len(stripe_api.sessions) == 1
    assert len(stripe_api.requests_to("POST", "/v1/checkout/sessions")) == 1


@pytest.mark.usefixtures("hoodie")
async def test_a_paid_order_offers_no_pay_button(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    ann = emulator.user(ANN, "Ann")
    await check_out_two_hoodies(ann)
    [session_id] = stripe_api.sessions
    event = paid_event(session_id=session_id, order_id=1, amount=9998, currency="EUR")
    assert await post_event(stripe_shop, event) == 200
    await ann.send("/orders")
    history = await ann.next_message()

    details = await tap(ann, history, history.buttons[0][0].text)

    assert "Order #1 · paid" in details.content
    assert "💳 Pay" not in details.button_texts


@pytest.mark.usefixtures("hoodie")
async def test_the_pay_link_closes_when_the_unpaid_order_is_released(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    # 10 minutes is too short for a Stripe payment page: the hold becomes the shortest one.
    settings = stripe_settings(emulator, db, stripe_api, unpaid_order_timeout_minutes=10)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        ann = emulator.user(ANN, "Ann")
        offer = await check_out_two_hoodies(ann)
        [session] = stripe_api.sessions.values()
        deadline = await placed_at(db) + timedelta(minutes=32)

        assert session["expires_at"] == int(deadline.timestamp())
        assert messages_with(ann, "We hold your items for 32 minutes")
        assert "within 32 minutes" in offer.content
        await place_earlier(db, minutes=31)
        assert await jobs(app).expiry.run_now() == []
        await place_earlier(db, minutes=4)  # past the deadline, within the grace for late news
        assert await jobs(app).expiry.run_now() == []
        await place_earlier(db, minutes=3)
        assert await jobs(app).expiry.run_now() == [1]
        assert (await order_state(db))[0] is OrderStatus.CANCELLED


# Coming back from Stripe (t.me deep links)


async def ann_and_bobs_orders(db: Database) -> tuple[int, int]:
    async with db.transaction() as session:
        product = await make_product(session, name="Cap", price=1500, sizes={"M": 5})
        [size] = (await session.scalars(select(Size).where(Size.product_id == product.id))).all()
        ann = await make_user(session, telegram_id=ANN, first_name="Ann")
        bob = await make_user(session, telegram_id=43, first_name="Bob")
        pending = OrderStatus.PENDING_PAYMENT
        mine = await make_order(session, user=ann, product=product, size=size, status=pending)
        theirs = await make_order(session, user=bob, product=product, size=size, status=pending)
        return mine.id, theirs.id


async def test_back_from_paying_the_customer_is_thanked_with_the_orders_status(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    mine, _ = await ann_and_bobs_orders(db)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start paid_{mine}")
    waiting = await ann.next_message()
    async with db.transaction() as session:
        (await session.get_one(Order, mine)).status = OrderStatus.PAID
    await ann.send(f"/start paid_{mine}")
    confirmed = await ann.next_message()

    assert "We'll confirm order #1 as soon as Stripe tells us" in waiting.content
    assert "Status now: awaiting payment" in waiting.content
    assert "💳 Pay" not in waiting.button_texts
    assert "📦 View order" in waiting.button_texts
    assert "Order #1 is paid" in confirmed.content


async def test_back_from_leaving_the_payment_page_the_order_can_be_paid_again(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    mine, _ = await ann_and_bobs_orders(db)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start unpaid_{mine}")
    returned = await ann.next_message()
    offer = await tap(ann, returned, "💳 Pay")

    assert "Order #1 (€15.00) is not paid yet" in returned.content
    assert offer.button("💳 Pay €15.00").url == next(iter(stripe_api.sessions.values()))["url"]


@pytest.mark.parametrize(
    "argument",
    ["paid_999", "unpaid_2", "paid_", "paid_1_x", "hello", "unpaid_99999999999"],
    ids=["unknown order", "someone else's order", "no id", "trailing", "other", "huge id"],
)
async def test_unknown_or_forged_start_links_just_greet(
    stripe_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    stripe_api: FakeStripeApi,
    argument: str,
) -> None:
    await ann_and_bobs_orders(db)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start {argument}")
    greeting = await ann.next_message()

    assert "Hello, Ann!" in greeting.content
    assert "🛒 Cart" in greeting.button_texts
    assert stripe_api.requests == []


async def test_a_stale_pay_button_shows_the_order_as_it_is_now(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    mine, theirs = await ann_and_bobs_orders(db)
    ann = emulator.user(ANN, "Ann")
    await ann.send(f"/start unpaid_{mine}")
    returned = await ann.next_message()
    async with db.transaction() as session:
        (await session.get_one(Order, mine)).status = OrderStatus.CANCELLED

    stale = await tap(ann, returned, "💳 Pay")
    forged = await ann.callback_answer(await ann.press_forged(returned, f"yo:{theirs}"))

    assert "Order #1 · cancelled" in stale.content
    assert "💳 Pay" not in stale.button_texts
    assert forged.show_alert and forged.text == f"Order #{theirs} was not found."
    assert stripe_api.requests == []


# Without a payment provider


async def test_without_a_provider_nothing_offers_payment(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    mine, _ = await ann_and_bobs_orders(db)
    ann = emulator.user(ANN, "Ann")

    await ann.send(f"/start unpaid_{mine}")
    returned = await ann.next_message()
    details = await tap(ann, returned, "📦 View order")

    assert "Order #1 (€15.00) is awaiting payment" in returned.content
    assert "💳 Pay" not in returned.button_texts
    assert "Order #1 · awaiting payment" in details.content
    assert "💳 Pay" not in details.button_texts
    assert "✖ Cancel order" in details.button_texts
