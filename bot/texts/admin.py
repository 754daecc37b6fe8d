"""Everything the bot says to admins, kept apart from what customers read (bot.texts)."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.languages import LANGUAGES
from bot.models import (
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
    PromoCode,
    ShippingOption,
)
from bot.payments.limits import SmallestPayment
from bot.services.broadcast import Progress
from bot.services.catalog_csv import ImportResult, StockChange, StockConflict
from bot.services.fulfilment import Cancellation, RefundPlan, RefundRoute
from bot.services.pagination import Page
from bot.services.review import AdminReviewView, RemovedReview
from bot.services.stats import (
    MAX_DAYS,
    CustomerDetails,
    CustomerRow,
    PeriodStats,
    Revenue,
    StatsReport,
    UsersSummary,
)
from bot.texts import (
    MESSAGE_MAX,
    esc,
    fit_lines,
    money,
    per_customer_limit,
    promo_lines,
    promo_offer,
    shipping_line,
    shipping_price,
    tracking_line,
)
from bot.texts.backups import file_size
from bot.texts.i18n import (
    N_,
    _,
    date_and_time,
    long_date,
    ngettext,
    number,
    short_date,
    translated_constant,
)
from bot.texts.statuses import note_text, status_label


def __getattr__(name: str) -> str:
    """`admin_texts.SKIP` reads `_SKIP` and translates it for the current reader."""
    return translated_constant(globals(), name)


# The order of the sections in /admin.
SECTIONS = (
    N_("Catalogue"),
    N_("Import and export"),
    N_("Orders"),
    N_("Customers"),
    N_("Promo codes"),
    N_("Shipping"),
    N_("Reviews"),
    N_("Shop"),
    N_("Admins"),
)


@dataclass(frozen=True, slots=True)
class CommandHelp:
    """What /admin lists for a command, and what a wrong use of it is told."""

    section: str  # one of SECTIONS
    usage: str  # e.g. "/setstock <product id or SKU> <size> <quantity>"; usage_line() fills it in
    summary: str


# Every admin command, in the order /admin lists them within their section. The words are marked
# here and translated where they are read: admin_help() and usage_line().
COMMANDS: Mapping[str, CommandHelp] = {
    "addcategory": CommandHelp(N_("Catalogue"), N_("/addcategory <name>"), N_("add a category")),
    "addproduct": CommandHelp(
        N_("Catalogue"),
        N_("/addproduct"),
        N_("add a product step by step (category, name, price, description, photo, sizes)"),
    ),
    "editproduct": CommandHelp(
        N_("Catalogue"),
        N_(
            "/editproduct <product id or SKU> <name|description|price|category|photo|photos> "
            "<value>"
        ),
        N_(
            "change a product: a price like 49.99, a category by name or id, "
            "the cover photo by replying to one; name:de or description:de for its German text, "
            "and so on for each language (- removes a translation). "
            "/editproduct <id> photos, then an album or photos one by one and Done, "
            "replaces its whole gallery (up to 10 photos, the first is the cover). "
            "digital <text>, digital keys, or digital replying to a file makes it a digital "
            "product the bot sends once paid in Telegram Stars; stars <n> sets its Stars price"
        ),
    ),
    "importkeys": CommandHelp(
        N_("Catalogue"),
        N_("/importkeys <product id or SKU> (as the caption of a CSV file)"),
        N_(
            "add one-time keys to a digital product's pool, one per row in the first column; "
            "each unit sold gets one, and its stock is the keys not yet sold"
        ),
    ),
    "setstock": CommandHelp(
        N_("Catalogue"),
        N_("/setstock <product id or SKU> <size> <quantity>"),
        N_("set the stock of a size; a size the product doesn't have yet is added"),
    ),
    "hide": CommandHelp(
        N_("Catalogue"),
        N_("/hide <product id or SKU>"),
        N_("stop selling a product: customers no longer see or find it"),
    ),
    "show": CommandHelp(
        N_("Catalogue"), N_("/show <product id or SKU>"), N_("sell a hidden product again")
    ),
    "import": CommandHelp(
        N_("Import and export"),
        N_("/import (as the caption of a CSV file)"),
        N_(
            "create or update products from a CSV file, all or nothing "
            "(columns sku,name,category,description,price,size,stock,photo; one row per size; "
            "several photos separated by |; "
            "translations in columns such as name:de, description:de, category:de)"
        ),
    ),
    "export": CommandHelp(
        N_("Import and export"),
        N_("/export"),
        N_("the whole catalogue as a CSV file, hidden products too, ready to edit and /import"),
    ),
    "allorders": CommandHelp(
        N_("Orders"),
        N_("/allorders [status]"),
        N_("every customer's orders, newest first, or only those in one status"),
    ),
    "order": CommandHelp(
        N_("Orders"),
        N_("/order <order id>"),
        N_("one order: customer, address, lines, payment and history"),
    ),
    "setstatus": CommandHelp(
        N_("Orders"),
        N_("/setstatus <order id> <shipped|delivered> [tracking number] [carrier]"),
        N_(
            "move a paid order on; the customer is told, with the tracking number and a link "
            "for DHL, DPD, FedEx, GLS, Hermes, PostNL, Royal Mail, UPS and USPS"
        ),
    ),
    "cancelorder": CommandHelp(
        N_("Orders"),
        N_("/cancelorder <order id>"),
        N_("cancel an order: its stock goes back, a payment is refunded"),
    ),
    "keeporder": CommandHelp(
        N_("Orders"),
        N_("/keeporder <order id>"),
        N_("answer a customer's request to cancel: the order stays, and they are told"),
    ),
    "refund": CommandHelp(
        N_("Orders"),
        N_("/refund <order id> [done]"),
        N_("give an order's money back; done confirms a refund you made yourself"),
    ),
    "broadcast": CommandHelp(
        N_("Customers"),
        N_("/broadcast <text>, or reply /broadcast to a message to copy it"),
        N_("send a message to every customer"),
    ),
    "users": CommandHelp(
        N_("Customers"), N_("/users"), N_("customer counts, and each one's orders and spend")
    ),
    "user": CommandHelp(
        N_("Customers"),
        N_("/user <telegram user id>"),
        N_("one customer: orders, spend, last orders"),
    ),
    "close": CommandHelp(
        N_("Customers"),
        N_("/close (as a reply to a customer's message)"),
        N_("close their conversation with the shop; they are told"),
    ),
    "mute": CommandHelp(
        N_("Customers"),
        N_("/mute (as a reply to a customer's message)"),
        N_("stop relaying what a customer sends to the shop"),
    ),
    "unmute": CommandHelp(
        N_("Customers"),
        N_("/unmute <telegram user id>"),
        N_("let a muted customer write to the shop again"),
    ),
    "addpromo": CommandHelp(
        N_("Promo codes"),
        N_("/addpromo <code> <10%|5.00> [until YYYY-MM-DD] [uses N] [per-customer N] [min 50.00]"),
        N_(
            "a promo code customers type at checkout or open as a link: a percentage or an "
            "amount off, until a day, for so many orders in all and per customer, from a "
            "smallest order"
        ),
    ),
    "makecodes": CommandHelp(
        N_("Promo codes"),
        N_("/makecodes <how many> <prefix> <10%|5.00> [until …] [per-customer N] [min …]"),
        N_("that many one-time codes, sent as a CSV file"),
    ),
    "promos": CommandHelp(
        N_("Promo codes"), N_("/promos"), N_("the newest promo codes and how often each was used")
    ),
    "endpromo": CommandHelp(
        N_("Promo codes"),
        N_("/endpromo <code>"),
        N_("stop a promo code; orders already placed keep their discount"),
    ),
    "addshipping": CommandHelp(
        N_("Shipping"),
        N_("/addshipping <name> <4.90> [free over 50.00] [countries DE,AT]"),
        N_("a delivery option offered at checkout"),
    ),
    "shipping": CommandHelp(N_("Shipping"), N_("/shipping"), N_("the delivery options")),
    "endshipping": CommandHelp(
        N_("Shipping"),
        N_("/endshipping <name or id>"),
        N_("stop offering one"),
    ),
    "reviews": CommandHelp(N_("Reviews"), N_("/reviews"), N_("the latest reviews, newest first")),
    "delreview": CommandHelp(
        N_("Reviews"), N_("/delreview <review id>"), N_("remove a review (its author is not told)")
    ),
    "stats": CommandHelp(
        N_("Shop"),
        N_("/stats [days, 1 to {max_days}]"),
        N_("orders, revenue, top products and low stock, with a chart"),
    ),
    "backup": CommandHelp(
        N_("Shop"),
        N_("/backup"),
        N_("a copy of the shop's database, made while it runs, sent as a file (owners only)"),
    ),
    "admin": CommandHelp(N_("Admins"), N_("/admin"), N_("this list")),
    "promote": CommandHelp(
        N_("Admins"),
        N_("/promote <telegram user id>"),
        N_("make a customer an admin (owners only)"),
    ),
    "demote": CommandHelp(
        N_("Admins"), N_("/demote <telegram user id>"), N_("take admin rights away (owners only)")
    ),
}


def usage_line(command: str) -> str:
    """A command's usage line, e.g. for a reply to wrong arguments (plain text)."""
    return _(COMMANDS[command].usage).format(max_days=MAX_DAYS)


def admin_help(commands: Collection[str]) -> str:
    """The registered `commands`, grouped by section in SECTIONS order."""
    return "\n".join(admin_help_messages(commands, limit=None))


def admin_help_messages(commands: Collection[str], *, limit: int | None = MESSAGE_MAX) -> list[str]:
    """The listing cut between sections into messages Telegram takes: whole sections, each
    message within `limit` (counted as Telegram counts: the text without its tags, in UTF-16
    units). In English it is one message; longer languages take two."""
    listed = [(name, help) for name, help in COMMANDS.items() if name in commands]
    messages = [_("🛠 <b>Admin commands</b>")]
    for section in sorted(dict.fromkeys(h.section for name, h in listed), key=_section_rank):
        lines = [f"<b>{esc(_(section))}</b>"]
        lines += [
            f"<code>{esc(usage_line(name))}</code> — {esc(_(h.summary))}"
            for name, h in listed
            if h.section == section
        ]
        block = "\n".join(lines)
        joined = f"{messages[-1]}\n\n{block}"
        if limit is None or _utf16_length(joined) <= limit:
            messages[-1] = joined
        else:
            messages.append(block)
    return messages


def _utf16_length(html_text: str) -> int:
    visible = html.unescape(_TAG.sub("", html_text))
    return len(visible.encode("utf-16-le")) // 2


_TAG = re.compile(r"<[^>]+>")


def _section_rank(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


# ---------------------------------------------------------------- admins


def promoted(name: str, telegram_id: int) -> str:
    return _("✅ {name} (<code>{telegram_id}</code>) is now an admin.").format(
        name=esc(name), telegram_id=telegram_id
    )


def demoted(name: str, telegram_id: int) -> str:
    return _("✅ {name} (<code>{telegram_id}</code>) is no longer an admin.").format(
        name=esc(name), telegram_id=telegram_id
    )


def backup_caption(taken_at: datetime, size: int) -> str:
    return _(
        "💾 The shop's database as of {moment}, {size}. It holds customers' names, addresses "
        "and orders: keep it private. To put it back, stop the shop and run "
        "<code>shopbot restore FILE</code> on the server."
    ).format(moment=date_and_time(taken_at), size=file_size(size))


# ---------------------------------------------------------------- insights: stats, reviews, users
# The figures come in as the services' dataclasses; money stays integer minor units until here.

_REVENUE_RULE = N_(
    "<i>Revenue counts paid, shipped and delivered orders; pending, cancelled and refunded "
    "orders are left out. Days are UTC.</i>"
)
_NO_REVIEWS = N_("💬 Nobody has written a review yet.")
REVIEW_PREVIEW_LENGTH = 500  # a page of five must fit into one message (4096 characters)


def day(moment: date) -> str:
    return long_date(moment)


def _period_title(days: int) -> str:
    if days == 1:
        return _("Today")
    return ngettext("Last {days} day", "Last {days} days", days).format(days=days)


def _revenue(revenue: Sequence[Revenue]) -> str:
    entries = [
        ngettext(
            "Revenue: {amount} from {count} order, average {average}",
            "Revenue: {amount} from {count} orders, average {average}",
            r.orders,
        ).format(
            amount=money(r.amount, r.currency),
            count=r.orders,
            average=money(r.average, r.currency),
        )
        for r in revenue
    ]
    return "\n".join(entries) or _("Revenue: none")


def _period(period: PeriodStats) -> str:
    since = day(period.since)
    span = since if period.days == 1 else _("{since} – today").format(since=since)
    if period.placed:
        orders = ngettext(
            "Orders: {placed} placed — {paid} paid, {pending} awaiting payment, "
            "{cancelled} cancelled or refunded",
            "Orders: {placed} placed — {paid} paid, {pending} awaiting payment, "
            "{cancelled} cancelled or refunded",
            period.placed,
        ).format(
            placed=period.placed,
            paid=period.paid,
            pending=period.pending,
            cancelled=period.cancelled,
        )
    else:
        orders = _("Orders: {placed} placed").format(placed=period.placed)
    return f"<b>{_period_title(period.days)}</b> ({span})\n{orders}\n{_revenue(period.revenue)}"


def _top_products_title(days: int) -> str:
    if days == 1:
        return _("<b>Top products</b>, today")
    return ngettext(
        "<b>Top products</b>, last {days} day", "<b>Top products</b>, last {days} days", days
    ).format(days=days)


def _low_stock_line(name: str, size: str, stock: int, product_id: int) -> str:
    if stock <= 0:
        text = _("{product} · {size} — sold out (product #{product_id})")
    else:
        text = ngettext(
            "{product} · {size} — {stock} left (product #{product_id})",
            "{product} · {size} — {stock} left (product #{product_id})",
            stock,
        )
    return text.format(product=esc(name), size=esc(size), stock=stock, product_id=product_id)


def stats_report(report: StatsReport, *, low_stock_threshold: int) -> str:
    lines = [_("📊 <b>Shop statistics</b>"), "", "\n\n".join(map(_period, report.periods)), ""]
    lines.append(_top_products_title(report.periods[-1].days))
    lines += [
        ngettext(
            "{rank}. {product} — {units} sold, {revenue}",
            "{rank}. {product} — {units} sold, {revenue}",
            p.units,
        ).format(
            rank=rank, product=esc(p.name), units=p.units, revenue=money(p.revenue, p.currency)
        )
        for rank, p in enumerate(report.top_products, 1)
    ] or [_("No paid orders.")]
    threshold = low_stock_threshold
    lines += [
        "",
        ngettext(
            "<b>Low stock</b> ({threshold} or fewer left)",
            "<b>Low stock</b> ({threshold} or fewer left)",
            threshold,
        ).format(threshold=threshold),
    ]
    lines += [
        _low_stock_line(s.product_name, s.size_name, s.stock, s.product_id)
        for s in report.low_stock
    ] or [
        ngettext(
            "Every size on sale has more than {threshold} in stock.",
            "Every size on sale has more than {threshold} in stock.",
            threshold,
        ).format(threshold=threshold)
    ]
    if report.low_stock_total > len(report.low_stock):
        more = report.low_stock_total - len(report.low_stock)
        lines.append(ngettext("… and {count} more", "… and {count} more", more).format(count=more))
    return "\n".join([*lines, "", _(_REVENUE_RULE)])


def stats_chart_title(days: int) -> str:
    """Drawn into the image, so no emoji: the chart's font has none."""
    if days == 1:
        return _("Daily revenue and orders, today (UTC)")
    return ngettext(
        "Daily revenue and orders, last {days} day (UTC)",
        "Daily revenue and orders, last {days} days (UTC)",
        days,
    ).format(days=days)


def stats_chart_caption(days: int) -> str:
    return f"📈 {stats_chart_title(days)}"


# Drawn into the chart too: plain text, no emoji.
_CHART_REVENUE_AXIS = N_("Revenue (paid orders)")
_CHART_ORDERS_AXIS = N_("Orders placed")


def chart_day(moment: date) -> str:
    """A day under the chart: "14 Mar"."""
    return short_date(moment)


def _stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else _("no stars")


def _review(r: AdminReviewView) -> str:
    header = _("<b>#{review_id}</b> · {product} (product #{product_id}) · {stars}").format(
        review_id=r.id, product=esc(r.product_name), product_id=r.product_id, stars=_stars(r.rating)
    )
    if r.edited:
        by = _("{author} (<code>{telegram_id}</code>) · {day} · <i>edited</i>")
    else:
        by = _("{author} (<code>{telegram_id}</code>) · {day}")
    by = by.format(
        author=esc(r.author_name) or _("A customer"),
        telegram_id=r.author_telegram_id,
        day=day(r.created_at),
    )
    text = r.text
    if len(text) > REVIEW_PREVIEW_LENGTH:
        text = text[: REVIEW_PREVIEW_LENGTH - 1].rstrip() + "…"
    return f"{header}\n{by}\n{esc(text)}"


def reviews_page(page: Page[AdminReviewView]) -> str:
    if not page.items:
        return _(_NO_REVIEWS)
    return "\n\n".join(
        [
            _("💬 <b>Latest reviews</b> ({total}), newest first").format(total=page.total),
            *map(_review, page.items),
            _("Remove one with <code>/delreview &lt;review id&gt;</code>; its author is not told."),
        ]
    )


def review_removed(removed: RemovedReview) -> str:
    name = esc(removed.product_name)
    ratings = removed.ratings
    if ratings.average is not None:
        rating = ngettext(
            "★ {average} ({count} rating)", "★ {average} ({count} ratings)", ratings.count
        ).format(average=f"{ratings.average:.1f}", count=ratings.count)
    else:
        rating = _("not rated")
    removed_line = _(
        "🗑 Review #{review_id} of {product} by {author} removed; its author was not told."
    ).format(review_id=removed.review_id, product=name, author=esc(removed.author_name))
    now = ngettext(
        "{product} now: {rating} · {count} review",
        "{product} now: {rating} · {count} reviews",
        removed.reviews_left,
    ).format(product=name, rating=rating, count=removed.reviews_left)
    return f"{removed_line}\n{now}"


def _joined(days: int, count: int) -> str:
    if days == 1:
        return _("{count} today").format(count=count)
    return ngettext("{count} in {days} day", "{count} in {days} days", days).format(
        count=count, days=days
    )


def users_overview(summary: UsersSummary, customers: Page[CustomerRow]) -> str:
    joined = " · ".join(_joined(days, count) for days, count in summary.new)
    figures = [
        _("👥 <b>Customers</b>"),
        _("Total: {total}").format(total=summary.total),
        _("New: {joined}").format(joined=joined),
        _("Placed an order: {ordered} · paid for one: {bought}").format(
            ordered=summary.ordered, bought=summary.bought
        ),
        _("Blocked the bot: {blocked}").format(blocked=summary.blocked),
        _("Admins: {admins}").format(admins=summary.admins),
    ]
    if not customers.items:
        return "\n".join(figures)
    listed = [_customer_row(row) for row in customers.items]
    more = _("Newest first. <code>/user &lt;id&gt;</code> shows one customer in detail.")
    return "\n".join([*figures, "", *listed, "", more])


def _customer_row(row: CustomerRow) -> str:
    if row.blocked:
        text = ngettext(
            "• {name}{username} (<code>{telegram_id}</code>): {count} order, {spent}"
            " · ⛔ blocked the bot",
            "• {name}{username} (<code>{telegram_id}</code>): {count} orders, {spent}"
            " · ⛔ blocked the bot",
            row.orders,
        )
    else:
        text = ngettext(
            "• {name}{username} (<code>{telegram_id}</code>): {count} order, {spent}",
            "• {name}{username} (<code>{telegram_id}</code>): {count} orders, {spent}",
            row.orders,
        )
    return text.format(
        name=esc(row.first_name),
        username=f" @{esc(row.username)}" if row.username else "",
        telegram_id=row.telegram_id,
        count=row.orders,
        spent=" · ".join(money(s.amount, s.currency) for s in row.spent) or _("nothing paid"),
    )


def customer_details(c: CustomerDetails) -> str:
    title = _("👤 <b>{name}</b>").format(name=esc(c.first_name) or _("A customer"))
    if c.username:
        title += f" @{esc(c.username)}"
    role = _("owner") if c.owner else _("admin") if c.admin else _("customer")
    statuses = ", ".join(f"{n} {status_label(status)}" for status, n in c.by_status)
    spent = [
        ngettext("{amount} ({count} order)", "{amount} ({count} orders)", s.orders).format(
            amount=money(s.amount, s.currency), count=s.orders
        )
        for s in c.spent
    ]
    if statuses:
        orders = _("Orders: {count} — {statuses}").format(count=c.orders, statuses=statuses)
    else:
        orders = _("Orders: {count}").format(count=c.orders)
    lines = [
        title,
        _("Telegram id <code>{telegram_id}</code> · customer #{customer_id}").format(
            telegram_id=c.telegram_id, customer_id=c.id
        ),
        _("Joined {day} · {role} · blocked the bot: {blocked}").format(
            day=day(c.joined), role=role, blocked=_("yes") if c.blocked else _("no")
        ),
        orders,
        _("Spent: {amounts}").format(amounts=" · ".join(spent))
        if spent
        else _("Spent: nothing yet"),
    ]
    if c.last_orders:
        lines += ["", _("<b>Last orders</b>")]
        lines += [
            f"#{o.id} · {day(o.created_at)} · {money(o.total, o.currency)} · "
            f"{status_label(o.status)}"
            for o in c.last_orders
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------- orders

_ORDERS_BACK = N_("« All orders")
# An order card stays well inside Telegram's 4096 characters however big the order.
CARD_MAX_HISTORY = 15
PROVIDER_NAMES = {  # translated where they are shown
    PaymentProvider.STRIPE: "Stripe",
    PaymentProvider.TELEGRAM: N_("Telegram Payments"),
    PaymentProvider.STARS: N_("Telegram Stars"),
}
_PAYMENT_STATUSES: dict[str, str] = {  # translated where they are shown
    PaymentStatus.PENDING: N_("pending"),
    PaymentStatus.PAID: N_("paid"),
    PaymentStatus.FAILED: N_("failed"),
    PaymentStatus.MISMATCH: N_("mismatch"),
    PaymentStatus.REFUND_PENDING: N_("refund pending"),
    PaymentStatus.REFUNDED: N_("refunded"),
}


def when(moment: datetime) -> str:
    return date_and_time(moment)


def orders_page(page: Page[Order], status: OrderStatus | None) -> str:
    if not page.total:
        if status:
            text = _("📋 <b>All orders</b> · {status}\nNo orders here yet.")
        else:
            text = _("📋 <b>All orders</b>\nNo orders here yet.")
    elif status:
        text = _(
            "📋 <b>All orders</b> · {status} · {total}\n"
            "Newest first. Tap one, or send /order &lt;id&gt;."
        )
    else:
        text = _(
            "📋 <b>All orders</b> · {total}\nNewest first. Tap one, or send /order &lt;id&gt;."
        )
    return text.format(status=status_label(status) if status else "", total=page.total)


def order_button(order: Order) -> str:
    total = money(order.total, order.currency)
    placed = short_date(order.created_at)
    status, customer = status_label(order.status), order.user.first_name
    return f"#{order.id} · {placed} · {total} · {status} · {customer}"


def order_card(order: Order) -> str:
    """Everything an admin needs to fulfil an order; card data is never stored, so never shown.
    The items take what room the rest leaves in one message."""

    def card(items: str) -> str:
        return "\n\n".join(
            [
                _("📦 <b>Order #{order_id}</b> · {status}\nPlaced {placed}").format(
                    order_id=order.id,
                    status=status_label(order.status),
                    placed=when(order.created_at),
                ),
                _("<b>Customer</b>\n{customer}").format(customer=_customer(order)),
                (
                    _("<b>Shipping to</b>\n{address}").format(address=esc(order.shipping_address))
                    if order.shipping_address
                    else _("<b>Digital goods</b>: sent by the bot, no address")
                )
                + _tracking(order),
                _("<b>Items</b>\n{items}\nTotal: <b>{total}</b>").format(
                    items=items + _discount(order) + _delivery(order),
                    total=money(order.total, order.currency),
                ),
                _("<b>Payment</b>\n{payment}").format(payment=_payment(order.payment)),
                _("<b>History</b>\n{history}").format(history=_history(order)),
            ]
        )

    lines = [_item(n, item, order.currency) for n, item in enumerate(order.items, 1)]
    return card(fit_lines(lines, MESSAGE_MAX - len(card(""))))


def _discount(order: Order) -> str:
    """The promo code's line under the items, when the order had one."""
    if not order.discount or order.promo_code is None:
        return ""
    subtotal, discount = (
        money(order.subtotal, order.currency),
        money(order.discount, order.currency),
    )
    return "\n" + promo_lines(subtotal, order.promo_code, discount, None)


def _delivery(order: Order) -> str:
    """The delivery option's line under the items, when the order had one."""
    if order.shipping_name is None:
        return ""
    price = shipping_price(order.shipping_price, order.currency)
    return "\n" + shipping_line(order.shipping_name, price)


def _tracking(order: Order) -> str:
    if not order.tracking_number:
        return ""
    return "\n" + tracking_line(order.tracking_number, order.tracking_carrier)


def _customer(order: Order) -> str:
    user = order.user
    return _("{name}{username} · id <code>{telegram_id}</code>").format(
        name=esc(user.first_name or _("No name")),
        username=f" (@{esc(user.username)})" if user.username else "",
        telegram_id=user.telegram_id,
    )


def _item(position: int, item: OrderItem, currency: str) -> str:
    unit, total = money(item.unit_price, currency), money(item.line_total, currency)
    return (
        f"{position}. <b>{esc(item.product_name)}</b> · {esc(item.size_name)} · "
        f"<code>{esc(item.sku)}</code>\n    {item.quantity} × {unit} = {total}"
    )


def _payment(payment: PaymentInformation | None) -> str:
    if payment is None:
        return _("None yet.")
    lines = [
        f"{_(PROVIDER_NAMES[payment.provider])} · {_payment_status(payment.status)} · "
        f"{money(payment.amount, payment.currency)}"
    ]
    if payment.received_amount is not None and payment.received_currency:
        received = money(payment.received_amount, payment.received_currency)
        if payment.paid_at:
            lines.append(
                _("Received {amount} on {paid_at}").format(
                    amount=received, paid_at=when(payment.paid_at)
                )
            )
        else:
            lines.append(_("Received {amount}").format(amount=received))
    references = (
        (N_("Checkout session"), payment.stripe_checkout_session_id),
        (N_("Payment intent"), payment.stripe_payment_intent_id),
        (N_("Telegram charge"), payment.telegram_payment_charge_id),
        (N_("Provider charge"), payment.provider_payment_charge_id),
    )
    lines += [f"{_(label)}: <code>{esc(ref)}</code>" for label, ref in references if ref]
    return "\n".join(lines)


def _payment_status(status: str) -> str:
    label = _PAYMENT_STATUSES.get(status)
    return _(label) if label is not None else status.replace("_", " ")


def _history(order: Order) -> str:
    changes = order.history[-CARD_MAX_HISTORY:]
    lines = [_history_line(change) for change in changes]
    earlier = len(order.history) - len(changes)
    if earlier:
        # the English has "changes" for one too
        lines.insert(
            0,
            ngettext("… {count} earlier changes", "… {count} earlier changes", earlier).format(
                count=earlier
            ),
        )
    return "\n".join(lines)


def _history_line(change: OrderStatusChange) -> str:
    if change.note:
        text = _("{when} — {status} · by {actor} ({note})")
    else:
        text = _("{when} — {status} · by {actor}")
    return text.format(
        when=when(change.created_at),
        status=status_label(change.to_status),
        actor=esc(change.actor),
        note=esc(note_text(change.note) or ""),
    )


def status_set(order: Order) -> str:
    done = _("✅ Order <b>#{order_id}</b> is now {status}. The customer will be told.").format(
        order_id=order.id, status=status_label(order.status)
    )
    return done + _tracking(order)


def order_cancelled(cancellation: Cancellation) -> str:
    order, refund = cancellation.order, cancellation.refund
    if not cancellation.cancelled:
        done = _("⚠️ Order <b>#{order_id}</b> is {status} now, so it was not cancelled.").format(
            order_id=order.id, status=status_label(order.status)
        )
    else:
        done = _(
            "✅ Order <b>#{order_id}</b> is cancelled and its items are back in stock. "
            "The customer will be told."
        ).format(order_id=order.id)
    return f"{done}\n{refund_requested(refund)}" if refund else done


def stripe_failed(command: str, order_id: int, code: str) -> str:
    """Stripe failed while an admin refunded or cancelled: nothing changed, and what to do."""
    if code == "payment.unreachable":
        text = _(
            "⚠️ Stripe did not answer, so order <b>#{order_id}</b> was not changed and nothing "
            "was refunded. Send <code>/{command} {order_id}</code> again in a minute; if it "
            "keeps failing, check status.stripe.com and the shop's log."
        )
    elif code == "refund.stars_refused":
        text = _(
            "⚠️ Telegram refused to refund the Stars of order <b>#{order_id}</b>, so it was not "
            "changed. The shop's log has Telegram's reason; try "
            "<code>/{command} {order_id}</code> again later."
        )
    elif code == "payment.already_refunded":
        text = _(
            "↩️ Stripe says the payment for order <b>#{order_id}</b> was already refunded "
            "(e.g. in the Stripe dashboard). Stripe's confirmation updates the order and tells "
            "the customer; nothing else to do."
        )
    else:
        text = _(
            "⚠️ Stripe refused to refund order <b>#{order_id}</b>, so it was not changed. The "
            "shop's log has Stripe's reason; check the payment in the Stripe dashboard (a "
            "refund made there updates the order when Stripe confirms it)."
        )
    return text.format(order_id=order_id, command=command)


def order_kept(order_id: int, told: bool) -> str:
    if not told:
        text = _("The customer was already told that order <b>#{order_id}</b> stays.")
    else:
        text = _("Order <b>#{order_id}</b> stays; the customer was told.")
    return text.format(order_id=order_id)


def refund_requested(plan: RefundPlan) -> str:
    amount = money(plan.amount, plan.currency)
    if plan.route is RefundRoute.STRIPE:
        return _(
            "↩️ Stripe is refunding {amount} for order <b>#{order_id}</b>. The payment is "
            "marked refunded, and the customer told, when Stripe confirms it."
        ).format(amount=amount, order_id=plan.order_id)
    if plan.reference:
        text = _(
            "↩️ {provider} can't refund order <b>#{order_id}</b> from the bot: please refund "
            "{amount} (payment <code>{reference}</code>) in your payment provider's dashboard, "
            "then send <code>/refund {order_id} done</code>."
        )
    else:
        text = _(
            "↩️ {provider} can't refund order <b>#{order_id}</b> from the bot: please refund "
            "{amount} in your payment provider's dashboard, then send "
            "<code>/refund {order_id} done</code>."
        )
    return text.format(
        provider=_(PROVIDER_NAMES[plan.provider]),
        order_id=plan.order_id,
        amount=amount,
        reference=esc(plan.reference or ""),
    )


def already_refunded(order_id: int) -> str:
    return _("✅ Stripe has already confirmed the refund of order <b>#{order_id}</b>.").format(
        order_id=order_id
    )


def stars_refunded(order_id: int, plan: RefundPlan) -> str:
    return _(
        "↩️ Telegram gave {amount} back to the customer for order <b>#{order_id}</b>; the "
        "order is refunded and the customer told."
    ).format(amount=money(plan.amount, plan.currency), order_id=order_id)


def refund_confirmed(order: Order) -> str:
    return _(
        "✅ The refund of order <b>#{order_id}</b> is recorded; the order is {status}. "
        "The customer will be told."
    ).format(order_id=order.id, status=status_label(order.status))


# ---------------------------------------------------------------- import and export


_UNNAMED_FILE = N_("the file")  # a document sent without a file name


def export_file_name(today: date) -> str:
    return _("catalogue-{date}.csv").format(date=today.isoformat())


def import_reading(file_name: str) -> str:
    return _("⏳ Reading {file_name}…").format(file_name=esc(file_name))


def import_progress(done: int, total: int) -> str:
    # the English has "rows" for one too
    return ngettext(
        "⏳ Importing… {done} / {total} rows", "⏳ Importing… {done} / {total} rows", total
    ).format(done=number(done), total=number(total))


def imported(
    file_name: str, *, rows: int, created: int, updated: int, unchanged: int, categories: int
) -> str:
    lines = [
        ngettext(
            "✅ Imported {file_name}: {rows} rows.", "✅ Imported {file_name}: {rows} rows.", rows
        ).format(file_name=esc(file_name), rows=number(rows)),
        _("New products: {count}").format(count=number(created)),
        _("Updated: {count}").format(count=number(updated)),
        _("Unchanged: {count}").format(count=number(unchanged)),
    ]
    if categories:
        lines.append(_("New categories: {count}").format(count=number(categories)))
    return "\n".join(lines)


_IMPORT_NEEDS_CAPTION = N_(
    "To import this file, send it again with the caption <code>/import</code>: you will see "
    "what it changes before anything is applied. /export gives a file to start from."
)
_PHOTO_HINT = N_(
    "To give a product this photo, reply to it with "
    "<code>/editproduct &lt;id or SKU&gt; photo</code>, or send it with that caption."
)
_IMPORT_APPLY = N_("✅ Apply")
_IMPORT_FORCE = N_("⚠️ Apply, conflicts too")
_IMPORT_CANCELLED = N_("Import cancelled; nothing was changed.")
_IMPORT_GONE = N_("There is no import waiting: it was applied or cancelled already.")


def import_preview(file_name: str, result: ImportResult) -> str:
    """What Apply would do, fitted into one message."""
    if result.categories_created:
        counts = _(
            "New products: {created} · changed: {updated} · unchanged: {unchanged} · "
            "new categories: {categories}"
        )
    else:
        counts = _("New products: {created} · changed: {updated} · unchanged: {unchanged}")
    head = [
        ngettext(
            "📋 <b>{file_name}</b>: {rows} rows. Nothing is changed until you press Apply.",
            "📋 <b>{file_name}</b>: {rows} rows. Nothing is changed until you press Apply.",
            result.rows,
        ).format(file_name=esc(file_name), rows=number(result.rows)),
        counts.format(
            created=number(result.created),
            updated=number(result.updated),
            unchanged=number(result.unchanged),
            categories=number(result.categories_created),
        ),
    ]
    changes = [_stock_change(change) for change in result.stock_changes]
    conflicts = [_conflict(conflict) for conflict in result.conflicts]
    sections = ["\n".join(head)]
    room = MESSAGE_MAX - len(sections[0]) - 400
    if changes:
        title = _("<b>Stock changes</b> ({count}):").format(count=number(len(changes)))
        sections.append(title + "\n" + fit_lines(changes, room // (2 if conflicts else 1)))
    if conflicts:
        title = _(
            "⚠️ <b>Conflicts</b> ({count}): stock changed since the file was exported, so these "
            "are skipped unless you choose otherwise:"
        ).format(count=number(len(conflicts)))
        sections.append(title + "\n" + fit_lines(conflicts, room // (2 if changes else 1)))
    if not changes and not conflicts:
        sections.append(_("No stock changes: sales made since the export stand."))
    return "\n\n".join(sections)


def _stock_change(change: StockChange) -> str:
    before = _("new size") if change.before is None else number(change.before)
    return f"<code>{esc(change.sku)}</code> {esc(change.size)}: {before} → {number(change.after)}"


def _conflict(conflict: StockConflict) -> str:
    return _(
        "<code>{sku}</code> {size}: {exported} when exported, {now} now, {wanted} in the file"
    ).format(
        sku=esc(conflict.sku),
        size=esc(conflict.size),
        exported=number(conflict.exported),
        now=number(conflict.now),
        wanted=number(conflict.wanted),
    )


def import_failed(reason: str) -> str:
    return _("❌ Nothing was imported.\n{reason}").format(reason=esc(reason))


_IMPORT_BROKE = N_("❌ The import stopped and nothing was imported.")


def exported(products: int, rows: int) -> str:
    return _(
        "📦 The catalogue: {products} products in {rows} rows (one per size).\n"
        "Edit it and send it back with the caption /import."
    ).format(products=number(products), rows=number(rows))


_NOTHING_TO_EXPORT = N_("There are no products to export yet.")
# ---------------------------------------------------------------- broadcasts

_BROADCAST_STARTING = N_("📣 Starting the broadcast…")
_BROADCAST_PREVIEW_ABOVE = N_(
    "📣 Preview: customers will see the message below, with a button to opt out."
)
_BROADCAST_CANCELLED = N_("Broadcast cancelled; nobody got it.")
_NO_DRAFT = N_("There is no broadcast waiting: it was sent or cancelled already.")


def broadcast_audience(recipients: int) -> str:
    return ngettext(
        "It goes to {count} customer: everyone but you who hasn't blocked the bot or turned "
        "announcements off. Nothing is sent until you press Send.",
        "It goes to {count} customers: everyone but you who hasn't blocked the bot or turned "
        "announcements off. Nothing is sent until you press Send.",
        recipients,
    ).format(count=number(recipients))


def broadcast_send(recipients: int) -> str:
    return ngettext(
        "📣 Send to {count} customer", "📣 Send to {count} customers", recipients
    ).format(count=number(recipients))


def broadcast_progress(broadcast_id: int, counts: Progress) -> str:
    progress = _("📣 Broadcast #{broadcast_id}: {done} of {total} done…").format(
        broadcast_id=broadcast_id, done=number(counts.done), total=number(counts.total)
    )
    return f"{progress}\n{_outcomes(counts)}"


def broadcast_finished(broadcast_id: int, counts: Progress) -> str:
    finished = _("✅ Broadcast #{broadcast_id} finished.").format(broadcast_id=broadcast_id)
    return f"{finished}\n{_outcomes(counts)}"


def _outcomes(counts: Progress) -> str:
    return _("Sent: {sent} · Blocked the bot: {blocked} · Failed: {failed}").format(
        sent=number(counts.sent), blocked=number(counts.blocked), failed=number(counts.failed)
    )


# ---------------------------------------------------------------- catalogue
# Plain-text constants and functions ending in a full stop are error messages (escaped when
# shown); the rest is HTML.


def category_added(category_id: int, name: str) -> str:
    return _(
        "✅ Category <b>{name}</b> added (#{category_id}). Put products in it with /addproduct."
    ).format(name=esc(name), category_id=category_id)


FIELD_LABELS = {  # translated where they are shown
    "name": N_("name"),
    "description": N_("description"),
    "price": N_("price"),
    "category": N_("category"),
    "photo": N_("photo"),
}


_DIGITAL_CONTENTS = {
    "text": N_("the text you gave"),
    "document": N_("the file you sent"),
    "photo": N_("the picture you sent"),
    "keys": N_("one key from its pool per unit (/importkeys)"),
}


def made_digital(product_id: int, name: str, content: str, price: str, stock: int) -> str:
    """After `/editproduct <id> digital …` or `… stars <n>`."""
    return _(
        "✅ {product} (#{product_id}) is digital: once paid, the bot sends {content}.\n"
        "Price: <b>{price}</b> (Telegram Stars) · in stock: {stock}"
    ).format(
        product=esc(name),
        product_id=product_id,
        content=_(_DIGITAL_CONTENTS.get(content, content)),
        price=esc(price),
        stock=stock,
    )


def keys_imported(product_id: int, name: str, added: int, skipped: int, unclaimed: int) -> str:
    return _(
        "🔑 {product} (#{product_id}): {added} keys added, {skipped} skipped "
        "(blank or already in the pool). Unsold keys: <b>{unclaimed}</b>."
    ).format(
        product=esc(name), product_id=product_id, added=added, skipped=skipped, unclaimed=unclaimed
    )


def product_edited(product_id: int, name: str, field: str, value: str) -> str:
    shown = value if len(value) <= 200 else value[:199] + "…"
    if field == "photo":
        text = _("✅ {product} (#{product_id}) — {field} updated")
    elif shown:
        text = _("✅ {product} (#{product_id}) — {field}: <b>{value}</b>")
    else:
        text = _("✅ {product} (#{product_id}) — {field}: <i>none</i>")
    return text.format(
        product=esc(name), product_id=product_id, field=_field_label(field), value=esc(shown)
    )


def _field_label(field: str) -> str:
    """ "name", or "name (Deutsch)" for a translation."""
    what, colon, language = field.partition(":")
    if not colon:
        return _(FIELD_LABELS[field])
    return _("{field} ({language})").format(
        field=_(FIELD_LABELS[what]), language=LANGUAGES[language]
    )


def stock_set(product_id: int, name: str, size: str, previous: int | None, stock: int) -> str:
    if previous is None:
        text = _("✅ {product} (#{product_id}): new size <b>{size}</b> with {stock} in stock.")
    else:
        text = _("✅ {product} (#{product_id}), size <b>{size}</b>: stock {previous} → {stock}.")
    return text.format(
        product=esc(name), product_id=product_id, size=esc(size), previous=previous, stock=stock
    )


def visibility(product_id: int, name: str, *, visible: bool, changed: bool) -> str:
    if not changed:
        if visible:
            text = _("{product} (#{product_id}) is already on sale.")
        else:
            text = _("{product} (#{product_id}) is already hidden.")
    elif visible:
        text = _("👁 {product} (#{product_id}) is on sale again: customers can find and buy it.")
    else:
        text = _("🙈 {product} (#{product_id}) is hidden: customers no longer see, find or buy it.")
    return text.format(product=esc(name), product_id=product_id)


# /addproduct, step by step.
ADD_STEPS = ("category", "name", "price", "description", "photo", "sizes")
_SKIP = N_("Skip ⏭")
_SAVE = N_("✅ Save")
_CANCEL = N_("✖ Cancel")
_NOT_A_PHOTO_STEP = N_("I wasn't asking for a photo just now.")
_ADD_CANCELLED = N_("Cancelled: no product was added.")
_SKU_HINT = N_("Send a SKU (like SNK-042) to use your own instead.")

_PROMPTS = {
    "category": N_("Which category? Press one, or type its name."),
    "name": N_("What is the product called?"),
    "price": N_("What does it cost (in {currency})? Send the price like <code>49.99</code>."),
    "description": N_("Describe it in a few sentences (or press Skip)."),
    "photo": N_("Send a photo of it (or press Skip)."),
    "sizes": N_(
        "Which sizes, and how many of each are in stock? Send them like "
        "<code>S 5, M 3, L 0</code> (or one per line).\n"
        "For a product without sizes, send just the stock, like <code>10</code>."
    ),
}


def _warning(notice: str | None) -> str:
    return f"⚠️ {esc(notice)}\n\n" if notice else ""


def add_prompt(step: str, currency: str, notice: str | None = None) -> str:
    prompt = _(_PROMPTS[step]).replace("{currency}", esc(currency))
    return _warning(notice) + _(
        "🆕 <b>New product</b> · step {step} of {steps}\n{prompt}\n\n"
        "<i>Send /cancel to stop; nothing is saved until you press Save.</i>"
    ).format(step=ADD_STEPS.index(step) + 1, steps=len(ADD_STEPS), prompt=prompt)


def add_summary(
    *,
    category: str,
    name: str,
    price: str,
    description: str,
    has_photo: bool,
    sizes: list[tuple[str, int]],
    sku: str,
    notice: str | None = None,
) -> str:
    none = _("<i>none</i>")
    return _warning(notice) + _(
        "🆕 <b>New product</b> · check and save\n"
        "Category: <b>{category}</b>\n"
        "Name: <b>{name}</b>\n"
        "Price: <b>{price}</b>\n"
        "Description: {description}\n"
        "Photo: {photo}\n"
        "Sizes and stock: {sizes}\n"
        "SKU: {sku}\n\n"
        "<i>{hint}</i>"
    ).format(
        category=esc(category),
        name=esc(name),
        price=esc(price),
        description=esc(description) if description else none,
        photo=_("yes") if has_photo else none,
        sizes=", ".join(f"{esc(size)} {stock}" for size, stock in sizes),
        sku=f"<code>{esc(sku)}</code>" if sku else _("<i>made up when you save</i>"),
        hint=esc(_(_SKU_HINT)),
    )


def unpayable_price(smallest: SmallestPayment | None) -> str:
    """A line after a price was set that a payment provider would refuse on its own."""
    if smallest is None:
        return ""
    return "\n" + _(
        "⚠️ Card payments start at {amount}: a cart with only this product can't be checked "
        "out. Sell it with something else, or raise the price."
    ).format(amount=money(smallest.amount, smallest.currency))


def product_added(product_id: int, name: str, sku: str, category: str) -> str:
    return _(
        "✅ Added <b>{name}</b> (#{product_id}, SKU <code>{sku}</code>) to {category}. "
        "Customers can find it now; /hide {product_id} hides it."
    ).format(name=esc(name), product_id=product_id, sku=esc(sku), category=esc(category))


# ---------------------------------------------------------------- promo codes


def _offer(promo: PromoCode) -> str:
    return promo_offer(
        percent_off=promo.percent_off,
        amount_off=promo.amount_off,
        currency=promo.currency,
        min_total=promo.min_total,
        valid_until=promo.valid_until,
    )


def _limits(promo: PromoCode) -> list[str]:
    parts = []
    if promo.max_uses is not None:
        parts.append(
            ngettext(
                "{uses} of {count} use taken", "{uses} of {count} uses taken", promo.max_uses
            ).format(uses=number(promo.uses), count=number(promo.max_uses))
        )
    else:
        parts.append(
            ngettext("used {count} time", "used {count} times", promo.uses).format(
                count=number(promo.uses)
            )
        )
    if promo.per_customer is not None:
        parts.append(per_customer_limit(promo.per_customer))
    if promo.ended_at is not None:
        parts.append(_("ended"))
    return parts


def promo_added(promo: PromoCode, link: str) -> str:
    return _(
        "✅ Promo code <code>{code}</code>: {offer}; {limits}.\n"
        "Customers type it on the order summary, or open {link}"
    ).format(
        code=esc(promo.code),
        offer=_offer(promo),
        limits=", ".join(_limits(promo)),
        link=esc(link),
    )


def codes_file_name(prefix: str, today: date) -> str:
    return _("promo-codes-{prefix}-{date}.csv").format(
        prefix=prefix.upper(), date=today.isoformat()
    )


def codes_made(count: int, sample: PromoCode) -> str:
    return ngettext(
        "✅ {count} one-time promo code: {offer}.",
        "✅ {count} one-time promo codes: {offer}.",
        count,
    ).format(count=number(count), offer=_offer(sample))


def promo_list(codes: Sequence[PromoCode], total: int) -> str:
    if not codes:
        return _("There are no promo codes yet. /addpromo adds one.")
    lines = [
        f"<code>{esc(promo.code)}</code> — {_offer(promo)}; {', '.join(_limits(promo))}"
        for promo in codes
    ]
    header = _("🏷 <b>Promo codes</b>, newest first:")
    hidden = total - len(codes)
    footer = [more_codes(hidden)] if hidden > 0 else []
    room = MESSAGE_MAX - len(header) - sum(len(line) + 1 for line in footer) - 2
    return "\n".join([header, fit_lines(lines, room), *footer])


def more_codes(count: int) -> str:
    return ngettext("…and {count} older code.", "…and {count} older codes.", count).format(
        count=number(count)
    )


def promo_ended(code: str, uses: int, *, changed: bool) -> str:
    if not changed:
        return _("The promo code <code>{code}</code> had already ended.").format(code=esc(code))
    return ngettext(
        "⏹ The promo code <code>{code}</code> has ended, after {count} use. "
        "Orders already placed keep their discount.",
        "⏹ The promo code <code>{code}</code> has ended, after {count} uses. "
        "Orders already placed keep their discount.",
        uses,
    ).format(code=esc(code), count=number(uses))


# --- /editproduct <id> photos --------------------------------------------------------------

_GALLERY_DONE = N_("✅ Done")
_GALLERY_PHOTO_TAKEN = N_("Got it. Send more photos, or press Done when they are all here.")
_GALLERY_NOT_COLLECTING = N_("No photos are being collected: send /editproduct <id> photos.")


def gallery_send(product_id: int, name: str, photos: int, limit: int) -> str:
    """Asks for the photos; the product's current count says what they replace."""
    now = ngettext("It has {count} photo now.", "It has {count} photos now.", photos).format(
        count=number(photos)
    )
    return _(
        "Send the new photos of {product} (#{product_id}): an album, or one photo at a time, up "
        "to {limit}; the first is the cover. They replace the current ones when you press Done. "
        "{now}"
    ).format(product=esc(name), product_id=product_id, limit=limit, now=now)


def gallery_set(product_id: int, name: str, photos: int) -> str:
    return ngettext(
        "✅ {product} (#{product_id}) now has {count} photo.",
        "✅ {product} (#{product_id}) now has {count} photos.",
        photos,
    ).format(product=esc(name), product_id=product_id, count=number(photos))


# ---------------------------------------------------------------- shipping


def _shipping_terms(option: ShippingOption) -> str:
    parts = [shipping_price(option.price, option.currency)]
    if option.free_over is not None:
        parts.append(
            _("free from {minimum}").format(minimum=money(option.free_over, option.currency))
        )
    if option.countries:
        parts.append(_("to {countries}").format(countries=", ".join(option.country_codes)))
    else:
        parts.append(_("to every country"))
    return ", ".join(parts)


def shipping_added(option: ShippingOption) -> str:
    return _(
        "✅ Delivery option #{id} <b>{name}</b>: {terms}.\n"
        "Customers see it at checkout; /endshipping {id} stops it."
    ).format(id=option.id, name=esc(option.name), terms=_shipping_terms(option))


def shipping_list(options: Sequence[ShippingOption]) -> str:
    if not options:
        return _(
            "There are no delivery options: checkout charges no shipping. /addshipping adds one."
        )
    lines = [
        f"#{option.id} <b>{esc(option.name)}</b> — {_shipping_terms(option)}"
        + ("" if option.ended_at is None else f" ({_('ended')})")
        for option in options
    ]
    header = _("🚚 <b>Delivery options</b>, those offered first:")
    return "\n".join([header, fit_lines(lines, MESSAGE_MAX - len(header) - 1)])


def shipping_ended(option: ShippingOption, *, changed: bool) -> str:
    if not changed:
        return _("The delivery option <b>{name}</b> had already ended.").format(
            name=esc(option.name)
        )
    return _(
        "✅ Delivery option #{id} <b>{name}</b> is no longer offered. "
        "Orders placed with it keep it."
    ).format(id=option.id, name=esc(option.name))
