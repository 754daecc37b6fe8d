"""Every text a customer reads, in one place so the shop can be translated later.

Texts are HTML (Telegram's parse mode); anything that came from a person or the database goes
through `esc()` before it is put into one.
"""

from __future__ import annotations

from html import escape

from bot.money import format_amount


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def money(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


# ---------------------------------------------------------------- general

EXPIRED_BUTTON = "This menu has expired. Please open it again."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on our side. Please try again in a moment."
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
NOTHING_TO_CANCEL = "There is nothing to cancel."
CANCELLED = "Cancelled. Your cart is as you left it."
NOT_A_TEXT = "I can only read text here. Send /help to see what I can do."
BACK = "« Back"
MAIN_MENU = "🏠 Menu"
PREVIOUS = "◀"
NEXT = "▶"


def page_counter(page: int, pages: int) -> str:
    return f"{page} / {pages}"


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
    ("cancel", "Leave the current step"),
    ("help", "What this bot can do"),
)

HELP = (
    "<b>What I can do</b>\n"
    + "\n".join(f"/{command} — {description}" for command, description in COMMANDS)
    + "\n\nTip: type any words, like <i>black hoodie</i>, to search. Typos are fine."
)
