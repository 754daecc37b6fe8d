"""A line to the shop: what customers read when they write to it, and what admins read.

The admins' side (headers, confirmations) is written in the shop's default language when it
goes to their group, and in the admin's own when they act in their private chat.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.support import Customer, OrderLine
from bot.texts import esc, money
from bot.texts.i18n import N_, _, translated_constant
from bot.texts.statuses import status_label


def __getattr__(name: str) -> str:
    """`support_texts.PROMPT` reads `_PROMPT` and translates it for the current reader."""
    return translated_constant(globals(), name)


# ---------------------------------------------------------------- to the customer

_CONTACT_US = N_("💬 Contact us")
_PROMPT = N_(
    "💬 <b>Write to the shop</b>\n"
    "Send your message here: text, or a photo with a caption. Everything you send goes to the "
    "shop until you send a command or press a menu button. The answer will come in this chat."
)
_SENT = N_(
    "✅ Sent to the shop. The answer will come in this chat. Anything more you send now goes "
    "to the shop too; any command or menu button ends your message."
)
_MUTED = N_(
    "Sorry, the shop is not taking messages from you here. Your orders are still in /orders."
)
_NOBODY = N_("Sorry, nobody can read messages here right now. Please try again later.")


_REPLY_TO_ANSWER = N_("<i>Reply to this message to answer the shop.</i>")


def shop_replied(text: str) -> str:
    """The admin's words, escaped: they are shown as typed."""
    reply = _(_REPLY_TO_ANSWER)
    return _("💬 <b>The shop replied:</b>\n{text}").format(text=esc(text)) + f"\n\n{reply}"


def shop_replied_caption(caption: str) -> str:
    lead = _("💬 <b>The shop replied:</b>")
    text = f"{lead}\n{esc(caption)}" if caption else lead
    return f"{text}\n\n{_(_REPLY_TO_ANSWER)}"


# ---------------------------------------------------------------- to the admins

_CLOSE = N_("✔️ Close")
_MUTE = N_("🔇 Mute")
_REPLY_HOW = N_(
    "Reply to this message or to the customer's to answer them; /close or /mute as a reply."
)
_NOT_A_CONVERSATION = N_(
    "That is not a customer's message. /close and /mute work as a reply to one the bot relayed."
)
_ONLY_TEXT_OR_PHOTO = N_("Only text and photos can be sent to a customer.")
_ALREADY_CLOSED = N_(
    "This conversation is closed: nothing was sent. The customer can write again with /support."
)
_ALREADY_MUTED = N_("This customer is muted already.")


def header(customer: Customer) -> str:
    """Who wrote, with their latest orders, above their first message."""
    who = esc(customer.first_name or _("A customer"))
    if customer.username:
        who += f" (@{esc(customer.username)})"
    lines = [
        _("💬 <b>Message from {who}</b>, id <code>{telegram_id}</code>").format(
            who=who, telegram_id=customer.telegram_id
        ),
        _latest_orders(customer.orders),
        _(_REPLY_HOW),
    ]
    return "\n".join(lines)


def _latest_orders(orders: Sequence[OrderLine]) -> str:
    if not orders:
        return _("No orders yet.")
    listed = "; ".join(
        f"#{order.id} ({esc(status_label(order.status))}, {money(order.total, order.currency)})"
        for order in orders
    )
    return _("Latest orders: {orders}").format(orders=listed)


# A Telegram first name is never empty: names need no stand-in here.


def reply_sent(name: str) -> str:
    return _("✅ Sent to {name}.").format(name=esc(name))


def reply_not_delivered(name: str) -> str:
    return _("⚠️ {name} blocked the bot: the reply was not delivered.").format(name=esc(name))


def closed(name: str) -> str:
    return _("✔️ The conversation with {name} is closed; they were told.").format(name=esc(name))


def muted(name: str, telegram_id: int) -> str:
    return _(
        "🔇 {name} is muted: nothing they send reaches the shop. "
        "<code>/unmute {telegram_id}</code> undoes it."
    ).format(name=esc(name), telegram_id=telegram_id)


def unmuted(telegram_id: int, *, was_muted: bool) -> str:
    if not was_muted:
        return _("<code>{telegram_id}</code> was not muted.").format(telegram_id=telegram_id)
    return _("🔈 <code>{telegram_id}</code> can write to the shop again.").format(
        telegram_id=telegram_id
    )
