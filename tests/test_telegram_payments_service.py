"""Telegram Payments without Telegram: payloads, the pre-checkout check, applying a payment once.

Every case re-reads the whole outcome in a fresh transaction: the order, its payment, the
recorded events and exactly which notifications were queued.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import (
    OrderStatus,
    OutboxMessage,
    PaymentInformation,
    PaymentStatus,
    ProviderEvent,
    Size,
    utcnow,
)
from bot.payments import telegram_payments as tg
from bot.payments.telegram_payments import TelegramPaymentOutcome, TelegramPaymentResult
from bot.services import order as orders
from bot.services.errors import InvalidInput, NotAllowed, NotFound, PaymentError, ShopError
from bot.texts.errors import error_text
from tests.fakes.orders import PlacedOrder, place_order
from tests.notices import text_of

KEY = tg.payload_key("123456:TEST-TOKEN")
ADMINS = (9001, 9002)
HOLD = timedelta(minutes=60)
NOT_OURS = "This payment request is not valid. Nothing was charged; please order again."
TIMED_OUT = "This order was cancelled because it wasn't paid in time. Please order again."
AMOUNT_CHANGED = "The amount changed; please check out again. Nothing was charged."


@dataclass(frozen=True)
class Shop:
    """What a payment may change, read in one transaction."""

    status: OrderStatus
    payment: tuple[PaymentStatus, str | None, str | None, int | None] | None
    stock: list[int]
    events: list[tuple[str, str]]
    outbox: list[tuple[str, int]]


async def shop(db: Database, placed: PlacedOrder) -> Shop:
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
        payment = order.payment
        stock = await session.scalars(
            select(Size.stock).where(Size.id.in_(placed.size_ids)).order_by(Size.id)
        )
        events = await session.execute(select(ProviderEvent.provider, ProviderEvent.event_id))
        outbox = await session.execute(
            select(OutboxMessage.key, OutboxMessage.chat_id).order_by(OutboxMessage.key)
        )
        return Shop(
            status=order.status,
            payment=(
                payment.status,
                payment.telegram_payment_charge_id,
                payment.provider_payment_charge_id,
                payment.received_amount,
            )
            if payment
            else None,
            stock=list(stock),
            events=[(provider, event_id) for provider, event_id in events],
            outbox=[(key, chat_id) for key, chat_id in outbox],
        )


def notified(placed: PlacedOrder, what: str) -> list[tuple[str, int]]:
    base = f"order:{placed.order_id}:{what}"
    rows = [(f"{base}:customer", placed.telegram_id)]
    rows += [(f"{base}:admin:{chat_id}", chat_id) for chat_id in ADMINS]
    return sorted(rows)


async def outbox_text(db: Database, key: str) -> str:
    async with db.reading() as session:
        row = (await session.scalars(select(OutboxMessage).where(OutboxMessage.key == key))).one()
    return text_of(row)


async def apply(db: Database, placed: PlacedOrder, **fields: Any) -> TelegramPaymentResult:
    values: dict[str, Any] = {
        "order_id": placed.order_id,
        "telegram_charge_id": "tg_charge_1",
        "provider_charge_id": "pr_charge_1",
        "amount": placed.total,
        "currency": placed.currency,
        "payer_chat_id": placed.telegram_id,
        "admin_chat_ids": [*ADMINS, ADMINS[0]],
    }
    async with db.transaction() as session:
        return await tg.apply_successful_payment(session, **(values | fields))


async def check(db: Database, placed: PlacedOrder, **fields: Any) -> None:
    values: dict[str, Any] = {
        "order_id": placed.order_id,
        "amount": placed.total,
        "currency": placed.currency,
        "hold": HOLD,
    }
    async with db.reading() as session:
        await tg.check_payable(session, **(values | fields))


@pytest.fixture
async def placed(db: Database) -> PlacedOrder:
    """2 × €49.99 (stock 10 → 8), awaiting payment."""
    return await place_order(db)


PENDING = Shop(OrderStatus.PENDING_PAYMENT, None, [8], [], [])


# Payloads


def test_a_payload_names_its_order_and_fits_telegrams_limit() -> None:
    payload = tg.invoice_payload(order_id=123456789, amount=9998, currency="EUR", key=KEY)

    assert payload.startswith("order:123456789:")
    assert len(payload.encode()) <= 128
    assert tg.read_payload(payload, amount=9998, currency="eur", key=KEY) == 123456789


@pytest.mark.parametrize(
    ("payload", "amount", "currency", "key"),
    [
        ("order:1", 9998, "EUR", KEY),
        ("order:1:" + "A" * 22, 9998, "EUR", KEY),
        (tg.invoice_payload(order_id=2, amount=9998, currency="EUR", key=KEY), 9999, "EUR", KEY),
        (tg.invoice_payload(order_id=2, amount=9998, currency="EUR", key=KEY), 9998, "USD", KEY),
        (
            tg.invoice_payload(order_id=2, amount=9998, currency="EUR", key=KEY),
            9998,
            "EUR",
            tg.payload_key("654321:OTHER-BOT"),
        ),
        (
            tg.invoice_payload(order_id=2, amount=9998, currency="EUR", key=KEY) + "x",
            9998,
            "EUR",
            KEY,
        ),
    ],
    ids=["no-signature", "forged-signature", "other-amount", "other-currency", "other-bot", "tail"],
)
def test_a_payload_we_did_not_issue_for_this_amount_is_refused(
    payload: str, amount: int, currency: str, key: bytes
) -> None:
    with pytest.raises(PaymentError) as raised:
        tg.read_payload(payload, amount=amount, currency=currency, key=key)
    assert error_text(raised.value) == NOT_OURS


# The pre-checkout check


async def test_a_pending_order_for_the_invoiced_amount_may_be_paid(
    db: Database, placed: PlacedOrder
) -> None:
    await check(db, placed)

    assert await shop(db, placed) == PENDING


@pytest.mark.parametrize(
    ("fields", "kind", "reason"),
    [
        ({"amount": 9997}, PaymentError, AMOUNT_CHANGED),
        ({"currency": "USD"}, PaymentError, AMOUNT_CHANGED),
        ({"hold": timedelta(0)}, NotAllowed, TIMED_OUT),
        (
            {"order_id": 999},
            NotFound,
            "We couldn't find this order. Nothing was charged; please order again.",
        ),
    ],
    ids=["amount", "currency", "hold-ran-out", "missing"],
)
async def test_a_pending_order_that_does_not_match_is_refused_with_a_reason(
    db: Database, placed: PlacedOrder, fields: dict[str, Any], kind: type[ShopError], reason: str
) -> None:
    with pytest.raises(kind) as raised:
        await check(db, placed, **fields)

    assert error_text(raised.value) == reason
    assert await shop(db, placed) == PENDING


async def test_an_order_cancelled_for_want_of_payment_says_so(
    db: Database, placed: PlacedOrder
) -> None:
    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(
            session, older_than=HOLD, now=utcnow() + timedelta(minutes=61)
        )
    assert expired == [placed.order_id]

    with pytest.raises(NotAllowed) as raised:
        await check(db, placed)

    assert error_text(raised.value) == TIMED_OUT
    assert (await shop(db, placed)).stock == [10]


async def test_an_order_the_customer_cancelled_is_refused(
    db: Database, placed: PlacedOrder
) -> None:
    async with db.transaction() as session:
        await orders.cancel_order(session, order_id=placed.order_id, user_id=placed.user_id)

    with pytest.raises(NotAllowed) as raised:
        await check(db, placed)

    assert error_text(raised.value) == (
        f"Order #{placed.order_id} was cancelled, so nothing was charged. Please order again."
    )


async def test_a_paid_order_is_not_charged_again(db: Database, placed: PlacedOrder) -> None:
    await apply(db, placed)
    before = await shop(db, placed)

    with pytest.raises(NotAllowed) as raised:
        await check(db, placed)

    assert (
        error_text(raised.value)
        == f"Order #{placed.order_id} is already paid, so nothing was charged."
    )
    assert await shop(db, placed) == before


# Applying a successful payment


async def test_a_payment_pays_the_order_once_and_queues_one_notice_each(
    db: Database, placed: PlacedOrder
) -> None:
    result = await apply(db, placed)

    assert result == TelegramPaymentResult(TelegramPaymentOutcome.PAID, placed.order_id)
    assert await shop(db, placed) == Shop(
        status=OrderStatus.PAID,
        payment=(PaymentStatus.PAID, "tg_charge_1", "pr_charge_1", placed.total),
        stock=[8],
        events=[("telegram", "tg_charge_1")],
        outbox=notified(placed, "paid"),
    )
    text = await outbox_text(db, f"order:{placed.order_id}:paid:customer")
    assert f"We received €99.98 for order <b>#{placed.order_id}</b>" in text


async def test_the_same_payment_again_changes_nothing_and_notifies_nobody(
    db: Database, placed: PlacedOrder
) -> None:
    await apply(db, placed)
    before = await shop(db, placed)

    again = await apply(db, placed)

    assert again.outcome is TelegramPaymentOutcome.DUPLICATE
    assert await shop(db, placed) == before


async def test_simultaneous_duplicates_pay_once(db: Database, placed: PlacedOrder) -> None:
    results = await asyncio.gather(*(apply(db, placed) for _ in range(5)))

    outcomes = sorted(result.outcome for result in results)
    assert outcomes == [TelegramPaymentOutcome.DUPLICATE] * 4 + [TelegramPaymentOutcome.PAID]
    state = await shop(db, placed)
    assert (state.status, state.events, state.outbox) == (
        OrderStatus.PAID,
        [("telegram", "tg_charge_1")],
        notified(placed, "paid"),
    )
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    assert [change.to_status for change in order.history].count(OrderStatus.PAID) == 1


async def test_a_payment_that_does_not_match_is_recorded_and_admins_are_alerted(
    db: Database, placed: PlacedOrder
) -> None:
    result = await apply(db, placed, amount=placed.total - 1)

    assert result.outcome is TelegramPaymentOutcome.MISMATCH
    assert await shop(db, placed) == Shop(
        status=OrderStatus.PENDING_PAYMENT,
        payment=(PaymentStatus.MISMATCH, "tg_charge_1", "pr_charge_1", placed.total - 1),
        stock=[8],
        events=[("telegram", "tg_charge_1")],
        outbox=notified(placed, "mismatch"),
    )
    alert = await outbox_text(db, f"order:{placed.order_id}:mismatch:admin:9001")
    assert "expected €99.98, received €99.97" in alert


async def test_money_for_a_cancelled_order_is_kept_for_a_refund(
    db: Database, placed: PlacedOrder
) -> None:
    async with db.transaction() as session:
        await orders.cancel_order(session, order_id=placed.order_id, user_id=placed.user_id)

    result = await apply(db, placed)

    assert result.outcome is TelegramPaymentOutcome.NOT_PAYABLE
    state = await shop(db, placed)
    assert (state.status, state.payment, state.stock) == (
        OrderStatus.CANCELLED,
        (PaymentStatus.REFUND_PENDING, "tg_charge_1", "pr_charge_1", placed.total),
        [10],
    )
    assert [key.split(":")[2] for key, _ in state.outbox] == ["not_payable"] * 3


async def test_a_second_charge_for_a_paid_order_is_flagged_not_recorded_over_the_first(
    db: Database, placed: PlacedOrder
) -> None:
    await apply(db, placed)

    second = await apply(db, placed, telegram_charge_id="tg_charge_2", provider_charge_id="pr_2")

    assert second.outcome is TelegramPaymentOutcome.NOT_PAYABLE
    state = await shop(db, placed)
    assert state.payment == (PaymentStatus.PAID, "tg_charge_1", "pr_charge_1", placed.total)
    assert len(state.events) == 2
    assert len([key for key, _ in state.outbox if ":not_payable:" in key]) == 3


async def test_a_payment_for_no_order_of_ours_is_recorded_for_the_admins(
    db: Database, placed: PlacedOrder
) -> None:
    result = await apply(db, placed, order_id=None)

    assert result == TelegramPaymentResult(TelegramPaymentOutcome.UNMATCHED, None)
    state = await shop(db, placed)
    assert (state.status, state.payment, state.events) == (
        OrderStatus.PENDING_PAYMENT,
        None,
        [("telegram", "tg_charge_1")],
    )
    assert [chat_id for _, chat_id in state.outbox] == [*ADMINS, placed.telegram_id]
    alert = await outbox_text(db, state.outbox[0][0])
    assert "<code>tg_charge_1</code>" in alert and "<code>pr_charge_1</code>" in alert
    assert (await apply(db, placed, order_id=None)).outcome is TelegramPaymentOutcome.DUPLICATE
    assert await shop(db, placed) == state


async def test_a_payment_without_a_charge_id_is_refused_and_nothing_is_recorded(
    db: Database, placed: PlacedOrder
) -> None:
    with pytest.raises(InvalidInput):
        await apply(db, placed, telegram_charge_id="")

    assert await shop(db, placed) == PENDING
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(PaymentInformation)) == 0
