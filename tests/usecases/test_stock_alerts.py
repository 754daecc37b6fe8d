"""Back-in-stock alerts: whoever waits for a size hears once, whichever way its stock returns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import (
    Order,
    OutboxMessage,
    Product,
    ProductTranslation,
    Size,
    StockAlert,
    User,
    utcnow,
)
from bot.services import catalog_csv, stock_alert
from bot.services import product as catalog
from bot.services.errors import InvalidInput, NotFound
from bot.services.stock_alert import Subscribed
from bot.texts.notices import render_notice
from bot.usecases import admin_catalog, profile, stock_alerts
from bot.usecases.customers import Sender
from bot.usecases.expiry import expire_unpaid_orders
from bot.usecases.orders import cancel_unpaid_order
from tests.factories import make_product, make_user
from tests.fakes.orders import place_order

ADMIN = 7000
ANN = Sender(42, "Ann")
HOUR = timedelta(hours=1)


async def _hoodie(db: Database, **sizes: int) -> tuple[int, dict[str, int]]:
    """Zip Hoodie, by default with M sold out and S in stock; its id and its sizes' ids."""
    async with db.transaction() as session:
        hoodie = await make_product(session, name="Zip Hoodie", sizes=sizes or {"S": 2, "M": 0})
        found = await session.execute(
            select(Size.name, Size.id).where(Size.product_id == hoodie.id)
        )
        return hoodie.id, {name: size_id for name, size_id in found}


async def _restock(db: Database, product_id: int, size: str, quantity: int) -> None:
    await admin_catalog.set_stock(
        db, admin_telegram_id=ADMIN, product=product_id, size=size, quantity=quantity
    )


async def _show(db: Database, product_id: int, *, visible: bool) -> None:
    await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=visible
    )


async def _notices(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.message_key == stock_alert.NOTICE)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def _alerts(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(StockAlert)) or 0


async def test_a_restock_of_3_tells_each_of_500_waiting_customers_once(db: Database) -> None:
    product_id, sizes = await _hoodie(db)
    async with db.transaction() as session:
        for number in range(500):
            user = await make_user(session, telegram_id=1_000 + number)
            outcome = await stock_alert.subscribe(
                session, user_id=user.id, product_id=product_id, size_id=sizes["M"]
            )
            assert outcome is Subscribed.NEW

    await _restock(db, product_id, "M", 3)
    await _restock(db, product_id, "M", 0)
    await _restock(db, product_id, "M", 5)

    notices = await _notices(db)
    assert len(notices) == 500
    assert sorted(row.chat_id for row in notices) == list(range(1_000, 1_500))
    assert len({row.key for row in notices}) == 500
    assert [row.chat_id for row in notices[:3]] == [1_000, 1_001, 1_002]  # first asked, first told
    assert await _alerts(db) == 0
    text, buttons = render_notice(notices[0].message_key, notices[0].params, notices[0].buttons)
    assert "Back in stock: <b>Zip Hoodie</b> (M)" in text
    assert buttons == [[{"text": "🛍 See the product", "product": product_id}]]


async def test_a_product_hidden_meanwhile_tells_nobody_until_it_is_shown_again(
    db: Database,
) -> None:
    product_id, sizes = await _hoodie(db)
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=False
    )

    await _restock(db, product_id, "M", 3)
    assert await _notices(db) == []
    assert await _alerts(db) == 1

    await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=True
    )
    assert [row.chat_id for row in await _notices(db)] == [ANN.telegram_id]
    assert await _alerts(db) == 0


async def test_a_size_only_restocked_elsewhere_tells_nobody(db: Database) -> None:
    product_id, sizes = await _hoodie(db, S=0, M=0)
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    await _restock(db, product_id, "S", 4)
    assert await _notices(db) == []
    assert await _alerts(db) == 1


async def test_asking_twice_keeps_one_alert_and_a_size_in_stock_needs_none(db: Database) -> None:
    product_id, sizes = await _hoodie(db)
    first = await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    again = await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    in_stock = await stock_alerts.notify_me(
        db, sender=ANN, product_id=product_id, size_id=sizes["S"]
    )
    assert (first.outcome, again.outcome, in_stock.outcome) == (
        Subscribed.NEW,
        Subscribed.ALREADY,
        Subscribed.IN_STOCK,
    )
    assert (first.size_name, first.card.waiting) == ("M", frozenset({sizes["M"]}))
    assert await _alerts(db) == 1


async def test_a_hidden_product_or_another_product_s_size_cannot_be_waited_for(
    db: Database,
) -> None:
    product_id, sizes = await _hoodie(db)
    other_id, _ = await _hoodie(db)
    with pytest.raises(NotFound):
        await stock_alerts.notify_me(db, sender=ANN, product_id=other_id, size_id=sizes["M"])
    await admin_catalog.set_visibility(
        db, admin_telegram_id=ADMIN, product=product_id, visible=False
    )
    with pytest.raises(NotFound):
        await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    assert await _alerts(db) == 0


async def test_a_customer_waits_for_at_most_so_many_sizes(db: Database) -> None:
    sold_out = {f"EU {n}": 0 for n in range(stock_alert.MAX_ALERTS + 1)}
    product_id, sizes = await _hoodie(db, **sold_out)
    for size_id in list(sizes.values())[:-1]:
        await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=size_id)
    with pytest.raises(InvalidInput) as refused:
        last = list(sizes.values())[-1]
        await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=last)
    assert refused.value.code == "stock_alert.too_many"
    assert await _alerts(db) == stock_alert.MAX_ALERTS


async def _waiting_for_a_placed_order(db: Database) -> tuple[int, int]:
    """An order took the hoodie's units and the admin then emptied its size: Ann waits for
    it. The order's id, and its size's."""
    placed = await place_order(db)
    size_id = placed.size_ids[0]
    async with db.transaction() as session:
        product_id = await session.scalar(select(Size.product_id).where(Size.id == size_id))
        assert product_id is not None
        await catalog.set_stock(session, product_id=product_id, size_name="M", stock=0)
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=size_id)
    return placed.order_id, size_id


async def test_an_expired_order_giving_its_units_back_tells_who_waits(db: Database) -> None:
    order_id, _ = await _waiting_for_a_placed_order(db)
    later = utcnow() + HOUR + timedelta(minutes=1)
    assert await expire_unpaid_orders(db, older_than=HOUR, now=later) == [order_id]
    assert [row.chat_id for row in await _notices(db)] == [ANN.telegram_id]
    assert await _alerts(db) == 0


async def test_a_cancelled_order_giving_its_units_back_tells_who_waits(db: Database) -> None:
    order_id, _ = await _waiting_for_a_placed_order(db)
    buyer = await _buyer_of(db, order_id)
    await cancel_unpaid_order(db, sender=buyer, order_id=order_id)
    assert [row.chat_id for row in await _notices(db)] == [ANN.telegram_id]


async def _buyer_of(db: Database, order_id: int) -> Sender:
    async with db.reading() as session:
        telegram_id = await session.scalar(
            select(User.telegram_id)
            .join(Order, Order.user_id == User.id)
            .where(Order.id == order_id)
        )
    assert telegram_id is not None
    return Sender(telegram_id, "Buyer")


async def test_an_alert_removed_in_the_profile_tells_nothing(db: Database) -> None:
    product_id, sizes = await _hoodie(db)
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    listed = await profile.profile(db, sender=ANN)
    assert [(a.product, a.size) for a in listed.alerts] == [("Zip Hoodie", "M")]

    after = await profile.remove_alert(db, sender=ANN, alert_id=listed.alerts[0].id)
    again = await profile.remove_alert(db, sender=ANN, alert_id=listed.alerts[0].id)
    await _restock(db, product_id, "M", 3)

    assert (after.alerts, again.alerts) == ((), ())
    assert await _notices(db) == []


async def test_a_customer_cannot_remove_someone_else_s_alert(db: Database) -> None:
    product_id, sizes = await _hoodie(db)
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    alert_id = (await profile.profile(db, sender=ANN)).alerts[0].id
    await profile.remove_alert(db, sender=Sender(43, "Bob"), alert_id=alert_id)
    assert await _alerts(db) == 1


async def test_an_import_bringing_a_size_back_tells_who_waits(db: Database) -> None:
    product_id, sizes = await _hoodie(db, **{"One size": 0})
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["One size"])
    async with db.reading() as session:
        sku = (await session.get_one(Product, product_id)).sku
    header = "sku,name,category,description,price,size,stock,photo\n"
    data = f"{header}{sku},Zip Hoodie,Hoodies,,49.99,One size,4,\n".encode()
    async with db.transaction() as session:
        parsed = catalog_csv.parse_catalog(data, default_currency="EUR")
        await catalog_csv.apply_catalog(session, catalog=parsed, admin_telegram_id=ADMIN)
    assert [row.chat_id for row in await _notices(db)] == [ANN.telegram_id]


async def test_the_notice_names_the_product_in_the_customer_s_language(db: Database) -> None:
    product_id, sizes = await _hoodie(db)
    async with db.transaction() as session:
        session.add(ProductTranslation(product_id=product_id, language="de", name="Kapuzenjacke"))
    await stock_alerts.notify_me(db, sender=ANN, product_id=product_id, size_id=sizes["M"])
    await _restock(db, product_id, "M", 1)
    row = (await _notices(db))[0]
    german, _ = render_notice(row.message_key, row.params, language="de")
    english, _ = render_notice(row.message_key, row.params, language="en")
    assert "<b>Kapuzenjacke</b> (M)" in german
    assert "<b>Zip Hoodie</b> (M)" in english
