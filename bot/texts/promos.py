"""A cart's promo code on a summary: what the chat and the storefront both show."""

from __future__ import annotations

from bot.services.promo import CartPromo
from bot.texts import money, promo_lines
from bot.texts.errors import error_text


def cart_promo_lines(promo: CartPromo | None, *, subtotal: int, currency: str) -> str:
    """The subtotal and the code's discount, or why it gives none; "" without a code."""
    if promo is None:
        return ""
    reason = error_text(promo.refusal) if promo.refusal is not None else None
    discount = money(promo.discount, currency)
    return promo_lines(money(subtotal, currency), promo.code.code, discount, reason)
