"""Sales and customer figures for admins: what sold, for how much, and who buys.

Revenue counts only orders the customer has paid for and kept (paid, shipped, delivered):
pending, cancelled and refunded orders bring in no money. Every sum is integer minor units per
currency; nothing is converted between currencies. Days are UTC calendar days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import PURCHASED_STATUSES, Order, OrderItem, OrderStatus, Product, Size, User
from bot.services.errors import InvalidInput, NotFound
from bot.services.pagination import Page, check_page

# Statuses whose totals are revenue: the money came in and stayed.
REVENUE_STATUSES = PURCHASED_STATUSES
DEFAULT_PERIODS = (1, 7, 30)
MAX_DAYS = 365
LOW_STOCK = 3  # a size with this many left or fewer is worth restocking
TOP_PRODUCTS = 5
LOW_STOCK_LISTED = 10
LAST_ORDERS = 5


@dataclass(frozen=True, slots=True)
class Revenue:
    currency: str
    amount: int  # minor units
    orders: int  # the paid orders it came from

    @property
    def average(self) -> int:
        """The average order value in minor units, rounded half up to a whole unit."""
        return (2 * self.amount + self.orders) // (2 * self.orders) if self.orders else 0


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    orders: int  # placed that day, whatever became of them
    revenue: Mapping[str, int]  # currency -> minor units of that day's paid orders


@dataclass(frozen=True, slots=True)
class PeriodStats:
    days: int
    since: date  # the first day counted; the last is today
    placed: int
    paid: int  # paid, shipped or delivered
    pending: int
    cancelled: int  # cancelled or refunded
    revenue: tuple[Revenue, ...]  # by currency code


@dataclass(frozen=True, slots=True)
class TopProduct:
    sku: str
    name: str
    units: int
    revenue: int
    currency: str


@dataclass(frozen=True, slots=True)
class LowStockSize:
    product_id: int
    product_name: str
    size_name: str
    stock: int


@dataclass(frozen=True, slots=True)
class StatsReport:
    periods: tuple[PeriodStats, ...]  # shortest first
    daily: tuple[DayTotals, ...]  # every day of the longest period, oldest first
    top_products: tuple[TopProduct, ...]  # over the longest period
    low_stock: tuple[LowStockSize, ...]  # the emptiest first
    low_stock_total: int


@dataclass(frozen=True, slots=True)
class UsersSummary:
    total: int
    new: tuple[tuple[int, int], ...]  # (days, customers who joined in them)
    ordered: int  # placed at least one order
    bought: int  # paid for at least one order
    blocked: int
    admins: int  # owners (ADMIN_IDS) and promoted admins


@dataclass(frozen=True, slots=True)
class CustomerRow:
    telegram_id: int
    first_name: str
    username: str | None
    blocked: bool
    orders: int  # placed, in any status
    spent: tuple[Revenue, ...]  # paid orders, by currency code


@dataclass(frozen=True, slots=True)
class OrderBrief:
    id: int
    created_at: datetime
    status: OrderStatus
    total: int
    currency: str


@dataclass(frozen=True, slots=True)
class CustomerDetails:
    id: int
    telegram_id: int
    first_name: str
    username: str | None
    joined: datetime
    blocked: bool
    owner: bool
    admin: bool
    orders: int
    by_status: tuple[tuple[OrderStatus, int], ...]  # in the order of OrderStatus
    spent: tuple[Revenue, ...]  # paid orders, by currency code
    last_orders: tuple[OrderBrief, ...]  # newest first


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("stats.bad_days", limit=MAX_DAYS)
    return days


async def shop_report(
    session: AsyncSession,
    *,
    periods: Iterable[int] = DEFAULT_PERIODS,
    now: datetime | None = None,
) -> StatsReport:
    """Each period ends today; one GROUP BY over the longest feeds every figure and the chart."""
    lengths = sorted({check_days(days) for days in periods})
    if not lengths:
        raise InvalidInput("stats.no_periods")
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    longest = lengths[-1]
    buckets = await _day_buckets(session, since=today - timedelta(days=longest - 1), today=today)
    low_stock, low_stock_total = await _low_stock(session)
    return StatsReport(
        periods=tuple(_period(buckets, days, today) for days in lengths),
        daily=_daily(buckets, longest, today),
        top_products=await _top_products(
            session, since=today - timedelta(days=longest - 1), today=today
        ),
        low_stock=low_stock,
        low_stock_total=low_stock_total,
    )


async def users_summary(
    session: AsyncSession,
    *,
    owners: Collection[int],
    periods: Iterable[int] = DEFAULT_PERIODS,
    now: datetime | None = None,
) -> UsersSummary:
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    lengths = sorted({check_days(days) for days in periods})
    joined = [
        func.count(case((User.created_at >= _midnight(today - timedelta(days=d - 1)), 1)))
        for d in lengths
    ]
    total, blocked, *new = (
        await session.execute(
            select(func.count(User.id), func.count(case((User.is_blocked, 1))), *joined)
        )
    ).one()
    ordered = await session.scalar(select(func.count(func.distinct(Order.user_id))))
    bought = await session.scalar(
        select(func.count(func.distinct(Order.user_id))).where(_earning())
    )
    promoted = await session.scalars(select(User.telegram_id).where(User.is_admin))
    return UsersSummary(
        total=int(total),
        new=tuple(zip(lengths, (int(n) for n in new), strict=True)),
        ordered=int(ordered or 0),
        bought=int(bought or 0),
        blocked=int(blocked),
        admins=len({*owners, *promoted}),
    )


async def list_customers(session: AsyncSession, *, page: int, per_page: int) -> Page[CustomerRow]:
    """Newest first, each with what they ordered and paid: two queries for a page."""
    offset = check_page(page, per_page)
    total = await session.scalar(select(func.count(User.id))) or 0
    users = (
        await session.scalars(
            select(User)
            .order_by(User.created_at.desc(), User.id.desc())
            .offset(offset)
            .limit(per_page)
        )
    ).all()
    placed: Counter[int] = Counter()
    spent: dict[int, list[Revenue]] = {}
    rows = await session.execute(
        select(
            Order.user_id,
            Order.currency,
            func.count(Order.id),
            func.sum(case((_earning(), Order.total), else_=0)),
            func.count(case((_earning(), 1))),
        )
        .where(Order.user_id.in_([user.id for user in users]))
        .group_by(Order.user_id, Order.currency)
        .order_by(Order.user_id, Order.currency)
    )
    for user_id, currency, count, paid_total, paid_orders in rows:
        placed[user_id] += int(count)
        if paid_orders:
            spent.setdefault(user_id, []).append(
                Revenue(currency, int(paid_total), int(paid_orders))
            )
    items = [
        CustomerRow(
            telegram_id=user.telegram_id,
            first_name=user.first_name,
            username=user.username,
            blocked=user.is_blocked,
            orders=placed[user.id],
            spent=tuple(spent.get(user.id, ())),
        )
        for user in users
    ]
    return Page(items=items, page=page, per_page=per_page, total=total)


async def customer_details(
    session: AsyncSession, *, telegram_id: int, owners: Collection[int]
) -> CustomerDetails:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        raise NotFound("customer.unknown_telegram_id", telegram_id=telegram_id)
    counts = Counter[OrderStatus]()
    spent: dict[str, tuple[int, int]] = {}
    rows = await session.execute(
        select(Order.status, Order.currency, func.count(Order.id), func.sum(Order.total))
        .where(Order.user_id == user.id)
        .group_by(Order.status, Order.currency)
    )
    for status, currency, count, total in rows:
        counts[status] += int(count)
        if status in REVENUE_STATUSES:
            amount, orders = spent.get(currency, (0, 0))
            spent[currency] = (amount + int(total), orders + int(count))
    last = await session.execute(
        select(Order.id, Order.created_at, Order.status, Order.total, Order.currency)
        .where(Order.user_id == user.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(LAST_ORDERS)
    )
    return CustomerDetails(
        id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        username=user.username,
        joined=user.created_at,
        blocked=user.is_blocked,
        owner=telegram_id in owners,
        admin=user.is_admin or telegram_id in owners,
        orders=sum(counts.values()),
        by_status=tuple((status, counts[status]) for status in OrderStatus if counts[status]),
        spent=tuple(Revenue(c, amount, n) for c, (amount, n) in sorted(spent.items())),
        last_orders=tuple(OrderBrief(*row) for row in last),
    )


# ------------------------------------------------------------------------ internals

# (day, status, currency) -> (orders, sum of their totals)
_Buckets = dict[tuple[date, OrderStatus, str], tuple[int, int]]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _placed_between(since: date, today: date) -> ColumnElement[bool]:
    return (Order.created_at >= _midnight(since)) & (
        Order.created_at < _midnight(today + timedelta(days=1))
    )


def _earning() -> ColumnElement[bool]:
    return Order.status.in_(REVENUE_STATUSES)


async def _day_buckets(session: AsyncSession, *, since: date, today: date) -> _Buckets:
    # date() of a timestamp is the calendar day on both databases (UTC: timestamps are stored
    # as naive UTC); SQLite gives 'YYYY-MM-DD' text, which the Date type turns into a date.
    day = func.date(Order.created_at, type_=Date)
    rows = await session.execute(
        select(day, Order.status, Order.currency, func.count(Order.id), func.sum(Order.total))
        .where(_placed_between(since, today))
        .group_by(day, Order.status, Order.currency)
    )
    return {
        (_as_date(bucket), status, currency): (int(count), int(total))
        for bucket, status, currency, count, total in rows
    }


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _period(buckets: _Buckets, days: int, today: date) -> PeriodStats:
    since = today - timedelta(days=days - 1)
    by_status = Counter[OrderStatus]()
    revenue: dict[str, tuple[int, int]] = {}
    for (day, status, currency), (count, total) in buckets.items():
        if day < since:
            continue
        by_status[status] += count
        if status in REVENUE_STATUSES:
            amount, orders = revenue.get(currency, (0, 0))
            revenue[currency] = (amount + total, orders + count)
    return PeriodStats(
        days=days,
        since=since,
        placed=sum(by_status.values()),
        paid=sum(by_status[s] for s in REVENUE_STATUSES),
        pending=by_status[OrderStatus.PENDING_PAYMENT],
        cancelled=by_status[OrderStatus.CANCELLED] + by_status[OrderStatus.REFUNDED],
        revenue=tuple(Revenue(c, amount, n) for c, (amount, n) in sorted(revenue.items())),
    )


def _daily(buckets: _Buckets, days: int, today: date) -> tuple[DayTotals, ...]:
    orders = Counter[date]()
    revenue: dict[date, dict[str, int]] = defaultdict(dict)
    for (day, status, currency), (count, total) in buckets.items():
        orders[day] += count
        if status in REVENUE_STATUSES:
            revenue[day][currency] = revenue[day].get(currency, 0) + total
    every_day = (today - timedelta(days=offset) for offset in reversed(range(days)))
    return tuple(DayTotals(day, orders[day], dict(revenue.get(day, {}))) for day in every_day)


async def _top_products(
    session: AsyncSession, *, since: date, today: date
) -> tuple[TopProduct, ...]:
    """By units sold in paid orders, then by name; a line keeps its sku and name as sold."""
    name = func.max(OrderItem.product_name).label("name")
    units = func.sum(OrderItem.quantity).label("units")
    revenue = func.sum(OrderItem.unit_price * OrderItem.quantity)
    rows = await session.execute(
        select(OrderItem.sku, name, units, revenue, Order.currency)
        .join(Order, Order.id == OrderItem.order_id)
        .where(_earning(), _placed_between(since, today))
        .group_by(OrderItem.sku, Order.currency)
        # Not by revenue: sums in different currencies don't compare.
        .order_by(units.desc(), name, OrderItem.sku)
        .limit(TOP_PRODUCTS)
    )
    return tuple(
        TopProduct(sku, name, int(count), int(total), currency)
        for sku, name, count, total, currency in rows
    )


async def _low_stock(session: AsyncSession) -> tuple[tuple[LowStockSize, ...], int]:
    """Sizes of products on sale that are running out, sold-out ones first."""
    running_out = (Size.stock <= LOW_STOCK) & Product.is_active
    total = await session.scalar(
        select(func.count(Size.id)).join(Product, Product.id == Size.product_id).where(running_out)
    )
    rows = await session.execute(
        select(Product.id, Product.name, Size.name, Size.stock)
        .join(Product, Product.id == Size.product_id)
        .where(running_out)
        .order_by(Size.stock, Product.name, Product.id, Size.position, Size.id)
        .limit(LOW_STOCK_LISTED)
    )
    return tuple(LowStockSize(*row) for row in rows), int(total or 0)
