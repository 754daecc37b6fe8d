"""The last checkout step: the order summary, the choice to save the card, placing the order.

The summary's state lives in the database (flow "checkout", step "confirm"), the choice to save
the card with it: off until the customer turns it on, and offered only where the payment
provider can keep cards. Placing the order hands the choice on to every payment page made for it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.cart import cart_screen, lines_text
from bot.handlers.context import ShopContext, customer
from bot.handlers.paying.offer import can_save_cards, offer_payment, payment_connected
from bot.handlers.render import Screen, show
from bot.handlers.router import on_button
from bot.keyboards.checkout import (
    PlaceOrder,
    SaveCardChoice,
    address_text,
    cart_fingerprint,
    placed_keyboard,
    summary_keyboard,
)
from bot.services import cart as carts
from bot.services import dialog, inventory, ledger
from bot.services import order as orders
from bot.services import user as users
from bot.services.cart import CartView
from bot.services.errors import InvalidInput, NotAllowed, OutOfStock
from bot.texts.errors import error_text

FLOW = "checkout"
CONFIRMING = "confirm"


def check_ready(view: CartView) -> None:
    """NotAllowed, raised at placement, leads back to the cart with the reason on top."""
    if view.is_empty:
        raise InvalidInput("checkout.cart_empty")
    if not view.can_checkout:
        raise NotAllowed("checkout.blocked")


def first_choice(context: ShopContext) -> bool | None:
    """Saving the card starts off, and is not offered at all where cards cannot be saved."""
    return False if can_save_cards(context) else None


async def summary(
    session: AsyncSession, user_id: int, address_id: int, save_card: bool | None
) -> Screen:
    """The summary to confirm, or the cart when it can't be ordered as it is."""
    address = await users.get_address(session, user_id=user_id, address_id=address_id)
    view = await carts.view_cart(session, user_id=user_id)
    if not view.can_checkout or view.currency is None:
        await dialog.clear_step(session, user_id=user_id)
        return cart_screen(view)
    data = {"address_id": address_id, "save_card": bool(save_card)}
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CONFIRMING, data=data)
    total = texts.money(view.total, view.currency)
    text = texts.checkout_summary(
        lines_text(view), total, address_text(address), save_card=bool(save_card)
    )
    return text, summary_keyboard(address_id, view, save_card=save_card)


async def _card_choice(session: AsyncSession, user_id: int, address_id: int) -> bool:
    """What the summary for this address last showed; anything else means no."""
    step = await dialog.current_step(session, user_id=user_id)
    if step is None or (step.flow, step.step) != (FLOW, CONFIRMING):
        return False
    return step.data.get("address_id") == address_id and step.data.get("save_card") is True


@on_button(SaveCardChoice)
async def choose_card_saving(
    update: Update, context: ShopContext, data: SaveCardChoice
) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        save = bool(data.save) if can_save_cards(context) else None
        screen = await summary(session, user.id, data.address_id, save)
    await show(update, *screen)
    return None


@on_button(PlaceOrder)
async def place(update: Update, context: ShopContext, data: PlaceOrder) -> str | None:
    hold_minutes = int(context.settings.unpaid_order_hold.total_seconds() // 60)
    connected, cards = payment_connected(context), can_save_cards(context)
    placed: int | None = None
    try:
        async with context.db.transaction() as session:
            user = await customer(session, update)
            toast, screen, placed = await _place(
                session, user.id, data, hold_minutes, connected, cards
            )
            if placed is not None:
                admins = context.settings.admin_ids
                await inventory.alert_sold_out(session, order_id=placed, admin_chat_ids=admins)
    except (OutOfStock, NotAllowed) as error:  # e.g. someone else just bought the last one
        notice = texts.not_placed(error_text(error))
        toast, screen = texts.CHECKOUT_NOT_PLACED, await back_to_cart(context, update, notice)
    await show(update, *screen)
    if placed is not None:
        await offer_payment(update, context, placed)
    return toast


async def _place(
    session: AsyncSession,
    user_id: int,
    data: PlaceOrder,
    hold_minutes: int,
    connected: bool,
    cards: bool,
) -> tuple[str | None, Screen, int | None]:
    """Returns the toast, the screen, and the id of the order if one was placed."""
    await carts.get_or_create_cart(session, user_id=user_id)  # locked: what we check is ordered
    view = await carts.view_cart(session, user_id=user_id)
    check_ready(view)
    save_card = cards and await _card_choice(session, user_id, data.address_id)
    if cart_fingerprint(view) != data.fingerprint:
        again = await summary(session, user_id, data.address_id, save_card if cards else None)
        return texts.CHECKOUT_CART_CHANGED, again, None
    order = await orders.place_order(session, user_id=user_id, address_id=data.address_id)
    if save_card:
        await ledger.choose_to_save_card(session, user_id=user_id, order_id=order.id)
    await dialog.clear_step(session, user_id=user_id)
    total = texts.money(order.total, order.currency)
    text = texts.order_placed(order.id, total, hold_minutes, payment_connected=connected)
    return None, (text, placed_keyboard(order.id)), order.id


async def back_to_cart(context: ShopContext, update: Update, notice: str | None = None) -> Screen:
    """Leave the checkout flow; the cart is shown as it is now."""
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.clear_step(session, user_id=user.id)
        view = await carts.view_cart(session, user_id=user.id)
    return cart_screen(view, notice)
