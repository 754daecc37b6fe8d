"""Everything the bot says to admins, kept apart from what customers read (bot.texts)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.models import Order, OrderItem, OrderStatus, PaymentInformation, PaymentProvider
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
from bot.texts import MESSAGE_MAX, esc, fit_lines, money
from bot.texts.i18n import N_, _, translated_constant
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
        N_("/editproduct <product id or SKU> <name|description|price|category|photo> <value>"),
        N_(
            "change a product: a price like 49.99, a category by name or id, "
            "a photo by replying to one"
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
            "(columns sku,name,category,description,price,size,stock,photo; one row per size)"
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
        N_("/setstatus <order id> <shipped|delivered>"),
        N_("move a paid order on; the customer is told"),
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
    "reviews": CommandHelp(N_("Reviews"), N_("/reviews"), N_("the latest reviews, newest first")),
    "delreview": CommandHelp(
        N_("Reviews"), N_("/delreview <review id>"), N_("remove a review (its author is not told)")
    ),
    "stats": CommandHelp(
        N_("Shop"),
        N_("/stats [days, 1 to {max_days}]"),
        N_("orders, revenue, top products and low stock, with a chart"),
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
    listed = [(name, help) for name, help in COMMANDS.items() if name in commands]
    lines = [_("🛠 <b>Admin commands</b>")]
    for section in sorted(dict.fromkeys(h.section for name, h in listed), key=_section_rank):
        lines.append(f"\n<b>{esc(_(section))}</b>")
        lines += [
            f"<code>{esc(usage_line(name))}</code> — {esc(_(h.summary))}"
            for name, h in listed
            if h.section == section
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

_REVENUE_RULE = N_(
    "<i>Revenue counts paid, shipped and delivered orders; pending, cancelled and refunded "
    "orders are left out. Days are UTC.</i>"
)
_NO_REVIEWS = N_("💬 Nobody has written a review yet.")
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
    return "\n".join([*lines, "", _(_REVENUE_RULE)])


def stats_chart_title(days: int) -> str:
    """Drawn into the image, so no emoji: the chart's font has none."""
    return f"Daily revenue and orders, {_period_title(days).lower()} (UTC)"


def stats_chart_caption(days: int) -> str:
    return f"📈 {stats_chart_title(days)}"


# Drawn into the chart too: plain text, no emoji.
_CHART_REVENUE_AXIS = N_("Revenue (paid orders)")
_CHART_ORDERS_AXIS = N_("Orders placed")


def chart_day(moment: date) -> str:
    """A day under the chart: "14 Mar"."""
    return f"{moment.day} {moment:%b}"


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
        return _(_NO_REVIEWS)
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


def users_overview(summary: UsersSummary, customers: Page[CustomerRow]) -> str:
    joined = " · ".join(
        f"{count} today" if days == 1 else f"{count} in {days} days" for days, count in summary.new
    )
    figures = [
        "👥 <b>Customers</b>",
        f"Total: {summary.total}",
        f"New: {joined}",
        f"Placed an order: {summary.ordered} · paid for one: {summary.bought}",
        f"Blocked the bot: {summary.blocked}",
        f"Admins: {summary.admins}",
    ]
    if not customers.items:
        return "\n".join(figures)
    listed = [_customer_row(row) for row in customers.items]
    more = "Newest first. <code>/user &lt;id&gt;</code> shows one customer in detail."
    return "\n".join([*figures, "", *listed, "", more])


def _customer_row(row: CustomerRow) -> str:
    handle = f" @{esc(row.username)}" if row.username else ""
    spent = " · ".join(money(s.amount, s.currency) for s in row.spent) or "nothing paid"
    blocked = " · ⛔ blocked the bot" if row.blocked else ""
    return (
        f"• {esc(row.first_name)}{handle} (<code>{row.telegram_id}</code>): "
        f"{_plural(row.orders, 'order')}, {spent}{blocked}"
    )


def customer_details(c: CustomerDetails) -> str:
    title = f"👤 <b>{esc(c.first_name) or 'A customer'}</b>"
    if c.username:
        title += f" @{esc(c.username)}"
    role = "owner" if c.owner else "admin" if c.admin else "customer"
    statuses = ", ".join(f"{n} {status_label(status)}" for status, n in c.by_status)
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
}


def when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def orders_page(page: Page[Order], status: OrderStatus | None) -> str:
    which = f" · {status_label(status)}" if status else ""
    if not page.total:
        return f"📋 <b>All orders</b>{which}\nNo orders here yet."
    return (
        f"📋 <b>All orders</b>{which} · {page.total}\n"
        "Newest first. Tap one, or send /order &lt;id&gt;."
    )


def order_button(order: Order) -> str:
    total = money(order.total, order.currency)
    placed = f"{order.created_at.day} {order.created_at:%b}"
    status, customer = status_label(order.status), order.user.first_name
    return f"#{order.id} · {placed} · {total} · {status} · {customer}"


def order_card(order: Order) -> str:
    """Everything an admin needs to fulfil an order; card data is never stored, so never shown.
    The items take what room the rest leaves in one message."""

    def card(items: str) -> str:
        return "\n\n".join(
            [
                f"📦 <b>Order #{order.id}</b> · {status_label(order.status)}\n"
                f"Placed {when(order.created_at)}",
                f"<b>Customer</b>\n{_customer(order)}",
                f"<b>Shipping to</b>\n{esc(order.shipping_address)}",
                f"<b>Items</b>\n{items}\nTotal: <b>{money(order.total, order.currency)}</b>",
                f"<b>Payment</b>\n{_payment(order.payment)}",
                f"<b>History</b>\n{_history(order)}",
            ]
        )

    lines = [_item(n, item, order.currency) for n, item in enumerate(order.items, 1)]
    return card(fit_lines(lines, MESSAGE_MAX - len(card(""))))


def _customer(order: Order) -> str:
    user = order.user
    username = f" (@{esc(user.username)})" if user.username else ""
    return f"{esc(user.first_name or 'No name')}{username} · id <code>{user.telegram_id}</code>"


def _item(number: int, item: OrderItem, currency: str) -> str:
    unit, total = money(item.unit_price, currency), money(item.line_total, currency)
    return (
        f"{number}. <b>{esc(item.product_name)}</b> · {esc(item.size_name)} · "
        f"<code>{esc(item.sku)}</code>\n    {item.quantity} × {unit} = {total}"
    )


def _payment(payment: PaymentInformation | None) -> str:
    if payment is None:
        return "None yet."
    lines = [
        f"{_(PROVIDER_NAMES[payment.provider])} · {payment.status.replace('_', ' ')} · "
        f"{money(payment.amount, payment.currency)}"
    ]
    if payment.received_amount is not None and payment.received_currency:
        received = money(payment.received_amount, payment.received_currency)
        paid_at = f" on {when(payment.paid_at)}" if payment.paid_at else ""
        lines.append(f"Received {received}{paid_at}")
    references = (
        ("Checkout session", payment.stripe_checkout_session_id),
        ("Payment intent", payment.stripe_payment_intent_id),
        ("Telegram charge", payment.telegram_payment_charge_id),
        ("Provider charge", payment.provider_payment_charge_id),
    )
    lines += [f"{label}: <code>{esc(ref)}</code>" for label, ref in references if ref]
    return "\n".join(lines)


def _history(order: Order) -> str:
    changes = order.history[-CARD_MAX_HISTORY:]
    lines = [
        f"{when(change.created_at)} — {status_label(change.to_status)} · by {esc(change.actor)}"
        + (f" ({esc(note_text(change.note))})" if change.note else "")
        for change in changes
    ]
    if len(order.history) > len(changes):
        lines.insert(0, f"… {len(order.history) - len(changes)} earlier changes")
    return "\n".join(lines)


def status_set(order: Order) -> str:
    return (
        f"✅ Order <b>#{order.id}</b> is now {status_label(order.status)}. "
        "The customer will be told."
    )


def order_cancelled(cancellation: Cancellation) -> str:
    order, refund = cancellation.order, cancellation.refund
    if not cancellation.cancelled:
        return (
            f"⚠️ Order <b>#{order.id}</b> is {status_label(order.status)} now, so it was not "
            f"cancelled.\n{refund_requested(refund) if refund else ''}"
        ).rstrip()
    done = (
        f"✅ Order <b>#{order.id}</b> is cancelled and its items are back in stock. "
        "The customer will be told."
    )
    return f"{done}\n{refund_requested(refund)}" if refund else done


def stripe_failed(command: str, order_id: int, code: str) -> str:
    """Stripe failed while an admin refunded or cancelled: nothing changed, and what to do."""
    again = f"<code>/{command} {order_id}</code>"
    if code == "payment.unreachable":
        return (
            f"⚠️ Stripe did not answer, so order <b>#{order_id}</b> was not changed and nothing "
            f"was refunded. Send {again} again in a minute; if it keeps failing, check "
            "status.stripe.com and the shop's log."
        )
    if code == "payment.already_refunded":
        return (
            f"↩️ Stripe says the payment for order <b>#{order_id}</b> was already refunded "
            "(e.g. in the Stripe dashboard). Stripe's confirmation updates the order and tells "
            "the customer; nothing else to do."
        )
    return (
        f"⚠️ Stripe refused to refund order <b>#{order_id}</b>, so it was not changed. The "
        "shop's log has Stripe's reason; check the payment in the Stripe dashboard (a refund "
        "made there updates the order when Stripe confirms it)."
    )


def order_kept(order_id: int, told: bool) -> str:
    if not told:
        return f"The customer was already told that order <b>#{order_id}</b> stays."
    return f"Order <b>#{order_id}</b> stays; the customer was told."


def refund_requested(plan: RefundPlan) -> str:
    amount = money(plan.amount, plan.currency)
    if plan.route is RefundRoute.STRIPE:
        return (
            f"↩️ Stripe is refunding {amount} for order <b>#{plan.order_id}</b>. The payment is "
            "marked refunded, and the customer told, when Stripe confirms it."
        )
    where = _(PROVIDER_NAMES[plan.provider])
    reference = f" (payment <code>{esc(plan.reference)}</code>)" if plan.reference else ""
    return (
        f"↩️ {where} can't refund order <b>#{plan.order_id}</b> from the bot: please refund "
        f"{amount}{reference} in your payment provider's dashboard, then send "
        f"<code>/refund {plan.order_id} done</code>."
    )


def already_refunded(order_id: int) -> str:
    return f"✅ Stripe has already confirmed the refund of order <b>#{order_id}</b>."


def refund_confirmed(order: Order) -> str:
    return (
        f"✅ The refund of order <b>#{order.id}</b> is recorded; the order is "
        f"{status_label(order.status)}. The customer will be told."
    )


# ---------------------------------------------------------------- import and export


_UNNAMED_FILE = N_("the file")  # a document sent without a file name


def export_file_name(today: date) -> str:
    return f"catalogue-{today:%Y-%m-%d}.csv"


def import_reading(file_name: str) -> str:
    return f"⏳ Reading {esc(file_name)}…"


def import_progress(done: int, total: int) -> str:
    return f"⏳ Importing… {done:,} / {total:,} rows"


def imported(
    file_name: str, *, rows: int, created: int, updated: int, unchanged: int, categories: int
) -> str:
    lines = [
        f"✅ Imported {esc(file_name)}: {rows:,} rows.",
        f"New products: {created:,}",
        f"Updated: {updated:,}",
        f"Unchanged: {unchanged:,}",
    ]
    if categories:
        lines.append(f"New categories: {categories:,}")
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
    head = [
        f"📋 <b>{esc(file_name)}</b>: {result.rows:,} rows. Nothing is changed until you press "
        "Apply.",
        f"New products: {result.created:,} · changed: {result.updated:,} · "
        f"unchanged: {result.unchanged:,}"
        + (
            f" · new categories: {result.categories_created:,}" if result.categories_created else ""
        ),
    ]
    changes = [_stock_change(change) for change in result.stock_changes]
    conflicts = [_conflict(conflict) for conflict in result.conflicts]
    sections = ["\n".join(head)]
    room = MESSAGE_MAX - len(sections[0]) - 400
    if changes:
        title = f"<b>Stock changes</b> ({len(changes):,}):"
        sections.append(title + "\n" + fit_lines(changes, room // (2 if conflicts else 1)))
    if conflicts:
        title = (
            f"⚠️ <b>Conflicts</b> ({len(conflicts):,}): stock changed since the file was "
            "exported, so these are skipped unless you choose otherwise:"
        )
        sections.append(title + "\n" + fit_lines(conflicts, room // (2 if changes else 1)))
    if not changes and not conflicts:
        sections.append("No stock changes: sales made since the export stand.")
    return "\n\n".join(sections)


def _stock_change(change: StockChange) -> str:
    before = "new size" if change.before is None else f"{change.before:,}"
    return f"<code>{esc(change.sku)}</code> {esc(change.size)}: {before} → {change.after:,}"


def _conflict(conflict: StockConflict) -> str:
    return (
        f"<code>{esc(conflict.sku)}</code> {esc(conflict.size)}: {conflict.exported:,} when "
        f"exported, {conflict.now:,} now, {conflict.wanted:,} in the file"
    )


def import_failed(reason: str) -> str:
    return f"❌ Nothing was imported.\n{esc(reason)}"


_IMPORT_BROKE = N_("❌ The import stopped and nothing was imported.")


def exported(products: int, rows: int) -> str:
    return (
        f"📦 The catalogue: {products:,} products in {rows:,} rows (one per size).\n"
        "Edit it and send it back with the caption /import."
    )


_NOTHING_TO_EXPORT = N_("There are no products to export yet.")
# ---------------------------------------------------------------- broadcasts

_BROADCAST_STARTING = N_("📣 Starting the broadcast…")
_BROADCAST_PREVIEW_ABOVE = N_(
    "📣 Preview: customers will see the message below, with a button to opt out."
)
_BROADCAST_CANCELLED = N_("Broadcast cancelled; nobody got it.")
_NO_DRAFT = N_("There is no broadcast waiting: it was sent or cancelled already.")


def broadcast_audience(recipients: int) -> str:
    who = "1 customer" if recipients == 1 else f"{recipients:,} customers"
    return (
        f"It goes to {who}: everyone but you who hasn't blocked the bot or turned "
        "announcements off. Nothing is sent until you press Send."
    )


def broadcast_send(recipients: int) -> str:
    return "📣 Send to 1 customer" if recipients == 1 else f"📣 Send to {recipients:,} customers"


def broadcast_progress(broadcast_id: int, counts: Progress) -> str:
    return (
        f"📣 Broadcast #{broadcast_id}: {counts.done:,} of {counts.total:,} done…\n"
        f"{_outcomes(counts)}"
    )


def broadcast_finished(broadcast_id: int, counts: Progress) -> str:
    return f"✅ Broadcast #{broadcast_id} finished.\n{_outcomes(counts)}"


def _outcomes(counts: Progress) -> str:
    return (
        f"Sent: {counts.sent:,} · Blocked the bot: {counts.blocked:,} · Failed: {counts.failed:,}"
    )


# ---------------------------------------------------------------- catalogue
# Plain-text constants and functions ending in a full stop are error messages (escaped when
# shown); the rest is HTML.


def category_added(category_id: int, name: str) -> str:
    return (
        f"✅ Category <b>{esc(name)}</b> added (#{category_id}). "
        "Put products in it with /addproduct."
    )


FIELD_LABELS = {  # translated where they are shown
    "name": N_("name"),
    "description": N_("description"),
    "price": N_("price"),
    "category": N_("category"),
    "photo": N_("photo"),
}


def product_edited(product_id: int, name: str, field: str, value: str) -> str:
    shown = value if len(value) <= 200 else value[:199] + "…"
    now = f": <b>{esc(shown)}</b>" if shown else ": <i>none</i>"
    if field == "photo":
        now = " updated"
    return f"✅ {esc(name)} (#{product_id}) — {_(FIELD_LABELS[field])}{now}"


def stock_set(product_id: int, name: str, size: str, previous: int | None, stock: int) -> str:
    if previous is None:
        return f"✅ {esc(name)} (#{product_id}): new size <b>{esc(size)}</b> with {stock} in stock."
    return f"✅ {esc(name)} (#{product_id}), size <b>{esc(size)}</b>: stock {previous} → {stock}."


def visibility(product_id: int, name: str, *, visible: bool, changed: bool) -> str:
    who = f"{esc(name)} (#{product_id})"
    if not changed:
        return f"{who} is already {'on sale' if visible else 'hidden'}."
    if visible:
        return f"👁 {who} is on sale again: customers can find and buy it."
    return f"🙈 {who} is hidden: customers no longer see, find or buy it."


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


def add_prompt(step: str, currency: str, notice: str | None = None) -> str:
    number = ADD_STEPS.index(step) + 1
    prompt = _(_PROMPTS[step]).replace("{currency}", esc(currency))
    warning = f"⚠️ {esc(notice)}\n\n" if notice else ""
    return (
        f"{warning}🆕 <b>New product</b> · step {number} of {len(ADD_STEPS)}\n{prompt}\n\n"
        "<i>Send /cancel to stop; nothing is saved until you press Save.</i>"
    )


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
    warning = f"⚠️ {esc(notice)}\n\n" if notice else ""
    listed = ", ".join(f"{esc(size)} {stock}" for size, stock in sizes)
    return (
        f"{warning}🆕 <b>New product</b> · check and save\n"
        f"Category: <b>{esc(category)}</b>\n"
        f"Name: <b>{esc(name)}</b>\n"
        f"Price: <b>{esc(price)}</b>\n"
        f"Description: {esc(description) if description else '<i>none</i>'}\n"
        f"Photo: {'yes' if has_photo else '<i>none</i>'}\n"
        f"Sizes and stock: {listed}\n"
        f"SKU: {f'<code>{esc(sku)}</code>' if sku else '<i>made up when you save</i>'}\n\n"
        f"<i>{esc(_(_SKU_HINT))}</i>"
    )


def unpayable_price(smallest: SmallestPayment | None) -> str:
    """A line after a price was set that a payment provider would refuse on its own."""
    if smallest is None:
        return ""
    return (
        f"\n⚠️ Card payments start at {money(smallest.amount, smallest.currency)}: a cart with "
        "only this product can't be checked out. Sell it with something else, or raise the price."
    )


def product_added(product_id: int, name: str, sku: str, category: str) -> str:
    return (
        f"✅ Added <b>{esc(name)}</b> (#{product_id}, SKU <code>{esc(sku)}</code>) "
        f"to {esc(category)}. Customers can find it now; /hide {product_id} hides it."
    )
