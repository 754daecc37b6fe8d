"""What the offline console (`shopbot console`) and its Stripe stand-in say around the shop's
own messages: plain terminal text, no HTML, in the language of the console's customer."""

from __future__ import annotations

from bot.texts.i18n import N_, _, negotiate, ngettext, number, translated_constant

BOT = "🤖"


def console_language(app_language: str | None, default: str) -> str:
    """The console speaks as the shop speaks to its customer: in their Telegram app's language
    (`--language`), else the shop's default."""
    return negotiate(chosen=None, telegram=app_language, default=default)


def __getattr__(name: str) -> str:
    """`console.HELP` is `_HELP` translated for the current reader."""
    return translated_constant(globals(), name)


_NO_TOKEN = N_(
    "No TELEGRAM_BOT_TOKEN is set, so the shop opens in the offline console "
    "(the same as `shopbot console`); set TELEGRAM_BOT_TOKEN in the environment or .env "
    "to run the real bot."
)
_EDITED = N_("🤖 (updated)")
_HELP = N_(
    "You are chatting with the shop as a Telegram customer would, offline.\n"
    "  text        send it to the shop (/commands too); plain words search the catalogue\n"
    "  #N          press button N of the latest message with buttons (#1, #2…);\n"
    "              a plain number is sent as text, as in a form\n"
    "  :send TEXT  send TEXT as it is, even one starting with # or :\n"
    "  :quit       leave (Ctrl-D and Ctrl-C too)\n"
    "More, for developers:"
)
_SLOW = N_("(The shop is still busy with that; its answer will show up when it is ready.)")
_BYE = N_("Bye! The shop is closed; your cart and orders are kept in the database.")


def intro(name: str, telegram_id: int, admin: bool, demo_products: int) -> str:
    if admin:
        who = _("🛍 Offline shop console: you are {name} (Telegram id {id}), an admin.")
    else:
        who = _("🛍 Offline shop console: you are {name} (Telegram id {id}), a customer.")
    lines = [
        who.format(name=name, id=telegram_id),
        _(
            "Type a message or a /command; type # and a button's number to press it (#1); "
            ":help for more, :quit to leave."
        ),
    ]
    if demo_products:
        stocked = ngettext(
            "The shop was empty, so it is stocked with {count} demo product.",
            "The shop was empty, so it is stocked with {count} demo products.",
            demo_products,
        )
        lines.insert(1, stocked.format(count=number(demo_products)))
    return "\n".join(lines)


def toast(text: str, alert: bool) -> str:
    return f"⚠️ {text}" if alert else f"💬 {text}"


# `:pay` and `:fail`: the Stripe stand-in's side of a card payment.
_PAYMENTS_INTRO = N_(
    "Payments are simulated: after checkout, :pay pays your latest order with a test card "
    "and :fail makes that payment fail (no money moves)."
)
_PAYMENTS_HELP = N_(
    ":pay           pay your latest order with a test card (Stripe, simulated)\n"
    ":fail          a test card payment for your latest order that fails"
)
_CHECKOUT_LINK = N_(
    "That button opens Stripe's payment page. Here, type :pay to pay with a test card, "
    "or :fail to see a payment fail."
)
_NOTHING_TO_PAY = N_(
    "No order of yours is waiting for a card payment. Check out first; "
    "the 💳 Pay message means Stripe is ready."
)


def payment_sent(order_id: int, total: str, *, paid: bool) -> str:
    if paid:
        text = _("💳 Stripe (simulated): {total} paid for order #{order_id}.")
    else:
        text = _("💳 Stripe (simulated): the payment of {total} for order #{order_id} failed.")
    return text.format(total=total, order_id=order_id)


def webhook_refused(status: int) -> str:
    return _("The shop's Stripe webhook answered HTTP {status}; nothing changed.").format(
        status=status
    )
