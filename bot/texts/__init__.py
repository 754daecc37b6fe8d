"""Every text a customer reads, in one place, marked for translation (bot/texts/i18n.py).

Texts are HTML (Telegram's parse mode); anything that came from a person or the database goes
through `esc()` before it is put into one, as a `.format()` argument, never into the msgid.
A constant is defined as `_NAME = N_("...")` and read as `texts.NAME`, which translates it for
the current reader each time: import this module, never a text constant from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.money import format_amount
from bot.services.cart import CartLine, CartProblem
from bot.services.product_fields import ONE_SIZE
from bot.texts.i18n import (
    N_,
    _,
    country_name,
    current_language,
    long_date,
    ngettext,
    percent,
    translated_constant,
)
from bot.texts.i18n import number as _number  # functions here take a `number` of their own


def __getattr__(name: str) -> str:
    """`texts.BACK` is `_BACK`, translated for the current reader."""
    return translated_constant(globals(), name)


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def money(amount: int, currency: str) -> str:
    """An amount the reader's way: €49.99, 49,99 €, € 49,99."""
    return format_amount(amount, currency, current_language())


# ---------------------------------------------------------------- general

_EXPIRED_BUTTON = N_("This menu has expired. Please open it again.")
_SLOW_DOWN = N_(
    "You're sending messages faster than I can read them 🙂 Please wait a few seconds, "
    "then send your last message again."
)
_SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on our side. Please try again in a moment.")
_UNKNOWN_COMMAND = N_("I don't know that command. Send /help to see what I can do.")
_ONLY_TEXT = N_(
    "I can only read text and button presses here. Type what you're looking for, "
    "or send /start for the menu."
)
_ONLY_TEXT_IN_FORM = N_(
    "This step needs your answer typed as text. Type it, or send /cancel to stop."
)


def usage(line: str) -> str:
    """A command's usage line, as the reply to the bare command."""
    return _("Usage: {line}").format(line=line)


_NOTHING_TO_CANCEL = N_("There is nothing to cancel.")
# What is said when a form is cancelled, and asked before one is left, by the form's flow:
# whole sentences, as a form's name takes another article, gender or case in other languages.
_CANCELLED = {
    "checkout": N_(
        "The checkout was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "address": N_(
        "The new address was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "email": N_(
        "The email change was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "review": N_(
        "Your review was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "addproduct": N_(
        "The new product was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "search": N_(
        "The search was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "import": N_(
        "The import was cancelled; nothing from it was saved. Your cart is as you left it."
    ),
    "support": N_(
        "You stopped writing to the shop; what you sent has reached it, and the answer will "
        "come in this chat. Your cart is as you left it."
    ),
}
_CANCELLED_OTHER = N_("That was cancelled; nothing from it was saved. Your cart is as you left it.")
_LEAVE_QUESTIONS = {
    "checkout": N_(
        "You're in the middle of the checkout. Leave it? What you typed there will be lost."
    ),
    "address": N_(
        "You're in the middle of the new address. Leave it? What you typed there will be lost."
    ),
    "email": N_(
        "You're in the middle of the email change. Leave it? What you typed there will be lost."
    ),
    "review": N_(
        "You're in the middle of your review. Leave it? What you typed there will be lost."
    ),
    "addproduct": N_(
        "You're in the middle of the new product. Leave it? What you typed there will be lost."
    ),
    "search": N_(
        "You're in the middle of the search. Leave it? What you typed there will be lost."
    ),
    "import": N_(
        "You're in the middle of the import. Leave it? What you typed there will be lost."
    ),
}
_LEAVE_QUESTION_OTHER = N_(
    "You're in the middle of this form. Leave it? What you typed there will be lost."
)


def cancelled(flow: str) -> str:
    return _(_CANCELLED.get(flow, _CANCELLED_OTHER))


def leave_form_question(flow: str) -> str:
    return _(_LEAVE_QUESTIONS.get(flow, _LEAVE_QUESTION_OTHER))


_LEAVE_FORM = N_("Leave it")
_STAY_IN_FORM = N_("Stay")
_STAYING = N_("OK, let's carry on: just answer the last question.")
_BACK = N_("« Back")
_MAIN_MENU = N_("🏠 Menu")
PREVIOUS = "◀"
NEXT = "▶"


def page_counter(page: int, pages: int) -> str:
    return f"{page} / {pages}"


def photo_counter(number: int, photos: int) -> str:
    """Between a card's ◀ and ▶: which of the product's photos is showing."""
    return f"{number}/{photos}"


_PAGE_COUNTER_HINT = N_("This is the page you are on. Use ◀ and ▶ to turn pages.")
# What a label among buttons says when pressed, by its topic.
_HINTS = {
    "qty": N_("Use − and + to change the quantity."),
    "line": N_("Use − and + to change the quantity, or 🗑 to remove the item."),
    "pic": N_("Use ◀ and ▶ to see the other photos."),
}


def hint(topic: str) -> str | None:
    """What pressing a label about `topic` says; None for a topic there is no such label of."""
    source = _HINTS.get(topic)
    return None if source is None else _(source)


def product_reference(product_id: int, sku: str) -> str:
    """For admins, under a product card: what /editproduct, /setstock and /hide take."""
    return _("🔧 #{product_id} · SKU <code>{sku}</code>").format(
        product_id=product_id, sku=esc(sku)
    )


_ONE_SIZE = N_("One size")


def size_name(name: str) -> str:
    """A size as the reader calls it: "One size", the size of products sold without sizes, is
    stored in English and read in every language."""
    return _(_ONE_SIZE) if name == ONE_SIZE else name


def size_already_chosen(name: str) -> str:
    return _("Size {size} is selected.").format(size=size_name(name))[:TOAST_MAX]


# ---------------------------------------------------------------- start, menu, help

_MENU_CATALOG = N_("🛍 Catalogue")
_OPEN_SHOP = N_("🛍 Open the shop")  # the Mini App, from /start
_MENU_SHOP = N_("Shop")  # the chat's menu button that opens the Mini App
_MENU_SEARCH = N_("🔎 Search")
_MENU_CART = N_("🛒 Cart")
_MENU_ORDERS = N_("📦 Orders")
_MENU_WISHLIST = N_("♥ Wishlist")
_MENU_PROFILE = N_("👤 Profile")
_MENU_HELP = N_("❓ Help")


def welcome(first_name: str) -> str:
    return _(
        "Hello, <b>{first_name}</b>! 👋\n"
        "Welcome to the shop. Browse the catalogue, or just type what you are looking for."
    ).format(first_name=esc(first_name))


_MAIN_MENU_TEXT = N_("What would you like to do?")

# (command, one-line description) in the order they are shown and registered with Telegram.
# The descriptions are marked here and translated where they are read.
COMMANDS = (
    ("start", N_("Main menu")),
    ("catalog", N_("Browse the catalogue")),
    ("search", N_("Search products, e.g. /search black hoodie")),
    ("cart", N_("Your cart")),
    ("orders", N_("Your orders")),
    ("wishlist", N_("Products you saved, and their prices")),
    ("profile", N_("Email and addresses")),
    ("payments", N_("Your saved cards")),
    ("language", N_("Choose the shop's language")),
    ("cancel", N_("Leave the current step")),
    ("help", N_("What this bot can do")),
    ("support", N_("Write to the shop")),
    ("paysupport", N_("Help with a payment")),
)

_PAY_SUPPORT = N_(
    "💳 <b>Help with a payment</b>\n\n"
    "For anything about a payment to this shop — one that went through but shows no order, a "
    "refund, a purchase that didn't arrive — write to us with /support and give the order "
    "number from /orders. We answer in this chat.\n\n"
    "Digital products paid in Telegram Stars can be sent again from /orders. A refund of "
    "Stars goes back to your Telegram balance. Telegram's own support can't help with "
    "purchases made in this bot: the shop handles them."
)


def help_text() -> str:
    """/help: the commands, one a line, and how to search."""
    commands = "\n".join(f"/{command} — {_(description)}" for command, description in COMMANDS)
    return "\n".join(
        [
            _("<b>What I can do</b>"),
            commands,
            "",
            _("Tip: type any words, like <i>black hoodie</i>, to search. Typos are fine."),
        ]
    )


# ---------------------------------------------------------------- catalog

_CATALOG_TITLE = N_("🛍 <b>Catalogue</b>\nChoose a category:")
_CATALOG_EMPTY = N_("The catalogue is empty right now. Please come back soon.")
_ADD_TO_CART = N_("➕ Add to cart")
_GO_TO_CART = N_("🛒 Go to cart")
LESS = "−"
MORE = "+"
_CHOOSE_SIZE = N_("Choose a size to add it to your cart.")
_CHOOSE_SIZE_FIRST = N_("Please choose a size first.")
_SOLD_OUT = N_("Sold out for now.")
_NO_REVIEWS_YET = N_("No reviews yet")
_NOT_RATED_YET = N_("Not rated yet")
TOAST_MAX = 200  # Telegram's limit for a button answer
MESSAGE_MAX = 4096  # Telegram's limit for a message's text, counted after its HTML is parsed


def more_items(hidden: int) -> str:
    return ngettext(
        "<i>…and {count} more item</i>", "<i>…and {count} more items</i>", hidden
    ).format(count=_number(hidden))


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


def category_button(name: str, products: int) -> str:
    return f"{name} ({products})"


def category_title(name: str, products: int) -> str:
    if not products:
        return _("<b>{category}</b>\nNothing here right now.").format(category=esc(name))
    return ngettext(
        "<b>{category}</b>\n{count} product — choose one:",
        "<b>{category}</b>\n{count} products — choose one:",
        products,
    ).format(category=esc(name), count=_number(products))


def product_button(name: str, price: str, sold_out: bool = False) -> str:
    if sold_out:
        return _("{product} · {price} · sold out").format(product=name, price=price)
    return f"{name} · {price}"


def rating_line(average: float | None, ratings: int, reviews: int) -> str:
    if average is None:
        return _(_NOT_RATED_YET) if reviews else _(_NO_REVIEWS_YET)
    return ngettext(
        "★ {average} ({count} rating)", "★ {average} ({count} ratings)", ratings
    ).format(average=format(average, ".1f"), count=_number(ratings))


def size_stock(name: str, stock: int) -> str:
    if stock <= 0:
        return _("<s>{size}</s> — sold out").format(size=esc(size_name(name)))
    return ngettext("{size} — {stock} in stock", "{size} — {stock} in stock", stock).format(
        size=esc(size_name(name)), stock=stock
    )


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
    lines += ["", _("<b>Sizes</b>"), *(size_stock(size, stock) for size, stock in sizes)]
    return "\n".join([*lines, "", footer])


def card_footer(*, available: bool, size: str | None, quantity: int, total: str) -> str:
    if not available:
        return _(_SOLD_OUT)
    if size is None:
        return _(_CHOOSE_SIZE)
    return _("Selected: <b>{size}</b> × {quantity} = <b>{total}</b>").format(
        size=esc(size_name(size)), quantity=quantity, total=total
    )


_SHARE = N_("↗ Share")
_OPEN_IN_SHOP = N_("🛍 Open in shop")


def inline_card(*, name: str, price: str, description: str) -> str:
    """A product posted into any chat through inline mode: no stock, no sizes, as those
    change; the button under it opens the live card in the bot."""
    lines = [f"<b>{esc(name)}</b>", f"<b>{price}</b>"]
    if description:
        lines += ["", esc(description)]
    return "\n".join(lines)


def inline_summary(*, price: str, description: str) -> str:
    """The line under a product's name in the inline results list."""
    return f"{price} · {description}" if description else price


def size_button(name: str, *, chosen: bool, sold_out: bool) -> str:
    name = size_name(name)
    if sold_out:
        return f"{name} ✕"
    return f"• {name}" if chosen else name


def quantity(number: int) -> str:
    return _("Qty: {quantity}").format(quantity=number)


def reviews_button(reviews: int) -> str:
    if not reviews:
        return _("💬 Reviews")
    return _("💬 Reviews ({count})").format(count=reviews)


def size_sold_out(name: str) -> str:
    return _("Size {size} is sold out.").format(size=size_name(name))[:TOAST_MAX]


def added_to_cart(quantity: int, name: str, size: str) -> str:
    return _("Added {quantity} × {product} ({size}) to your cart").format(
        quantity=quantity, product=name, size=size_name(size)
    )[:TOAST_MAX]


# ---------------------------------------------------------------- search

_SEARCH_PROMPT = N_(
    "🔎 What are you looking for? Type a few words, like <i>black hoodie</i>. Typos are fine."
)
_BROWSE_CATALOG = N_("🛍 Browse the catalogue")


def search_results(query: str, found: int) -> str:
    return ngettext(
        "🔎 {count} product found for “{query}”:", "🔎 {count} products found for “{query}”:", found
    ).format(count=_number(found), query=esc(query))


def nothing_found(query: str) -> str:
    return _("Nothing found for “{query}”.\nTry other words, or browse the catalogue.").format(
        query=esc(query)
    )


# ---------------------------------------------------------------- reviews

_RATE = N_("⭐ Rate")
_WRITE_REVIEW = N_("✍️ Write a review")
_EDIT_MY_REVIEW = N_("✍️ Edit my review")
_CANCEL_REVIEW = N_("✖ Cancel")
_THANKS_FOR_RATING = N_("Thanks for rating!")
_REVIEW_SAVED = N_("✅ Thanks! Your review is saved.")
_NO_WRITTEN_REVIEWS = N_("Nobody has written a review yet.")
REVIEW_PREVIEW_LENGTH = 600  # five reviews must fit into one message


def stars(value: int) -> str:
    return "★" * value + "☆" * (5 - value)


def star_button(value: int, *, chosen: bool) -> str:
    return f"• {value} ★" if chosen else f"{value} ★"


def rate_prompt(name: str) -> str:
    return _("How would you rate <b>{product}</b>?").format(product=esc(name))


def review_prompt(name: str, current: str | None, max_length: int) -> str:
    # The limit is written as is ("2000"), as the English always was.
    if current:
        return ngettext(
            "✍️ Write your review of <b>{product}</b> in one message (up to {limit} character)."
            "\n\nYour review now:\n<i>{review}</i>\n\nSend /cancel to stop.",
            "✍️ Write your review of <b>{product}</b> in one message (up to {limit} characters)."
            "\n\nYour review now:\n<i>{review}</i>\n\nSend /cancel to stop.",
            max_length,
        ).format(product=esc(name), limit=max_length, review=esc(current))
    return ngettext(
        "✍️ Write your review of <b>{product}</b> in one message (up to {limit} character)."
        "\n\nSend /cancel to stop.",
        "✍️ Write your review of <b>{product}</b> in one message (up to {limit} characters)."
        "\n\nSend /cancel to stop.",
        max_length,
    ).format(product=esc(name), limit=max_length)


def review_try_again(reason: str) -> str:
    return _("{reason}\nPlease send your review again, or /cancel.").format(reason=esc(reason))


def review_entry(author: str, rating: int | None, text: str, day: str, *, edited: bool) -> str:
    header = "<b>{author}</b>".format(author=esc(author) or _("A customer"))
    if rating:
        header += f" {stars(rating)}"
    header += f" · {day}" + (" · " + _("<i>edited</i>") if edited else "")
    if len(text) > REVIEW_PREVIEW_LENGTH:
        text = text[: REVIEW_PREVIEW_LENGTH - 1].rstrip() + "…"
    return f"{header}\n{esc(text)}"


def reviews_screen(name: str, rating: str, entries: list[str], *, notice: str | None) -> str:
    lines = [notice, ""] if notice else []
    lines += [_("💬 <b>Reviews of {product}</b>").format(product=esc(name)), rating, ""]
    lines.append("\n\n".join(entries) if entries else _(_NO_WRITTEN_REVIEWS))
    return "\n".join(lines)


# ---------------------------------------------------------------- cart

_CART_TITLE = N_("🛒 <b>Your cart</b>")
_CART_EMPTY = N_("🛒 Your cart is empty.\nHave a look at the catalogue and add something you like.")
_CART_BROWSE = N_("🛍 Browse the catalogue")
_CART_CHECKOUT = N_("✅ Checkout")
_CART_CLEAR = N_("Clear cart")
CART_DECREASE = "−"
CART_INCREASE = "+"
CART_REMOVE = "🗑"
_CART_NEEDS_ATTENTION = N_("⚠️ Some items need your attention before you can check out.")
_CART_CLEAR_QUESTION = N_("Remove everything from your cart?")
_CART_CLEAR_YES = N_("Yes, clear it")
_CART_CLEARED = N_("Cart cleared")
_CART_LINE_REMOVED = N_("Removed from your cart")


def cart_quantity(quantity: int) -> str:
    return _("Quantity: {quantity}").format(quantity=quantity)


def cart_problem(line: CartLine) -> str | None:
    """Why a line of the cart cannot be ordered as it is, in a few words."""
    if line.problem is CartProblem.NOT_SOLD:
        return _("no longer sold")
    if line.problem is CartProblem.SOLD_OUT:
        return _("out of stock")
    if line.problem is CartProblem.FEW_LEFT:
        return ngettext("only {count} left", "only {count} left", line.stock).format(
            count=_number(line.stock)
        )
    if line.problem is CartProblem.OTHER_CURRENCY:
        return _("now priced in {currency}").format(currency=line.currency)
    return None


def cart_line(
    number: int, name: str, size: str, quantity: int, unit: str, total: str, problem: str | None
) -> str:
    size = esc(size_name(size))
    text = f"{number}. <b>{esc(name)}</b> · {size}\n    {quantity} × {unit} = <b>{total}</b>"
    return text + (f"\n    ⚠️ <i>{esc(problem)}</i>" if problem else "")


def cart_line_label(number: int, size: str, quantity: int) -> str:
    return f"{number}. {size_name(size)} × {quantity}"


def cart_total(total: str) -> str:
    return _("Total: <b>{total}</b>").format(total=total)


# ---------------------------------------------------------------- checkout

_CHECKOUT_CHOOSE_ADDRESS = N_(
    "📍 <b>Where should we deliver?</b>\nChoose a saved address or add a new one."
)
_CHECKOUT_NEW_ADDRESS = N_("➕ New address")
_CHECKOUT_BACK_TO_CART = N_("« Back to cart")
_CHECKOUT_USE_BUTTONS = N_("Please use the buttons above, or /cancel.")
_CHECKOUT_PLACE = N_("✅ Place order")
_CHECKOUT_CANCEL = N_("✖ Cancel")
_CHECKOUT_CANCELLED = N_("Checkout cancelled")
_CHECKOUT_CART_CHANGED = N_("Your cart has changed. Please check the updated summary.")
_CHECKOUT_NOT_PLACED = N_("Nothing was ordered.")
_CHECKOUT_VIEW_ORDER = N_("📦 View order")
_CHECKOUT_SAVE_CARD_OFF = N_("☐ Save my card for next time")
_CHECKOUT_SAVE_CARD_ON = N_("☑ Save my card for next time")
_CHECKOUT_CARD_SAVED_NOTE = N_(
    "💳 The card you pay with will be saved with Stripe, our payment provider, and offered "
    "when you next pay. We keep only its brand, last four digits and expiry; remove it any "
    "time in /payments."
)

# What the step-by-step new address asks for, one field at a time (bot.services.user order).
ADDRESS_PROMPTS = {
    "recipient_name": N_("Who should we deliver to? Please send the recipient's full name."),
    "phone": N_("Their phone number, for the courier (like +49 30 1234567):"),
    "street": N_("Street and house number:"),
    "city": N_("City:"),
    "region": N_("State or region (send - to skip):"),
    "postal_code": N_("Postal code:"),
    "country": N_("Country (its name in English, or a two-letter code like DE):"),
}


def address_prompt(number: int, steps: int, field: str) -> str:
    return "\n".join(
        [
            _new_address_step(number, steps),
            _(ADDRESS_PROMPTS[field]),
            "",
            _("<i>Send /cancel to stop; your cart stays as it is.</i>"),
        ]
    )


def _new_address_step(number: int, steps: int) -> str:
    return _("📍 <b>New address</b> · step {number} of {steps}").format(number=number, steps=steps)


def address_button(summary: str, is_default: bool) -> str:
    return f"⭐ {summary}" if is_default else summary


def _shipping_to(address: str) -> str:
    return _("<b>Shipping to</b>\n{address}").format(address=esc(address))


def checkout_summary(
    lines: str,
    total: str,
    address: str | None,
    *,
    save_card: bool = False,
    promo: str = "",
    shipping: str = "",
) -> str:
    """`promo`: the promo code's lines (promo_lines), `shipping`: the delivery line
    (shipping_line), between the items and the total; `address` None: digital goods, sent in
    the chat and paid in Telegram Stars."""
    delivery = _shipping_to(address) if address is not None else _(_DIGITAL_DELIVERY)
    paragraphs = [_("🧾 <b>Order summary</b>"), lines, cart_total(total), delivery]
    extra = "\n".join(part for part in (promo, shipping) if part)
    if extra:
        paragraphs.insert(2, extra)
    if save_card:
        paragraphs.append(_(_CHECKOUT_CARD_SAVED_NOTE))
    return "\n\n".join([*paragraphs, _("Place the order?")])


_DIGITAL_DELIVERY = N_(
    "📩 No address needed: once the order is paid in Telegram Stars, "
    "I send what you bought here in this chat."
)


_ORDER_RESEND = N_("📩 Send it again")
_DIGITAL_SENT = N_("📩 Digital goods: sent here in this chat once paid.")


def order_placed(order_id: int, total: str, hold_minutes: int, *, payment_connected: bool) -> str:
    if payment_connected:
        text = ngettext(
            "✅ <b>Order #{order_id} placed</b>\nTotal: <b>{total}</b>\n\n"
            "It is now awaiting payment: please pay with the button below. "
            "We hold your items for {minutes} minute; if the order isn't paid by then, "
            "it is cancelled automatically and the items go back on sale.",
            "✅ <b>Order #{order_id} placed</b>\nTotal: <b>{total}</b>\n\n"
            "It is now awaiting payment: please pay with the button below. "
            "We hold your items for {minutes} minutes; if the order isn't paid by then, "
            "it is cancelled automatically and the items go back on sale.",
            hold_minutes,
        )
    else:
        text = ngettext(
            "✅ <b>Order #{order_id} placed</b>\nTotal: <b>{total}</b>\n\n"
            "It is now awaiting payment, but online payment is not switched on in this shop yet. "
            "We hold your items for {minutes} minute; if the order isn't paid by then, "
            "it is cancelled automatically and the items go back on sale.",
            "✅ <b>Order #{order_id} placed</b>\nTotal: <b>{total}</b>\n\n"
            "It is now awaiting payment, but online payment is not switched on in this shop yet. "
            "We hold your items for {minutes} minutes; if the order isn't paid by then, "
            "it is cancelled automatically and the items go back on sale.",
            hold_minutes,
        )
    return text.format(order_id=order_id, total=total, minutes=_number(hold_minutes))


# ---------------------------------------------------------------- shipping

_CHECKOUT_CHANGE_SHIPPING = N_("🚚 Change the delivery option")
_CHECKOUT_CHOOSE_OTHER_ADDRESS = N_("📍 Another address")


def shipping_price(price: int, currency: str) -> str:
    return money(price, currency) if price else _("free")


def shipping_line(name: str, price: str) -> str:
    """The delivery option under the items: "🚚 Delivery (DHL): €4.90"."""
    return _("🚚 Delivery ({name}): {price}").format(name=esc(name), price=price)


def shipping_choice(country: str, total: str) -> str:
    return _(
        "🚚 <b>Delivery to {country}</b>\n"
        "Your items come to {total}. How should we send them? The price is added to the total."
    ).format(country=esc(country_name(country)), total=total)


def shipping_button(name: str, price: str, free_over: str | None) -> str:
    if free_over is None:
        return f"{name} · {price}"
    return _("{name} · {price} (free from {minimum})").format(
        name=name, price=price, minimum=free_over
    )


def no_delivery(country: str) -> str:
    return _(
        "🚚 Sorry, we don't deliver to {country}. Please choose another address, or add a new one."
    ).format(country=esc(country_name(country)))


def tg_shipping_label(name: str) -> str:
    return _("Delivery: {name}").format(name=name)


# ---------------------------------------------------------------- promo codes

_CHECKOUT_PROMO = N_("🏷 Promo code")
_CHECKOUT_REMOVE_PROMO = N_("✖ Remove promo code")
_CHECKOUT_BACK_TO_SUMMARY = N_("« Back to the summary")
_PROMO_PROMPT = N_("🏷 Type your promo code:")


def promo_offer(
    *,
    percent_off: int | None,
    amount_off: int | None,
    currency: str,
    min_total: int | None = None,
    valid_until: date | None = None,
    per_customer: int | None = None,
) -> str:
    """What a code gives, and on which conditions: "10% off, on orders of €50.00 or more,
    until 31 Dec 2026, 1 order per customer"."""
    if percent_off is not None:
        parts = [_("{percent} off").format(percent=percent(percent_off))]
    else:
        parts = [_("{amount} off").format(amount=money(amount_off or 0, currency))]
    if min_total:
        parts.append(_("on orders of {minimum} or more").format(minimum=money(min_total, currency)))
    if valid_until is not None:
        parts.append(_("until {date}").format(date=long_date(valid_until)))
    if per_customer is not None:
        parts.append(per_customer_limit(per_customer))
    return ", ".join(parts)


def per_customer_limit(count: int) -> str:
    return ngettext("{count} order per customer", "{count} orders per customer", count).format(
        count=_number(count)
    )


def promo_applied(code: str, offer: str) -> str:
    return _(
        "🏷 Promo code <b>{code}</b> is on your cart: {offer}. "
        "You will see the discount on the order summary."
    ).format(code=esc(code), offer=offer)


def promo_not_applied(reason: str) -> str:
    return f"🏷 {esc(reason)}"


def promo_lines(subtotal: str, code: str, discount: str | None, reason: str | None) -> str:
    """The subtotal and the code's discount, or why it gives none now (it stays on the cart)."""
    if reason is not None:
        return _("🏷 {code}: no discount. {reason}").format(code=esc(code), reason=esc(reason))
    return "\n".join(
        [
            _("Subtotal: {subtotal}").format(subtotal=subtotal),
            _("🏷 Promo code {code}: −{discount}").format(code=esc(code), discount=discount),
        ]
    )


def tg_discount_label(code: str) -> str:
    return _("Promo code {code}").format(code=code)


def not_placed(reason: str) -> str:
    return f"⚠️ {esc(reason)}\n{_(_CHECKOUT_NOT_PLACED)}"


# ---------------------------------------------------------------- orders

_ORDERS_TITLE = N_("📦 <b>Your orders</b>\nTap an order to see its details.")
_ORDERS_EMPTY = N_("📦 You have no orders yet.")
_ORDERS_ALL = N_("« All orders")
_ORDER_CANCEL = N_("✖ Cancel order")
_ORDER_CANCEL_YES = N_("Yes, cancel it")
_ORDER_KEEP = N_("No, keep it")


def order_button(order_id: int, day: str, total: str, status: str) -> str:
    return f"#{order_id} · {day} · {total} · {status}"


def order_history_line(when: str, status: str, note: str | None) -> str:
    return f"{when} — {status}" + (f" ({esc(note)})" if note else "")


def order_details(
    order_id: int,
    status: str,
    lines: str,
    total: str,
    address: str,
    history: str,
    tracking: str | None = None,
    promo: str = "",
    delivery: str = "",
) -> str:
    """`tracking`: the tracking_line of a shipped order, when it has one; `promo`: its promo
    code's lines (promo_lines), when it had one; `delivery`: its shipping_line, when it had a
    delivery option."""
    title = _("📦 <b>Order #{order_id}</b> · {status}").format(order_id=order_id, status=status)
    history_part = _("<b>History</b>\n{history}").format(history=history)
    shipping = (_shipping_to(address) if address else _(_DIGITAL_SENT)) + (
        f"\n{tracking}" if tracking else ""
    )
    extra = "\n".join(part for part in (promo, delivery) if part)
    parts = [title, lines, extra, cart_total(total), shipping, history_part]
    return "\n\n".join(part for part in parts if part)


def tracking_line(number: str, carrier: str | None) -> str:
    if carrier:
        return _("Tracking number: <code>{number}</code> ({carrier})").format(
            number=esc(number), carrier=esc(carrier)
        )
    return _("Tracking number: <code>{number}</code>").format(number=esc(number))


_TRACK_PARCEL = N_("📦 Track the parcel")


_ORDER_REQUEST_CANCEL = N_("🙋 Ask to cancel")
_CANCEL_REQUESTED = N_("Asked: the shop will answer here.")
_CANCEL_REQUESTED_ALREADY = N_("You asked already: the shop will answer here.")


def order_cancel_question(order_id: int) -> str:
    return _("Cancel order #{order_id}? Its items go back on sale.").format(order_id=order_id)


def order_cancelled(order_id: int) -> str:
    return _("Order #{order_id} cancelled").format(order_id=order_id)


def order_review_button(product_name: str) -> str:
    return _("⭐ Rate & review: {product}").format(product=product_name)


# ---------------------------------------------------------------- profile

_PROFILE_TITLE = N_("👤 <b>Your profile</b>")
_PROFILE_SET_EMAIL = N_("✉ Set email")
_PROFILE_TITLE_PLAIN = N_("👤 Your profile")  # the title as the chat shows it, without markup
_STOP_ANNOUNCEMENTS = N_("🔕 No more announcements")


def announcements_button(on: bool) -> str:
    if on:
        return _("🔔 Announcements: on (tap to turn off)")
    return _("🔕 Announcements: off (tap to turn on)")


def reminders_button(on: bool) -> str:
    if on:
        return _("⏰ Reminders: on (tap to turn off)")
    return _("⏰ Reminders: off (tap to turn on)")


def language_button(language: str) -> str:
    """On the profile: the language the shop speaks to them, by its own name."""
    return _("🌐 Language: {language}").format(language=language)


def language_screen(speaking: str, offered: int) -> str:
    """Which language the shop speaks to them, and whether there is another to choose."""
    if offered < 2:
        return _(
            "🌐 <b>Language</b>\nThe shop speaks {language} to you; it speaks no other "
            "language yet."
        ).format(language=speaking)
    return _(
        "🌐 <b>Language</b>\nThe shop speaks {language} to you. Choose the language you "
        "want, or let your Telegram app's language decide:"
    ).format(language=speaking)


_LANGUAGE_AS_APP = N_("📱 As my Telegram app")


def language_set(language: str) -> str:
    """Said in the language just chosen."""
    return _("🌐 Done: the shop speaks {language} to you now.").format(language=language)


def announcements_set(on: bool) -> str:
    if on:
        return _("🔔 You'll get the shop's announcements again.")
    return _(
        "🔕 No more announcements. Notices about your orders still come; "
        "/profile turns them back on."
    )


def reminders_set(on: bool) -> str:
    if on:
        return _("⏰ You'll get reminders again: a cart left behind, a saved product's price drop.")
    return _(
        "⏰ No more reminders. Notices about your orders still come; /profile turns them back on."
    )


_PROFILE_ADD_ADDRESS = N_("➕ Add address")
_PROFILE_EDIT_ADDRESS = N_("✏️ Edit")
_PROFILE_DELETE_ADDRESS = N_("🗑 Delete")
_PROFILE_MAKE_DEFAULT = N_("⭐ Make default")
_PROFILE_CONFIRM_DELETE = N_("Yes, delete it")
_PROFILE_KEEP_ADDRESS = N_("No, keep it")
_PROFILE_LEAVE_FORM = N_("✖ Cancel")
_PROFILE_EMAIL_SAVED = N_("✅ Email saved.")
_PROFILE_EMAIL_REMOVED = N_("✅ Email removed.")
_PROFILE_ADDRESS_ADDED = N_("✅ Address added.")
_PROFILE_ADDRESS_UPDATED = N_("✅ Address updated.")
_PROFILE_ADDRESS_DELETED = N_("Address deleted")
_PROFILE_DEFAULT_SET = N_("This is now your default address")
_PROFILE_FORM_LEFT = N_("Stopped. Nothing was changed.")
_PROFILE_REASK_HINT = N_("<i>Send /cancel to stop.</i>")


# What the profile's address form asks for, in bot.services.user.ADDRESS_FIELDS order.
def profile(
    first_name: str, email: str | None, addresses: list[tuple[dict[str, str], bool]]
) -> str:
    """`addresses` holds each address's fields and whether it is the default."""
    lines = [
        _(_PROFILE_TITLE),
        "",
        _("Name: {name}").format(name=esc(first_name)),
        _("Email: {email}").format(email=esc(email)) if email else _("Email: <i>not set</i>"),
        "",
        _("<b>Addresses</b>"),
    ]
    lines += [
        _("⭐ {address} <i>(default)</i>").format(address=esc(profile_address_line(fields)))
        if default
        else f"• {esc(profile_address_line(fields))}"
        for fields, default in addresses
    ] or [_("<i>No saved addresses yet.</i>")]
    if addresses:
        lines += ["", _("Tap an address to edit or delete it.")]
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
        + ("\n\n" + _("⭐ Your default address") if is_default else "")
    )


def profile_delete_question(fields: dict[str, str]) -> str:
    return _("Delete this address?\n\n{address}").format(address=esc(profile_address_line(fields)))


def profile_email_prompt(current: str | None) -> str:
    if current:
        prompt = _(
            "✉ Send your email address, like name@example.com.\n"
            "Now: <b>{email}</b>. Send - to remove it."
        ).format(email=esc(current))
    else:
        prompt = _("✉ Send your email address, like name@example.com.")
    return f"{prompt}\n\n{_(_PROFILE_REASK_HINT)}"


def profile_address_prompt(field: str, number: int, steps: int, current: str | None) -> str:
    """`current` is the saved value when editing (None for a new address)."""
    if current is None:
        title = _new_address_step(number, steps)
    else:
        title = _("✏️ <b>Edit address</b> · step {number} of {steps}").format(
            number=number, steps=steps
        )
    lines = [title, _(ADDRESS_PROMPTS[field])]
    if current is not None:
        now = esc(current) if current else _("<i>empty</i>")
        lines.append(_("Now: <b>{value}</b>. Send . to keep it.").format(value=now))
    return "\n".join([*lines, "", _(_PROFILE_REASK_HINT)])


def profile_reask(message: str) -> str:
    return f"⚠️ {esc(message)}\n{_(_PROFILE_REASK_HINT)}"


# ---------------------------------------------------------------- payments
# What the outbox tells customers and admins afterwards: bot.texts.notices.


def pay_button(amount: int, currency: str) -> str:
    return _("💳 Pay {amount}").format(amount=money(amount, currency.upper()))


def pay_prompt(order_id: int, amount: int, currency: str, minutes: int) -> str:
    return ngettext(
        "Order <b>#{order_id}</b> is reserved for you: {amount}.\n"
        "Tap the button below to pay securely with Stripe within {minutes} minute.",
        "Order <b>#{order_id}</b> is reserved for you: {amount}.\n"
        "Tap the button below to pay securely with Stripe within {minutes} minutes.",
        minutes,
    ).format(order_id=order_id, amount=money(amount, currency.upper()), minutes=_number(minutes))


# ---------------------------------------------------------------- telegram payments
# Invoice titles, descriptions and price labels are plain text (no HTML) and have Telegram's
# limits: title 1-32 characters, description 1-255.

TG_INVOICE_DESCRIPTION_LIMIT = 255
_TG_CHECK_FAILED = N_(
    "We couldn't check your order just now. Nothing was charged; please try again in a moment."
)


def tg_invoice_title(order_id: int) -> str:
    return _("Order #{order_id}").format(order_id=order_id)


def tg_price_label(product_name: str, size: str, quantity: int) -> str:
    return f"{product_name} ({size_name(size)}) × {quantity}"


def tg_invoice_description(labels: list[str]) -> str:
    text = ", ".join(labels) or _("Your order")
    limit = TG_INVOICE_DESCRIPTION_LIMIT
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tg_invoice_failed(order_id: int) -> str:
    return _(
        "⚠️ We couldn't open the payment for order <b>#{order_id}</b> just now. Nothing was "
        "charged. Please contact us, or cancel the order in /orders."
    ).format(order_id=order_id)


# ---------------------------------------------------------------- stripe chat

_PAY_ORDER = N_("💳 Pay")
_PAY_TRY_AGAIN = N_("🔄 Try again")


def stripe_pay_failed(order_id: int, reason: str) -> str:
    return _(
        "⚠️ {reason}\nOrder <b>#{order_id}</b> is still reserved for you: tap "
        "<b>{button}</b>, or pay later from /orders."
    ).format(reason=esc(reason), order_id=order_id, button=_(_PAY_TRY_AGAIN))


def stripe_returned_paid(order_id: int, status: str, *, pending: bool) -> str:
    """Stripe's success page sent the customer back; the webhook may not have arrived yet."""
    if pending:
        return _(
            "🙏 Thanks! We'll confirm order <b>#{order_id}</b> as soon as Stripe tells us the "
            "payment went through; you will get a message here.\n"
            "Status now: <b>{status}</b>"
        ).format(order_id=order_id, status=esc(status))
    return _("🙏 Thanks! Order <b>#{order_id}</b> is <b>{status}</b>.").format(
        order_id=order_id, status=esc(status)
    )


def stripe_returned_unpaid(order_id: int, total: str, status: str, *, payable: bool) -> str:
    if payable:
        return _(
            "💳 Order <b>#{order_id}</b> ({total}) is not paid yet. It is still reserved for "
            "you: tap <b>{button}</b> to try again."
        ).format(order_id=order_id, total=total, button=_(_PAY_ORDER))
    return _("Order <b>#{order_id}</b> ({total}) is <b>{status}</b>.").format(
        order_id=order_id, total=total, status=esc(status)
    )


# /payments: cards saved with the payment provider (brand, last four digits, expiry only).
_CARDS_TITLE = N_("💳 <b>Your saved cards</b>")
_CARDS_EMPTY = N_(
    "💳 You have no saved cards.\n"
    "We never store card numbers: if a card is kept with our payment provider for you, "
    "it shows up here and you can remove it."
)
_CARDS_FOOTER = N_(
    "Tap 🗑 to remove a card. We keep only its brand, last four digits and expiry, "
    "never the card number."
)
_CARD_REMOVE_YES = N_("Yes, remove it")
_CARD_KEEP = N_("No, keep it")
_CARD_REMOVED = N_("Card removed")
_CARD_BRANDS = {
    "amex": N_("American Express"),
    "diners": N_("Diners Club"),
    "discover": N_("Discover"),
    "jcb": N_("JCB"),
    "mastercard": N_("Mastercard"),
    "unionpay": N_("UnionPay"),
    "visa": N_("Visa"),
}


def card_label(brand: str, last4: str, exp_month: int, exp_year: int) -> str:
    """Plain text, for buttons: run it through esc() before putting it into a message."""
    source = _CARD_BRANDS.get(brand.lower())
    name = _(source) if source else brand.title() or _("Card")
    return _("{brand} •••• {last4} · exp {month}/{year}").format(
        brand=name, last4=last4, month=format(exp_month, "02d"), year=format(exp_year % 100, "02d")
    )


def saved_cards(labels: list[tuple[str, bool]]) -> str:
    """`labels` holds each card's label and whether it has expired."""
    lines = [
        f"• {esc(label)}" + (" · " + _("<i>expired</i>") if old else "") for label, old in labels
    ]
    return "\n".join([_(_CARDS_TITLE), "", *lines, "", _(_CARDS_FOOTER)])


def remove_card_button(label: str) -> str:
    return f"🗑 {label}"


def remove_card_question(label: str) -> str:
    return _("Remove this card?\n\n{card}\n\nYou can save it again when you next pay.").format(
        card=esc(label)
    )
