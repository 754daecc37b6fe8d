"""What the offline console (`shopbot console`) and its Stripe stand-in say: plain terminal
text, no HTML, for developers trying the shop; customers never read it, so it stays out of
bot.texts and its catalogues."""

from __future__ import annotations

NO_TOKEN = (
    "No TELEGRAM_BOT_TOKEN is set, so the shop opens in the offline console "
    "(the same as `shopbot console`); set TELEGRAM_BOT_TOKEN in the environment or .env "
    "to run the real bot."
)
BOT = "🤖"
EDITED = "🤖 (updated)"
HELP = """\
You are chatting with the shop as a Telegram customer would, offline.
  text        send it to the shop (/commands too); plain words search the catalogue
  #N          press button N of the latest message with buttons (#1, #2…);
              a plain number is sent as text, as in a form
  :send TEXT  send TEXT as it is, even one starting with # or :
  :quit       leave (Ctrl-D and Ctrl-C too)
More, for developers:"""
SLOW = "(The shop is still busy with that; its answer will show up when it is ready.)"
BYE = "Bye! The shop is closed; your cart and orders are kept in the database."


def intro(name: str, telegram_id: int, admin: bool, demo_products: int) -> str:
    role = "an admin" if admin else "a customer"
    lines = [
        f"🛍 Offline shop console: you are {name} (Telegram id {telegram_id}), {role}.",
        "Type a message or a /command; type # and a button's number to press it (#1); "
        ":help for more, :quit to leave.",
    ]
    if demo_products:
        lines.insert(1, f"The shop was empty, so it is stocked with {demo_products} demo products.")
    return "\n".join(lines)


def toast(text: str, alert: bool) -> str:
    return f"⚠️ {text}" if alert else f"💬 {text}"


# `:pay` and `:fail`: the Stripe stand-in's side of a card payment.
PAYMENTS_INTRO = (
    "Payments are simulated: after checkout, :pay pays your latest order with a test card "
    "and :fail makes that payment fail (no money moves)."
)
PAYMENTS_HELP = """\
:pay           pay your latest order with a test card (Stripe, simulated)
:fail          a test card payment for your latest order that fails"""
CHECKOUT_LINK = (
    "That button opens Stripe's payment page. Here, type :pay to pay with a test card, "
    "or :fail to see a payment fail."
)
NOTHING_TO_PAY = (
    "No order of yours is waiting for a card payment. Check out first; "
    "the 💳 Pay message means Stripe is ready."
)


def payment_sent(order_id: int, total: str, *, paid: bool) -> str:
    if paid:
        return f"💳 Stripe (simulated): {total} paid for order #{order_id}."
    return f"💳 Stripe (simulated): the payment of {total} for order #{order_id} failed."


def webhook_refused(status: int) -> str:
    return f"The shop's Stripe webhook answered HTTP {status}; nothing changed."
