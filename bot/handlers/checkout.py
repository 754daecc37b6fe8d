"""Checkout: choose or type an address, confirm the summary, place the order.

The step and the answers so far live in the database (flow "checkout"), so after a restart
the customer simply answers the next question.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.cart import Screen, cart_screen, lines_text
from bot.handlers.context import ShopContext, customer
from bot.handlers.payment import offer_payment, payment_connected
from bot.handlers.render import send, show
from bot.handlers.router import on_button, on_step
from bot.keyboards.checkout import (
    CancelCheckout,
    ChooseAddress,
    NewAddress,
    PlaceOrder,
    StartCheckout,
    address_text,
    addresses_keyboard,
    cart_fingerprint,
    placed_keyboard,
    prompt_keyboard,
    summary_keyboard,
)
from bot.services import cart as carts
from bot.services import dialog, inventory
from bot.services import order as orders
from bot.services import user as users
from bot.services.cart import CartView
from bot.services.dialog import Step
from bot.services.errors import InvalidInput, NotAllowed, OutOfStock
from bot.services.user import ADDRESS_FIELDS, AddressInput, validate_address_field

FLOW = "checkout"
CHOOSING = "address"  # steps that wait for a button, besides the address fields
CONFIRMING = "confirm"


def _check_ready(view: CartView) -> None:
    """NotAllowed, raised at placement, leads back to the cart with the reason on top."""
    if view.is_empty:
        raise InvalidInput(texts.CHECKOUT_CART_EMPTY)
    if not view.can_checkout:
        raise NotAllowed(texts.CART_CHECKOUT_BLOCKED)


async def _ask(session: AsyncSession, user_id: int, field: str, answers: dict[str, str]) -> Screen:
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=field, data=answers)
    number = ADDRESS_FIELDS.index(field) + 1
    return texts.address_prompt(number, len(ADDRESS_FIELDS), field), prompt_keyboard()


async def _summary(session: AsyncSession, user_id: int, address_id: int) -> Screen:
    """The summary to confirm, or the cart when it can't be ordered as it is."""
    address = await users.get_address(session, user_id=user_id, address_id=address_id)
    view = await carts.view_cart(session, user_id=user_id)
    if not view.can_checkout or view.currency is None:
        await dialog.clear_step(session, user_id=user_id)
        return cart_screen(view)
    data = {"address_id": address_id}
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CONFIRMING, data=data)
    total = texts.money(view.total, view.currency)
    text = texts.checkout_summary(lines_text(view), total, address_text(address))
    return text, summary_keyboard(address_id, view)


@on_button(StartCheckout)
async def start(update: Update, context: ShopContext, data: StartCheckout) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        _check_ready(await carts.view_cart(session, user_id=user.id))
        addresses = await users.list_addresses(session, user_id=user.id)
        if addresses:
            await dialog.set_step(session, user_id=user.id, flow=FLOW, step=CHOOSING)
            screen = texts.CHECKOUT_CHOOSE_ADDRESS, addresses_keyboard(addresses)
        else:
            screen = await _ask(session, user.id, ADDRESS_FIELDS[0], {})
    await show(update, *screen)
    return None


@on_button(ChooseAddress)
async def choose(update: Update, context: ShopContext, data: ChooseAddress) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        screen = await _summary(session, user.id, data.address_id)
    await show(update, *screen)
    return None


@on_button(NewAddress)
async def new_address(update: Update, context: ShopContext, data: NewAddress) -> str | None:
    async with context.db.transaction() as session:
        user = await customer(session, update)
        screen = await _ask(session, user.id, ADDRESS_FIELDS[0], {})
    await show(update, *screen)
    return None


@on_step(FLOW)
async def answer(update: Update, context: ShopContext, step: Step, text: str) -> None:
    """A bad answer raises InvalidInput: the customer reads why, and nothing is stored."""
    if step.step not in ADDRESS_FIELDS:
        await send(update, texts.CHECKOUT_USE_BUTTONS)
        return
    answers = {**step.data, step.step: validate_address_field(step.step, text)}
    position = ADDRESS_FIELDS.index(step.step) + 1
    async with context.db.transaction() as session:
        user = await customer(session, update)
        if position < len(ADDRESS_FIELDS):
            screen = await _ask(session, user.id, ADDRESS_FIELDS[position], answers)
        else:
            fields = AddressInput(**{name: str(answers.get(name, "")) for name in ADDRESS_FIELDS})
            address = await users.add_address(session, user_id=user.id, address=fields)
            screen = await _summary(session, user.id, address.id)
    await send(update, *screen)


@on_button(PlaceOrder)
async def place(update: Update, context: ShopContext, data: PlaceOrder) -> str | None:
    hold_minutes = context.settings.unpaid_order_timeout_minutes
    connected = payment_connected(context)
    placed: int | None = None
    try:
        async with context.db.transaction() as session:
            user = await customer(session, update)
            toast, screen, placed = await _place(session, user.id, data, hold_minutes, connected)
            if placed is not None:
                admins = context.settings.admin_ids
                await inventory.alert_sold_out(session, order_id=placed, admin_chat_ids=admins)
    except (OutOfStock, NotAllowed) as error:  # e.g. someone else just bought the last one
        notice = texts.not_placed(error.message)
        toast, screen = texts.CHECKOUT_NOT_PLACED, await _back_to_cart(context, update, notice)
    await show(update, *screen)
    if placed is not None:
        await offer_payment(update, context, placed)
    return toast


async def _place(
    session: AsyncSession, user_id: int, data: PlaceOrder, hold_minutes: int, connected: bool
) -> tuple[str | None, Screen, int | None]:
    """Returns the toast, the screen, and the id of the order if one was placed."""
    await carts.get_or_create_cart(session, user_id=user_id)  # locked: what we check is ordered
    view = await carts.view_cart(session, user_id=user_id)
    _check_ready(view)
    if cart_fingerprint(view) != data.fingerprint:
        summary = await _summary(session, user_id, data.address_id)
        return texts.CHECKOUT_CART_CHANGED, summary, None
    order = await orders.place_order(session, user_id=user_id, address_id=data.address_id)
    await dialog.clear_step(session, user_id=user_id)
    total = texts.money(order.total, order.currency)
    text = texts.order_placed(order.id, total, hold_minutes, payment_connected=connected)
    return None, (text, placed_keyboard(order.id)), order.id


async def _back_to_cart(context: ShopContext, update: Update, notice: str | None = None) -> Screen:
    """Leave the checkout flow; the cart is shown as it is now."""
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.clear_step(session, user_id=user.id)
        view = await carts.view_cart(session, user_id=user.id)
    return cart_screen(view, notice)


@on_button(CancelCheckout)
async def cancel(update: Update, context: ShopContext, data: CancelCheckout) -> str | None:
    await show(update, *await _back_to_cart(context, update))
    return texts.CHECKOUT_CANCELLED
