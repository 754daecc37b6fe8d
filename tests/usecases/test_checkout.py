"""place_order and the card-saving choice, at the use-case level on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.db import Database
from bot.devtools.stripe_fake import FakeStripeApi
from bot.models import Order, OutboxMessage, PaymentInformation, Size
from bot.payments.stripe_gateway import StripeGateway
from bot.services import cart as carts
from bot.services import dialog
from bot.services import user as users
from bot.services.cart import cart_fingerprint
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.product_fields import MAX_PRICE
from bot.texts.errors import error_text
from bot.usecases import cart, checkout
from bot.usecases.checkout import CartChanged, NotPlaced, OrderPlaced, Summary
from bot.usecases.customers import Sender, shopper
from bot.usecases.payments import start_payment
from tests.factories import make_product
from tests.fakes.stripe_shop import HOME
from tests.statements import statements

ANN = Sender(4242, "Ann")
OWNER = 7


@dataclass(frozen=True, slots=True)
class Shop:
    product_id: int
    size_id: int
    address_id: int


@pytest.fixture
async def shop(db: Database) -> Shop:
    """A €49.99 hoodie, 3 left in size M, and Ann with a saved address."""
    async with db.transaction() as session:
        product = await make_product(session, name="Hoodie", price=4999, sizes={"M": 3})
        size_id = (await session.scalars(select(Size.id))).one()
        ann = await shopper(session, ANN)
        address = await users.add_address(session, user_id=ann.id, address=HOME)
    return Shop(product.id, size_id, address.id)


@pytest.fixture
async def gateway(stripe_api: FakeStripeApi) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(secret_key="sk_test_1", api_base=stripe_api.base_url)
    yield gateway
    await gateway.close()


async def summary(db: Database, shop: Shop, quantity: int = 1, *, cards: bool = False) -> Summary:
    async with db.transaction() as session:
        user = await shopper(session, ANN)
        await carts.add_item(
            session,
            user_id=user.id,
            product_id=shop.product_id,
            size_id=shop.size_id,
            quantity=quantity,
        )
    shown = await checkout.choose_address(
        db, sender=ANN, address_id=shop.address_id, cards_savable=cards
    )
    assert isinstance(shown, Summary)
    return shown


async def place(
    db: Database, shop: Shop, shown: Summary, *, cards: bool = False, provider: str = "stripe"
) -> checkout.Placement:
    return await checkout.place_order(
        db,
        sender=ANN,
        address_id=shop.address_id,
        fingerprint=cart_fingerprint(shown.cart),
        cards_savable=cards,
        admin_chat_ids=(OWNER,),
        provider=provider,
    )


async def orders_placed(db: Database) -> int:
    async with db.reading() as session:
        return len((await session.scalars(select(Order.id))).all())


async def payment_of(db: Database, order_id: int) -> PaymentInformation | None:
    async with db.reading() as session:
        return await session.scalar(
            select(PaymentInformation).where(PaymentInformation.order_id == order_id)
        )


async def in_checkout(db: Database) -> bool:
    async with db.reading() as session:
        user = await shopper(session, ANN)
        return await dialog.current_step(session, user_id=user.id) is not None


async def test_placing_the_summarised_cart_orders_it_and_empties_the_cart(
    db: Database, shop: Shop
) -> None:
    placed = await place(db, shop, await summary(db, shop, 2))

    assert isinstance(placed, OrderPlaced)
    assert (placed.total, placed.currency) == (2 * 4999, "EUR")
    assert (await cart.view_cart(db, sender=ANN)).is_empty
    assert not await in_checkout(db)
    assert await payment_of(db, placed.order_id) is None


async def test_a_cart_changed_since_the_summary_is_not_ordered(db: Database, shop: Shop) -> None:
    shown = await summary(db, shop)
    await cart.set_quantity(db, sender=ANN, size_id=shop.size_id, quantity=2)

    placed = await place(db, shop, shown)

    assert isinstance(placed, CartChanged)
    assert isinstance(placed.screen, Summary)
    assert [line.quantity for line in placed.screen.cart.lines] == [2]
    assert await orders_placed(db) == 0
    assert await in_checkout(db)


async def test_a_size_sold_out_meanwhile_leaves_the_checkout_with_the_reason(
    db: Database, shop: Shop
) -> None:
    shown = await summary(db, shop, 2)
    async with db.transaction() as session:
        await session.execute(update(Size).values(stock=1))

    placed = await place(db, shop, shown)

    assert isinstance(placed, NotPlaced)
    assert isinstance(placed.reason, NotAllowed)
    assert [line.problem is not None for line in placed.cart.lines] == [True]
    assert await orders_placed(db) == 0
    assert not await in_checkout(db)


async def test_an_empty_cart_is_refused(db: Database, shop: Shop) -> None:
    shown = await summary(db, shop)
    await cart.clear_cart(db, sender=ANN)

    with pytest.raises(InvalidInput):
        await place(db, shop, shown)


async def test_the_admins_hear_when_an_order_takes_the_last_of_a_size(
    db: Database, shop: Shop
) -> None:
    placed = await place(db, shop, await summary(db, shop, 3))

    assert isinstance(placed, OrderPlaced)
    async with db.reading() as session:
        chats = (await session.scalars(select(OutboxMessage.chat_id))).all()
    assert chats == [OWNER]


async def test_the_card_choice_stays_on_the_orders_payment_row_for_every_page(
    db: Database, shop: Shop, stripe_api: FakeStripeApi, gateway: StripeGateway
) -> None:
    await summary(db, shop, cards=True)
    shown = await checkout.choose_card_saving(
        db, sender=ANN, address_id=shop.address_id, save=True, cards_savable=True
    )
    assert isinstance(shown, Summary) and shown.save_card is True

    placed = await place(db, shop, shown, cards=True)
    assert isinstance(placed, OrderPlaced)
    page = await start_payment(
        db,
        gateway,
        sender=ANN,
        order_id=placed.order_id,
        bot_username="shop_bot",
        hold=timedelta(hours=1),
    )

    payment = await payment_of(db, placed.order_id)
    assert payment is not None and payment.save_card is True
    assert payment.stripe_checkout_session_id == page.id
    [request] = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert request.params["metadata"]["save_card"] == "true"


async def test_the_card_choice_is_not_kept_where_cards_cannot_be_saved(
    db: Database, shop: Shop
) -> None:
    shown = await checkout.choose_card_saving(
        db, sender=ANN, address_id=shop.address_id, save=True, cards_savable=False
    )
    assert isinstance(shown, checkout.BackToCart)  # nothing in the cart yet

    shown = await summary(db, shop)
    assert shown.save_card is None
    placed = await place(db, shop, shown)

    assert isinstance(placed, OrderPlaced)
    assert await payment_of(db, placed.order_id) is None


async def test_a_customer_without_an_address_types_one_in_and_reaches_the_summary(
    db: Database, shop: Shop
) -> None:
    bob = Sender(777, "Bob")
    async with db.transaction() as session:
        user = await shopper(session, bob)
        await carts.add_item(
            session, user_id=user.id, product_id=shop.product_id, size_id=shop.size_id
        )
    typed = {field: str(getattr(HOME, field)) or "-" for field in users.ADDRESS_FIELDS}

    first = await checkout.start_checkout(db, sender=bob, provider="stripe")
    assert isinstance(first, checkout.AddressQuestion)
    asked: checkout.AddressQuestion | checkout.SummaryScreen | None = first
    collected: dict[str, str] = {}
    while isinstance(asked, checkout.AddressQuestion):
        assert asked.of == len(users.ADDRESS_FIELDS)
        field = asked.field
        asked = await checkout.answer_address(
            db, sender=bob, field=field, answers=collected, text=typed[field], cards_savable=True
        )
        collected[field] = typed[field]

    assert isinstance(asked, Summary) and asked.address is not None
    assert (asked.address.city, asked.address.region, asked.save_card) == ("Berlin", "", False)
    assert [line.quantity for line in asked.cart.lines] == [1]


async def test_text_sent_while_the_checkout_waits_for_a_button_is_not_an_answer(
    db: Database, shop: Shop
) -> None:
    await summary(db, shop)

    answered = await checkout.answer_address(
        db, sender=ANN, field=checkout.CONFIRMING, answers={}, text="hello", cards_savable=False
    )

    assert answered is None


async def big_spender_cart(db: Database) -> None:
    """Three products at the highest price, 99 of each: about €29.7 million, past 2**31 cents."""
    async with db.transaction() as session:
        user = await shopper(session, ANN)
        for name in ("Gold watch", "Gold ring", "Gold chain"):
            product = await make_product(session, name=name, price=MAX_PRICE, sizes={"M": 100})
            size_id = (
                await session.scalars(select(Size.id).where(Size.product_id == product.id))
            ).one()
            await carts.add_item(
                session, user_id=user.id, product_id=product.id, size_id=size_id, quantity=99
            )


async def test_an_order_larger_than_one_payment_can_take_is_refused_at_checkout(
    db: Database, shop: Shop
) -> None:
    await big_spender_cart(db)

    with pytest.raises(NotAllowed) as refused:
        await checkout.start_checkout(db, sender=ANN, provider="stripe")

    assert refused.value.code == "checkout.total_too_large"
    assert "€999,999.99" in error_text(refused.value)
    assert not await in_checkout(db)


async def test_a_cart_grown_past_the_limit_after_its_summary_is_not_ordered(
    db: Database, shop: Shop
) -> None:
    shown = await summary(db, shop)
    await big_spender_cart(db)

    placed = await place(db, shop, shown)

    assert isinstance(placed, NotPlaced)
    assert placed.reason.code == "checkout.total_too_large"
    assert await orders_placed(db) == 0
    async with db.reading() as session:
        assert set((await session.scalars(select(Size.stock))).all()) == {3, 100}


async def cart_of_stickers(db: Database, price: int) -> None:
    async with db.transaction() as session:
        user = await shopper(session, ANN)
        product = await make_product(session, name="Sticker", price=price, sizes={"One": 9})
        size_id = (
            await session.scalars(select(Size.id).where(Size.product_id == product.id))
        ).one()
        await carts.add_item(
            session, user_id=user.id, product_id=product.id, size_id=size_id, quantity=1
        )


async def test_a_cart_below_the_smallest_card_payment_is_refused_at_checkout(
    db: Database, shop: Shop
) -> None:
    await cart_of_stickers(db, 30)

    with pytest.raises(NotAllowed) as refused:
        await checkout.start_checkout(db, sender=ANN, provider="stripe")

    assert refused.value.code == "checkout.below_minimum"
    assert error_text(refused.value) == (
        "Card payments start at €0.50, and your cart comes to less. Please add something to it."
    )
    assert not await in_checkout(db)


async def test_a_free_cart_is_refused_by_every_payment_provider_but_not_without_one(
    db: Database, shop: Shop
) -> None:
    await cart_of_stickers(db, 0)

    for provider in ("stripe", "telegram"):
        with pytest.raises(NotAllowed):
            await checkout.start_checkout(db, sender=ANN, provider=provider)
    started = await checkout.start_checkout(db, sender=ANN, provider="none")

    assert isinstance(started, checkout.AddressChoice)


# Statements one order costs (BEGIN aside), as counted for issue #17 (24 before): the cart
# locked and read, the address, the stock taken per size by a conditional UPDATE, the order,
# its lines and history written, the cart emptied, the step cleared, the sold-out check.
PLACE_ORDER_STATEMENTS = 18


async def test_placing_an_order_costs_few_statements(db: Database, shop: Shop) -> None:
    shown = await summary(db, shop, 2)
    with statements(db, keep=lambda sql: not sql.startswith("BEGIN"), reads_too=False) as seen:
        placed = await place(db, shop, shown)
    assert isinstance(placed, OrderPlaced) and placed.total == 9998
    assert len(seen) <= PLACE_ORDER_STATEMENTS, "\n\n".join(seen)
