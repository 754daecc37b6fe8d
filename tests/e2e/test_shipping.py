"""Shipping options in the chat: the options serving the address's country, the delivery line on
the summary, and the total with it charged through Stripe Checkout or a Telegram invoice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.devtools import stripe_simulator as simulate
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import Order, OrderStatus
from bot.runner import running_shop
from bot.services import order as orders
from bot.services.promo import PromoTerms
from bot.services.shipping import ShippingTerms
from bot.usecases import promos, shipping
from tests.conftest import shop_settings
from tests.fakes.orders import ready_to_check_out
from tests.fakes.stripe_shop import HOME, post_event, stripe_settings

ANN, ADMIN = 42, 7
PROVIDER_TOKEN = "TEST:PROVIDER"


@pytest.fixture
async def stripe_shop(
    emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> AsyncIterator[ShopApplication]:
    settings = stripe_settings(emulator, db, stripe_api, admin_ids=[ADMIN])
    async with running_shop(settings, db, token=emulator.token, web=True, jobs=False) as app:
        yield app


@pytest.fixture
async def paying_shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    emulator.user(ADMIN, "Admin")
    settings = shop_settings(
        emulator,
        db,
        payment_provider="telegram",
        telegram_provider_token=PROVIDER_TOKEN,
        admin_ids=[ADMIN],
    )
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


async def offer(
    db: Database, name: str, price: int, *, free_over: int | None = None, to: Sequence[str] = ()
) -> int:
    added = await shipping.add_shipping(
        db,
        admin_telegram_id=ADMIN,
        terms=ShippingTerms(name=name, price=price, free_over=free_over, countries=to),
        currency="EUR",
    )
    return added.id


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def after_the_address(ann: SimulatedUser) -> Message:
    """Ann's cart (€114.98 of sneakers and a cap), checked out to her Berlin address."""
    await ann.send("/cart")
    cart = await ann.next_message()
    choice = await tap(ann, cart, texts.CART_CHECKOUT)
    return await tap(ann, choice, choice.button_texts[0])


async def placed_order(db: Database) -> Order:
    async with db.reading() as session:
        return await orders.get_order(session, order_id=1)


async def order_count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Order)) or 0


async def test_a_german_address_is_offered_the_options_serving_germany_and_stripe_charges_the_pick(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "Royal Mail", 300, to=["GB"])
    await offer(db, "DHL", 490, to=["DE", "AT"])
    await offer(db, "Express", 1200)
    ann = emulator.user(ANN, "Ann")

    choice = await after_the_address(ann)

    assert choice.content == (
        "🚚 Delivery to Germany\n"
        "Your items come to €114.98. How should we send them? The price is added to the total."
    )
    assert choice.button_texts[:2] == ["DHL · €4.90", "Express · €12.00"]
    assert not any("Royal Mail" in label for label in choice.button_texts)
    summary = await tap(ann, choice, "DHL · €4.90")

    assert "🚚 Delivery (DHL): €4.90" in summary.content
    assert "Total: €119.88" in summary.content
    assert texts.CHECKOUT_CHANGE_SHIPPING in summary.button_texts
    placed = await tap(ann, summary, texts.CHECKOUT_PLACE)
    assert "Order #1 placed" in placed.content and "€119.88" in placed.content
    pay = await ann.next_message()

    order = await placed_order(db)
    assert (order.subtotal, order.shipping_name, order.shipping_price, order.total) == (
        11498,
        "DHL",
        490,
        11988,
    )
    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    lines = request.params["line_items"]
    assert lines[-1]["price_data"]["product_data"]["name"] == "DHL"
    assert (lines[-1]["price_data"]["unit_amount"], lines[-1]["quantity"]) == ("490", "1")
    [(session_id, page)] = stripe_api.sessions.items()
    assert page["amount_total"] == order.total
    assert pay.button("💳 Pay €119.88").url == page["url"]
    paid = stripe_api.pay(session_id)
    assert paid["amount_total"] == 11988
    completed = simulate.stripe_event("checkout.session.completed", paid)
    assert await post_event(stripe_shop, completed) == 200
    assert (await placed_order(db)).status is OrderStatus.PAID

    await ann.send("/orders")
    listing = await ann.next_message()
    details = await tap(ann, listing, listing.button_texts[0])
    assert "🚚 Delivery (DHL): €4.90\n\nTotal: €119.88" in details.content

    admin = emulator.user(ADMIN, "Admin")
    admin.skip_unread()
    await admin.send("/refund 1")
    refunding = await admin.next_message()
    assert "Stripe is refunding €119.88 for order #1" in refunding.content  # shipping too
    [refund] = stripe_api.refunds.values()
    assert refund["payment_intent"] == paid["payment_intent"]


async def test_the_only_option_serving_the_country_is_chosen_and_shown_at_once(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "Royal Mail", 300, to=["GB"])
    await offer(db, "DHL", 490, to=["DE", "AT"])
    ann = emulator.user(ANN, "Ann")

    summary = await after_the_address(ann)

    assert summary.content.startswith("🧾 Order summary")
    assert "🚚 Delivery (DHL): €4.90" in summary.content and "Total: €119.88" in summary.content
    assert texts.CHECKOUT_CHANGE_SHIPPING not in summary.button_texts
    await tap(ann, summary, texts.CHECKOUT_PLACE)
    assert (await placed_order(db)).total == 11988


async def test_no_option_for_the_country_says_so_and_offers_the_addresses_again(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "Royal Mail", 300, to=["GB"])
    ann = emulator.user(ANN, "Ann")

    refused = await after_the_address(ann)

    assert refused.content == (
        "🚚 Sorry, we don't deliver to Germany. Please choose another address, or add a new one."
    )
    assert texts.CHECKOUT_NEW_ADDRESS in refused.button_texts
    assert texts.CHECKOUT_PLACE not in refused.button_texts
    assert await order_count(db) == 0


async def test_an_order_reaching_the_threshold_ships_free(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "DHL", 490, free_over=10000, to=["DE"])
    ann = emulator.user(ANN, "Ann")

    summary = await after_the_address(ann)

    assert "🚚 Delivery (DHL): free" in summary.content and "Total: €114.98" in summary.content
    await tap(ann, summary, texts.CHECKOUT_PLACE)
    await ann.next_message()
    order = await placed_order(db)
    assert (order.shipping_name, order.shipping_price, order.total) == ("DHL", 0, 11498)
    [(_, page)] = stripe_api.sessions.items()
    assert page["amount_total"] == 11498
    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert len(request.params["line_items"]) == 2  # the items only: free delivery adds none


async def test_a_promo_code_never_reduces_the_shipping_on_the_telegram_invoice(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "DHL", 490, to=["DE"])
    await promos.add_promo(
        db, admin_telegram_id=ADMIN, code="ALL", terms=PromoTerms(percent_off=100), currency="EUR"
    )
    ann = emulator.user(ANN, "Ann")
    summary = await after_the_address(ann)
    await tap(ann, summary, texts.CHECKOUT_PROMO)
    await ann.send("all")
    discounted = await ann.next_message()

    assert "🏷 Promo code ALL: −€114.98\n🚚 Delivery (DHL): €4.90" in discounted.content
    assert "Total: €4.90" in discounted.content
    await tap(ann, discounted, texts.CHECKOUT_PLACE)
    invoice = await ann.next_message()
    (call,) = emulator.calls_to("sendInvoice")
    assert call.params["prices"] == [
        {"label": "Classic Sneakers (M) × 2", "amount": 9998},
        {"label": "Cap (M) × 1", "amount": 1500},
        {"label": "Promo code ALL", "amount": -11498},
        {"label": "Delivery: DHL", "amount": 490},
    ]
    order = await placed_order(db)
    assert (order.discount, order.shipping_price, order.total) == (11498, 490, 490)
    assert invoice.invoice is not None and invoice.invoice["total_amount"] == 490
    assert (await ann.pay(invoice)).ok


async def test_an_option_ended_while_the_summary_is_open_refuses_the_order(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    dhl = await offer(db, "DHL", 490, to=["DE"])
    ann = emulator.user(ANN, "Ann")
    summary = await after_the_address(ann)

    await shipping.end_shipping(db, admin_telegram_id=ADMIN, reference=str(dhl))
    await offer(db, "DHL Express", 990, to=["DE"])
    await ann.callback_answer(await ann.press_button(summary, texts.CHECKOUT_PLACE))
    cart = await ann.next_message()

    assert "The delivery option DHL is no longer offered. Please choose another one." in (
        cart.content
    )
    assert await order_count(db) == 0


async def test_the_admins_order_card_shows_the_delivery_line(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await offer(db, "DHL", 490, to=["DE"])
    ann = emulator.user(ANN, "Ann")
    await tap(ann, await after_the_address(ann), texts.CHECKOUT_PLACE)
    admin = emulator.user(ADMIN, "Admin")

    await admin.send("/order 1")
    card = (await admin.next_message()).content

    assert "🚚 Delivery (DHL): €4.90\nTotal: €119.88" in card
