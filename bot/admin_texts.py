"""Everything the bot says to admins, kept apart from what customers read (bot.texts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.models import OrderStatus
from bot.services.pagination import Page
from bot.services.review import AdminReviewView, RemovedReview
from bot.services.stats import (
    CustomerDetails,
    PeriodStats,
    Revenue,
    StatsReport,
    UsersSummary,
)
from bot.texts import esc, money

# The order of the sections in /admin.
SECTIONS = ("Catalogue", "Import and export", "Orders", "Customers", "Reviews", "Shop", "Admins")


def admin_help(commands: Sequence[tuple[str, str, str]]) -> str:
    """(section, usage, summary) triples, grouped by section in SECTIONS order."""
    lines = ["🛠 <b>Admin commands</b>"]
    for section in sorted(dict.fromkeys(s for s, _, _ in commands), key=lambda s: _section_rank(s)):
        lines.append(f"\n<b>{esc(section)}</b>")
        lines += [
            f"<code>{esc(usage)}</code> — {esc(summary)}"
            for s, usage, summary in commands
            if s == section
        ]
    return "\n".join(lines)


def _section_rank(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


# ---------------------------------------------------------------- admins


def promoted(name: str, telegram_id: int) -> str:
    return f"✅ {esc(name)} (<code>{telegram_id}</code>) is now an admin."


def demoted(name: str, telegram_id: int) -> str:
    return f"✅ {esc(name)} (<code>{telegram_id}</code>) is no longer an admin."


# ---------------------------------------------------------------- insights: stats, reviews, users
# The figures come in as the services' dataclasses; money stays integer minor units until here.

REVENUE_RULE = (
    "<i>Revenue counts paid, shipped and delivered orders; pending, cancelled and refunded "
    "orders are left out. Days are UTC.</i>"
)
NO_REVIEWS = "💬 Nobody has written a review yet."
REVIEW_PREVIEW_LENGTH = 500  # a page of five must fit into one message (4096 characters)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def day(moment: date) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _period_title(days: int) -> str:
    return "Today" if days == 1 else f"Last {days} days"


def _revenue(revenue: Sequence[Revenue]) -> str:
    entries = [
        f"{money(r.amount, r.currency)} from {_plural(r.orders, 'order')}, "
        f"average {money(r.average, r.currency)}"
        for r in revenue
    ]
    return "\n".join(f"Revenue: {entry}" for entry in entries) or "Revenue: none"


def _period(period: PeriodStats) -> str:
    span = day(period.since) if period.days == 1 else f"{day(period.since)} – today"
    orders = f"Orders: {period.placed} placed"
    if period.placed:
        orders += (
            f" — {period.paid} paid, {period.pending} awaiting payment, "
            f"{period.cancelled} cancelled or refunded"
        )
    return f"<b>{_period_title(period.days)}</b> ({span})\n{orders}\n{_revenue(period.revenue)}"


def stats_report(report: StatsReport, *, low_stock_threshold: int) -> str:
    lines = ["📊 <b>Shop statistics</b>", "", "\n\n".join(map(_period, report.periods)), ""]
    longest = report.periods[-1].days
    lines.append(f"<b>Top products</b>, {_period_title(longest).lower()}")
    lines += [
        f"{rank}. {esc(p.name)} — {p.units} sold, {money(p.revenue, p.currency)}"
        for rank, p in enumerate(report.top_products, 1)
    ] or ["No paid orders."]
    lines += ["", f"<b>Low stock</b> ({low_stock_threshold} or fewer left)"]
    lines += [
        f"{esc(s.product_name)} · {esc(s.size_name)} — "
        + ("sold out" if s.stock <= 0 else f"{s.stock} left")
        + f" (product #{s.product_id})"
        for s in report.low_stock
    ] or [f"Every size on sale has more than {low_stock_threshold} in stock."]
    if report.low_stock_total > len(report.low_stock):
        lines.append(f"… and {report.low_stock_total - len(report.low_stock)} more")
    return "\n".join([*lines, "", REVENUE_RULE])


def stats_chart_title(days: int) -> str:
    """Drawn into the image, so no emoji: the chart's font has none."""
    return f"Daily revenue and orders, {_period_title(days).lower()} (UTC)"


def stats_chart_caption(days: int) -> str:
    return f"📈 {stats_chart_title(days)}"


def _stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else "no stars"


def _review(r: AdminReviewView) -> str:
    header = (
        f"<b>#{r.id}</b> · {esc(r.product_name)} (product #{r.product_id}) · {_stars(r.rating)}"
    )
    by = f"{esc(r.author_name) or 'A customer'} (<code>{r.author_telegram_id}</code>)"
    by += f" · {day(r.created_at)}" + (" · <i>edited</i>" if r.edited else "")
    text = r.text
    if len(text) > REVIEW_PREVIEW_LENGTH:
        text = text[: REVIEW_PREVIEW_LENGTH - 1].rstrip() + "…"
    return f"{header}\n{by}\n{esc(text)}"


def reviews_page(page: Page[AdminReviewView]) -> str:
    if not page.items:
        return NO_REVIEWS
    body = "\n\n".join(map(_review, page.items))
    return (
        f"💬 <b>Latest reviews</b> ({page.total}), newest first\n\n{body}\n\n"
        "Remove one with <code>/delreview &lt;review id&gt;</code>; its author is not told."
    )


def review_removed(removed: RemovedReview) -> str:
    name = esc(removed.product_name)
    ratings = removed.ratings
    stars = f"★ {ratings.average:.1f} ({_plural(ratings.count, 'rating')})"
    rating = stars if ratings.average is not None else "not rated"
    return (
        f"🗑 Review #{removed.review_id} of {name} by {esc(removed.author_name)} removed; "
        f"its author was not told.\n"
        f"{name} now: {rating} · {_plural(removed.reviews_left, 'review')}"
    )


def users_summary(summary: UsersSummary) -> str:
    joined = " · ".join(
        f"{count} today" if days == 1 else f"{count} in {days} days" for days, count in summary.new
    )
    return "\n".join(
        [
            "👥 <b>Customers</b>",
            f"Total: {summary.total}",
            f"New: {joined}",
            f"Placed an order: {summary.ordered} · paid for one: {summary.bought}",
            f"Blocked the bot: {summary.blocked}",
            f"Admins: {summary.admins}",
        ]
    )


def customer_details(c: CustomerDetails, status_labels: Mapping[OrderStatus, str]) -> str:
    title = f"👤 <b>{esc(c.first_name) or 'A customer'}</b>"
    if c.username:
        title += f" @{esc(c.username)}"
    role = "owner" if c.owner else "admin" if c.admin else "customer"
    statuses = ", ".join(f"{n} {status_labels[status]}" for status, n in c.by_status)
    spent = [f"{money(s.amount, s.currency)} ({_plural(s.orders, 'order')})" for s in c.spent]
    lines = [
        title,
        f"Telegram id <code>{c.telegram_id}</code> · customer #{c.id}",
        f"Joined {day(c.joined)} · {role} · blocked the bot: {'yes' if c.blocked else 'no'}",
        f"Orders: {c.orders}" + (f" — {statuses}" if statuses else ""),
        "Spent: " + (" · ".join(spent) if spent else "nothing yet"),
    ]
    if c.last_orders:
        lines += ["", "<b>Last orders</b>"]
        lines += [
            f"#{o.id} · {day(o.created_at)} · {money(o.total, o.currency)} · "
            f"{status_labels[o.status]}"
            for o in c.last_orders
        ]
    return "\n".join(lines)
