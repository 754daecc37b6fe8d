"""Digital goods paid in Telegram Stars, through the real Application and the Bot API emulator.

The shop takes Telegram Payments for what it ships; an admin makes a product digital (a pool of
one-time keys imported from a CSV file), and a customer buys it with Stars: no address, an
invoice in XTR with one price and no provider token, the key sent once through the outbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.app import ShopApplication
from bot.db import Database
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.messages import Message
from bot.emulator.users import SimulatedUser
from bot.jobs.outbox_delivery import deliver_due
from bot.models import DigitalKey, Order, OrderStatus, PaymentProvider, Product, Size
from bot.runner import running_shop
from bot.services import cart
from bot.services import order as orders
from bot.services.errors import NotAllowed
from bot.services.user import get_by_telegram_id
from bot.texts import support as support_texts
from tests.conftest import shop_settings
from tests.factories import make_product, make_user

ANN, BEN, ADMIN = 42, 43, 9001
KEYS_CSV = b"key\nAAAA-1111\nBBBB-2222\n"


@pytest.fixture
async def shop(emulator: BotApiEmulator, db: Database) -> AsyncIterator[ShopApplication]:
    emulator.user(ADMIN, "Admin")
    settings = shop_settings(
        emulator,
        db,
        payment_provider="telegram",
        telegram_provider_token="TEST:PROVIDER",
        admin_ids=[ADMIN],
        stars_per_unit=50,
    )
    async with running_shop(settings, db, token=emulator.token) as app:
        yield app


async def _catalogue(db: Database) -> tuple[int, int]:
    """A game key at €4.99 (no keys yet) and a cap at €15.00; Ann and Ben are customers."""
    async with db.transaction() as session:
        for telegram_id, name in ((ANN, "Ann"), (BEN, "Ben")):
            await make_user(session, telegram_id=telegram_id, first_name=name)
        game = await make_product(session, name="Game key", price=499, sizes={"Key": 0})
        cap = await make_product(session, name="Cap", price=1500, sizes={"M": 5})
        return game.id, cap.id


async def _size(db: Database, product_id: int) -> int:
    async with db.reading() as session:
        return (await session.scalars(select(Size.id).where(Size.product_id == product_id))).one()


async def _add(db: Database, telegram_id: int, product_id: int) -> None:
    size_id = await _size(db, product_id)
    async with db.transaction() as session:
        user = await get_by_telegram_id(session, telegram_id)
        await cart.add_item(session, user_id=user.id, product_id=product_id, size_id=size_id)


async def _make_digital_with_keys(emulator: BotApiEmulator, product_id: int) -> list[str]:
    admin = emulator.user(ADMIN)
    await admin.send(f"/editproduct {product_id} digital keys")
    made = (await admin.next_message()).content
    await admin.send_document(KEYS_CSV, file_name="keys.csv", caption=f"/importkeys {product_id}")
    imported = (await admin.next_message()).content
    return [made, imported]


async def _checkout(user: SimulatedUser) -> tuple[Message, Message, Message]:
    """From the cart to the invoice: the summary, the placed order, the invoice."""
    await user.send("/cart")
    shown = await user.next_message()
    await user.callback_answer(await user.press_button(shown, texts.CART_CHECKOUT))
    summary = await user.next_message()
    await user.callback_answer(await user.press_button(summary, texts.CHECKOUT_PLACE))
    placed = await user.next_message()
    return summary, placed, await user.next_message()


async def test_a_customer_buys_a_key_with_stars_and_receives_it_once(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    game, _ = await _catalogue(db)
    made, imported = await _make_digital_with_keys(emulator, game)
    await _add(db, ANN, game)
    ann = emulator.user(ANN, "Ann")

    summary, placed, invoice = await _checkout(ann)

    assert "Game key (#1) is digital" in made and "⭐ 250" in made
    assert "2 keys added" in imported and "Unsold keys: 2" in imported
    assert "⭐ 250" in summary.content and "No address needed" in summary.content
    assert "Order #1 placed" in placed.content and "⭐ 250" in placed.content
    assert invoice.invoice is not None
    assert (invoice.invoice["currency"], invoice.invoice["total_amount"]) == ("XTR", 250)
    (call,) = emulator.calls_to("sendInvoice")
    assert "provider_token" not in call.params
    assert len(call.params["prices"]) == 1

    answer = await ann.pre_checkout_answer(await ann.pre_checkout(invoice))
    await ann.successful_payment(invoice, telegram_payment_charge_id="star-1")
    paid, key = await ann.next_message(), await ann.next_message()
    await ann.successful_payment(invoice, telegram_payment_charge_id="star-1")  # repeated
    await ann.send("/help")
    after = await ann.next_message()

    assert answer.ok
    assert paid.content.startswith("✅ Thank you! We received ⭐ 250 for order #1.")
    assert key.content == "📩 Game key from order #1\n\nAAAA-1111"
    assert not after.content.startswith(("✅", "📩"))
    assert await deliver_due(shop.bot, db) == 0
    assert [m.content for m in ann.bot_messages].count(key.content) == 1
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
        claimed = (await session.scalars(select(DigitalKey).order_by(DigitalKey.id))).all()
        stock = await session.scalar(select(Size.stock).where(Size.product_id == game))
    assert order.status is OrderStatus.PAID
    assert order.payment is not None and order.payment.provider is PaymentProvider.STARS
    assert order.shipping_address == ""
    assert [k.order_item_id is not None for k in claimed] == [True, False]
    assert stock == 1


async def test_a_digital_product_and_a_shipped_one_are_never_in_one_cart(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    game, cap = await _catalogue(db)
    await _make_digital_with_keys(emulator, game)
    await _add(db, ANN, cap)

    with pytest.raises(NotAllowed) as refused:
        await _add(db, ANN, game)

    assert refused.value.code == "cart.digital_after_physical"
    async with db.reading() as session:
        product = await session.get(Product, game)
        assert product is not None and (product.price, product.currency) == (250, "XTR")


async def test_two_customers_racing_for_the_last_key_one_gets_it(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    game, _ = await _catalogue(db)
    admin = emulator.user(ADMIN)
    await admin.send(f"/editproduct {game} digital keys")
    await admin.next_message()
    await admin.send_document(b"ONLY-KEY\n", file_name="keys.csv", caption=f"/importkeys {game}")
    assert "Unsold keys: 1" in (await admin.next_message()).content
    await _add(db, ANN, game)
    await _add(db, BEN, game)
    ann, ben = emulator.user(ANN, "Ann"), emulator.user(BEN, "Ben")

    _, placed, invoice = await _checkout(ann)
    await ben.send("/cart")
    ben_cart = await ben.next_message()
    refused = await ben.callback_answer(await ben.press_button(ben_cart, texts.CART_CHECKOUT))

    assert "Order #1 placed" in placed.content
    assert refused.text is not None and "can't be ordered" in refused.text
    await ann.pay(invoice)
    await ann.next_message()
    assert (await ann.next_message()).content.endswith("ONLY-KEY")
    async with db.reading() as session:
        orders_made = (await session.scalars(select(Order))).all()
    assert len(orders_made) == 1


async def test_the_key_is_sent_again_from_orders_and_a_refund_gives_the_stars_back(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    game, _ = await _catalogue(db)
    await _make_digital_with_keys(emulator, game)
    await _add(db, ANN, game)
    ann, admin = emulator.user(ANN, "Ann"), emulator.user(ADMIN)
    _, _, invoice = await _checkout(ann)
    await ann.pay(invoice)
    await ann.next_message()
    assert (await ann.next_message()).content.endswith("AAAA-1111")
    admin.skip_unread()

    await ann.send("/orders")
    listing = await ann.next_message()
    await ann.callback_answer(await ann.press_button(listing, listing.button_texts[0]))
    details = await ann.next_message()
    await ann.callback_answer(await ann.press_button(details, texts.ORDER_RESEND))
    again = await ann.next_message()

    assert "sent here in this chat once paid" in details.content
    assert again.content == "📩 Game key from order #1\n\nAAAA-1111"

    await admin.send("/refund 1")
    answer = (await admin.next_message()).content
    refunded = await ann.next_message()
    await admin.send("/refund 1")
    twice = (await admin.next_message()).content

    (call,) = emulator.calls_to("refundStarPayment")
    assert call.params["user_id"] == ANN
    assert emulator.star_refunded(call.params["telegram_payment_charge_id"])
    assert "gave ⭐ 250 back" in answer
    assert refunded.content.startswith("↩️ We refunded ⭐ 250 for order #1.")
    assert "already" in twice
    assert await deliver_due(shop.bot, db) == 0
    assert [m.content for m in ann.bot_messages].count(refunded.content) == 1
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=1)
        unclaimed = await session.scalar(
            select(func.count()).select_from(DigitalKey).where(DigitalKey.order_item_id.is_(None))
        )
    assert order.status is OrderStatus.REFUNDED
    assert unclaimed == 1  # the refunded order's key is not sold again


async def test_paysupport_says_how_to_get_help_with_a_payment(
    shop: ShopApplication, emulator: BotApiEmulator, db: Database
) -> None:
    await _catalogue(db)
    ann = emulator.user(ANN, "Ann")

    await ann.send("/paysupport")
    answer = await ann.next_message()

    assert answer.content.startswith("💳 Help with a payment")
    assert "/support" in answer.content
    assert answer.button_texts[0] == support_texts.CONTACT_US
