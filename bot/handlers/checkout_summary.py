"""The last checkout step: the order summary, the choice to save the card, a promo code,
placing the order; before it, the delivery option when the shop has several for the address.

The choice to save the card is offered only where the payment provider can keep cards; placing
the order hands it on to every payment page made for it (bot.usecases.checkout). A promo code is
typed after "🏷 Promo code" (the text goes to bot.handlers.checkout, the checkout's one step
handler) and shows as a discount line above the total.
"""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.cart import cart_screen, lines_text
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.paying.offer import can_save_cards, offer_payment, payment_connected
from bot.handlers.render import Screen, show
from bot.handlers.router import on_button
from bot.keyboards.checkout import (
    EnterPromo,
    PlaceOrder,
    RemovePromo,
    SaveCardChoice,
    address_text,
    addresses_keyboard,
    placed_keyboard,
    promo_prompt_keyboard,
    shipping_keyboard,
    summary_keyboard,
)
from bot.texts.errors import error_text
from bot.texts.promos import cart_promo_lines
from bot.usecases import checkout
from bot.usecases.checkout import (
    BackToCart,
    CartChanged,
    NoDelivery,
    NotPlaced,
    OrderPlaced,
    Summary,
    SummaryScreen,
)


def summary_screen(result: SummaryScreen) -> Screen:
    """The summary to confirm; the delivery options while none is picked; the addresses when
    none is served; or the cart when it can't be ordered as it is."""
    if isinstance(result, BackToCart):
        return cart_screen(result.cart)
    if isinstance(result, NoDelivery):
        return texts.no_delivery(result.country), addresses_keyboard(result.addresses)
    view, save_card = result.cart, result.save_card
    assert view.currency is not None, "a summary is only made for a cart that can be ordered"
    delivery = result.delivery
    if delivery is not None and delivery.chosen is None and result.address is not None:
        items = texts.money(view.total, view.currency)
        question = texts.shipping_choice(result.address.country, items)
        return question, shipping_keyboard(result.address_id, delivery.options, view.currency)
    total = texts.money(result.total, view.currency)
    address = address_text(result.address) if result.address is not None else None
    extra = {
        "promo": cart_promo_lines(result.promo, subtotal=view.total, currency=view.currency),
        "shipping": _shipping_line(result),
    }
    frame = texts.checkout_summary("", total, address, save_card=bool(save_card), **extra)
    lines = lines_text(view, texts.MESSAGE_MAX - len(frame))
    text = texts.checkout_summary(lines, total, address, save_card=bool(save_card), **extra)
    keyboard = summary_keyboard(
        result.address_id,
        view,
        save_card=save_card,
        has_promo=result.promo is not None,
        promo_id=result.promo_id,
        shipping_id=result.shipping_id,
        other_shipping=delivery is not None and len(delivery.options) > 1,
    )
    return text, keyboard


def _shipping_line(summary: Summary) -> str:
    chosen = summary.delivery.chosen if summary.delivery is not None else None
    if chosen is None or summary.cart.currency is None:
        return ""
    price = texts.shipping_price(chosen.price, summary.cart.currency)
    return texts.shipping_line(chosen.option.name, price)


@on_button(EnterPromo)
async def ask_promo_code(update: Update, context: ShopContext, data: EnterPromo) -> str | None:
    """The next text the customer sends is the code (bot.handlers.checkout.answer)."""
    asked = await checkout.ask_promo_code(
        context.db, sender=sender_of(update), address_id=data.address_id
    )
    await show(update, texts.PROMO_PROMPT, promo_prompt_keyboard(asked.address_id))
    return None


@on_button(RemovePromo)
async def remove_promo_code(update: Update, context: ShopContext, data: RemovePromo) -> str | None:
    result = await checkout.remove_promo_code(
        context.db,
        sender=sender_of(update),
        address_id=data.address_id,
        cards_savable=can_save_cards(context),
    )
    await show(update, *summary_screen(result))
    return None


@on_button(SaveCardChoice)
async def choose_card_saving(
    update: Update, context: ShopContext, data: SaveCardChoice
) -> str | None:
    result = await checkout.choose_card_saving(
        context.db,
        sender=sender_of(update),
        address_id=data.address_id,
        save=bool(data.save),
        cards_savable=can_save_cards(context),
    )
    await show(update, *summary_screen(result))
    return None


@on_button(PlaceOrder)
async def place(update: Update, context: ShopContext, data: PlaceOrder) -> str | None:
    result = await checkout.place_order(
        context.db,
        sender=sender_of(update),
        address_id=data.address_id,
        fingerprint=data.fingerprint,
        cards_savable=can_save_cards(context),
        admin_chat_ids=context.settings.alert_chat_ids,
        provider=context.settings.effective_payment_provider,
        promo_id=data.promo_id,
        shipping_id=data.shipping_id,
    )
    if isinstance(result, CartChanged):
        await show(update, *summary_screen(result.screen))
        return texts.CHECKOUT_CART_CHANGED
    if isinstance(result, NotPlaced):
        notice = texts.not_placed(error_text(result.reason))
        await show(update, *cart_screen(result.cart, notice))
        return texts.CHECKOUT_NOT_PLACED
    await show(update, *_placed_screen(context, result))
    await offer_payment(update, context, result.order_id, result.currency)
    return None


def _placed_screen(context: ShopContext, placed: OrderPlaced) -> Screen:
    hold_minutes = int(context.settings.unpaid_order_hold.total_seconds() // 60)
    total = texts.money(placed.total, placed.currency)
    connected = payment_connected(context, placed.currency)
    text = texts.order_placed(placed.order_id, total, hold_minutes, payment_connected=connected)
    return text, placed_keyboard(placed.order_id)
