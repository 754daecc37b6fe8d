"""Every text a customer reads, in one place so the shop can be translated later.

Texts are HTML (Telegram's parse mode); anything that came from a person or the database goes
through `esc()` before it is put into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.money import format_amount
from bot.services.cart import CartLine, CartProblem


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def money(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


# ---------------------------------------------------------------- general

EXPIRED_BUTTON = "This menu has expired. Please open it again."
SLOW_DOWN = (
    "You're sending messages faster than I can read them 🙂 Please wait a few seconds, "
    "then send your last message again."
)
SOMETHING_WENT_WRONG = "Sorry, something went wrong on our side. Please try again in a moment."
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
ONLY_TEXT = (
    "I can only read text and button presses here. Type what you're looking for, "
    "or send /start for the menu."
)
ONLY_TEXT_IN_FORM = "This step needs your answer typed as text. Type it, or send /cancel to stop."


def usage(line: str) -> str:
    """A command's usage line, as the reply to the bare command."""
    return f"Usage: {line}"


NOTHING_TO_CANCEL = "There is nothing to cancel."
# What each form is called when it is left or cancelled.
FORM_NAMES = {
    "checkout": "The checkout",
    "address": "The new address",
    "email": "The email change",
    "review": "Your review",
    "addproduct": "The new product",
    "search": "The search",
    "import": "The import",
}


def cancelled(flow: str) -> str:
    what = FORM_NAMES.get(flow, "That")
    return f"{what} was cancelled; nothing from it was saved. Your cart is as you left it."


def leave_form_question(flow: str) -> str:
    what = FORM_NAMES.get(flow, "This form").lower().removeprefix("the ")
    return f"You're in the middle of {_the(what)}. Leave it? What you typed there will be lost."


def _the(what: str) -> str:
    return what if what.startswith("your ") else f"the {what}"


LEAVE_FORM = "Leave it"
STAY_IN_FORM = "Stay"
STAYING = "OK, let's carry on: just answer the last question."
BACK = "« Back"
MAIN_MENU = "🏠 Menu"
PREVIOUS = "◀"
NEXT = "▶"


def page_counter(page: int, pages: int) -> str:
    return f"{page} / {pages}"


PAGE_COUNTER_HINT = "This is the page you are on. Use ◀ and ▶ to turn pages."
# What a label among buttons says when pressed, by its topic.
HINTS = {
    "qty": "Use − and + to change the quantity.",
    "line": "Use − and + to change the quantity, or 🗑 to remove the item.",
}


def product_reference(product_id: int, sku: str) -> str:
    """For admins, under a product card: what /editproduct, /setstock and /hide take."""
    return f"🔧 #{product_id} · SKU <code>{esc(sku)}</code>"


def size_already_chosen(name: str) -> str:
    return f"Size {name} is selected."[:TOAST_MAX]


# ---------------------------------------------------------------- start, menu, help

MENU_CATALOG = "🛍 Catalogue"
MENU_SEARCH = "🔎 Search"
MENU_CART = "🛒 Cart"
MENU_ORDERS = "📦 Orders"
MENU_PROFILE = "👤 Profile"
MENU_HELP = "❓ Help"


def welcome(first_name: str) -> str:
    return (
        f"Hello, <b>{esc(first_name)}</b>! 👋\n"
        "Welcome to the shop. Browse the catalogue, or just type what you are looking for."
    )


MAIN_MENU_TEXT = "What would you like to do?"

# (command, one-line description) in the order they are shown and registered with Telegram.
COMMANDS = (
    ("start", "Main menu"),
    ("catalog", "Browse the catalogue"),
    ("search", "Search products, e.g. /search black hoodie"),
    ("cart", "Your cart"),
    ("orders", "Your orders"),
    ("profile", "Email and addresses"),
    ("payments", "Your saved cards"),
    ("cancel", "Leave the current step"),
    ("help", "What this bot can do"),
)

HELP = (
    "<b>What I can do</b>\n"
    + "\n".join(f"/{command} — {description}" for command, description in COMMANDS)
    + "\n\nTip: type any words, like <i>black hoodie</i>, to search. Typos are fine."
)


# ---------------------------------------------------------------- catalog

CATALOG_TITLE = "🛍 <b>Catalogue</b>\nChoose a category:"
CATALOG_EMPTY = "The catalogue is empty right now. Please come back soon."
ADD_TO_CART = "➕ Add to cart"
GO_TO_CART = "🛒 Go to cart"
LESS = "−"
MORE = "+"
CHOOSE_SIZE = "Choose a size to add it to your cart."
CHOOSE_SIZE_FIRST = "Please choose a size first."
SOLD_OUT = "Sold out for now."
NO_REVIEWS_YET = "No reviews yet"
NOT_RATED_YET = "Not rated yet"
TOAST_MAX = 200  # Telegram's limit for a button answer
MESSAGE_MAX = 4096  # Telegram's limit for a message's text, counted after its HTML is parsed


def more_items(hidden: int) -> str:
    return "<i>…and 1 more item</i>" if hidden == 1 else f"<i>…and {hidden} more items</i>"


def fit_lines(lines: Sequence[str], room: int) -> str:
    """The lines, one a line, as many as fit in `room` characters with a last line saying how
    many were left out: a long cart or order must still fit in one message. The HTML is
    counted as if shown, which only overestimates."""
    if sum(len(line) + 1 for line in lines) <= room:
        return "\n".join(lines)
    budget = room - len(more_items(len(lines))) - 1
    shown: list[str] = []
    for line in lines:
        if sum(len(kept) + 1 for kept in shown) + len(line) + 1 > budget:
            break
        shown.append(line)
    return "\n".join([*shown, more_items(len(lines) - len(shown))])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def category_button(name: str, products: int) -> str:
    return f"{name} ({products})"


def category_title(name: str, products: int) -> str:
    if not products:
        return f"<b>{esc(name)}</b>\nNothing here right now."
    return f"<b>{esc(name)}</b>\n{_count(products, 'product')} — choose one:"


def product_button(name: str, price: str, sold_out: bool = False) -> str:
    return f"{name} · {price} · sold out" if sold_out else f"{name} · {price}"


def rating_line(average: float | None, ratings: int, reviews: int) -> str:
    if average is None:
        return NOT_RATED_YET if reviews else NO_REVIEWS_YET
    return f"★ {average:.1f} ({_count(ratings, 'rating')})"


def size_stock(name: str, stock: int) -> str:
    if stock <= 0:
        return f"<s>{esc(name)}</s> — sold out"
    return f"{esc(name)} — {stock} in stock"


def product_card(
    *,
    name: str,
    price: str,
    rating: str,
    description: str,
    sizes: list[tuple[str, int]],
    footer: str,
) -> str:
    lines = [f"<b>{esc(name)}</b>", f"<b>{price}</b>", rating]
    if description:
        lines += ["", esc(description)]
    lines += ["", "<b>Sizes</b>", *(size_stock(size, stock) for size, stock in sizes)]
    return "\n".join([*lines, "", footer])


def card_footer(*, available: bool, size: str | None, quantity: int, total: str) -> str:
    if not available:
        return SOLD_OUT
    if size is None:
        return CHOOSE_SIZE
    return f"Selected: <b>{esc(size)}</b> × {quantity} = <b>{total}</b>"


def size_button(name: str, *, chosen: bool, sold_out: bool) -> str:
    if sold_out:
        return f"{name} ✕"
    return f"• {name}" if chosen else name


def quantity(number: int) -> str:
    return f"Qty: {number}"


def reviews_button(reviews: int) -> str:
    return f"💬 Reviews ({reviews})" if reviews else "💬 Reviews"


def size_sold_out(name: str) -> str:
    return f"Size {name} is sold out."[:TOAST_MAX]


def added_to_cart(quantity: int, name: str, size: str) -> str:
    return f"Added {quantity} × {name} ({size}) to your cart"[:TOAST_MAX]


# ---------------------------------------------------------------- search

SEARCH_PROMPT = (
    "🔎 What are you looking for? Type a few words, like <i>black hoodie</i>. Typos are fine."
)
BROWSE_CATALOG = "🛍 Browse the catalogue"


def search_results(query: str, found: int) -> str:
    return f"🔎 {_count(found, 'product')} found for “{esc(query)}”:"


def nothing_found(query: str) -> str:
    return f"Nothing found for “{esc(query)}”.\nTry other words, or browse the catalogue."


# ---------------------------------------------------------------- reviews

RATE = "⭐ Rate"
WRITE_REVIEW = "✍️ Write a review"
EDIT_MY_REVIEW = "✍️ Edit my review"
CANCEL_REVIEW = "✖ Cancel"
THANKS_FOR_RATING = "Thanks for rating!"
REVIEW_SAVED = "✅ Thanks! Your review is saved."
NO_WRITTEN_REVIEWS = "Nobody has written a review yet."
REVIEW_PREVIEW_LENGTH = 600  # five reviews must fit into one message


def stars(value: int) -> str:
    return "★" * value + "☆" * (5 - value)


def star_button(value: int, *, chosen: bool) -> str:
    return f"• {value} ★" if chosen else f"{value} ★"


def rate_prompt(name: str) -> str:
    return f"How would you rate <b>{esc(name)}</b>?"


def review_prompt(name: str, current: str | None, max_length: int) -> str:
    text = (
        f"✍️ Write your review of <b>{esc(name)}</b> in one message (up to {max_length} characters)."
    )
    if current:
        text += f"\n\nYour review now:\n<i>{esc(current)}</i>"
    return text + "\n\nSend /cancel to stop."


def review_try_again(reason: str) -> str:
    return f"{esc(reason)}\nPlease send your review again, or /cancel."


def review_entry(author: str, rating: int | None, text: str, day: str, *, edited: bool) -> str:
    header = f"<b>{esc(author) or 'A customer'}</b>"
    if rating:
        header += f" {stars(rating)}"
    header += f" · {day}" + (" · <i>edited</i>" if edited else "")
    if len(text) > REVIEW_PREVIEW_LENGTH:
        text = text[: REVIEW_PREVIEW_LENGTH - 1].rstrip() + "…"
    return f"{header}\n{esc(text)}"


def reviews_screen(name: str, rating: str, entries: list[str], *, notice: str | None) -> str:
    lines = [notice, ""] if notice else []
    lines += [f"💬 <b>Reviews of {esc(name)}</b>", rating, ""]
    lines.append("\n\n".join(entries) if entries else NO_WRITTEN_REVIEWS)
    return "\n".join(lines)


# ---------------------------------------------------------------- cart

CART_TITLE = "🛒 <b>Your cart</b>"
CART_EMPTY = "🛒 Your cart is empty.\nHave a look at the catalogue and add something you like."
CART_BROWSE = "🛍 Browse the catalogue"
CART_CHECKOUT = "✅ Checkout"
CART_CLEAR = "Clear cart"
CART_DECREASE = "−"
CART_INCREASE = "+"
CART_REMOVE = "🗑"
CART_NEEDS_ATTENTION = "⚠️ Some items need your attention before you can check out."
CART_CLEAR_QUESTION = "Remove everything from your cart?"
CART_CLEAR_YES = "Yes, clear it"
CART_CLEARED = "Cart cleared"
CART_LINE_REMOVED = "Removed from your cart"


def cart_quantity(quantity: int) -> str:
    return f"Quantity: {quantity}"


def cart_problem(line: CartLine) -> str | None:
    """Why a line of the cart cannot be ordered as it is, in a few words."""
    if line.problem is CartProblem.NOT_SOLD:
        return "no longer sold"
    if line.problem is CartProblem.SOLD_OUT:
        return "out of stock"
    if line.problem is CartProblem.FEW_LEFT:
        return f"only {line.stock} left"
    if line.problem is CartProblem.OTHER_CURRENCY:
        return f"now priced in {line.currency}"
    return None


def cart_line(
    number: int, name: str, size: str, quantity: int, unit: str, total: str, problem: str | None
) -> str:
    text = f"{number}. <b>{esc(name)}</b> · {esc(size)}\n    {quantity} × {unit} = <b>{total}</b>"
    return text + (f"\n    ⚠️ <i>{esc(problem)}</i>" if problem else "")


def cart_line_label(number: int, size: str, quantity: int) -> str:
    return f"{number}. {size} × {quantity}"


def cart_total(total: str) -> str:
    return f"Total: <b>{total}</b>"


# ---------------------------------------------------------------- checkout

CHECKOUT_CHOOSE_ADDRESS = (
    "📍 <b>Where should we deliver?</b>\nChoose a saved address or add a new one."
)
CHECKOUT_NEW_ADDRESS = "➕ New address"
CHECKOUT_BACK_TO_CART = "« Back to cart"
CHECKOUT_USE_BUTTONS = "Please use the buttons above, or /cancel."
CHECKOUT_PLACE = "✅ Place order"
CHECKOUT_CANCEL = "✖ Cancel"
CHECKOUT_CANCELLED = "Checkout cancelled"
CHECKOUT_CART_CHANGED = "Your cart has changed. Please check the updated summary."
CHECKOUT_NOT_PLACED = "Nothing was ordered."
CHECKOUT_VIEW_ORDER = "📦 View order"
CHECKOUT_SAVE_CARD_OFF = "☐ Save my card for next time"
CHECKOUT_SAVE_CARD_ON = "☑ Save my card for next time"
CHECKOUT_CARD_SAVED_NOTE = (
    "💳 The card you pay with will be saved with Stripe, our payment provider, and offered "
    "when you next pay. We keep only its brand, last four digits and expiry; remove it any "
    "time in /payments."
)

# What the step-by-step new address asks for, one field at a time (bot.services.user order).
ADDRESS_PROMPTS = {
    "recipient_name": "Who should we deliver to? Please send the recipient's full name.",
    "phone": "Their phone number, for the courier (like +49 30 1234567):",
    "street": "Street and house number:",
    "city": "City:",
    "region": "State or region (send - to skip):",
    "postal_code": "Postal code:",
    "country": "Country (its name in English, or a two-letter code like DE):",
}


def address_prompt(number: int, steps: int, field: str) -> str:
    return (
        f"📍 <b>New address</b> · step {number} of {steps}\n{ADDRESS_PROMPTS[field]}\n\n"
        "<i>Send /cancel to stop; your cart stays as it is.</i>"
    )


def address_button(summary: str, is_default: bool) -> str:
    return f"⭐ {summary}" if is_default else summary


def checkout_summary(lines: str, total: str, address: str, *, save_card: bool = False) -> str:
    saving = f"{CHECKOUT_CARD_SAVED_NOTE}\n\n" if save_card else ""
    return (
        f"🧾 <b>Order summary</b>\n\n{lines}\n\n{cart_total(total)}\n\n"
        f"<b>Shipping to</b>\n{esc(address)}\n\n{saving}Place the order?"
    )


def order_placed(order_id: int, total: str, hold_minutes: int, *, payment_connected: bool) -> str:
    how = (
        "It is now awaiting payment: please pay with the button below."
        if payment_connected
        else "It is now awaiting payment, but online payment is not switched on in this shop yet."
    )
    return (
        f"✅ <b>Order #{order_id} placed</b>\nTotal: <b>{total}</b>\n\n{how} "
        f"We hold your items for {hold_minutes} minutes; if the order isn't paid by then, "
        "it is cancelled automatically and the items go back on sale."
    )


def not_placed(reason: str) -> str:
    return f"⚠️ {esc(reason)}\n{CHECKOUT_NOT_PLACED}"


# ---------------------------------------------------------------- orders

ORDERS_TITLE = "📦 <b>Your orders</b>\nTap an order to see its details."
ORDERS_EMPTY = "📦 You have no orders yet."
ORDERS_ALL = "« All orders"
ORDER_CANCEL = "✖ Cancel order"
ORDER_CANCEL_YES = "Yes, cancel it"
ORDER_KEEP = "No, keep it"


def order_button(order_id: int, day: str, total: str, status: str) -> str:
    return f"#{order_id} · {day} · {total} · {status}"


def order_history_line(when: str, status: str, note: str | None) -> str:
    return f"{when} — {status}" + (f" ({esc(note)})" if note else "")


def order_details(
    order_id: int, status: str, lines: str, total: str, address: str, history: str
) -> str:
    return (
        f"📦 <b>Order #{order_id}</b> · {status}\n\n{lines}\n\n{cart_total(total)}\n\n"
        f"<b>Shipping to</b>\n{esc(address)}\n\n<b>History</b>\n{history}"
    )


ORDER_REQUEST_CANCEL = "🙋 Ask to cancel"
CANCEL_REQUESTED = "Asked: the shop will answer here."
CANCEL_REQUESTED_ALREADY = "You asked already: the shop will answer here."


def order_cancel_question(order_id: int) -> str:
    return f"Cancel order #{order_id}? Its items go back on sale."


def order_cancelled(order_id: int) -> str:
    return f"Order #{order_id} cancelled"


def order_review_button(product_name: str) -> str:
    return f"⭐ Rate & review: {product_name}"


# ---------------------------------------------------------------- profile

PROFILE_TITLE = "👤 <b>Your profile</b>"
PROFILE_SET_EMAIL = "✉ Set email"
PROFILE_TITLE_PLAIN = "👤 Your profile"  # the title as the chat shows it, without markup
STOP_ANNOUNCEMENTS = "🔕 No more announcements"


def announcements_button(on: bool) -> str:
    return (
        "🔔 Announcements: on (tap to turn off)" if on else "🔕 Announcements: off (tap to turn on)"
    )


def announcements_set(on: bool) -> str:
    if on:
        return "🔔 You'll get the shop's announcements again."
    return (
        "🔕 No more announcements. Notices about your orders still come; "
        "/profile turns them back on."
    )


PROFILE_ADD_ADDRESS = "➕ Add address"
PROFILE_EDIT_ADDRESS = "✏️ Edit"
PROFILE_DELETE_ADDRESS = "🗑 Delete"
PROFILE_MAKE_DEFAULT = "⭐ Make default"
PROFILE_CONFIRM_DELETE = "Yes, delete it"
PROFILE_KEEP_ADDRESS = "No, keep it"
PROFILE_LEAVE_FORM = "✖ Cancel"
PROFILE_EMAIL_SAVED = "✅ Email saved."
PROFILE_EMAIL_REMOVED = "✅ Email removed."
PROFILE_ADDRESS_ADDED = "✅ Address added."
PROFILE_ADDRESS_UPDATED = "✅ Address updated."
PROFILE_ADDRESS_DELETED = "Address deleted"
PROFILE_DEFAULT_SET = "This is now your default address"
PROFILE_FORM_LEFT = "Stopped. Nothing was changed."
PROFILE_REASK_HINT = "<i>Send /cancel to stop.</i>"


# What the profile's address form asks for, in bot.services.user.ADDRESS_FIELDS order.
def profile(
    first_name: str, email: str | None, addresses: list[tuple[dict[str, str], bool]]
) -> str:
    """`addresses` holds each address's fields and whether it is the default."""
    lines = [
        PROFILE_TITLE,
        "",
        f"Name: {esc(first_name)}",
        f"Email: {esc(email) if email else '<i>not set</i>'}",
        "",
        "<b>Addresses</b>",
    ]
    lines += [
        f"⭐ {esc(profile_address_line(fields))} <i>(default)</i>"
        if default
        else f"• {esc(profile_address_line(fields))}"
        for fields, default in addresses
    ] or ["<i>No saved addresses yet.</i>"]
    if addresses:
        lines += ["", "Tap an address to edit or delete it."]
    return "\n".join(lines)


def profile_address_line(fields: dict[str, str]) -> str:
    """One line: recipient, street, postal code and city, country."""
    place = " ".join(part for part in (fields["postal_code"], fields["city"]) if part)
    return ", ".join((fields["recipient_name"], fields["street"], place, fields["country"]))


def profile_address_button(fields: dict[str, str], is_default: bool) -> str:
    label = f"{fields['street']}, {fields['city']}"
    return f"⭐ {label}" if is_default else f"📍 {label}"


def profile_address(fields: dict[str, str], is_default: bool) -> str:
    region = f", {fields['region']}" if fields["region"] else ""
    return (
        f"📍 <b>{esc(fields['recipient_name'])}</b>\n"
        f"{esc(fields['phone'])}\n{esc(fields['street'])}\n"
        f"{esc(fields['postal_code'])} {esc(fields['city'])}{esc(region)}\n{esc(fields['country'])}"
        + ("\n\n⭐ Your default address" if is_default else "")
    )


def profile_delete_question(fields: dict[str, str]) -> str:
    return f"Delete this address?\n\n{esc(profile_address_line(fields))}"


def profile_email_prompt(current: str | None) -> str:
    now = f"\nNow: <b>{esc(current)}</b>. Send - to remove it." if current else ""
    return f"✉ Send your email address, like name@example.com.{now}\n\n{PROFILE_REASK_HINT}"


def profile_address_prompt(field: str, number: int, steps: int, current: str | None) -> str:
    """`current` is the saved value when editing (None for a new address)."""
    title = "✏️ <b>Edit address</b>" if current is not None else "📍 <b>New address</b>"
    keep = ""
    if current is not None:
        now = esc(current) if current else "<i>empty</i>"
        keep = f"\nNow: <b>{now}</b>. Send . to keep it."
    return (
        f"{title} · step {number} of {steps}\n{ADDRESS_PROMPTS[field]}{keep}"
        f"\n\n{PROFILE_REASK_HINT}"
    )


def profile_reask(message: str) -> str:
    return f"⚠️ {esc(message)}\n{PROFILE_REASK_HINT}"


# ---------------------------------------------------------------- payments
# What the outbox tells customers and admins afterwards: bot.texts.notices.


def pay_button(amount: int, currency: str) -> str:
    return f"💳 Pay {money(amount, currency.upper())}"


def pay_prompt(order_id: int, amount: int, currency: str, minutes: int) -> str:
    return (
        f"Order <b>#{order_id}</b> is reserved for you: {money(amount, currency.upper())}.\n"
        f"Tap the button below to pay securely with Stripe within {minutes} minutes."
    )


# ---------------------------------------------------------------- telegram payments
# Invoice titles, descriptions and price labels are plain text (no HTML) and have Telegram's
# limits: title 1-32 characters, description 1-255.

TG_INVOICE_DESCRIPTION_LIMIT = 255
TG_CHECK_FAILED = (
    "We couldn't check your order just now. Nothing was charged; please try again in a moment."
)


def tg_invoice_title(order_id: int) -> str:
    return f"Order #{order_id}"


def tg_price_label(product_name: str, size_name: str, quantity: int) -> str:
    return f"{product_name} ({size_name}) × {quantity}"


def tg_invoice_description(labels: list[str]) -> str:
    text = ", ".join(labels) or "Your order"
    limit = TG_INVOICE_DESCRIPTION_LIMIT
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tg_invoice_failed(order_id: int) -> str:
    return (
        f"⚠️ We couldn't open the payment for order <b>#{order_id}</b> just now. Nothing was "
        "charged. Please contact us, or cancel the order in /orders."
    )


# ---------------------------------------------------------------- stripe chat

PAY_ORDER = "💳 Pay"
PAY_TRY_AGAIN = "🔄 Try again"


def stripe_pay_failed(order_id: int, reason: str) -> str:
    return (
        f"⚠️ {esc(reason)}\nOrder <b>#{order_id}</b> is still reserved for you: tap "
        f"<b>{PAY_TRY_AGAIN}</b>, or pay later from /orders."
    )


def stripe_returned_paid(order_id: int, status: str, *, pending: bool) -> str:
    """Stripe's success page sent the customer back; the webhook may not have arrived yet."""
    if pending:
        return (
            f"🙏 Thanks! We'll confirm order <b>#{order_id}</b> as soon as Stripe tells us the "
            "payment went through; you will get a message here.\n"
            f"Status now: <b>{esc(status)}</b>"
        )
    return f"🙏 Thanks! Order <b>#{order_id}</b> is <b>{esc(status)}</b>."


def stripe_returned_unpaid(order_id: int, total: str, status: str, *, payable: bool) -> str:
    if payable:
        return (
            f"💳 Order <b>#{order_id}</b> ({total}) is not paid yet. It is still reserved for "
            f"you: tap <b>{PAY_ORDER}</b> to try again."
        )
    return f"Order <b>#{order_id}</b> ({total}) is <b>{esc(status)}</b>."


# /payments: cards saved with the payment provider (brand, last four digits, expiry only).
CARDS_TITLE = "💳 <b>Your saved cards</b>"
CARDS_EMPTY = (
    "💳 You have no saved cards.\n"
    "We never store card numbers: if a card is kept with our payment provider for you, "
    "it shows up here and you can remove it."
)
CARDS_FOOTER = (
    "Tap 🗑 to remove a card. We keep only its brand, last four digits and expiry, "
    "never the card number."
)
CARD_REMOVE_YES = "Yes, remove it"
CARD_KEEP = "No, keep it"
CARD_REMOVED = "Card removed"
_CARD_BRANDS = {
    "amex": "American Express",
    "diners": "Diners Club",
    "discover": "Discover",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
}


def card_label(brand: str, last4: str, exp_month: int, exp_year: int) -> str:
    """Plain text, for buttons: run it through esc() before putting it into a message."""
    name = _CARD_BRANDS.get(brand.lower(), brand.title() or "Card")
    return f"{name} •••• {last4} · exp {exp_month:02d}/{exp_year % 100:02d}"


def saved_cards(labels: list[tuple[str, bool]]) -> str:
    """`labels` holds each card's label and whether it has expired."""
    lines = [f"• {esc(label)}" + (" · <i>expired</i>" if old else "") for label, old in labels]
    return "\n".join([CARDS_TITLE, "", *lines, "", CARDS_FOOTER])


def remove_card_button(label: str) -> str:
    return f"🗑 {label}"


def remove_card_question(label: str) -> str:
    return f"Remove this card?\n\n{esc(label)}\n\nYou can save it again when you next pay."
