from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import Order, OrderStatus, Product, Size, User
from bot.services import stats
from bot.services.errors import InvalidInput, NotFound
from bot.services.stats import DayTotals, LowStockSize, PeriodStats, Revenue, TopProduct
from tests.factories import make_order, make_product, make_user
from tests.refusals import refused

NOW = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
TODAY = NOW.date()
OWNER = 7000


def _at(days_ago: int, hour: int = 12, *, last_moment: bool = False) -> datetime:
    """A time `days_ago` days before today (UTC); last_moment: 23:59:59.999999 that day."""
    day = TODAY - timedelta(days=days_ago)
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return (
        moment.replace(hour=23, minute=59, second=59, microsecond=999_999)
        if last_moment
        else moment
    )


async def _size(session: AsyncSession, product: Product, name: str) -> Size:
    return (
        await session.scalars(select(Size).where(Size.product_id == product.id, Size.name == name))
    ).one()


async def _order(
    session: AsyncSession,
    user: User,
    product: Product,
    size: str,
    *,
    quantity: int = 1,
    status: OrderStatus = OrderStatus.PAID,
    at: datetime,
) -> Order:
    order = await make_order(
        session,
        user=user,
        product=product,
        size=await _size(session, product, size),
        quantity=quantity,
        status=status,
    )
    order.created_at = at
    await session.flush()
    return order


async def _shop(db: Database) -> None:
    """A month of orders in EUR and USD, in every status, some on the edges of the periods."""
    async with db.transaction() as session:
        sneakers = await make_product(
            session, name="Sneakers", price=4999, sizes={"S": 0, "M": 3, "L": 10}
        )
        boots = await make_product(session, name="Boots", price=8000, sizes={"42": 1})
        cap = await make_product(session, name="Cap", price=1500, currency="USD", sizes={"One": 5})
        await make_product(session, name="Old hat", sizes={"M": 0}, is_active=False)
        ann = await make_user(session, first_name="Ann")
        bob = await make_user(session, first_name="Bob")
        cid = await make_user(session, first_name="Cid")
        await _order(session, ann, sneakers, "M", quantity=2, at=_at(0, 10))
        await _order(session, bob, boots, "42", status=OrderStatus.PENDING_PAYMENT, at=_at(0, 9))
        await _order(session, cid, sneakers, "L", status=OrderStatus.CANCELLED, at=_at(0, 8))
        await _order(
            session,
            ann,
            cap,
            "One",
            quantity=3,
            status=OrderStatus.DELIVERED,
            at=_at(1, last_moment=True),
        )
        await _order(session, bob, boots, "42", status=OrderStatus.SHIPPED, at=_at(3))
        await _order(session, cid, boots, "42", status=OrderStatus.REFUNDED, at=_at(6, 0))
        await _order(session, ann, sneakers, "S", at=_at(7))
        await _order(session, bob, cap, "One", at=_at(29, 0))
        await _order(session, cid, boots, "42", at=_at(30, last_moment=True))
        await _order(session, ann, boots, "42", at=NOW + timedelta(days=1))  # a clock skew


async def _report(db: Database, periods: tuple[int, ...] = (1, 7, 30)) -> stats.StatsReport:
    async with db.reading() as session:
        return await stats.shop_report(session, periods=periods, now=NOW)


async def test_each_period_counts_its_orders_and_only_paid_orders_as_revenue(db: Database) -> None:
    await _shop(db)
    today, week, month = (await _report(db)).periods
    assert today == PeriodStats(
        days=1,
        since=TODAY,
        placed=3,
        paid=1,
        pending=1,
        cancelled=1,
        revenue=(Revenue("EUR", 9998, 1),),
    )
    assert week == PeriodStats(
        days=7,
        since=date(2026, 3, 8),
        placed=6,
        paid=3,
        pending=1,
        cancelled=2,
        revenue=(Revenue("EUR", 17998, 2), Revenue("USD", 4500, 1)),
    )
    assert month == PeriodStats(
        days=30,
        since=date(2026, 2, 13),
        placed=8,
        paid=5,
        pending=1,
        cancelled=2,
        revenue=(Revenue("EUR", 22997, 3), Revenue("USD", 6000, 2)),
    )


def test_the_average_order_value_is_whole_minor_units_rounded_half_up() -> None:
    assert Revenue("EUR", 22997, 3).average == 7666
    assert Revenue("EUR", 22996, 3).average == 7665
    assert Revenue("EUR", 5, 2).average == 3
    assert Revenue("JPY", 0, 0).average == 0


async def test_orders_fall_into_utc_day_buckets_with_every_day_present(db: Database) -> None:
    await _shop(db)
    daily = (await _report(db)).daily
    assert len(daily) == 30
    assert daily[0].day == date(2026, 2, 13) and daily[-1].day == TODAY
    busy = {d.day: d for d in daily if d.orders}
    assert busy == {
        date(2026, 2, 13): DayTotals(date(2026, 2, 13), 1, {"USD": 1500}),
        date(2026, 3, 7): DayTotals(date(2026, 3, 7), 1, {"EUR": 4999}),
        date(2026, 3, 8): DayTotals(date(2026, 3, 8), 1, {}),
        date(2026, 3, 11): DayTotals(date(2026, 3, 11), 1, {"EUR": 8000}),
        date(2026, 3, 13): DayTotals(date(2026, 3, 13), 1, {"USD": 4500}),
        TODAY: DayTotals(TODAY, 3, {"EUR": 9998}),
    }
    assert all(d.revenue == {} for d in daily if not d.orders)


async def test_top_products_are_ranked_by_units_sold_in_paid_orders(db: Database) -> None:
    await _shop(db)
    top = (await _report(db)).top_products
    assert [(p.name, p.units, p.revenue, p.currency) for p in top] == [
        ("Cap", 4, 6000, "USD"),
        ("Sneakers", 3, 14997, "EUR"),
        ("Boots", 1, 8000, "EUR"),
    ]
    assert all(isinstance(p, TopProduct) and p.sku.startswith("SKU-") for p in top)


async def test_one_period_of_any_length_covers_its_days_only(db: Database) -> None:
    await _shop(db)
    report = await _report(db, (3,))
    [period] = report.periods
    assert (period.since, period.placed, period.revenue) == (
        date(2026, 3, 12),
        4,
        (Revenue("EUR", 9998, 1), Revenue("USD", 4500, 1)),
    )
    assert [d.day for d in report.daily] == [date(2026, 3, 12), date(2026, 3, 13), TODAY]
    assert [(p.name, p.units) for p in report.top_products] == [("Cap", 3), ("Sneakers", 2)]


async def test_low_stock_lists_sizes_on_sale_with_few_left_emptiest_first(db: Database) -> None:
    await _shop(db)
    report = await _report(db)
    assert [(s.product_name, s.size_name, s.stock) for s in report.low_stock] == [
        ("Sneakers", "S", 0),
        ("Boots", "42", 1),
        ("Sneakers", "M", 3),
    ]
    assert report.low_stock_total == 3
    assert all(isinstance(s, LowStockSize) for s in report.low_stock)


async def test_an_empty_shop_has_zeros_everywhere(db: Database) -> None:
    report = await _report(db)
    assert [(p.placed, p.revenue) for p in report.periods] == [(0, ()), (0, ()), (0, ())]
    assert [d.orders for d in report.daily] == [0] * 30
    assert (report.top_products, report.low_stock, report.low_stock_total) == ((), (), 0)


@pytest.mark.parametrize("days", [0, -1, 366])
async def test_periods_outside_one_to_365_days_are_refused(db: Database, days: int) -> None:
    async with db.reading() as session:
        with pytest.raises(InvalidInput):
            await stats.shop_report(session, periods=(days,), now=NOW)


# -------------------------------------------------------------------------- customers


async def _customers(db: Database) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Cap", price=1500, currency="USD")
        boots = await make_product(session, name="Boots", price=8000)
        ann = await make_user(session, telegram_id=42, first_name="Ann", username="ann")
        ann.created_at = _at(40)
        bob = await make_user(session, first_name="Bob", is_blocked=True)
        bob.created_at = _at(20)
        cid = await make_user(session, telegram_id=OWNER, first_name="Cid", is_admin=True)
        cid.created_at = _at(3)
        dee = await make_user(session, first_name="Dee", is_admin=True)
        dee.created_at = _at(0, 0)
        await _order(session, ann, cap, "M", quantity=2, status=OrderStatus.DELIVERED, at=_at(9))
        await _order(session, ann, boots, "M", at=_at(5))
        await _order(session, ann, boots, "M", status=OrderStatus.SHIPPED, at=_at(4))
        await _order(session, ann, boots, "M", status=OrderStatus.REFUNDED, at=_at(3))
        await _order(session, ann, cap, "M", status=OrderStatus.CANCELLED, at=_at(2))
        await _order(session, ann, boots, "M", status=OrderStatus.PENDING_PAYMENT, at=_at(1))
        await _order(session, bob, cap, "M", status=OrderStatus.PENDING_PAYMENT, at=_at(1))


async def test_the_users_summary_counts_customers_by_what_they_did(db: Database) -> None:
    await _customers(db)
    async with db.reading() as session:
        summary = await stats.users_summary(session, owners=[OWNER, 7001], now=NOW)
    assert summary == stats.UsersSummary(
        total=4, new=((1, 1), (7, 2), (30, 3)), ordered=2, bought=1, blocked=1, admins=3
    )


async def test_a_customers_details_show_orders_by_status_and_spend_per_currency(
    db: Database,
) -> None:
    await _customers(db)
    async with db.reading() as session:
        ann = await stats.customer_details(session, telegram_id=42, owners=[OWNER])
    assert (ann.first_name, ann.username, ann.blocked, ann.admin, ann.owner) == (
        "Ann",
        "ann",
        False,
        False,
        False,
    )
    assert ann.joined == _at(40)
    assert ann.orders == 6
    assert ann.by_status == (
        (OrderStatus.PENDING_PAYMENT, 1),
        (OrderStatus.PAID, 1),
        (OrderStatus.SHIPPED, 1),
        (OrderStatus.DELIVERED, 1),
        (OrderStatus.CANCELLED, 1),
        (OrderStatus.REFUNDED, 1),
    )
    assert ann.spent == (Revenue("EUR", 16000, 2), Revenue("USD", 3000, 1))
    assert [(o.status, o.total, o.currency) for o in ann.last_orders] == [
        (OrderStatus.PENDING_PAYMENT, 8000, "EUR"),
        (OrderStatus.CANCELLED, 1500, "USD"),
        (OrderStatus.REFUNDED, 8000, "EUR"),
        (OrderStatus.SHIPPED, 8000, "EUR"),
        (OrderStatus.PAID, 8000, "EUR"),
    ]


async def test_owners_and_promoted_admins_are_marked(db: Database) -> None:
    await _customers(db)
    async with db.reading() as session:
        owner = await stats.customer_details(session, telegram_id=OWNER, owners=[OWNER])
        promoted = await stats.customer_details(session, telegram_id=OWNER, owners=[])
    assert (owner.owner, owner.admin, owner.orders, owner.spent, owner.last_orders) == (
        True,
        True,
        0,
        (),
        (),
    )
    assert (promoted.owner, promoted.admin) == (False, True)


async def test_an_unknown_customer_is_not_found(db: Database) -> None:
    async with db.reading() as session:
        with refused(NotFound, "not found"):
            await stats.customer_details(session, telegram_id=999, owners=[])
