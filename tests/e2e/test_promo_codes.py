"""Promo codes in the chat: a promo link or a code typed on the summary, the discount line, and
paying the discounted total through Stripe Checkout or a Telegram invoice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.models import Address, Order, OrderStatus, PromoCode, Size, utcnow
from bot.payments.stripe_gateway import StripeGateway
from bot.runner import running_shop
from bot.services import cart as carts
from bot.services import order as orders
from bot.services import promo as promo_service
from bot.services.promo import PromoTerms
from bot.usecases import promos
from bot.usecases.customers import Sender, shopper
from tests.conftest import shop_settings
from tests.fakes.orders import ready_to_check_out
from tests.fakes.stripe_shop import (
    HOME,
    SECRET_KEY,
    hoodie_for_ann,
    paid_event,
    post_event,
    stripe_settings,
)

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


async def add_code(db: Database, code: str, terms: PromoTerms) -> None:
    await promos.add_promo(db, admin_telegram_id=ADMIN, code=code, terms=terms, currency="EUR")


async def tap(user: SimulatedUser, message: Message, label: str) -> Message:
    await user.callback_answer(await user.press_button(message, label))
    return await user.next_message()


async def summary_of_cart(ann: SimulatedUser) -> Message:
    await ann.send("/cart")
    cart = await ann.next_message()
    choice = await tap(ann, cart, texts.CART_CHECKOUT)
    return await tap(ann, choice, choice.button_texts[0])


async def type_code(ann: SimulatedUser, summary: Message, code: str) -> Message:
    prompt = await tap(ann, summary, texts.CHECKOUT_PROMO)
    assert prompt.content == texts.PROMO_PROMPT
    await ann.send(code)
    return await ann.next_message()


async def test_a_promo_link_discounts_the_order_and_stripe_charges_the_discounted_total(
    stripe_shop: ShopApplication, emulator: BotApiEmulator, db: Database, stripe_api: FakeStripeApi
) -> None:
    await hoodie_for_ann(db, telegram_id=ANN, stock=5)
    await add_code(db, "SPRING10", PromoTerms(percent_off=10, min_total=5000, per_customer=1))
    ann = emulator.user(ANN, "Ann")

    await ann.send("/start promo_SPRING10")
    await ann.next_message()
    news = await ann.next_message()
    assert news.content == (
        "🏷 Promo code SPRING10 is on your cart: 10% off, on orders of €50.00 or more, "
        "1 order per customer. "
        "You will see the discount on the order summary."
    )
    await ann.send("hoodie")
    card = await tap(ann, await ann.next_message(), "Hoodie · €49.99")
    card = await tap(ann, card, "+")
    card = await tap(ann, card, "➕ Add to cart")
    cart = await tap(ann, card, "🛒 Go to cart")
    addresses = await tap(ann, cart, texts.CART_CHECKOUT)
    summary = await tap(ann, addresses, addresses.buttons[0][0].text)

    assert "Subtotal: €99.98\n🏷 Promo code SPRING10: −€10.00" in summary.content
    assert "Total: €89.98" in summary.content
    assert texts.CHECKOUT_REMOVE_PROMO in summary.button_texts
    placed = await tap(ann, summary, texts.CHECKOUT_PLACE)
    assert "Order #1 placed" in placed.content and "€89.98" in placed.content
    offer = await ann.next_message()

    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
    assert (order.subtotal, order.discount, order.total) == (9998, 1000, 8998)
    assert order.promo_code == "SPRING10"
    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    [(session_id, page)] = stripe_api.sessions.items()
    [coupon] = stripe_api.coupons.values()
    assert request.params["discounts"] == [{"coupon": coupon["id"]}]
    assert (coupon["amount_off"], coupon["currency"], coupon["duration"]) == (1000, "eur", "once")
    assert coupon["name"] == "SPRING10"
    assert page["amount_subtotal"] == order.subtotal
    assert page["total_details"]["amount_discount"] == order.discount
    assert page["amount_total"] == order.total
    assert offer.button("💳 Pay €89.98").url == page["url"]

    paid = paid_event(session_id=session_id, order_id=1, amount=8998, currency="EUR")
    assert await post_event(stripe_shop, paid) == 200
    async with db.reading() as session:
        assert (await orders.get_order(session, order_id=1)).status is OrderStatus.PAID


async def discounted_order(db: Database) -> Order:
    """Ann's order of one €49.99 hoodie with €5.00 off."""
    await hoodie_for_ann(db, telegram_id=ANN, stock=5)
    await add_code(db, "FIVEOFF", PromoTerms(amount_off=500))
    async with db.transaction() as session:
        ann = await shopper(session, Sender(ANN, "Ann"))
        size = (await session.scalars(select(Size))).one()
        await carts.add_item(session, user_id=ann.id, product_id=size.product_id, size_id=size.id)
        code = await promo_service.apply_to_cart(session, user_id=ann.id, code="fiveoff")
        address = (await session.scalars(select(Address))).one()
        placed = await orders.place_order(
            session, user_id=ann.id, address_id=address.id, promo_code_id=code.id
        )
    async with db.reading() as session:
        return await orders.get_order(session, order_id=placed.id)


async def payment_pages(stripe_api: FakeStripeApi, order: Order, times: int) -> list[str]:
    """Ask for the order's payment page `times` times; the session ids Stripe answered."""
    gateway = StripeGateway(secret_key=SECRET_KEY, api_base=stripe_api.base_url)
    deadline = utcnow() + timedelta(hours=1)
    try:
        return [
            (
                await gateway.create_checkout_session(
                    order,
                    success_url="https://t.me/x",
                    cancel_url="https://t.me/y",
                    expires_at=deadline,
                )
            ).id
            for _ in range(times)
        ]
    finally:
        await gateway.close()


async def test_the_same_discounted_order_makes_the_same_stripe_request(
    db: Database, stripe_api: FakeStripeApi
) -> None:
    """The coupon's id comes from the order, so asking again (after a timeout, say) repeats
    the request exactly: one coupon, one payment page."""
    order = await discounted_order(db)

    first, again = await payment_pages(stripe_api, order, 2)

    assert first == again and stripe_api.sessions[first]["amount_total"] == order.total == 4499
    assert len(stripe_api.sessions) == 1 and len(stripe_api.coupons) == 1
    keys = {
        r.headers["Idempotency-Key"]
        for r in stripe_api.requests_to("POST", "/v1/checkout/sessions")
    }
    assert len(keys) == 1


async def test_a_coupon_stripe_already_has_for_the_order_is_used_again(
    db: Database, stripe_api: FakeStripeApi
) -> None:
    """Made once before, with a key Stripe has since forgotten: Stripe says it exists."""
    order = await discounted_order(db)
    coupon_id = f"order-{order.id}-off-500-eur"
    stripe_api.coupons[coupon_id] = {
        "id": coupon_id,
        "amount_off": 500,
        "percent_off": None,
        "currency": "eur",
    }

    [page] = await payment_pages(stripe_api, order, 1)

    assert stripe_api.sessions[page]["discounts"] == [{"coupon": coupon_id}]
    assert stripe_api.sessions[page]["amount_total"] == 4499


async def test_a_code_typed_on_the_summary_is_on_the_telegram_invoice_as_a_discount(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await add_code(db, "TENOFF", PromoTerms(amount_off=1000))
    ann = emulator.user(ANN, "Ann")
    summary = await summary_of_cart(ann)
    assert "Total: €114.98" in summary.content

    await tap(ann, summary, texts.CHECKOUT_PROMO)
    await ann.send("no-such-code")
    assert "There is no promo code “NO-SUCH-CODE”" in (await ann.next_message()).content
    await ann.send("tenoff")  # still asked for a code; case doesn't matter
    discounted = await ann.next_message()

    assert "🏷 Promo code TENOFF: −€10.00" in discounted.content
    assert "Total: €104.98" in discounted.content
    placed = await tap(ann, discounted, texts.CHECKOUT_PLACE)
    assert "€104.98" in placed.content
    invoice = await ann.next_message()
    (call,) = emulator.calls_to("sendInvoice")
    assert call.params["prices"] == [
        {"label": "Classic Sneakers (M) × 2", "amount": 9998},
        {"label": "Cap (M) × 1", "amount": 1500},
        {"label": "Promo code TENOFF", "amount": -1000},
    ]
    assert invoice.invoice is not None
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
    assert invoice.invoice["total_amount"] == order.total == 10498
    assert sum(price["amount"] for price in call.params["prices"]) == order.total

    answer = await ann.pay(invoice)

    assert answer.ok
    assert "We received €104.98 for order #1" in (await ann.next_message()).content
    await ann.send("/orders")
    history = await ann.next_message()
    details = await tap(ann, history, history.buttons[0][0].text)
    assert "Subtotal: €114.98\n🏷 Promo code TENOFF: −€10.00\n\nTotal: €104.98" in details.content
    admin = emulator.user(ADMIN)
    assert (await admin.next_message()).content == "💰 New paid order #1: €104.98 from Ann."
    await admin.send("/order 1")
    card = await admin.next_message()
    assert "Subtotal: €114.98\n🏷 Promo code TENOFF: −€10.00\nTotal: €104.98" in card.content


async def test_removing_the_code_on_the_summary_restores_the_total(
    paying_shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await ready_to_check_out(db, telegram_id=ANN, first_name="Ann", address=HOME)
    await add_code(db, "HALF", PromoTerms(percent_off=50))
    ann = emulator.user(ANN, "Ann")
    discounted = await type_code(ann, await summary_of_cart(ann), "HALF")
    assert "Total: €57.49" in discounted.content  # 114.98 / 2

    restored = await tap(ann, discounted, texts.CHECKOUT_REMOVE_PROMO)

    assert "Total: €114.98" in restored.content and "HALF" not in restored.content
    assert texts.CHECKOUT_PROMO in restored.button_texts
    placed = await tap(ann, restored, texts.CHECKOUT_PLACE)
    assert "€114.98" in placed.content


async def test_a_promo_link_for_a_used_up_code_says_why(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await add_code(db, "GONE", PromoTerms(percent_off=10, max_uses=1))
    async with db.transaction() as session:
        await session.execute(update(PromoCode).values(uses=1))  # someone used it
    ann = emulator.user(ANN, "Ann")

    await ann.send("/start promo_gone")
    await ann.next_message()

    assert (await ann.next_message()).content == "🏷 The promo code GONE has been used up."
