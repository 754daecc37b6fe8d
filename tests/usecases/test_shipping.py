"""Shipping options at checkout, at the use-case level on a real database: which option an
order takes, what it costs, and when an order is refused for want of one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import Size
from bot.services import cart as carts
from bot.services import digital
from bot.services import order as orders
from bot.services import user as users
from bot.services.cart import cart_fingerprint
from bot.services.digital import DigitalContent
from bot.services.pricing import order_total, shipping_charge
from bot.services.shipping import ShippingTerms
from bot.usecases import checkout, shipping
from bot.usecases.checkout import NotPlaced, OrderPlaced, Placement, Summary
from bot.usecases.customers import Sender, shopper
from tests.factories import make_product
from tests.fakes.stripe_shop import HOME

ANN = Sender(4242, "Ann")
OWNER = 7


@dataclass(frozen=True, slots=True)
class Shop:
    address_id: int


@pytest.fixture
async def shop(db: Database) -> Shop:
    """Ann, with a Berlin address and two €49.99 hoodies in her cart."""
    async with db.transaction() as session:
        product = await make_product(session, name="Hoodie", price=4999, sizes={"M": 10})
        size_id = (await session.scalars(select(Size.id))).one()
        customer = await shopper(session, ANN)
        address = await users.add_address(session, user_id=customer.id, address=HOME)
        await carts.add_item(
            session, user_id=customer.id, product_id=product.id, size_id=size_id, quantity=2
        )
    return Shop(address.id)


async def offer(db: Database, name: str, price: int, *countries: str) -> int:
    terms = ShippingTerms(name=name, price=price, countries=countries)
    added = await shipping.add_shipping(db, admin_telegram_id=OWNER, terms=terms, currency="EUR")
    return added.id


async def summary(db: Database, shop: Shop, shipping_id: int | None = None) -> Summary:
    shown = await checkout.choose_address(
        db, sender=ANN, address_id=shop.address_id, cards_savable=True, shipping_id=shipping_id
    )
    assert isinstance(shown, Summary)
    return shown


async def place(db: Database, shop: Shop, shown: Summary, shipping_id: int | None) -> Placement:
    return await checkout.place_order(
        db,
        sender=ANN,
        address_id=shop.address_id,
        fingerprint=cart_fingerprint(shown.cart),
        cards_savable=False,
        admin_chat_ids=(OWNER,),
        provider="stripe",
        shipping_id=shipping_id,
    )


def test_a_discount_comes_off_the_items_only_and_a_threshold_frees_the_shipping() -> None:
    assert order_total(subtotal=10000, discount=12000, shipping=490) == 490
    assert order_total(subtotal=10000, discount=1000, shipping=490) == 9490
    assert shipping_charge(price=490, free_over=10000, subtotal=9999) == 490
    assert shipping_charge(price=490, free_over=10000, subtotal=10000) == 0
    assert shipping_charge(price=490, free_over=None, subtotal=10**8) == 490


async def test_a_shop_without_options_checks_out_with_no_shipping(db: Database, shop: Shop) -> None:
    shown = await summary(db, shop)
    placed = await place(db, shop, shown, shown.shipping_id)

    assert shown.delivery is None and shown.total == 9998
    assert isinstance(placed, OrderPlaced) and placed.total == 9998
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    assert (order.shipping_name, order.shipping_price) == (None, 0)


async def test_the_chosen_option_stays_on_the_summary_when_the_card_choice_changes(
    db: Database, shop: Shop
) -> None:
    await offer(db, "DHL", 490, "DE")
    express = await offer(db, "Express", 1200)

    first = await summary(db, shop)
    picked = await checkout.choose_shipping(
        db, sender=ANN, address_id=shop.address_id, shipping_id=express, cards_savable=True
    )
    toggled = await checkout.choose_card_saving(
        db, sender=ANN, address_id=shop.address_id, save=True, cards_savable=True
    )

    assert first.delivery is not None and first.delivery.chosen is None and not first.ready
    assert [q.option.name for q in first.delivery.options] == ["DHL", "Express"]
    assert isinstance(picked, Summary) and picked.shipping_id == express
    assert isinstance(toggled, Summary) and toggled.save_card
    assert toggled.shipping_id == express and toggled.total == 9998 + 1200


async def test_an_order_without_a_valid_option_is_refused_when_the_shop_has_options(
    db: Database, shop: Shop
) -> None:
    await offer(db, "DHL", 490, "DE")
    await offer(db, "Express", 1200)
    royal_mail = await offer(db, "Royal Mail", 300, "GB")
    shown = await summary(db, shop)

    none_picked = await place(db, shop, shown, 0)
    shown = await summary(db, shop)
    not_shown = await place(db, shop, shown, None)  # two serve Germany: which one?
    shown = await summary(db, shop)
    elsewhere = await place(db, shop, shown, royal_mail)

    assert isinstance(none_picked, NotPlaced) and none_picked.reason.code == "shipping.choose"
    assert isinstance(not_shown, NotPlaced) and not_shown.reason.code == "shipping.choose"
    assert isinstance(elsewhere, NotPlaced)
    assert elsewhere.reason.code == "shipping.not_to_country"
    assert none_picked.cart.total == 9998  # the cart is kept


async def test_a_front_door_showing_no_options_gets_the_only_one_serving_the_country(
    db: Database, shop: Shop
) -> None:
    await offer(db, "DHL", 490, "DE", "AT")
    await offer(db, "Royal Mail", 300, "GB")
    shown = await summary(db, shop)

    placed = await place(db, shop, shown, None)

    assert isinstance(placed, OrderPlaced) and placed.total == 9998 + 490


async def test_a_cart_of_digital_goods_never_has_shipping(db: Database) -> None:
    await offer(db, "Express", 1200)
    async with db.transaction() as session:
        game = await make_product(session, name="Game key", price=250, currency="XTR")
        await digital.make_digital(
            session,
            admin_id=OWNER,
            product_id=game.id,
            content=DigitalContent(text="Thank you for playing"),
            stars_per_unit=None,
        )
        size = await session.scalar(select(Size.id).where(Size.product_id == game.id))
        assert size is not None
        customer = await shopper(session, ANN)
        await carts.add_item(session, user_id=customer.id, product_id=game.id, size_id=size)

    shown = await checkout.start_checkout(db, sender=ANN, provider="stripe")
    assert isinstance(shown, Summary) and shown.address is None and shown.delivery is None
    placed = await checkout.place_order(
        db,
        sender=ANN,
        address_id=checkout.NO_ADDRESS,
        fingerprint=cart_fingerprint(shown.cart),
        cards_savable=False,
        admin_chat_ids=(OWNER,),
        provider="stripe",
        shipping_id=shown.shipping_id,
    )

    assert isinstance(placed, OrderPlaced) and placed.total == 250
    async with db.reading() as session:
        order = await orders.get_order(session, order_id=placed.order_id)
    assert (order.shipping_name, order.shipping_price) == (None, 0)
