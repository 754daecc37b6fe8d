"""Notifications are queued as a notice key and plain parameters; words come at send time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import OutboxMessage
from bot.services import notifications
from bot.services.payment_outcome import PaymentOutcome
from bot.texts.notices import LEGACY_TEXT, NoticeError, render_notice
from tests.fakes.orders import place_order
from tests.notices import text_of

ADMIN = 9001


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_a_queued_notification_holds_a_key_and_plain_values_not_words(db: Database) -> None:
    placed = await place_order(db)
    async with db.transaction() as session:
        await notifications.announce_payment(
            session,
            order_id=placed.order_id,
            outcome=PaymentOutcome.PAID,
            amount=9998,
            currency="eur",
            admin_chat_ids=[ADMIN],
            payment_ref="1",
        )

    customer, admin = await _rows(db)

    paid = {"order_id": placed.order_id, "amount": 9998, "currency": "eur"}
    assert (customer.chat_id, customer.message_key, customer.params) == (
        placed.telegram_id,
        "order.paid",
        paid,
    )
    assert (admin.chat_id, admin.message_key, admin.params) == (
        ADMIN,
        "admin.paid",
        {**paid, "customer": "Ann"},
    )
    assert not hasattr(customer, "text")
    assert text_of(customer) == (
        f"✅ Thank you! We received €99.98 for order <b>#{placed.order_id}</b>. "
        "We will let you know when it ships."
    )


async def test_a_cancellation_carries_its_refund_as_an_amount_and_a_currency(
    db: Database,
) -> None:
    placed = await place_order(db)
    async with db.transaction() as session:
        await notifications.announce_cancelled_by_shop(
            session, placed.order_id, refund=(9998, "eur")
        )

    (row,) = await _rows(db)

    assert row.params == {
        "order_id": placed.order_id,
        "refund_amount": 9998,
        "refund_currency": "eur",
    }
    assert "Your payment of €99.98 will be refunded to you." in text_of(row)


def test_names_from_people_are_escaped_when_rendered() -> None:
    text, _ = render_notice("order.shipped", {"order_id": 3, "address": "A <b> & Co"})
    assert text.endswith("It is on its way to\nA &lt;b&gt; &amp; Co")


def test_buttons_are_labelled_from_their_label_keys() -> None:
    stored = [[{"label": "order.open", "params": {"order_id": 5}, "callback_data": "o:5"}]]
    _, buttons = render_notice("order.delivered", {"order_id": 5}, stored)
    assert buttons == [[{"text": "Order #5", "callback_data": "o:5"}]]


def test_a_language_without_catalogues_is_shown_in_english() -> None:
    english = render_notice("order.expired", {"order_id": 2})
    assert render_notice("order.expired", {"order_id": 2}, language="xx") == english


def test_an_old_row_keeps_its_words_verbatim() -> None:
    assert render_notice(LEGACY_TEXT, {"text": "Your <b>parcel</b> left."}) == (
        "Your <b>parcel</b> left.",
        None,
    )


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("order.teleported", {"order_id": 1}),
        ("order.paid", {"order_id": 1}),
        ("order.paid", {"order_id": 1, "amount": 5, "currency": "eur", "tip": 1}),
        ("order.paid", {"order_id": 1, "amount": 5, "currency": 7}),
        (LEGACY_TEXT, {"text": 5}),
    ],
)
def test_a_notice_that_does_not_fit_its_catalogue_is_refused(
    key: str, params: dict[str, object]
) -> None:
    with pytest.raises(NoticeError):
        render_notice(key, params)


@pytest.mark.parametrize(
    "button",
    [
        {"label": "order.open", "params": {"order_id": 1}},
        {"label": "order.open", "params": {"order_id": 1}, "pay": "now"},
        {"label": "order.open", "params": {"order_id": 1}, "url": "u", "callback_data": "c"},
        {"label": "order.open", "params": {"order_id": 1}, "callback_data": 5},
        {"label": "order.close", "callback_data": "c"},
        {"callback_data": "c"},
        {"label": "product.open", "product": "12"},
        {"label": "product.open", "product": True},
    ],
)
def test_a_button_that_does_not_fit_is_refused(button: dict[str, object]) -> None:
    with pytest.raises(NoticeError):
        render_notice(LEGACY_TEXT, {"text": "Hi"}, [[button]])


def test_buttons_that_are_not_rows_are_refused() -> None:
    with pytest.raises(NoticeError):
        render_notice(LEGACY_TEXT, {"text": "Hi"}, 5)  # type: ignore[arg-type]
