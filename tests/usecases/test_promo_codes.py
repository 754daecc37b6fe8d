"""Promo codes at checkout, at the use-case level on a real database: what a code takes off,
why one is refused, and that its limits hold when customers race for them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import Order, OrderStatus, PromoCode, PromoRedemption, Size, utcnow
from bot.services import cart as carts
from bot.services import order as orders
from bot.services import promo as promo_service
from bot.services import user as users
from bot.services.cart import cart_fingerprint
from bot.services.errors import NotAllowed, NotFound, ShopError
from bot.services.promo import PromoTerms
from bot.texts.errors import error_text
from bot.usecases import checkout, promos
from bot.usecases.checkout import NotPlaced, OrderPlaced, Placement, Summary
from bot.usecases.customers import Sender, shopper
from tests.factories import make_product
from tests.fakes.stripe_shop import HOME

ANN, BEN = Sender(4242, "Ann"), Sender(4343, "Ben")
OWNER = 7


@dataclass(frozen=True, slots=True)
class Shop:
    product_id: int
    size_id: int
    address_ids: dict[int, int]  # telegram id -> the customer's address


@pytest.fixture
async def shop(db: Database) -> Shop:
    """A €49.99 hoodie, 10 in size M; Ann and Ben with an address each."""
    async with db.transaction() as session:
        product = await make_product(session, name="Hoodie", price=4999, sizes={"M": 10})
        size_id = (await session.scalars(select(Size.id))).one()
        addresses = {}
        for sender in (ANN, BEN):
            customer = await shopper(session, sender)
            address = await users.add_address(session, user_id=customer.id, address=HOME)
            addresses[sender.telegram_id] = address.id
    return Shop(product.id, size_id, addresses)


async def add_code(db: Database, code: str, **terms: object) -> None:
    await promos.add_promo(
        db,
        admin_telegram_id=OWNER,
        code=code,
        terms=PromoTerms(**terms),  # type: ignore[arg-type]
        currency="EUR",
    )


async def fill_cart(db: Database, shop: Shop, sender: Sender, quantity: int = 1) -> None:
    async with db.transaction() as session:
        customer = await shopper(session, sender)
        await carts.add_item(
            session,
            user_id=customer.id,
            product_id=shop.product_id,
            size_id=shop.size_id,
            quantity=quantity,
        )


async def summary(db: Database, shop: Shop, sender: Sender = ANN) -> Summary:
    shown = await checkout.choose_address(
        db, sender=sender, address_id=shop.address_ids[sender.telegram_id], cards_savable=False
    )
    assert isinstance(shown, Summary)
    return shown


async def type_code(db: Database, shop: Shop, code: str, sender: Sender = ANN) -> Summary:
    address_id = shop.address_ids[sender.telegram_id]
    await checkout.ask_promo_code(db, sender=sender, address_id=address_id)
    shown = await checkout.enter_promo_code(
        db,
        sender=sender,
        answers={"address_id": address_id, "save_card": False},
        text=code,
        cards_savable=False,
    )
    assert isinstance(shown, Summary)
    return shown


async def place(db: Database, shop: Shop, shown: Summary, sender: Sender = ANN) -> Placement:
    return await checkout.place_order(
        db,
        sender=sender,
        address_id=shop.address_ids[sender.telegram_id],
        fingerprint=cart_fingerprint(shown.cart),
        cards_savable=False,
        admin_chat_ids=(OWNER,),
        provider="stripe",
        promo_id=shown.promo_id,
    )


async def order(db: Database, order_id: int) -> Order:
    async with db.reading() as session:
        return await session.get_one(Order, order_id)


async def uses(db: Database, code: str) -> int:
    async with db.reading() as session:
        found = await session.scalar(select(PromoCode.uses).where(PromoCode.code == code))
        assert found is not None
        return found


async def refusal(db: Database, shop: Shop, code: str, sender: Sender = ANN) -> ShopError:
    with pytest.raises(ShopError) as refused:
        await type_code(db, shop, code, sender)
    return refused.value


async def test_a_percentage_is_taken_off_rounded_half_up_and_the_order_keeps_it(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "SPRING10", percent_off=10)
    await fill_cart(db, shop, ANN)

    shown = await type_code(db, shop, "spring10")  # codes are case-insensitive

    assert (shown.cart.total, shown.discount, shown.total) == (4999, 500, 4499)  # 499.9 -> 500
    placed = await place(db, shop, shown)
    assert isinstance(placed, OrderPlaced)
    assert placed.total == 4499
    kept = await order(db, placed.order_id)
    assert (kept.total, kept.discount, kept.promo_code) == (4499, 500, "SPRING10")
    assert await uses(db, "SPRING10") == 1
    assert (await summary_after_refill(db, shop)).promo is None  # the code was spent


async def summary_after_refill(db: Database, shop: Shop) -> Summary:
    await fill_cart(db, shop, ANN)
    return await summary(db, shop)


async def test_a_fixed_amount_never_takes_the_total_below_zero(db: Database, shop: Shop) -> None:
    await add_code(db, "BIGGIFT", amount_off=6000)
    await fill_cart(db, shop, ANN)

    shown = await type_code(db, shop, "BIGGIFT")

    assert (shown.discount, shown.total) == (4999, 0)


async def test_removing_the_code_restores_the_total(db: Database, shop: Shop) -> None:
    await add_code(db, "FIVEOFF", amount_off=500)
    await fill_cart(db, shop, ANN, 2)
    assert (await type_code(db, shop, "FIVEOFF")).total == 9498

    shown = await checkout.remove_promo_code(
        db, sender=ANN, address_id=shop.address_ids[ANN.telegram_id], cards_savable=False
    )

    assert isinstance(shown, Summary)
    assert (shown.promo, shown.total, shown.promo_id) == (None, 9998, 0)


async def test_an_unknown_code_is_refused_by_name(db: Database, shop: Shop) -> None:
    await fill_cart(db, shop, ANN)

    refused = await refusal(db, shop, "nosuch")

    assert isinstance(refused, NotFound)
    assert error_text(refused) == "There is no promo code “NOSUCH”. Please check how it is spelled."


async def test_an_expired_code_is_refused_with_its_last_day(db: Database, shop: Shop) -> None:
    yesterday = utcnow().date() - timedelta(days=1)
    await add_code(db, "SUMMER", percent_off=10, valid_until=yesterday)
    await fill_cart(db, shop, ANN)

    refused = await refusal(db, shop, "SUMMER")

    assert refused.code == "promo.expired"
    assert error_text(refused).startswith("The promo code SUMMER expired on ")


async def test_an_ended_code_is_refused(db: Database, shop: Shop) -> None:
    await add_code(db, "SUMMER", percent_off=10, valid_until=date(2099, 1, 1))
    await promos.end_promo(db, admin_telegram_id=OWNER, code="summer")
    await fill_cart(db, shop, ANN)

    assert error_text(await refusal(db, shop, "SUMMER")) == "The promo code SUMMER has ended."


async def test_a_used_up_code_is_refused(db: Database, shop: Shop) -> None:
    await add_code(db, "ONCE", percent_off=10, max_uses=1)
    await fill_cart(db, shop, ANN)
    assert isinstance(await place(db, shop, await type_code(db, shop, "ONCE")), OrderPlaced)
    await fill_cart(db, shop, BEN)

    refused = await refusal(db, shop, "ONCE", BEN)

    assert error_text(refused) == "The promo code ONCE has been used up."


async def test_a_customer_can_use_a_code_only_as_often_as_it_allows(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "WELCOME", amount_off=500, per_customer=1)
    await fill_cart(db, shop, ANN)
    assert isinstance(await place(db, shop, await type_code(db, shop, "WELCOME")), OrderPlaced)
    await fill_cart(db, shop, ANN)

    refused = await refusal(db, shop, "WELCOME")

    assert refused.code == "promo.customer_limit"
    await fill_cart(db, shop, BEN)
    assert (await type_code(db, shop, "WELCOME", BEN)).discount == 500  # others still may


async def test_below_its_minimum_a_code_stays_on_the_cart_but_gives_nothing_and_says_why(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "BIG", percent_off=10, min_total=10000)
    await fill_cart(db, shop, ANN)

    shown = await type_code(db, shop, "BIG")

    assert shown.promo is not None and shown.promo.refusal is not None
    assert (shown.discount, shown.total, shown.promo_id) == (0, 4999, 0)
    assert error_text(shown.promo.refusal) == "The promo code BIG is for orders of €100.00 or more."
    placed = await place(db, shop, shown)  # placed as shown: without the discount
    assert isinstance(placed, OrderPlaced) and placed.total == 4999
    assert await uses(db, "BIG") == 0

    await fill_cart(db, shop, ANN, 3)  # €149.97 reaches it
    assert (await type_code(db, shop, "BIG")).discount == 1500


async def test_two_customers_racing_for_the_last_use_one_gets_it_and_the_other_is_refused(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "LAST", amount_off=1000, max_uses=1)
    await fill_cart(db, shop, ANN)
    await fill_cart(db, shop, BEN)
    ann_saw, ben_saw = await type_code(db, shop, "LAST"), await type_code(db, shop, "LAST", BEN)
    assert ann_saw.discount == ben_saw.discount == 1000

    results = await asyncio.gather(place(db, shop, ann_saw), place(db, shop, ben_saw, BEN))

    placed = [r for r in results if isinstance(r, OrderPlaced)]
    refused = [r for r in results if isinstance(r, NotPlaced)]
    assert len(placed) == 1 and len(refused) == 1
    assert placed[0].total == 3999
    assert refused[0].reason.code == "promo.used_up"  # nothing ordered; the cart is kept
    assert not refused[0].cart.is_empty
    assert await uses(db, "LAST") == 1
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(PromoRedemption)) == 1
        assert await session.scalar(select(func.count()).select_from(Order)) == 1


async def test_one_customer_in_two_chats_cannot_pass_the_per_customer_limit(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "WELCOME", amount_off=500, per_customer=1)
    await fill_cart(db, shop, ANN)
    shown = await type_code(db, shop, "WELCOME")

    results = await asyncio.gather(
        place(db, shop, shown), place(db, shop, shown), return_exceptions=True
    )

    assert sum(isinstance(r, OrderPlaced) for r in results) == 1
    assert await uses(db, "WELCOME") == 1
    await fill_cart(db, shop, ANN)
    assert (await refusal(db, shop, "WELCOME")).code == "promo.customer_limit"


async def test_a_cancelled_order_gives_its_use_back_once(db: Database, shop: Shop) -> None:
    await add_code(db, "ONCE", percent_off=10, max_uses=1)
    await fill_cart(db, shop, ANN)
    placed = await place(db, shop, await type_code(db, shop, "ONCE"))
    assert isinstance(placed, OrderPlaced)
    assert await uses(db, "ONCE") == 1

    async with db.transaction() as session:
        customer = await shopper(session, ANN)
        await orders.cancel_order(session, order_id=placed.order_id, user_id=customer.id)

    assert await uses(db, "ONCE") == 0
    async with db.transaction() as session:  # a second release finds nothing to give back
        assert not await promo_service.give_back(session, order_id=placed.order_id)
    assert await uses(db, "ONCE") == 0
    assert (await order(db, placed.order_id)).discount == 500  # the snapshot stays
    await fill_cart(db, shop, BEN)
    assert (await type_code(db, shop, "ONCE", BEN)).discount == 500


async def test_an_expired_unpaid_order_gives_its_use_back(db: Database, shop: Shop) -> None:
    await add_code(db, "ONCE", percent_off=10, max_uses=1)
    await fill_cart(db, shop, ANN)
    placed = await place(db, shop, await type_code(db, shop, "ONCE"))
    assert isinstance(placed, OrderPlaced)

    async with db.transaction() as session:
        expired = await orders.expire_unpaid_orders(
            session, older_than=timedelta(minutes=60), now=utcnow() + timedelta(hours=2)
        )
    async with db.transaction() as session:
        again = await orders.expire_unpaid_orders(
            session, older_than=timedelta(minutes=60), now=utcnow() + timedelta(hours=2)
        )

    assert (expired, again) == ([placed.order_id], [])
    assert (await order(db, placed.order_id)).status is OrderStatus.CANCELLED
    assert await uses(db, "ONCE") == 0


async def test_a_code_refused_when_the_order_is_placed_orders_nothing(
    db: Database, shop: Shop
) -> None:
    await add_code(db, "SOON", percent_off=10)
    await fill_cart(db, shop, ANN)
    shown = await type_code(db, shop, "SOON")
    await promos.end_promo(db, admin_telegram_id=OWNER, code="SOON")

    placed = await place(db, shop, shown)

    assert isinstance(placed, NotPlaced)
    assert isinstance(placed.reason, NotAllowed) and placed.reason.code == "promo.ended"
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 0
