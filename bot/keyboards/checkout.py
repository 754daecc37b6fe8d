"""Checkout buttons: address choice, the order summary and what follows placing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.keyboards.callbacks import Callback, register
from bot.keyboards.menu import Menu, back_to_menu, button
from bot.keyboards.orders import OrderDetails
from bot.models import Address
from bot.services.cart import CartView, cart_fingerprint
from bot.services.shipping import ShippingQuote

ADDRESS_LABEL_MAX = 48


@register("xs")
@dataclass(frozen=True, slots=True)
class StartCheckout(Callback):
    pass


@register("xa")
@dataclass(frozen=True, slots=True)
class ChooseAddress(Callback):
    address_id: int


@register("xn")
@dataclass(frozen=True, slots=True)
class NewAddress(Callback):
    pass


@register("xp")
@dataclass(frozen=True, slots=True)
class PlaceOrder(Callback):
    """The fingerprint of the cart the summary showed, and the promo code whose discount it
    showed (0: none): a changed cart is never ordered blind."""

    address_id: int
    fingerprint: int
    promo_id: int = 0
    shipping_id: int = 0  # the delivery option the summary showed (0: no shipping charged)


@register("xq")
@dataclass(frozen=True, slots=True)
class EnterPromo(Callback):
    address_id: int


@register("xr")
@dataclass(frozen=True, slots=True)
class RemovePromo(Callback):
    address_id: int


@register("xd")
@dataclass(frozen=True, slots=True)
class ChooseShipping(Callback):
    """The summary with this delivery option; 0 lists the options to pick another."""

    address_id: int
    shipping_id: int


@register("xc")
@dataclass(frozen=True, slots=True)
class CancelCheckout(Callback):
    pass


@register("xk")
@dataclass(frozen=True, slots=True)
class SaveCardChoice(Callback):
    """Turns saving the card on (1) or off (0): the button says what it leads to, so pressing
    it twice leaves the choice where the customer saw it go."""

    address_id: int
    save: int


def address_text(a: Address) -> str:
    lines = (a.recipient_name, a.street, f"{a.postal_code} {a.city}", a.region, a.country, a.phone)
    return "\n".join(line for line in lines if line)


def address_label(address: Address) -> str:
    label = ", ".join(p for p in (address.recipient_name, address.street, address.city) if p)
    short = label if len(label) <= ADDRESS_LABEL_MAX else label[: ADDRESS_LABEL_MAX - 1] + "…"
    return texts.address_button(short, address.is_default)


def addresses_keyboard(addresses: Sequence[Address]) -> InlineKeyboardMarkup:
    """The default address comes first, as bot.services.user.list_addresses orders them."""
    rows = [[button(address_label(a), ChooseAddress(a.id))] for a in addresses]
    rows.append([button(texts.CHECKOUT_NEW_ADDRESS, NewAddress())])
    rows.append([button(texts.CHECKOUT_BACK_TO_CART, Menu("cart"))])
    return InlineKeyboardMarkup(rows)


def prompt_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.CHECKOUT_CANCEL, CancelCheckout())]])


def summary_keyboard(
    address_id: int,
    view: CartView,
    *,
    save_card: bool | None = None,
    has_promo: bool = False,
    promo_id: int = 0,
    shipping_id: int = 0,
    other_shipping: bool = False,
) -> InlineKeyboardMarkup:
    """`save_card` is None where the payment provider cannot save cards; `promo_id` is the code
    whose discount the summary shows, `has_promo` whether the cart has a code at all;
    `shipping_id` the delivery option it shows, `other_shipping` whether there are others."""
    rows = []
    if other_shipping:
        rows.append([button(texts.CHECKOUT_CHANGE_SHIPPING, ChooseShipping(address_id, 0))])
    if save_card is not None:
        label = texts.CHECKOUT_SAVE_CARD_ON if save_card else texts.CHECKOUT_SAVE_CARD_OFF
        rows.append([button(label, SaveCardChoice(address_id, int(not save_card)))])
    if has_promo:
        rows.append([button(texts.CHECKOUT_REMOVE_PROMO, RemovePromo(address_id))])
    else:
        rows.append([button(texts.CHECKOUT_PROMO, EnterPromo(address_id))])
    place = PlaceOrder(address_id, cart_fingerprint(view), promo_id, shipping_id)
    rows.append([button(texts.CHECKOUT_PLACE, place)])
    rows.append([button(texts.CHECKOUT_CANCEL, CancelCheckout())])
    return InlineKeyboardMarkup(rows)


def shipping_keyboard(
    address_id: int, options: Sequence[ShippingQuote], currency: str
) -> InlineKeyboardMarkup:
    """One button an option, cheapest first, then back to the addresses."""
    rows = []
    for quote in options:
        option = quote.option
        free_over = (
            texts.money(option.free_over, currency)
            if option.free_over is not None and quote.price
            else None
        )
        label = texts.shipping_button(
            option.name, texts.shipping_price(quote.price, currency), free_over
        )
        rows.append([button(label, ChooseShipping(address_id, option.id))])
    rows.append([button(texts.CHECKOUT_CHOOSE_OTHER_ADDRESS, StartCheckout())])
    rows.append([button(texts.CHECKOUT_CANCEL, CancelCheckout())])
    return InlineKeyboardMarkup(rows)


def promo_prompt_keyboard(address_id: int) -> InlineKeyboardMarkup:
    back = ChooseAddress(address_id)  # the summary again, code or not
    return InlineKeyboardMarkup([[button(texts.CHECKOUT_BACK_TO_SUMMARY, back)]])


def placed_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.CHECKOUT_VIEW_ORDER, OrderDetails(order_id, 1))], back_to_menu()]
    )
