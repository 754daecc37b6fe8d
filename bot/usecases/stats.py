"""The shop's figures for the admins: /stats, /users and /user."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.db import Database
from bot.services import stats
from bot.services.pagination import Page
from bot.services.stats import CustomerDetails, CustomerRow, StatsReport, UsersSummary

MAX_DAYS = stats.MAX_DAYS  # the longest period /stats reports on
LOW_STOCK = stats.LOW_STOCK  # a size with this many left or fewer is listed as low


async def shop_report(db: Database, *, days: int | None) -> StatsReport:
    """Today, 7 and 30 days, or only the last `days`; with a day-by-day series for the chart."""
    async with db.reading() as session:
        return await stats.shop_report(session, periods=(days,) if days else stats.DEFAULT_PERIODS)


CUSTOMERS_PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class UsersOverview:
    summary: UsersSummary
    customers: Page[CustomerRow]  # newest first


async def users_overview(db: Database, *, owners: Collection[int], page: int) -> UsersOverview:
    """The figures, and a page of customers; a page past the last shows the last."""
    async with db.reading() as session:
        summary = await stats.users_summary(session, owners=owners)
        per_page = CUSTOMERS_PER_PAGE
        customers = await stats.list_customers(session, page=max(page, 1), per_page=per_page)
        if customers.page > customers.pages:
            customers = await stats.list_customers(session, page=customers.pages, per_page=per_page)
        return UsersOverview(summary, customers)


async def customer_details(
    db: Database, *, telegram_id: int, owners: Collection[int]
) -> CustomerDetails:
    async with db.reading() as session:
        return await stats.customer_details(session, telegram_id=telegram_id, owners=owners)
