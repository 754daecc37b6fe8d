"""The shop's figures for the admins: /stats, /users and /user."""

from __future__ import annotations

from collections.abc import Collection

from bot.db import Database
from bot.services import stats
from bot.services.stats import CustomerDetails, StatsReport, UsersSummary

MAX_DAYS = stats.MAX_DAYS  # the longest period /stats reports on
LOW_STOCK = stats.LOW_STOCK  # a size with this many left or fewer is listed as low


async def shop_report(db: Database, *, days: int | None) -> StatsReport:
    """Today, 7 and 30 days, or only the last `days`; with a day-by-day series for the chart."""
    async with db.reading() as session:
        return await stats.shop_report(session, periods=(days,) if days else stats.DEFAULT_PERIODS)


async def users_summary(db: Database, *, owners: Collection[int]) -> UsersSummary:
    async with db.reading() as session:
        return await stats.users_summary(session, owners=owners)


async def customer_details(
    db: Database, *, telegram_id: int, owners: Collection[int]
) -> CustomerDetails:
    async with db.reading() as session:
        return await stats.customer_details(session, telegram_id=telegram_id, owners=owners)
