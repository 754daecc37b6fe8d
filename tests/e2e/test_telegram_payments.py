"""Paying with Telegram Payments, through the real Application and the Bot API emulator.

The shop runs with PAYMENT_PROVIDER=telegram: checkout ends with an invoice, the customer
confirms it (pre-checkout query), Telegram reports the money (successful_payment), and the
"paid" notice arrives from the outbox exactly once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from telegram import LabeledPrice

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.outbox_delivery import deliver_due
from bot.models import (
    Order,
    OrderStatus,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    ProviderEvent,
    Size,
    utcnow,
)
from bot.payments import telegram_payments as tg
from bot.runner import running_shop
from bot.services import order as orders
from bot.services.user import AddressInput
from tests.conftest import shop_settings
from tests.fakes.orders import ready_to_check_out

ANN, ADMIN = 42, 9001
PROVIDER_TOKEN = "TEST:PROVIDER"
HOME = AddressInput("Ann Example", "+49 30 1234567", "Main St 1", "Berlin", "", "10115", "DE")
NOT_OURS = "This payment request is not valid. Nothing was charged; please order again."


@pytest.fixture
async def paying_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    emulator.user(ADMIN, "Admin")  # the admin's chat exists, so alerts can be delivered
    settings = shop_settings(
        emulator,
        db,
        payment_provider="telegram",
        telegram_provider_token=PROVIDER_TOKEN,
        admin_ids=[ADMIN],
    )
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


async def _shopper(db: Database) -> int:
    """Ann, ready to check out; returns the sneakers' size id."""
    return await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)


async def _order_and_get_invoice(ann: SimulatedUser) -> Message:
    await ann.send("/start")
    assert "Ann" in (await ann.next_message()).content
    await ann.send("/cart")
    cart = await ann.next_message()
    await ann.callback_answer(await ann.press_button(cart, texts.CART_CHECKOUT))
    choice = await ann.next_message()
    await ann.callback_answer(await ann.press_button(choice, choice.button_texts[0]))
    summary = await ann.next_message()
    await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    placed = await ann.next_message()
    assert "Order #1 placed" in placed.content
    assert "please pay with the button below" in placed.content
    return await ann.next_message()


async def _order(db: Database) -> Order:
    async with db.reading() as session:
        return await orders.get_order(session, order_id=1)


async def _events(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(ProviderEvent)) or 0


def _paid_notices(user: SimulatedUser) -> list[str]:
    return [m.content for m in user.bot_messages if m.content.startswith("✅ Thank you!")]


async def test_paying_the_invoice_pays_the_order_and_says_so_once(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    size_id = await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    invoice = await _order_and_get_invoice(ann)

    assert invoice.invoice is not None
    assert (invoice.invoice["title"], invoice.invoice["currency"]) == ("Order #1", "EUR")
    assert invoice.invoice["total_amount"] == 11498
    assert invoice.invoice["description"] == "Classic Sneakers (M) × 2, Cap (M) × 1"
    (call,) = emulator.calls_to("sendInvoice")
    assert call.params["prices"] == [
        {"label": "Classic Sneakers (M) × 2", "amount": 9998},
        {"label": "Cap (M) × 1", "amount": 1500},
    ]
    assert call.params["provider_token"] == PROVIDER_TOKEN
    assert call.params["payload"].startswith("order:1:")
    key = tg.payload_key(emulator.token)
    assert tg.read_payload(call.params["payload"], amount=11498, currency="EUR", key=key) == 1
    async with db.reading() as session:
        payment = (await session.scalars(select(PaymentInformation))).one()
        assert (payment.provider, payment.status) == (
            PaymentProvider.TELEGRAM,
            PaymentStatus.PENDING,
        )

    answer = await ann.pay(invoice)

    assert (answer.ok, answer.error_message) == (True, None)
    notice = await ann.next_message()
    assert (
        notice.content
        == "✅ Thank you! We received €114.98 for order #1. We will let you know when it ships."
    )
    admin = emulator.user(ADMIN)
    assert (await admin.next_message()).content == "💰 New paid order #1: €114.98 from Ann."
    assert await deliver_due(paying_shop.bot, db) == 0
    assert _paid_notices(ann) == [notice.content]
    assert len(admin.bot_messages) == 1
    order = await _order(db)
    assert order.status is OrderStatus.PAID
    assert order.payment is not None
    assert order.payment.status is PaymentStatus.PAID
    assert order.payment.telegram_payment_charge_id is not None
    assert order.payment.provider_payment_charge_id is not None
    async with db.reading() as session:
        assert await session.scalar(select(Size.stock).where(Size.id == size_id)) == 3


async def test_a_repeated_successful_payment_pays_and_notifies_once(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    invoice = await _order_and_get_invoice(ann)
    answer = await ann.pre_checkout_answer(await ann.pre_checkout(invoice))
    assert answer.ok

    await ann.successful_payment(
        invoice, telegram_payment_charge_id="tg_1", provider_payment_charge_id="pr_1"
    )
    first = await ann.next_message()
    assert (await emulator.user(ADMIN).next_message()).content.startswith("💰 New paid order #1")
    await ann.successful_payment(
        invoice, telegram_payment_charge_id="tg_1", provider_payment_charge_id="pr_1"
    )
    await ann.send("/help")  # updates are handled in order: its reply follows the duplicate
    after = await ann.next_message()

    assert first.content.startswith("✅ Thank you!")
    assert not after.content.startswith("✅ Thank you!")
    assert await deliver_due(paying_shop.bot, db) == 0
    assert _paid_notices(ann) == [first.content]
    assert len(emulator.user(ADMIN).bot_messages) == 1
    order = await _order(db)
    assert [change.to_status for change in order.history].count(OrderStatus.PAID) == 1
    assert order.payment is not None
    assert (order.payment.telegram_payment_charge_id, order.payment.provider_payment_charge_id) == (
        "tg_1",
        "pr_1",
    )
    assert await _events(db) == 1


async def test_an_order_cancelled_for_want_of_payment_cannot_be_paid(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    invoice = await _order_and_get_invoice(ann)
    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(
            session, older_than=timedelta(minutes=60), now=utcnow() + timedelta(minutes=61)
        )
    assert expired == [1]

    answer = await ann.pay(invoice)

    assert not answer.ok
    assert answer.error_message == (
        "This order was cancelled because it wasn't paid in time. Please order again."
    )
    order = await _order(db)
    assert order.status is OrderStatus.CANCELLED
    assert order.payment is not None and order.payment.status is PaymentStatus.PENDING
    assert await _events(db) == 0


async def test_an_order_whose_amount_changed_is_refused_before_any_charge(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    invoice = await _order_and_get_invoice(ann)
    async with db.transaction() as session:
        await session.execute(update(Order).where(Order.id == 1).values(total=10000))

    answer = await ann.pay(invoice)

    assert not answer.ok
    assert (
        answer.error_message == "The amount changed; please check out again. Nothing was charged."
    )
    assert (await _order(db)).status is OrderStatus.PENDING_PAYMENT
    assert await _events(db) == 0


@pytest.mark.parametrize(
    ("payload", "amount"),
    [
        ("order:1", 11498),
        ("order:1:AAAAAAAAAAAAAAAAAAAAAA", 11498),
        (
            tg.invoice_payload(order_id=1, amount=11498, currency="EUR", key=tg.payload_key("1:X")),
            11498,
        ),
        (None, 100),  # our own payload on an invoice whose amount was changed
    ],
    ids=["unsigned", "forged", "other-bot", "tampered-amount"],
)
async def test_an_invoice_we_did_not_issue_is_refused_before_any_charge(
    paying_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    payload: str | None,
    amount: int,
) -> None:
    await _shopper(db)
    ann = emulator.user(ANN, "Ann")
    await _order_and_get_invoice(ann)
    genuine = emulator.calls_to("sendInvoice")[0].params["payload"]
    forged = await paying_shop.bot.send_invoice(
        ANN,
        "Order #1",
        "Cheap",
        payload or genuine,
        "EUR",
        [LabeledPrice("Everything", amount)],
        provider_token=PROVIDER_TOKEN,
    )

    answer = await ann.pay(forged.message_id)

    assert (answer.ok, answer.error_message) == (False, NOT_OURS)
    assert (await _order(db)).status is OrderStatus.PENDING_PAYMENT
    assert await _events(db) == 0
