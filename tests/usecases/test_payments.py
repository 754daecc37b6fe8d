"""Paying at the use-case level: Stripe pages and events, Telegram invoices and charges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import Order, OrderStatus, PaymentInformation
from bot.payments.stripe_events import EventResult
from bot.payments.stripe_gateway import StripeGateway
from bot.payments.telegram_payments import TelegramPaymentOutcome
from bot.services.errors import InvalidInput, NotAllowed, PaymentError
from bot.usecases import invoices
from bot.usecases.customers import Sender
from bot.usecases.invoices import Charge
from bot.usecases.payments import apply_stripe_event, start_payment
from tests.fakes.orders import PlacedOrder, place_order

HOLD = timedelta(hours=1)
BOT_TOKEN = "123:token"


def ann(placed: PlacedOrder) -> Sender:
    return Sender(placed.telegram_id, "Ann")


async def status_and_payments(db: Database, order_id: int) -> tuple[OrderStatus, int]:
    async with db.reading() as session:
        order = await session.get_one(Order, order_id)
        payments = (await session.scalars(select(PaymentInformation.id))).all()
        return order.status, len(payments)


async def test_without_a_stripe_gateway_starting_a_payment_is_a_payment_error(
    db: Database,
) -> None:
    placed = await place_order(db)

    with pytest.raises(PaymentError):
        await start_payment(
            db,
            None,
            sender=ann(placed),
            order_id=placed.order_id,
            bot_username="shop_bot",
            hold=HOLD,
        )

    assert await status_and_payments(db, placed.order_id) == (OrderStatus.PENDING_PAYMENT, 0)


async def test_a_stripe_event_is_applied_once(db: Database, stripe_api: FakeStripeApi) -> None:
    placed = await place_order(db)
    gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
    try:
        page = await start_payment(
            db,
            gateway,
            sender=ann(placed),
            order_id=placed.order_id,
            bot_username="shop_bot",
            hold=HOLD,
        )
        paid = simulate.stripe_event("checkout.session.completed", stripe_api.pay(page.id))

        first = await apply_stripe_event(db, gateway, event=paid, admin_chat_ids=[7])
        again = await apply_stripe_event(db, gateway, event=paid, admin_chat_ids=[7])
    finally:
        await gateway.close()

    assert (first, again) == (EventResult.PAID, EventResult.DUPLICATE)
    assert await status_and_payments(db, placed.order_id) == (OrderStatus.PAID, 1)


async def test_a_stripe_event_without_an_object_is_refused(db: Database) -> None:
    event = {"id": "evt_1", "type": "checkout.session.completed", "data": {}}

    with pytest.raises(InvalidInput):
        await apply_stripe_event(db, None, event=event, admin_chat_ids=[])


async def test_an_invoice_is_paid_once_after_its_check(db: Database) -> None:
    placed = await place_order(db)
    invoice = await invoices.prepare_invoice(db, order_id=placed.order_id, bot_token=BOT_TOKEN)
    assert (invoice.total, [line.quantity for line in invoice.lines]) == (placed.total, [2])

    await invoices.check_before_charge(
        db,
        payload=invoice.payload,
        amount=invoice.total,
        currency=invoice.currency,
        bot_token=BOT_TOKEN,
        hold=HOLD,
    )
    charge = Charge(invoice.payload, invoice.total, invoice.currency, "tg_1", "pc_1", 42)
    first = await invoices.record_telegram_payment(
        db, charge=charge, bot_token=BOT_TOKEN, admin_chat_ids=[]
    )
    again = await invoices.record_telegram_payment(
        db, charge=charge, bot_token=BOT_TOKEN, admin_chat_ids=[]
    )

    assert (first.outcome, again.outcome) == (
        TelegramPaymentOutcome.PAID,
        TelegramPaymentOutcome.DUPLICATE,
    )
    with pytest.raises(NotAllowed):
        await invoices.check_before_charge(
            db,
            payload=invoice.payload,
            amount=invoice.total,
            currency=invoice.currency,
            bot_token=BOT_TOKEN,
            hold=HOLD,
        )


async def test_an_invoice_for_another_amount_is_refused_before_the_charge(db: Database) -> None:
    placed = await place_order(db)
    invoice = await invoices.prepare_invoice(db, order_id=placed.order_id, bot_token=BOT_TOKEN)

    with pytest.raises(PaymentError):
        await invoices.check_before_charge(
            db,
            payload=invoice.payload,
            amount=invoice.total - 1,
            currency=invoice.currency,
            bot_token=BOT_TOKEN,
            hold=HOLD,
        )
