"""Saving the card with Stripe: a choice on the order summary, off until the customer turns it
on, kept with the order, and honoured when Stripe's signed webhook says the order is paid.

The shop runs with its web server on loopback and Stripe at the fake; the webhook gets the
Checkout Session exactly as the fake completed it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import PaymentDetails, PaymentProvider
from bot.runner import running_shop
from bot.services import dialog
from tests.fakes.stripe_shop import hoodie_for_ann, post_event, stripe_settings

ANN = 42
SESSIONS = "/v1/checkout/sessions"
SAVE_OFF, SAVE_ON = texts.CHECKOUT_SAVE_CARD_OFF, texts.CHECKOUT_SAVE_CARD_ON


@pytest.fixture
async def stripe_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api)
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


@pytest.fixture
async def ann_id(db: Database) -> int:
    """A €49.99 hoodie in size M, and Ann with a saved address."""
    return await hoodie_for_ann(db, telegram_id=ANN, stock=10)


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def summary_for_a_hoodie(ann: SimulatedUser) -> Message:
    """From a search to the order summary, with one hoodie in the cart."""
    await ann.send("hoodie")
    card = await tap(ann, await ann.next_message(), "Hoodie · €49.99")
    card = await tap(ann, card, "➕ Add to cart")
    cart = await tap(ann, card, "🛒 Go to cart")
    addresses = await tap(ann, cart, "✅ Checkout")
    return await tap(ann, addresses, addresses.buttons[0][0].text)


async def place(ann: SimulatedUser, summary: Message) -> Message:
    """Place the order; returns the message offering payment."""
    placed = await tap(ann, summary, "✅ Place order")
    assert "placed" in placed.content
    return await ann.next_message()


async def step_data(db: Database, user_id: int) -> dict[str, Any]:
    async with db.reading() as session:
        step = await dialog.current_step(session, user_id=user_id)
    assert step is not None and (step.flow, step.step) == ("checkout", "confirm")
    return step.data


async def saved_cards(db: Database) -> list[tuple[Any, ...]]:
    async with db.reading() as session:
        rows = await session.scalars(select(PaymentDetails).order_by(PaymentDetails.id))
        return [
            (
                card.user_id,
                card.provider,
                card.provider_customer_id,
                card.provider_payment_method_id,
                card.brand,
                card.last4,
                card.exp_month,
                card.exp_year,
            )
            for card in rows
        ]


async def pay(app: ShopApplication, stripe_api: FakeStripeApi, session_id: str, **how: Any) -> None:
    """The customer pays on Stripe's page, and Stripe tells the shop (twice, as it may)."""
    paid = simulate.stripe_event("checkout.session.completed", stripe_api.pay(session_id, **how))
    assert await post_event(app, paid) == 200
    assert await post_event(app, paid) == 200


async def test_saving_the_card_is_off_until_the_customer_turns_it_on(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, ann_id: int
) -> None:
    ann = emulator.user(ANN, "Ann")

    summary = await summary_for_a_hoodie(ann)
    assert SAVE_OFF in summary.button_texts
    assert texts.CHECKOUT_CARD_SAVED_NOTE not in summary.content
    assert (await step_data(db, ann_id))["save_card"] is False

    on = await tap(ann, summary, SAVE_OFF)
    assert on.message_id == summary.message_id
    assert SAVE_ON in on.button_texts and SAVE_OFF not in on.button_texts
    assert "saved with Stripe" in on.content and "/payments" in on.content
    assert (await step_data(db, ann_id))["save_card"] is True

    off = await tap(ann, on, SAVE_ON)
    assert SAVE_OFF in off.button_texts
    assert (await step_data(db, ann_id))["save_card"] is False


async def test_a_card_is_not_kept_unless_the_customer_chose_it(
    stripe_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    stripe_api: FakeStripeApi,
    ann_id: int,
) -> None:
    ann = emulator.user(ANN, "Ann")

    await place(ann, await summary_for_a_hoodie(ann))
    [request] = stripe_api.requests_to("POST", SESSIONS)
    [session_id] = stripe_api.sessions
    await pay(stripe_shop, stripe_api, session_id)

    for saving in ("customer", "customer_creation", "payment_method_data"):
        assert saving not in request.params
    assert "setup_future_usage" not in request.params["payment_intent_data"]
    assert request.params["metadata"] == {"order_id": "1"}
    assert "-no-save-" in request.headers["Idempotency-Key"]
    assert [method["customer"] for method in stripe_api.payment_methods.values()] == [None]
    assert await saved_cards(db) == []


async def test_a_saved_card_is_listed_and_offered_when_the_customer_next_pays(
    stripe_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    stripe_api: FakeStripeApi,
    ann_id: int,
) -> None:
    ann = emulator.user(ANN, "Ann")

    summary = await summary_for_a_hoodie(ann)
    await place(ann, await tap(ann, summary, SAVE_OFF))
    [first] = stripe_api.requests_to("POST", SESSIONS)
    [first_id] = stripe_api.sessions
    await pay(stripe_shop, stripe_api, first_id)

    assert first.params["customer_creation"] == "always"
    assert first.params["payment_intent_data"]["setup_future_usage"] == "on_session"
    assert first.params["payment_method_data"] == {"allow_redisplay": "always"}
    assert first.params["metadata"] == {"order_id": "1", "save_card": "true"}
    assert "-save-card-" in first.headers["Idempotency-Key"]
    customer = stripe_api.sessions[first_id]["customer"]
    [card] = stripe_api.payment_methods
    assert await saved_cards(db) == [
        (ann_id, PaymentProvider.STRIPE, customer, card, "visa", "4242", 12, 2034)
    ]
    await ann.send("/payments")
    assert "Visa •••• 4242 · exp 12/34" in (await ann.next_message()).content

    # The next order: saving is off again, and Stripe offers the saved card.
    summary = await summary_for_a_hoodie(ann)
    assert SAVE_OFF in summary.button_texts
    await place(ann, summary)
    second = stripe_api.requests_to("POST", SESSIONS)[1]
    second_id = next(s for s in stripe_api.sessions if s != first_id)
    await pay(stripe_shop, stripe_api, second_id, saved_card=card)

    assert second.params["customer"] == customer
    assert "customer_creation" not in second.params
    assert "setup_future_usage" not in second.params["payment_intent_data"]
    assert stripe_api.offered_cards(second_id) == [card]
    assert len(await saved_cards(db)) == 1


async def test_the_choice_holds_for_every_payment_page_of_the_order(
    stripe_shop: ShopApplication,
    emulator: BotApiEmulator,
    db: Database,
    stripe_api: FakeStripeApi,
    ann_id: int,
) -> None:
    ann = emulator.user(ANN, "Ann")
    stripe_api.fail_next(status=400, type="invalid_request_error", message="try later")

    summary = await summary_for_a_hoodie(ann)
    failed = await place(ann, await tap(ann, summary, SAVE_OFF))
    offer = await tap(ann, failed, texts.PAY_TRY_AGAIN)

    refused, retried = stripe_api.requests_to("POST", SESSIONS)
    assert retried.params == refused.params
    assert retried.params["payment_intent_data"]["setup_future_usage"] == "on_session"
    [session_id] = stripe_api.sessions
    assert offer.button("💳 Pay €49.99").url == stripe_api.sessions[session_id]["url"]
    await pay(stripe_shop, stripe_api, session_id)
    assert len(await saved_cards(db)) == 1


async def test_where_cards_cannot_be_saved_the_choice_is_not_offered(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database, ann_id: int
) -> None:
    ann = emulator.user(ANN, "Ann")

    summary = await summary_for_a_hoodie(ann)

    assert summary.button_texts == ["🏷 Promo code", "✅ Place order", "✖ Cancel"]
    assert (await step_data(db, ann_id))["save_card"] is False
