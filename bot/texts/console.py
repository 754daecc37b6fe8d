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
# The emulator's commands the help above does not already explain (its :pay, for Telegram
# invoices, gives way to the Stripe one below).
_DEVELOPER_HELP = N_(
    ":press TEXT    press the button labelled TEXT on the latest message that has it\n"
    ":doc PATH [CAPTION]   send a file as a document\n"
    ":photo PATH [CAPTION] send a picture (the caption may be a command)\n"
    ":save PATH     save the latest photo or document the bot sent (a /stats chart) to PATH\n"
    ":calls         the bot's last API calls"
)
_WITH_PHOTO = N_("  (with photo; :save PATH keeps it)")
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


# What the terminal chat answers to what was typed (the emulator's, and so the console's).
_NO_BUTTONS_YET = N_("There are no buttons to press yet. Send /start to open the menu.")
_BUTTON_DOES_NOTHING = N_("That button does nothing here.")
_SEND_WHAT = N_("send what? :send TEXT")
_SAVE_WHERE = N_("save where? :save PATH")
_NOTHING_TO_SAVE = N_("the bot has sent no photo or document")
_PAYMENT_ACCEPTED = N_("payment accepted")
_NO_INVOICE = N_("the bot has sent no invoice")
_NO_CALLS_YET = N_("no calls yet")


def unknown_command(command: str) -> str:
    return _("unknown command {command}; try :help").format(command=command)


def no_such_button(number: int, buttons: int) -> str:
    if buttons == 1:
        return _("There is no button #{number} here: pick #1.").format(number=number)
    return _("There is no button #{number} here: pick #1 to #{last}.").format(
        number=number, last=buttons
    )


def button_opens(url: str) -> str:
    return _("That button opens {url}").format(url=url)


def no_message_has_button(text: str) -> str:
    return _("no message has a button “{text}”").format(text=text)


def saved(size: int, path: str) -> str:
    return _("saved {size} bytes to {path}").format(size=number(size), path=path)


def declined(reason: str | None) -> str:
    return _("declined: {reason}").format(reason=reason or "")


def with_document(file_name: str) -> str:
    return _("  (with document {file_name}; :save PATH keeps it)").format(file_name=file_name)


def invoice(title: str, amount: str) -> str:
    return _("  invoice: {title} {amount}").format(title=title, amount=amount)


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
