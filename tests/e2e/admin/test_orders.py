"""Admins run orders from the chat: /allorders, /order, /setstatus, /cancelorder and /refund.

Payments go through the Stripe fake on loopback and the shop's own signed webhook; background
jobs are off in the shops that move money, so each test delivers the outbox itself and can see
that a notice is sent once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.background import BackgroundJobs
from bot.models import (
    AdminAction,
    OrderStatus,
    PaymentStatus,
    Size,
    User,
)
from bot.payments import telegram_payments as tg
from bot.runner import running_shop
from bot.services import order as orders
from bot.usecases.customers import Sender
from bot.usecases.payments import start_payment
from tests.conftest import OWNER_ID, shop_settings
from tests.factories import make_order, make_product, make_user
from tests.fakes.orders import PlacedOrder, place_order
from tests.fakes.stripe_events import refunded_charge
from tests.fakes.stripe_shop import post_event, stripe_settings

ANN = 42


@pytest.fixture
async def stripe_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    """Stripe takes the payments; OWNER_ID runs the shop."""
    settings = stripe_settings(emulator, db, stripe_api, admin_ids=[OWNER_ID])
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


@pytest.fixture
async def telegram_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    """Telegram Payments take the payments; OWNER_ID runs the shop."""
    settings = shop_settings(
        emulator,
        db,
        payment_provider="telegram",
        telegram_provider_token="TEST:PROVIDER",
        admin_ids=[OWNER_ID],
    )
    async with running_shop(settings, db, token=emulator.token, jobs=False) as app:
        yield app


@dataclass(frozen=True)
class Paid:
    order: PlacedOrder
    customer: SimulatedUser
    payment_intent: str


async def ask(emulator: BotApiEmulator, text: str, telegram_id: int = OWNER_ID) -> Message:
    user = emulator.user(telegram_id, "Owner" if telegram_id == OWNER_ID else "Ann")
    await user.send(text)
    return await user.next_message()


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


def jobs(app: ShopApplication) -> BackgroundJobs:
    assert app.bot_data.jobs is not None
    return app.bot_data.jobs


def told(user: SimulatedUser, text: str) -> int:
    return len([message for message in user.bot_messages if text in message.content])


async def paid_with_stripe(
    app: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> Paid:
    """2 × €49.99 from a size with 10, paid at the Stripe fake and confirmed by its webhook."""
    placed = await place_order(db)
    customer = emulator.user(placed.telegram_id, "Ann")
    assert app.bot_data.stripe_gateway is not None
    checkout = await start_payment(
        db,
        app.bot_data.stripe_gateway,
        order_id=placed.order_id,
        sender=Sender(placed.telegram_id, "Ann"),
        bot_username="shop_test_bot",
        hold=timedelta(minutes=60),
    )
    session = stripe_api.pay(checkout.id)
    assert (
        await post_event(app, simulate.stripe_event("checkout.session.completed", session)) == 200
    )
    await jobs(app).deliver_now()  # the "paid" notices, out of the way
    emulator.user(OWNER_ID, "Owner").skip_unread()
    return Paid(placed, customer, session["payment_intent"])


async def refunded_by_stripe(app: ShopApplication, paid: Paid) -> None:
    """Stripe's charge.refunded, delivered twice as Stripe may."""
    charge = refunded_charge(
        payment_intent=paid.payment_intent, amount=paid.order.total, currency="eur"
    )
    event = simulate.stripe_event("charge.refunded", charge)
    assert await post_event(app, event) == 200
    assert await post_event(app, event) == 200


def stripe_down(stripe_api: FakeStripeApi) -> None:
    """The next refund request fails, and so do stripe-python's two retries."""
    for _ in range(3):
        stripe_api.fail_next(status=500, type="api_error", message="boom", path="/v1/refunds")


async def state(db: Database, order_id: int) -> tuple[OrderStatus, PaymentStatus | None, int]:
    """The order's status, its payment's status and the stock of its (first) size."""
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=order_id)
        stock = await session.scalar(select(Size.stock).where(Size.id == order.items[0].size_id))
    return order.status, order.payment.status if order.payment else None, stock or 0


async def audit(db: Database) -> list[tuple[int, str, int | None]]:
    async with db.reading() as session:
        entries = await session.scalars(select(AdminAction).order_by(AdminAction.id))
        return [(e.admin_telegram_id, e.action, e.entity_id) for e in entries]


async def ann_orders(db: Database, statuses: list[OrderStatus]) -> None:
    """Orders #1, #2, … of Ann (@ann_b), one Cap each, in these statuses."""
    async with db.transaction() as session:
        ann = await make_user(session, telegram_id=ANN, first_name="Ann", username="ann_b")
        cap = await make_product(session, name="Cap", price=1500, sizes={"M": 50})
        [size] = (await session.scalars(select(Size).where(Size.product_id == cap.id))).all()
        for status in statuses:
            await make_order(session, user=ann, product=cap, size=size, status=status)


# /allorders


async def test_all_orders_are_listed_newest_first_a_page_at_a_time(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PAID] * 12)
    owner = emulator.user(OWNER_ID, "Owner")

    first = await ask(emulator, "/allorders")
    second = await tap(owner, first, "▶")
    card = await tap(owner, second, second.buttons[1][0].text)
    back = await tap(owner, card, "« All orders")

    assert "All orders · 12" in first.content
    labels = [row[0].text for row in first.buttons[:10]]
    assert [label.split(" · ")[0] for label in labels] == [f"#{n}" for n in range(12, 2, -1)]
    assert labels[0].endswith("€15.00 · paid · Ann")
    assert first.buttons[10][0].text == "1 / 2" and first.buttons[10][1].text == "▶"
    assert [row[0].text.split(" · ")[0] for row in second.buttons[:2]] == ["#2", "#1"]
    assert second.message_id == first.message_id  # edited in place
    assert "Order #1 · paid" in card.content
    assert back.button_texts == second.button_texts


async def test_all_orders_of_one_status_stay_filtered_from_page_to_page(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.SHIPPED] * 11 + [OrderStatus.PAID] * 3)
    owner = emulator.user(OWNER_ID, "Owner")

    shipped = await ask(emulator, "/allorders SHIPPED")
    rest = await tap(owner, shipped, "▶")
    none = await ask(emulator, "/allorders refunded")

    assert "All orders · shipped · 11" in shipped.content
    assert all("· shipped ·" in label for label in shipped.button_texts[:10])
    assert [label.split(" · ")[0] for label in rest.button_texts[:1]] == ["#1"]
    assert "No orders here yet" in none.content
    assert none.buttons == ()


async def test_a_bad_status_gets_the_usage_line_with_the_valid_statuses(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    reply = await ask(emulator, "/allorders shiped")
    too_many = await ask(emulator, "/allorders paid shipped")

    assert reply.content == (
        "Usage: /allorders [status]\n"
        "Statuses: pending_payment, paid, shipped, delivered, cancelled, refunded"
    )
    assert too_many.content == "Usage: /allorders [status]"


# /order


async def test_an_order_shows_customer_address_lines_payment_and_history(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    paid = await paid_with_stripe(stripe_shop, emulator, db, stripe_api)
    async with db.transaction() as session:
        await session.execute(update(User).values(username="ann_b"))
    [checkout_session] = stripe_api.sessions

    card = (await ask(emulator, "/order 1")).content

    assert card.startswith("📦 Order #1 · paid\nPlaced ")
    assert f"Ann (@ann_b) · id {paid.order.telegram_id}" in card
    assert "Shipping to\nAnn Example\nMain St 1\n10115 Berlin\nDE\n+49 30 1234567" in card
    assert "1. Hoodie · M · SKU-" in card
    assert "2 × €49.99 = €99.98\nTotal: €99.98" in card
    assert "Stripe · paid · €99.98\nReceived €99.98 on " in card
    assert f"Checkout session: {checkout_session}" in card
    assert f"Payment intent: {paid.payment_intent}" in card
    assert "— awaiting payment · by customer" in card
    assert "— paid · by stripe (stripe payment)" in card
    assert "4242" not in card  # the test card's last digits: card data is never shown


async def test_order_with_a_bad_or_unknown_id(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    assert (await ask(emulator, "/order")).content == "Usage: /order <order id>"
    assert (await ask(emulator, "/order abc")).content == "Usage: /order <order id>"
    assert (await ask(emulator, "/order 1 2")).content == "Usage: /order <order id>"
    assert (await ask(emulator, "/order 99")).content == "Order #99 was not found."
    too_long = "/order 99999999999999999999"
    assert (await ask(emulator, too_long)).content == "Usage: /order <order id>"


# /setstatus


async def test_shipping_and_delivering_tell_the_customer_once_each(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PAID])
    ann = emulator.user(ANN, "Ann")

    shipped = await ask(emulator, "/setstatus 1 shipped")
    assert await jobs(stripe_shop).deliver_now() == 1
    assert await jobs(stripe_shop).deliver_now() == 0
    again = await ask(emulator, "/setstatus 1 shipped")
    assert await jobs(stripe_shop).deliver_now() == 0
    delivered = await ask(emulator, "/setstatus #1 Delivered")
    assert await jobs(stripe_shop).deliver_now() == 1

    assert shipped.content == "✅ Order #1 is now shipped. The customer will be told."
    assert again.content == "Order #1 is already shipped."
    assert delivered.content == "✅ Order #1 is now delivered. The customer will be told."
    assert told(ann, "order #1 has shipped! It is on its way to\nAnn Example") == 1
    assert told(ann, "Order #1 has been delivered") == 1
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
    assert [change.actor for change in order.history[-2:]] == [f"admin:{OWNER_ID}"] * 2
    assert await audit(db) == [(OWNER_ID, "set_status", 1), (OWNER_ID, "set_status", 1)]


async def test_a_shipment_with_a_tracking_number_gives_the_customer_a_link_to_follow_it(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PAID, OrderStatus.PAID])
    ann = emulator.user(ANN, "Ann")

    dhl = await ask(emulator, "/setstatus 1 shipped 00340434161094042557 dhl")
    local = await ask(emulator, "/setstatus 2 shipped LX-7731/B Kiez Kurier")
    assert await jobs(stripe_shop).deliver_now() == 2
    ann.skip_unread()
    await ann.send("/orders")
    listed = await ann.next_message()
    details = await tap(ann, listed, next(t for t in listed.button_texts if t.startswith("#1 ")))

    dhl_link = "https://www.dhl.com/global-en/home/tracking.html?tracking-id=00340434161094042557"
    assert "Tracking number: 00340434161094042557 (DHL)" in dhl.content
    assert "Tracking number: LX-7731/B (Kiez Kurier)" in local.content
    [shipped, shipped_locally] = [m for m in ann.bot_messages if "has shipped" in m.content]
    assert "Tracking number: 00340434161094042557 (DHL)" in shipped.content
    assert shipped.button("📦 Track the parcel").url == dhl_link
    assert "Tracking number: LX-7731/B (Kiez Kurier)" in shipped_locally.content
    assert shipped_locally.button_texts == []  # a carrier we cannot link to: the number only
    assert "Order #1" in details.content
    assert "Tracking number: 00340434161094042557 (DHL)" in details.content
    assert details.button("📦 Track the parcel").url == dhl_link
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=2)
    assert (order.tracking_number, order.tracking_carrier) == ("LX-7731/B", "Kiez Kurier")


async def test_a_bad_tracking_number_is_refused_and_the_order_stays_paid(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PAID])

    markup = await ask(emulator, "/setstatus 1 shipped <b>1</b>")
    delivered = await ask(emulator, "/setstatus 1 delivered 12345")

    assert "doesn't look like a tracking number" in markup.content
    assert "A tracking number goes with a shipment" in delivered.content
    assert (await state(db, 1))[0] is OrderStatus.PAID
    assert await audit(db) == []


async def test_setstatus_refuses_what_the_order_or_the_money_forbids(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PENDING_PAYMENT])
    usage = "Usage: /setstatus <order id> <shipped|delivered> [tracking number] [carrier]"

    unpaid = await ask(emulator, "/setstatus 1 shipped")
    cancel = await ask(emulator, "/setstatus 1 cancelled")
    refund = await ask(emulator, "/setstatus 1 refunded")
    pay = await ask(emulator, "/setstatus 1 paid")
    typo = await ask(emulator, "/setstatus 1 shiped")
    missing = await ask(emulator, "/setstatus 1")
    unknown = await ask(emulator, "/setstatus 99 shipped")

    assert unpaid.content == (
        "Order #1 is awaiting payment: an order awaiting payment can't be shipped."
    )
    assert "send /cancelorder 1" in cancel.content
    assert "send /refund 1" in refund.content
    assert "only when its payment provider confirms the money" in pay.content
    assert typo.content == f"{usage}\nStatuses: shipped, delivered"
    assert missing.content == usage
    assert unknown.content == "Order #99 was not found."
    assert (await state(db, 1))[0] is OrderStatus.PENDING_PAYMENT
    assert await audit(db) == []


# /cancelorder


async def test_cancelling_an_unpaid_order_returns_its_stock_and_tells_the_customer_once(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    placed = await place_order(db)
    customer = emulator.user(placed.telegram_id, "Ann")

    reply = await ask(emulator, "/cancelorder 1")
    assert await jobs(stripe_shop).deliver_now() == 1
    assert await jobs(stripe_shop).deliver_now() == 0
    again = await ask(emulator, "/cancelorder 1")

    assert reply.content == (
        "✅ Order #1 is cancelled and its items are back in stock. The customer will be told."
    )
    assert again.content == "Order #1 is already cancelled."
    assert await state(db, 1) == (OrderStatus.CANCELLED, None, 10)
    assert told(customer, "we had to cancel order #1. Nothing was charged.") == 1
    assert stripe_api.requests_to("POST", "/v1/refunds") == []
    assert await audit(db) == [(OWNER_ID, "cancel_order", 1)]


async def test_cancelling_a_paid_order_refunds_it_through_stripe_and_returns_its_stock(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    paid = await paid_with_stripe(stripe_shop, emulator, db, stripe_api)
    assert (await state(db, 1))[2] == 8

    reply = await ask(emulator, "/cancelorder 1")
    after_cancel = await state(db, 1)
    await refunded_by_stripe(stripe_shop, paid)
    assert await jobs(stripe_shop).deliver_now() == 2
    assert await jobs(stripe_shop).deliver_now() == 0

    [request] = stripe_api.requests_to("POST", "/v1/refunds")
    assert request.params == {"payment_intent": paid.payment_intent}
    assert request.headers["Idempotency-Key"] == "order-1-refund"
    assert "Order #1 is cancelled and its items are back in stock" in reply.content
    assert "Stripe is refunding €99.98 for order #1" in reply.content
    assert after_cancel == (OrderStatus.CANCELLED, PaymentStatus.REFUND_PENDING, 10)
    assert await state(db, 1) == (OrderStatus.CANCELLED, PaymentStatus.REFUNDED, 10)
    assert told(paid.customer, "cancel order #1. Your payment of €99.98 will be refunded") == 1
    assert told(paid.customer, "We refunded €99.98 for order #1") == 1
    assert await audit(db) == [(OWNER_ID, "refund", 1), (OWNER_ID, "cancel_order", 1)]


async def test_a_shipped_order_cannot_be_cancelled_only_refunded(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.SHIPPED])

    reply = await ask(emulator, "/cancelorder 1")

    assert (
        reply.content
        == "Order #1 has been shipped, so it can't be cancelled; /refund 1 refunds it."
    )
    assert (await ask(emulator, "/cancelorder")).content == "Usage: /cancelorder <order id>"
    assert (await state(db, 1))[0] is OrderStatus.SHIPPED


# /refund


async def test_a_stripe_refund_completes_when_stripe_confirms_it(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    paid = await paid_with_stripe(stripe_shop, emulator, db, stripe_api)

    reply = await ask(emulator, "/refund 1")
    requested = await state(db, 1)
    again = await ask(emulator, "/refund 1")  # a second try refunds nothing more
    not_by_hand = await ask(emulator, "/refund 1 done")
    await refunded_by_stripe(stripe_shop, paid)
    assert await jobs(stripe_shop).deliver_now() == 1
    assert await jobs(stripe_shop).deliver_now() == 0
    after = await ask(emulator, "/refund 1")

    assert reply.content == (
        "↩️ Stripe is refunding €99.98 for order #1. The payment is marked refunded, and the "
        "customer told, when Stripe confirms it."
    )
    assert requested == (OrderStatus.PAID, PaymentStatus.REFUND_PENDING, 8)
    assert "Stripe is refunding €99.98" in again.content
    assert len(stripe_api.refunds) == 1
    assert "Stripe confirms the refund of order #1 itself" in not_by_hand.content
    assert await state(db, 1) == (OrderStatus.REFUNDED, PaymentStatus.REFUNDED, 8)
    assert told(paid.customer, "We refunded €99.98 for order #1") == 1
    assert after.content == "Order #1 has already been refunded."
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
    assert (order.history[-1].to_status, order.history[-1].actor) == (
        OrderStatus.REFUNDED,
        "stripe",
    )


async def test_when_stripe_is_unreachable_a_refund_changes_nothing_and_the_admin_is_told_why(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    await paid_with_stripe(stripe_shop, emulator, db, stripe_api)

    stripe_down(stripe_api)
    refused = await ask(emulator, "/refund 1")
    stripe_down(stripe_api)
    cancel_refused = await ask(emulator, "/cancelorder 1")

    assert refused.content.startswith("⚠️ Stripe did not answer, so order #1 was not changed")
    assert "Send /refund 1 again in a minute" in refused.content
    assert "Send /cancelorder 1 again in a minute" in cancel_refused.content
    assert "boom" not in refused.content
    assert await state(db, 1) == (OrderStatus.PAID, PaymentStatus.PAID, 8)
    assert len(stripe_api.requests_to("POST", "/v1/refunds")) == 6
    assert stripe_api.refunds == {}
    assert await audit(db) == []


async def test_a_telegram_payment_is_refunded_by_hand_and_confirmed_with_done(
    telegram_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    placed = await place_order(db)
    customer = emulator.user(placed.telegram_id, "Ann")
    async with db.transaction() as session:
        await tg.apply_successful_payment(
            session,
            order_id=placed.order_id,
            telegram_charge_id="tg_charge_1",
            provider_charge_id="ch_provider_1",
            amount=placed.total,
            currency=placed.currency,
            payer_chat_id=placed.telegram_id,
            admin_chat_ids=[],
        )
    await jobs(telegram_shop).deliver_now()

    asked = await ask(emulator, "/refund 1")
    pending = await state(db, 1)
    confirmed = await ask(emulator, "/refund 1 done")
    assert await jobs(telegram_shop).deliver_now() == 1
    assert await jobs(telegram_shop).deliver_now() == 0
    twice = await ask(emulator, "/refund 1 done")

    assert asked.content == (
        "↩️ Telegram Payments can't refund order #1 from the bot: please refund €99.98 "
        "(payment ch_provider_1) in your payment provider's dashboard, then send "
        "/refund 1 done."
    )
    assert pending == (OrderStatus.PAID, PaymentStatus.REFUND_PENDING, 8)
    assert confirmed.content == (
        "✅ The refund of order #1 is recorded; the order is refunded. The customer will be told."
    )
    assert twice.content == "Order #1 has already been refunded."
    assert await state(db, 1) == (OrderStatus.REFUNDED, PaymentStatus.REFUNDED, 8)
    assert told(customer, "We refunded €99.98 for order #1") == 1
    assert await audit(db) == [(OWNER_ID, "refund", 1), (OWNER_ID, "refund_confirmed", 1)]


async def test_refund_bad_inputs(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PENDING_PAYMENT])
    usage = "Usage: /refund <order id> [done]"

    assert (await ask(emulator, "/refund")).content == usage
    assert (await ask(emulator, "/refund 1 later")).content == usage
    assert (await ask(emulator, "/refund 1 done now")).content == usage
    assert (await ask(emulator, "/refund 99")).content == "Order #99 was not found."
    assert (await ask(emulator, "/refund 1")).content == (
        "Order #1 has no payment to refund (it is awaiting payment)."
    )


# Customers


@pytest.mark.parametrize(
    "command",
    [
        "/allorders",
        "/order 1",
        "/setstatus 1 shipped",
        "/cancelorder 1",
        "/refund 1",
        "/refund 1 done",
    ],
)
async def test_a_customer_sending_an_order_command_gets_the_unknown_command_reply(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database, command: str
) -> None:
    await ann_orders(db, [OrderStatus.PAID])

    reply = await ask(emulator, command, ANN)

    assert reply.content == texts.UNKNOWN_COMMAND
    assert (await state(db, 1))[0] is OrderStatus.PAID
    assert await audit(db) == []


async def test_a_customer_pressing_a_forged_admin_button_sees_nothing(
    admin_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ann_orders(db, [OrderStatus.PAID])
    ann = emulator.user(ANN, "Ann")
    await ann.send("/start")
    menu = await ann.next_message()

    for data in ("aov:1:0:1", "aol:0:1"):
        answer = await ann.callback_answer(await ann.press_forged(menu, data))
        assert answer.show_alert and answer.text == texts.EXPIRED_BUTTON
    assert "Order #1" not in (ann.last_bot_message or menu).content


async def test_the_order_commands_are_listed_for_admins(
    admin_shop: ShopApplication, emulator: BotApiEmulator
) -> None:
    listing = (await ask(emulator, "/admin")).content

    orders_section = listing.split("Orders\n")[1]
    for usage in ("/allorders [status]", "/order <order id>", "/cancelorder <order id>"):
        assert usage in orders_section
    assert "/setstatus <order id> <shipped|delivered>" in orders_section
    assert "/refund <order id> [done]" in orders_section


async def test_a_refund_already_made_in_the_stripe_dashboard_is_explained_to_the_admin(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    paid = await paid_with_stripe(stripe_shop, emulator, db, stripe_api)
    assert stripe_shop.bot_data.stripe_gateway is not None
    await stripe_shop.bot_data.stripe_gateway.refund(
        paid.payment_intent, idempotency_key="made-in-the-dashboard"
    )

    answer = await ask(emulator, "/refund 1")

    assert "was already refunded (e.g. in the Stripe dashboard)" in answer.content
    assert await state(db, 1) == (OrderStatus.PAID, PaymentStatus.PAID, 8)
    assert len(stripe_api.refunds) == 1
