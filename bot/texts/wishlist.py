"""Wishlists, as the product card and /wishlist show them (the price-drop notice itself is in
bot/texts/notices.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.product_fields import ONE_SIZE
from bot.texts import TOAST_MAX, esc, size_name
from bot.texts.i18n import _, ngettext


def save_button(saved: bool) -> str:
    """On the product card: pressing it saves the product, or (once saved) removes it."""
    return _("♥ Saved") if saved else _("♡ Save")


def saved_toast() -> str:
    return _("♥ Saved to your /wishlist: we'll tell you if its price goes down.")[:TOAST_MAX]


def unsaved_toast() -> str:
    return _("Removed from your wishlist.")[:TOAST_MAX]


def title(total: int) -> str:
    return ngettext(
        "♥ <b>Your wishlist</b>: {count} product", "♥ <b>Your wishlist</b>: {count} products", total
    ).format(count=total)


def empty() -> str:
    return _(
        "♥ <b>Your wishlist is empty.</b>\n"
        "Tap ♡ Save on a product's card to keep it here: we'll tell you when its price drops."
    )


def line(number: int, name: str, price: str, sizes: Sequence[tuple[str, int]]) -> str:
    """A saved product: its price, and which sizes are in stock ("sold out" when none is)."""
    return f"{number}. <b>{esc(name)}</b> — {price} · {esc(stock(sizes))}"


def stock(sizes: Sequence[tuple[str, int]]) -> str:
    """Which sizes are in stock, "in stock" for a product of one size, or "sold out"."""
    in_stock = [size for size, count in sizes if count > 0]
    if not in_stock:
        return _("sold out")
    if [size for size, _count in sizes] == [ONE_SIZE]:
        return _("in stock")
    return _("in stock: {sizes}").format(sizes=", ".join(map(size_name, in_stock)))


def open_button(number: int, name: str) -> str:
    return f"{number}. {name}"


def add_button(number: int) -> str:
    """Under the product listed as `number`: puts it in the cart."""
    return _("🛒 Add {number} to cart").format(number=number)


def remove_button(number: int) -> str:
    return _("✕ Remove {number}").format(number=number)


def pick_a_size(name: str) -> str:
    return _("{product} comes in several sizes: pick one on its card.").format(product=name)[
        :TOAST_MAX
    ]


def sold_out(name: str) -> str:
    return _("{product} is sold out for now.").format(product=name)[:TOAST_MAX]
