from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import (
    Order,
    OrderStatus,
    PaymentDetails,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    Size,
)
from bot.services import ledger
from bot.services import order as orders
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.payment_outcome import PaymentOutcome, PaymentResult
from tests.factories import make_order, make_product, make_user
from tests.refusals import refused

STRIPE = PaymentProvider.STRIPE
TELEGRAM = PaymentProvider.TELEGRAM
CARD: dict[str, Any] = {
    "provider": STRIPE,
    "provider_payment_method_id": "pm_1Abc",
    "brand": "visa",
    "last4": "4242",
    "exp_month": 12,
    "exp_year": 2030,
}


async def new_user(db: Database) -> int:
    async with db.transaction() as session:
        return (await make_user(session)).id


async def saved_cards(db: Database) -> list[PaymentDetails]:
    async with db.transaction() as session:
        return list((await session.scalars(select(PaymentDetails))).all())


async def unpaid_order(db: Database, status: OrderStatus = OrderStatus.PENDING_PAYMENT) -> Order:
    """An order of 2 × 4999 EUR from a size with 10 left."""
    async with db.transaction() as session:
        user = await make_user(session)
        product = await make_product(session, sizes={"M": 10})
        size = (await session.scalars(select(Size).where(Size.product_id == product.id))).one()
        return await make_order(
            session, user=user, product=product, size=size, quantity=2, status=status
        )


async def reload(db: Database, order_id: int) -> Order:
    async with db.transaction() as session:
        return await orders.get_order(session, order_id=order_id)


async def pay(db: Database, reference: str, **fields: Any) -> PaymentResult:
    arguments: dict[str, Any] = {
        "provider": STRIPE,
        "amount": 9998,
        "currency": "EUR",
        "actor": "stripe",
    }
    async with db.transaction() as session:
        return await ledger.mark_paid(session, reference=reference, **(arguments | fields))


async def attach(db: Database, order_id: int, session_id: str = "cs_test_1") -> None:
    async with db.transaction() as session:
        await ledger.attach_reference(
            session, order_id=order_id, provider=STRIPE, checkout_session_id=session_id
        )


# Saved payment methods


async def test_a_saved_card_keeps_only_tokens_and_what_identifies_it(db: Database) -> None:
    user_id = await new_user(db)

    async with db.transaction() as session:
        await ledger.save_payment_method(
            session, user_id=user_id, provider_customer_id="cus_9", **CARD
        )

    [card] = await saved_cards(db)
    assert (card.user_id, card.provider, card.provider_payment_method_id) == (
        user_id,
        STRIPE,
        "pm_1Abc",
    )
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2030)
    assert card.provider_customer_id == "cus_9"


async def test_saving_the_same_card_again_returns_the_first_row(db: Database) -> None:
    user_id = await new_user(db)
    async with db.transaction() as session:
        first = await ledger.save_payment_method(session, user_id=user_id, **CARD)

    async with db.transaction() as session:
        again = await ledger.save_payment_method(session, user_id=user_id, **CARD)

    assert again.id == first.id
    assert len(await saved_cards(db)) == 1


async def test_a_card_saved_by_another_customer_is_not_handed_over(db: Database) -> None:
    owner_id = await new_user(db)
    other_id = await new_user(db)
    async with db.transaction() as session:
        await ledger.save_payment_method(session, user_id=owner_id, **CARD)

    async with db.transaction() as session:
        with pytest.raises(NotAllowed):
            await ledger.save_payment_method(session, user_id=other_id, **CARD)

    assert [card.user_id for card in await saved_cards(db)] == [owner_id]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("provider_payment_method_id", "4242424242424242"),
        ("provider_payment_method_id", "4242 4242 4242 4242"),
        ("provider_payment_method_id", "4242-4242-4242-4242-424"),
        ("provider_payment_method_id", ""),
        ("provider_payment_method_id", "   "),
        ("last4", "424"),
        ("last4", "42424"),
        ("last4", "42a2"),
        ("last4", "٤٢٤٢"),  # Arabic-Indic digits are digits to Python, not to a card
        ("exp_month", 0),
        ("exp_month", 13),
        ("exp_year", 1999),
        ("exp_year", 2101),
        ("brand", " "),
    ],
)
async def test_a_card_with_bad_details_is_refused_and_nothing_is_stored(
    db: Database, field: str, value: object
) -> None:
    user_id = await new_user(db)

    async with db.transaction() as session:
        with pytest.raises(InvalidInput):
            await ledger.save_payment_method(session, user_id=user_id, **(CARD | {field: value}))

    assert await saved_cards(db) == []


async def test_a_card_number_is_refused_with_a_reason_a_customer_understands(
    db: Database,
) -> None:
    user_id = await new_user(db)

    async with db.transaction() as session:
        with refused(InvalidInput, "never store card numbers"):
            await ledger.save_payment_method(
                session, user_id=user_id, **(CARD | {"provider_payment_method_id": "4" * 16})
            )

    assert await saved_cards(db) == []


async def test_saved_cards_are_listed_newest_first_and_only_the_customers_own(
    db: Database,
) -> None:
    user_id = await new_user(db)
    other_id = await new_user(db)
    for token in ("pm_old", "pm_new"):
        async with db.transaction() as session:
            await ledger.save_payment_method(
                session, user_id=user_id, **(CARD | {"provider_payment_method_id": token})
            )
    async with db.transaction() as session:
        await ledger.save_payment_method(
            session, user_id=other_id, **(CARD | {"provider_payment_method_id": "pm_theirs"})
        )

    async with db.transaction() as session:
        cards = await ledger.list_payment_methods(session, user_id=user_id)

    assert [card.provider_payment_method_id for card in cards] == ["pm_new", "pm_old"]


async def test_a_customer_removes_their_saved_card(db: Database) -> None:
    user_id = await new_user(db)
    async with db.transaction() as session:
        card = await ledger.save_payment_method(session, user_id=user_id, **CARD)

    async with db.transaction() as session:
        await ledger.remove_payment_method(session, user_id=user_id, payment_method_id=card.id)

    assert await saved_cards(db) == []


async def test_another_customers_card_cannot_be_removed(db: Database) -> None:
    owner_id = await new_user(db)
    other_id = await new_user(db)
    async with db.transaction() as session:
        card = await ledger.save_payment_method(session, user_id=owner_id, **CARD)

    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await ledger.remove_payment_method(session, user_id=other_id, payment_method_id=card.id)

    assert [c.id for c in await saved_cards(db)] == [card.id]


# Payment references


async def test_attaching_a_checkout_creates_a_pending_payment_for_the_order_total(
    db: Database,
) -> None:
    order = await unpaid_order(db)

    async with db.transaction() as session:
        payment = await ledger.attach_reference(
            session, order_id=order.id, provider=STRIPE, checkout_session_id="cs_1", method="card"
        )

    assert payment.order_id == order.id
    stored = (await reload(db, order.id)).payment
    assert stored is not None
    assert (stored.amount, stored.currency, stored.status) == (9998, "EUR", PaymentStatus.PENDING)
    assert (stored.stripe_checkout_session_id, stored.method) == ("cs_1", "card")


async def test_attaching_again_updates_the_references_of_the_same_payment(db: Database) -> None:
    order = await unpaid_order(db)
    await attach(db, order.id, "cs_1")

    async with db.transaction() as session:
        await ledger.attach_reference(
            session,
            order_id=order.id,
            provider=STRIPE,
            checkout_session_id="cs_2",
            payment_intent_id="pi_2",
        )

    async with db.transaction() as session:
        rows = (await session.scalars(select(PaymentInformation))).all()
    assert [(p.stripe_checkout_session_id, p.stripe_payment_intent_id) for p in rows] == [
        ("cs_2", "pi_2")
    ]


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.CANCELLED])
async def test_an_order_not_awaiting_payment_takes_no_new_checkout(
    db: Database, status: OrderStatus
) -> None:
    order = await unpaid_order(db, status)

    async with db.transaction() as session:
        with refused(NotAllowed, f"Order #{order.id} is {status.value}"):
            await ledger.attach_reference(
                session, order_id=order.id, provider=STRIPE, checkout_session_id="cs_1"
            )

    assert (await reload(db, order.id)).payment is None


# Applying payments


async def test_a_matching_stripe_payment_pays_the_order(db: Database) -> None:
    order = await unpaid_order(db)
    await attach(db, order.id, "cs_1")

    result = await pay(db, "cs_1", currency="eur", payment_intent_id="pi_1")

    assert result == PaymentResult(PaymentOutcome.PAID, order.id)
    paid = await reload(db, order.id)
    assert paid.status is OrderStatus.PAID
    assert paid.payment is not None
    assert paid.payment.status is PaymentStatus.PAID
    assert paid.payment.paid_at is not None
    assert paid.payment.stripe_payment_intent_id == "pi_1"
    assert (paid.payment.received_amount, paid.payment.received_currency) == (9998, "EUR")
    last = paid.history[-1]
    assert (last.from_status, last.to_status, last.actor) == (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        "stripe",
    )


async def test_a_telegram_payment_creates_its_payment_record(db: Database) -> None:
    order = await unpaid_order(db)

    result = await pay(
        db,
        "tg_charge_1",
        provider=TELEGRAM,
        order_id=order.id,
        provider_charge_id="ch_provider_1",
        actor="telegram",
    )

    assert result.outcome is PaymentOutcome.PAID
    paid = await reload(db, order.id)
    assert paid.status is OrderStatus.PAID
    assert paid.payment is not None
    assert (paid.payment.provider, paid.payment.amount) == (TELEGRAM, 9998)
    assert paid.payment.telegram_payment_charge_id == "tg_charge_1"
    assert paid.payment.provider_payment_charge_id == "ch_provider_1"


async def test_the_same_payment_applied_twice_changes_nothing_the_second_time(
    db: Database,
) -> None:
    order = await unpaid_order(db)
    await attach(db, order.id, "cs_1")
    await pay(db, "cs_1")
    first = await reload(db, order.id)

    again = await pay(db, "cs_1")

    assert again == PaymentResult(PaymentOutcome.ALREADY_PAID, order.id)
    after = await reload(db, order.id)
    assert [h.to_status for h in after.history] == [OrderStatus.PENDING_PAYMENT, OrderStatus.PAID]
    assert after.payment is not None and first.payment is not None
    assert after.payment.paid_at == first.payment.paid_at


async def test_a_telegram_payment_found_by_its_charge_id_is_not_applied_twice(
    db: Database,
) -> None:
    order = await unpaid_order(db)
    await pay(db, "tg_1", provider=TELEGRAM, order_id=order.id)

    again = await pay(db, "tg_1", provider=TELEGRAM)

    assert again.outcome is PaymentOutcome.ALREADY_PAID
    assert len((await reload(db, order.id)).history) == 2


@pytest.mark.parametrize(("amount", "currency"), [(9997, "EUR"), (9998, "USD")])
async def test_a_payment_that_does_not_match_is_recorded_and_the_order_stays_unpaid(
    db: Database, amount: int, currency: str
) -> None:
    order = await unpaid_order(db)
    await attach(db, order.id, "cs_1")

    result = await pay(db, "cs_1", amount=amount, currency=currency)

    assert result == PaymentResult(PaymentOutcome.MISMATCH, order.id)
    after = await reload(db, order.id)
    assert after.status is OrderStatus.PENDING_PAYMENT
    assert len(after.history) == 1
    assert after.payment is not None
    assert after.payment.status is PaymentStatus.MISMATCH
    assert (after.payment.received_amount, after.payment.received_currency) == (amount, currency)
    assert after.payment.amount == 9998


async def test_money_for_a_cancelled_order_is_kept_on_record_for_a_refund(db: Database) -> None:
    order = await unpaid_order(db, OrderStatus.CANCELLED)

    result = await pay(db, "tg_late", provider=TELEGRAM, order_id=order.id)

    assert result == PaymentResult(PaymentOutcome.NOT_PAYABLE, order.id)
    after = await reload(db, order.id)
    assert after.status is OrderStatus.CANCELLED
    assert len(after.history) == 1
    assert after.payment is not None
    assert after.payment.status is PaymentStatus.REFUND_PENDING
    assert after.payment.received_amount == 9998
    assert after.payment.telegram_payment_charge_id == "tg_late"


async def test_a_second_payment_for_a_paid_order_is_flagged_and_not_recorded(
    db: Database,
) -> None:
    order = await unpaid_order(db)
    await pay(db, "tg_1", provider=TELEGRAM, order_id=order.id)

    result = await pay(db, "tg_2", provider=TELEGRAM, order_id=order.id)

    assert result.outcome is PaymentOutcome.NOT_PAYABLE
    after = await reload(db, order.id)
    assert after.payment is not None
    assert after.payment.telegram_payment_charge_id == "tg_1"
    assert len(after.history) == 2


async def test_an_unknown_reference_without_an_order_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await pay(db, "cs_unknown")

    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(PaymentInformation)) == 0


async def test_a_payment_for_a_missing_order_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await pay(db, "tg_1", provider=TELEGRAM, order_id=404)


# Refunds


async def test_refunding_a_paid_order_marks_both_refunded_and_keeps_the_stock(
    db: Database,
) -> None:
    order = await unpaid_order(db)
    await pay(db, "tg_1", provider=TELEGRAM, order_id=order.id)

    async with db.transaction() as session:
        refunded = await ledger.mark_refunded(session, order_id=order.id, actor="admin:1")

    assert refunded.status is OrderStatus.REFUNDED
    after = await reload(db, order.id)
    assert after.status is OrderStatus.REFUNDED
    assert after.payment is not None and after.payment.status is PaymentStatus.REFUNDED
    assert after.history[-1].actor == "admin:1"
    async with db.transaction() as session:
        assert await session.scalar(select(Size.stock)) == 10


async def test_refunding_late_money_for_a_cancelled_order_leaves_it_cancelled(
    db: Database,
) -> None:
    order = await unpaid_order(db, OrderStatus.CANCELLED)
    await pay(db, "tg_late", provider=TELEGRAM, order_id=order.id)

    async with db.transaction() as session:
        await ledger.mark_refunded(session, order_id=order.id, actor="admin:1")

    after = await reload(db, order.id)
    assert after.status is OrderStatus.CANCELLED
    assert after.payment is not None and after.payment.status is PaymentStatus.REFUNDED


async def test_an_order_without_money_received_cannot_be_refunded(db: Database) -> None:
    order = await unpaid_order(db)
    await attach(db, order.id)

    async with db.transaction() as session:
        with refused(NotAllowed, "no payment to refund"):
            await ledger.mark_refunded(session, order_id=order.id, actor="admin:1")

    after = await reload(db, order.id)
    assert after.status is OrderStatus.PENDING_PAYMENT
    assert after.payment is not None and after.payment.status is PaymentStatus.PENDING
