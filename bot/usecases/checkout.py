"""Checkout: choose or type an address, confirm the summary, place the order.

The step and the answers so far live in the database (flow "checkout"), so after a restart the
customer simply answers the next question. The summary's step keeps the choice to save the card:
off until the customer turns it on, and offered only where the payment provider can keep cards
(`cards_savable`). Placing the order records the choice on the order's payment row.

The summary also takes a promo code (typed there, or brought by a `promo_` link onto the cart):
it shows the discount the code gives now, or why it gives none. Placing the order takes a use
of the code the summary showed, in the same transaction; a code that can no longer be used then
(someone else took its last use) refuses the order with the reason, and nothing is ordered.

Once the shop has shipping options (bot.services.shipping), a cart that is shipped gets one:
after the address, the options serving its country are offered (one is taken at once; none
means another address is needed). The choice is kept in the step, the summary shows its price
and the total with it, and placing the order checks the option again (it may have ended). A
shop with no options charges no shipping; digital goods never have any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.languages import reader
from bot.models import Address
from bot.money import MAX_ORDER_TOTAL
from bot.payments.limits import payment_provider, smallest_payment
from bot.services import cart as carts
from bot.services import dialog, inventory, ledger, shipping
from bot.services import order as orders
from bot.services import promo as promos
from bot.services import user as users
from bot.services.cart import CartView, cart_fingerprint, needs_delivery
from bot.services.errors import (
    AddressFieldInvalid,
    InvalidInput,
    NotAllowed,
    OutOfStock,
    ShopError,
)
from bot.services.pricing import order_total
from bot.services.promo import CartPromo
from bot.services.shipping import ShippingQuote
from bot.services.user import ADDRESS_FIELDS, AddressInput, validate_address_field
from bot.usecases.customers import Sender, shopper, shopper_id

FLOW = "checkout"
CHOOSING = "address"  # waits for an address button
CONFIRMING = "confirm"  # waits on the summary
PROMO = "promo"  # waits for a promo code typed at the summary
NO_ADDRESS = 0  # the "address" of a cart of digital goods: the bot sends them, none is asked


@dataclass(frozen=True, slots=True)
class AddressChoice:
    """The customer's saved addresses, the default first."""

    addresses: tuple[Address, ...]


@dataclass(frozen=True, slots=True)
class AddressQuestion:
    field: str
    number: int  # 1-based, of `of`
    of: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """The shipping options serving the address's country, cheapest first, and the one chosen
    (None: the customer has yet to pick one)."""

    options: tuple[ShippingQuote, ...]
    chosen: ShippingQuote | None

    @property
    def price(self) -> int:
        return self.chosen.price if self.chosen is not None else 0

    @property
    def option_id(self) -> int:
        return self.chosen.option.id if self.chosen is not None else 0


@dataclass(frozen=True, slots=True)
class NoDelivery:
    """No shipping option serves the chosen address's country: the customer picks another."""

    country: str
    addresses: tuple[Address, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """`save_card` is None where the payment provider cannot save cards; `promo` is the code
    on the cart, if any, with what it takes off (or why it takes nothing); `address` is None
    for digital goods, which the bot sends in the chat; `delivery` is None where no shipping
    is charged (the shop has no options, or nothing is shipped)."""

    address: Address | None
    cart: CartView
    save_card: bool | None
    promo: CartPromo | None = None
    delivery: Delivery | None = None

    @property
    def discount(self) -> int:
        return self.promo.discount if self.promo else 0

    @property
    def shipping(self) -> int:
        return self.delivery.price if self.delivery is not None else 0

    @property
    def shipping_id(self) -> int:
        """The option the order takes, 0 for none."""
        return self.delivery.option_id if self.delivery is not None else 0

    @property
    def ready(self) -> bool:
        """False while a shipping option is still to be picked."""
        return self.delivery is None or self.delivery.chosen is not None

    @property
    def total(self) -> int:
        return order_total(subtotal=self.cart.total, discount=self.discount, shipping=self.shipping)

    @property
    def address_id(self) -> int:
        return self.address.id if self.address is not None else NO_ADDRESS

    @property
    def promo_id(self) -> int:
        """The code whose discount the summary shows, 0 for none: the order takes that one."""
        return self.promo.code.id if self.promo and self.promo.refusal is None else 0


@dataclass(frozen=True, slots=True)
class PromoQuestion:
    """Waiting for the customer to type a code for the summary of this address."""

    address_id: int


@dataclass(frozen=True, slots=True)
class BackToCart:
    """The checkout was left (or cannot go on): the cart as it is now."""

    cart: CartView


@dataclass(frozen=True, slots=True)
class OrderPlaced:
    order_id: int
    total: int
    currency: str


SummaryScreen = Summary | BackToCart | NoDelivery


@dataclass(frozen=True, slots=True)
class CartChanged:
    """The cart no longer matches the summary the customer confirmed: nothing was ordered."""

    screen: SummaryScreen


@dataclass(frozen=True, slots=True)
class NotPlaced:
    """Refused at placement (e.g. someone else just bought the last one); the checkout is left."""

    reason: ShopError
    cart: CartView


Placement = OrderPlaced | CartChanged | NotPlaced


def check_ready(view: CartView, provider: str) -> None:
    """NotAllowed, raised at placement, leads back to the cart with the reason on top.
    `provider` is the payment provider that will be asked for the money."""
    if view.is_empty:
        raise InvalidInput("checkout.cart_empty")
    if not view.can_checkout:
        raise NotAllowed("checkout.blocked")
    check_payable(view.total, view.currency or "", payment_provider(view.currency, provider))
    if view.total > MAX_ORDER_TOTAL:
        raise NotAllowed(
            "checkout.total_too_large", limit=MAX_ORDER_TOTAL, currency=view.currency or ""
        )


def check_payable(total: int, currency: str, provider: str) -> None:
    """The provider takes no payment below its smallest (a discount may take a total there)."""
    minimum = smallest_payment(provider, currency)
    if total < minimum:
        raise NotAllowed("checkout.below_minimum", minimum=minimum, currency=currency)


async def start_checkout(
    db: Database, *, sender: Sender, provider: str
) -> AddressChoice | AddressQuestion | SummaryScreen:
    """The address comes first, unless nothing in the cart is shipped: then the summary."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        view = await carts.view_cart(session, user_id=user_id, language=reader())
        check_ready(view, provider)
        if not needs_delivery(view):
            return await _summary(session, user_id, NO_ADDRESS, None)
        addresses = await users.list_addresses(session, user_id=user_id)
        if not addresses:
            return await _ask(session, user_id, ADDRESS_FIELDS[0], {})
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CHOOSING)
        return AddressChoice(tuple(addresses))


async def saved_addresses(db: Database, *, sender: Sender) -> AddressChoice:
    """The addresses to deliver to, for a front door that asks for a whole address at once."""
    async with db.reading() as session:
        user_id = await shopper_id(session, sender)
        return AddressChoice(tuple(await users.list_addresses(session, user_id=user_id)))


async def add_address(db: Database, *, sender: Sender, address: AddressInput) -> Address:
    """A whole address at once (the storefront's form); AddressFieldInvalid names the field."""
    for name in ADDRESS_FIELDS:
        try:
            validate_address_field(name, getattr(address, name))
        except AddressFieldInvalid:
            raise
        except InvalidInput as wrong:
            raise AddressFieldInvalid(wrong.code, field=name, **wrong.params) from None
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await users.add_address(session, user_id=user_id, address=address)


async def new_address(db: Database, *, sender: Sender) -> AddressQuestion:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await _ask(session, user_id, ADDRESS_FIELDS[0], {})


async def answer_address(
    db: Database,
    *,
    sender: Sender,
    field: str,
    answers: dict[str, Any],
    text: str,
    cards_savable: bool,
) -> AddressQuestion | SummaryScreen | None:
    """The next question, or the summary once the address is complete; None when the step
    waits for a button, not for text. A bad answer raises InvalidInput and stores nothing."""
    if field not in ADDRESS_FIELDS:
        return None
    answers = {**answers, field: validate_address_field(field, text)}
    position = ADDRESS_FIELDS.index(field) + 1
    try:
        async with db.transaction() as session:
            user_id = await shopper_id(session, sender)
            if position < len(ADDRESS_FIELDS):
                return await _ask(session, user_id, ADDRESS_FIELDS[position], answers)
            fields = AddressInput(**{name: str(answers.get(name, "")) for name in ADDRESS_FIELDS})
            address = await users.add_address(session, user_id=user_id, address=fields)
            return await _summary(session, user_id, address.id, _first_choice(cards_savable))
    except AddressFieldInvalid as wrong:  # e.g. a postal code of another country
        kept = {name: value for name, value in answers.items() if name != wrong.field}
        async with db.transaction() as session:
            await _ask(session, (await shopper(session, sender)).id, wrong.field, kept)
        raise


async def choose_address(
    db: Database,
    *,
    sender: Sender,
    address_id: int,
    cards_savable: bool,
    shipping_id: int | None = None,
) -> SummaryScreen:
    """`shipping_id`: the option picked (None: the one picked before for this address, if any)."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        first = _first_choice(cards_savable)
        return await _summary(session, user_id, address_id, first, shipping_id)


async def choose_shipping(
    db: Database, *, sender: Sender, address_id: int, shipping_id: int, cards_savable: bool
) -> SummaryScreen:
    """The summary with this option (0: the list of options, to pick another); the card
    choice shown before is kept."""
    async with db.transaction() as session:
        user = await shopper(session, sender)
        save_card = cards_savable and await _card_choice(session, user.id, address_id)
        shown = save_card if cards_savable else None
        return await _summary(session, user.id, address_id, shown, shipping_id)


async def choose_card_saving(
    db: Database, *, sender: Sender, address_id: int, save: bool, cards_savable: bool
) -> SummaryScreen:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        return await _summary(session, user_id, address_id, save if cards_savable else None)


async def leave_checkout(db: Database, *, sender: Sender) -> BackToCart:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await dialog.clear_step(session, user_id=user_id)
        return BackToCart(await carts.view_cart(session, user_id=user_id, language=reader()))


async def place_order(
    db: Database,
    *,
    sender: Sender,
    address_id: int,
    fingerprint: int,
    cards_savable: bool,
    admin_chat_ids: Sequence[int],
    provider: str,
    promo_id: int | None = None,
    shipping_id: int | None = None,
) -> Placement:
    """Places the order only if the cart still matches the summary's `fingerprint`, and its
    promo code the summary's `promo_id` (0: the summary showed no discount, so none is taken;
    None: a front door that shows no codes, so the cart's code is used if it applies); the
    admins hear, in the same transaction, of every size it sold out. `shipping_id` is the
    option the summary showed (0: none; None: a front door that shows no options, so the one
    option serving the address, if there is exactly one); a shop with options refuses an
    order without a valid one."""
    try:
        async with db.transaction() as session:
            user_id = await shopper_id(session, sender)
            placed = await _place(
                session,
                user_id,
                address_id,
                fingerprint,
                cards_savable,
                provider,
                promo_id,
                shipping_id,
            )
            if isinstance(placed, OrderPlaced):
                await inventory.alert_sold_out(
                    session, order_id=placed.order_id, admin_chat_ids=admin_chat_ids
                )
            return placed
    except (OutOfStock, NotAllowed) as error:  # e.g. someone else just bought the last one
        return NotPlaced(error, (await leave_checkout(db, sender=sender)).cart)


async def _place(
    session: AsyncSession,
    user_id: int,
    address_id: int,
    fingerprint: int,
    cards_savable: bool,
    provider: str,
    promo_id: int | None,
    shipping_id: int | None,
) -> OrderPlaced | CartChanged:
    # Locked: what is checked here is what is ordered, and the customer's promo code uses are
    # counted while no other checkout of theirs can take one.
    cart = await carts.get_or_create_cart(session, user_id=user_id)
    view = await carts.view_of_cart(session, cart_id=cart.id, language=reader())
    check_ready(view, provider)
    if not needs_delivery(view):
        cards_savable = False  # Stars: Telegram keeps no card for the shop
    save_card = cards_savable and await _card_choice(session, user_id, address_id)
    code_id = cart.promo_code_id
    if cart_fingerprint(view) != fingerprint or promo_id not in (None, 0, code_id):
        again = await _summary(session, user_id, address_id, save_card if cards_savable else None)
        return CartChanged(again)
    if promo_id is None and code_id is not None:  # used only if it applies
        shown = await promos.cart_promo(
            session, user_id=user_id, subtotal=view.total, currency=view.currency or ""
        )
        promo_id = code_id if shown and shown.refusal is None else 0
    option_id = None
    if needs_delivery(view):
        option_id = await _shipping_option(session, user_id, address_id, view, shipping_id)
    order = await orders.place_order(
        session,
        user_id=user_id,
        address_id=address_id if needs_delivery(view) else None,
        promo_code_id=promo_id or None,
        shipping_option_id=option_id,
    )
    check_payable(order.total, order.currency, payment_provider(order.currency, provider))
    if order.total > MAX_ORDER_TOTAL:
        raise NotAllowed("checkout.total_too_large", limit=MAX_ORDER_TOTAL, currency=order.currency)
    if save_card:
        await ledger.choose_to_save_card(session, order_id=order.id)
    await dialog.clear_step(session, user_id=user_id)
    return OrderPlaced(order.id, order.total, order.currency)


async def _shipping_option(
    session: AsyncSession, user_id: int, address_id: int, view: CartView, shipping_id: int | None
) -> int | None:
    """The option the order takes: the one given, checked as the order is placed; none when the
    shop has no options; otherwise the order is refused for want of one."""
    if shipping_id:
        return shipping_id
    currency = view.currency or ""
    if not await shipping.offers_shipping(session, currency=currency):
        return None
    if shipping_id is None:  # a front door that shows no options: the only one there is
        address = await users.get_address(session, user_id=user_id, address_id=address_id)
        serving = await shipping.options_for(
            session, country=address.country, currency=currency, subtotal=view.total
        )
        if not serving:
            raise NotAllowed("shipping.no_option", country=address.country)
        if len(serving) == 1:
            return serving[0].option.id
    raise NotAllowed("shipping.choose")


async def ask_promo_code(db: Database, *, sender: Sender, address_id: int) -> PromoQuestion:
    """The summary waits for a code to be typed; the card choice it showed is kept."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        step = await dialog.current_step(session, user_id=user_id, lock=True)
        save_card = bool(step and step.flow == FLOW and step.data.get("save_card"))
        kept = step.data.get("shipping_id", 0) if step and step.flow == FLOW else 0
        data = {"address_id": address_id, "save_card": save_card, "shipping_id": kept}
        await dialog.set_step(session, user_id=user_id, flow=FLOW, step=PROMO, data=data)
        return PromoQuestion(address_id)


async def enter_promo_code(
    db: Database, *, sender: Sender, answers: dict[str, Any], text: str, cards_savable: bool
) -> SummaryScreen:
    """A code the customer typed at the summary, put on the cart; one that can't be used
    raises the reason (NotFound, NotAllowed) and the summary keeps waiting for a code."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await promos.apply_to_cart(session, user_id=user_id, code=text)
        save_card = bool(answers.get("save_card")) if cards_savable else None
        return await _summary(session, user_id, int(answers["address_id"]), save_card)


async def remove_promo_code(
    db: Database, *, sender: Sender, address_id: int, cards_savable: bool
) -> SummaryScreen:
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        save_card = cards_savable and await _card_choice(session, user_id, address_id)
        await promos.remove_from_cart(session, user_id=user_id)
        return await _summary(session, user_id, address_id, save_card if cards_savable else None)


def _first_choice(cards_savable: bool) -> bool | None:
    """Saving the card starts off, and is not offered at all where cards cannot be saved."""
    return False if cards_savable else None


async def _ask(
    session: AsyncSession, user_id: int, field: str, answers: dict[str, Any]
) -> AddressQuestion:
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=field, data=answers)
    return AddressQuestion(field, ADDRESS_FIELDS.index(field) + 1, len(ADDRESS_FIELDS))


async def _summary(
    session: AsyncSession,
    user_id: int,
    address_id: int,
    save_card: bool | None,
    shipping_id: int | None = None,
) -> SummaryScreen:
    """The summary to confirm, or the cart when it can't be ordered as it is. A cart of
    digital goods has no address (NO_ADDRESS) and no card to save. `shipping_id` None keeps
    the option picked before for this address."""
    view = await carts.view_cart(session, user_id=user_id, language=reader())
    address: Address | None = None
    if needs_delivery(view) or address_id != NO_ADDRESS:
        address = await users.get_address(session, user_id=user_id, address_id=address_id)
    if not needs_delivery(view):
        address, address_id, save_card = None, NO_ADDRESS, None
    if not view.can_checkout or view.currency is None:
        await dialog.clear_step(session, user_id=user_id)
        return BackToCart(view)
    delivery = None
    if address is not None and await shipping.offers_shipping(session, currency=view.currency):
        options = await shipping.options_for(
            session, country=address.country, currency=view.currency, subtotal=view.total
        )
        if not options:
            await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CHOOSING)
            addresses = await users.list_addresses(session, user_id=user_id)
            return NoDelivery(address.country, tuple(addresses))
        if shipping_id is None:
            shipping_id = await _kept_shipping(session, user_id, address_id)
        chosen = next((quote for quote in options if quote.option.id == shipping_id), None)
        if chosen is None and len(options) == 1:
            chosen = options[0]
        delivery = Delivery(options, chosen)
    data = {
        "address_id": address_id,
        "save_card": bool(save_card),
        "shipping_id": delivery.option_id if delivery is not None else 0,
    }
    await dialog.set_step(session, user_id=user_id, flow=FLOW, step=CONFIRMING, data=data)
    promo = await promos.cart_promo(
        session, user_id=user_id, subtotal=view.total, currency=view.currency
    )
    return Summary(address, view, save_card, promo, delivery)


async def _kept_shipping(session: AsyncSession, user_id: int, address_id: int) -> int:
    """The option the checkout's step holds for this address (0: none)."""
    step = await dialog.current_step(session, user_id=user_id)
    if step is None or step.flow != FLOW or step.data.get("address_id") != address_id:
        return 0
    kept = step.data.get("shipping_id", 0)
    return kept if isinstance(kept, int) else 0


async def _card_choice(session: AsyncSession, user_id: int, address_id: int) -> bool:
    """What the summary for this address last showed; anything else means no."""
    step = await dialog.current_step(session, user_id=user_id)
    if step is None or (step.flow, step.step) != (FLOW, CONFIRMING):
        return False
    return step.data.get("address_id") == address_id and step.data.get("save_card") is True
