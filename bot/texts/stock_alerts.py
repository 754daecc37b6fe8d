"""Back-in-stock alerts, as the product card and the profile show them (the notice itself is
in bot/texts/notices.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts import TOAST_MAX, esc, size_name
from bot.texts.i18n import _


def notify_me_button(size: str) -> str:
    return _("🔔 Notify me when {size} is back").format(size=size_name(size))


def waiting_button(size: str) -> str:
    """On the card once they asked: pressing it again says so."""
    return _("🔔 We'll tell you when {size} is back").format(size=size_name(size))


def subscribed(size: str) -> str:
    return _("🔔 Done: we'll message you once when {size} is back in stock.").format(
        size=size_name(size)
    )[:TOAST_MAX]


def already_subscribed(size: str) -> str:
    return _("You're already on the list: we'll message you when {size} is back.").format(
        size=size_name(size)
    )[:TOAST_MAX]


def back_already(size: str) -> str:
    return _("Good news: {size} is back in stock!").format(size=size_name(size))[:TOAST_MAX]


def profile_section(alerts: Sequence[tuple[str, str]]) -> str:
    """The (product, size) pairs the customer waits for, under their profile."""
    lines = [_("<b>Back-in-stock alerts</b>")]
    lines += [f"🔔 {alert_line(product, size)}" for product, size in alerts]
    lines.append(_("Tap 🔕 below to stop one."))
    return "\n".join(lines)


def alert_line(product: str, size: str) -> str:
    return f"{esc(product)} ({esc(size_name(size))})"


def stop_button(product: str, size: str) -> str:
    return _("🔕 {product} ({size})").format(product=product, size=size_name(size))


def stopped() -> str:
    return _("🔕 Alert removed: no message will come for it.")[:TOAST_MAX]
