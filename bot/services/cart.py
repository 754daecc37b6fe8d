"""Each customer's cart: one line per size, priced at the products' current prices."""

from __future__ import annotations

import enum
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from bot.models import (
    MAX_LINE_QUANTITY,
    Cart,
    CartItem,
    Product,
    ProductTranslation,
    Size,
    utcnow,
)
from bot.services.errors import InvalidInput, NotAllowed, NotFound, OutOfStock
from bot.services.product import NAME_READ, translated_product
from bot.services.user import get_user, insert_ignoring_conflict


class CartProblem(enum.StrEnum):
    """Why a line cannot be bought as it is."""

    NOT_SOLD = "not_sold"
    SOLD_OUT = "sold_out"
    FEW_LEFT = "few_left"  # fewer than the line's quantity: the line's stock says how many
    OTHER_CURRENCY = "other_currency"  # re-priced in the line's currency, not the cart's


@dataclass(frozen=True, slots=True)
class CartLine:
    size_id: int
    product_id: int
    product_name: str
    size_name: str
    unit_price: int
    quantity: int
    line_total: int
    currency: str
    stock: int
    problem: CartProblem | None
    digital: bool = False  # sent by the bot once paid: needs no address


@dataclass(frozen=True, slots=True)
class CartView:
    lines: tuple[CartLine, ...]
    total: int
    currency: str | None  # None while the cart is empty

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def can_checkout(self) -> bool:
        return not self.is_empty and all(line.problem is None for line in self.lines)


def needs_delivery(view: CartView) -> bool:
    """Whether the checkout asks for an address: some line is a parcel to ship. The one place
    that decides it (digital goods need none)."""
    return any(not line.digital for line in view.lines)


_Line = tuple[CartItem, Product, Size, str]  # and the product's name in the reader's language
_FINGERPRINT_MASK = 2**31 - 1  # fits a callback's integer field


def cart_fingerprint(view: CartView) -> int:
    """A checksum of the lines, quantities and prices a summary showed: an order is placed
    only while the cart still matches it, so a changed cart is never ordered blind."""
    raw = ";".join(f"{ln.size_id},{ln.quantity},{ln.unit_price},{ln.currency}" for ln in view.lines)
    return zlib.crc32(raw.encode()) & _FINGERPRINT_MASK


async def get_or_create_cart(session: AsyncSession, *, user_id: int) -> Cart:
    """Return the customer's cart, row-locked so that concurrent edits of it queue up.

    INSERT … ON CONFLICT DO NOTHING keeps two simultaneous first adds from colliding.
    """
    locked = select(Cart).where(Cart.user_id == user_id).with_for_update()
    cart = await session.scalar(locked)  # most customers have one: no INSERT to try
    if cart is not None:
        return cart
    await get_user(session, user_id)
    await session.execute(
        insert_ignoring_conflict(session, Cart, {"user_id": user_id}, conflict_columns=("user_id",))
    )
    return (await session.scalars(locked)).one()


async def add_item(
    session: AsyncSession,
    *,
    user_id: int,
    product_id: int,
    size_id: int,
    quantity: int = 1,
    language: str | None = None,
) -> CartView:
    """Adding a size already in the cart adds to that line's quantity. The cart (and any
    refusal) names products in `language` where the catalogue has them translated."""
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput("cart.add_range", limit=MAX_LINE_QUANTITY)
    cart_id = await _changed_cart(session, user_id)
    product, size, name = await _product_and_size(session, product_id, size_id, language)
    if not product.is_active:
        raise NotAllowed("cart.not_sold", product=name)
    lines = await _lines(session, cart_id, language)
    if lines and lines[0][1].is_digital != product.is_digital:
        # Digital goods are paid in Telegram Stars, physical ones with the shop's provider:
        # one cart, one payment, so one kind (see the README's "Digital goods").
        if product.is_digital:
            raise NotAllowed("cart.digital_after_physical", product=name)
        raise NotAllowed("cart.physical_after_digital", product=name)
    cart_currency = _currency(lines)
    if cart_currency not in (None, product.currency):
        raise InvalidInput(
            "cart.other_currency",
            cart_currency=cart_currency,
            product=name,
            currency=product.currency,
        )
    item = next((line[0] for line in lines if line[0].size_id == size_id), None)
    already = item.quantity if item else 0
    _check_available(name, size, already + quantity, already=already)
    if item is None:
        item = CartItem(cart_id=cart_id, product_id=product.id, size_id=size.id, quantity=quantity)
        session.add(item)
        lines = [*lines, (item, product, size, name)]  # the newest: last, as _lines orders them
    else:
        item.quantity = already + quantity
    await session.flush()
    return _view_of(lines)


async def set_quantity(
    session: AsyncSession,
    *,
    user_id: int,
    size_id: int,
    quantity: int,
    language: str | None = None,
) -> CartView:
    """Zero removes the line."""
    if not 0 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput("cart.set_range", limit=MAX_LINE_QUANTITY)
    if quantity == 0:
        return await remove_item(session, user_id=user_id, size_id=size_id, language=language)
    cart = await get_or_create_cart(session, user_id=user_id)
    lines = await _lines(session, cart.id, language)
    line = next((line for line in lines if line[2].id == size_id), None)
    if line is None:
        raise NotFound("cart.line_gone")
    item, product, size, name = line
    if not product.is_active:
        raise NotAllowed("cart.line_not_sold", product=name)
    _check_available(name, size, quantity, already=0)
    if item.quantity != quantity:
        item.quantity = quantity
        _changed(cart)
    await session.flush()
    return _view_of(lines)  # the lines' items are the rows just updated


async def remove_item(
    session: AsyncSession, *, user_id: int, size_id: int, language: str | None = None
) -> CartView:
    """Removing a line that is already gone is not an error: a double tap must not fail."""
    cart = await get_or_create_cart(session, user_id=user_id)
    removed = await session.execute(
        delete(CartItem).where(CartItem.cart_id == cart.id, CartItem.size_id == size_id)
    )
    if getattr(removed, "rowcount", 0):
        _changed(cart)
    await session.flush()
    return await _view(session, cart.id, language)


async def clear_cart(session: AsyncSession, *, user_id: int) -> None:
    cart = await get_or_create_cart(session, user_id=user_id)
    removed = await session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))
    if getattr(removed, "rowcount", 0):
        _changed(cart)
    await session.flush()


async def _changed_cart(session: AsyncSession, user_id: int) -> int:
    """The customer's cart, locked and counted as changed in one statement (an addition always
    changes it, and if it is refused everything rolls back); made if they have none."""
    now = utcnow()
    bumped: int | None = await session.scalar(
        update(Cart)
        .where(Cart.user_id == user_id)
        .values(content_version=Cart.content_version + 1, content_changed_at=now, updated_at=now)
        .returning(Cart.id)
    )
    if bumped is not None:
        return bumped
    cart = await get_or_create_cart(session, user_id=user_id)
    _changed(cart)
    return cart.id


def _changed(cart: Cart) -> None:
    """A new content version: the abandoned-cart reminder counts its hours from now, and may
    remind of this version once. The cart row is locked (get_or_create_cart): no lost count."""
    cart.content_version += 1
    cart.content_changed_at = utcnow()


async def view_cart(
    session: AsyncSession, *, user_id: int, language: str | None = None
) -> CartView:
    cart_id = await session.scalar(select(Cart.id).where(Cart.user_id == user_id))
    if cart_id is None:
        return CartView(lines=(), total=0, currency=None)
    return await _view(session, cart_id, language)


async def _product_and_size(
    session: AsyncSession, product_id: int, size_id: int, language: str | None
) -> tuple[Product, Size, str]:
    result = await session.execute(
        select(Product, Size, NAME_READ)
        .join(Size, Size.product_id == Product.id)
        .outerjoin(ProductTranslation, translated_product(language))
        .where(Product.id == product_id, Size.id == size_id)
        .options(raiseload(Product.photos))  # a cart shows none
    )
    row = result.one_or_none()
    if row is None:
        raise NotFound("cart.size_unavailable")
    return row


def _check_available(product_name: str, size: Size, wanted: int, *, already: int) -> None:
    names = {"product": product_name, "size": size.name}
    if wanted > size.stock:
        if size.stock == 0 and already:
            raise OutOfStock("cart.sold_out_have", **names, already=already)
        if size.stock == 0:
            raise OutOfStock("cart.sold_out", **names)
        if already:
            raise OutOfStock("cart.only_left_have", **names, left=size.stock, already=already)
        raise OutOfStock("cart.only_left", **names, left=size.stock)
    if wanted > MAX_LINE_QUANTITY:
        raise InvalidInput("cart.line_limit", **names, limit=MAX_LINE_QUANTITY)


async def _lines(session: AsyncSession, cart_id: int, language: str | None) -> Sequence[_Line]:
    result = await session.execute(
        select(CartItem, Product, Size, NAME_READ)
        .join(Product, CartItem.product_id == Product.id)
        .join(Size, CartItem.size_id == Size.id)
        .outerjoin(ProductTranslation, translated_product(language))
        .where(CartItem.cart_id == cart_id)
        .order_by(CartItem.id)  # ids grow with time: the order lines were added in
        .options(raiseload(Product.photos))  # a cart shows none
    )
    return result.all()


def _currency(lines: Sequence[_Line]) -> str | None:
    """A cart holds one currency: the one of its first line."""
    return lines[0][1].currency if lines else None


async def view_of_cart(
    session: AsyncSession, *, cart_id: int, language: str | None = None
) -> CartView:
    """view_cart() for a cart the caller already holds (locked, say)."""
    return await _view(session, cart_id, language)


async def _view(session: AsyncSession, cart_id: int, language: str | None) -> CartView:
    return _view_of(await _lines(session, cart_id, language))


def _view_of(rows: Sequence[_Line]) -> CartView:
    currency = _currency(rows)
    lines = tuple(_line(row, currency) for row in rows)
    total = sum(line.line_total for line in lines if line.currency == currency)
    return CartView(lines=lines, total=total, currency=currency)


def _line(row: _Line, cart_currency: str | None) -> CartLine:
    item, product, size, name = row
    return CartLine(
        size_id=size.id,
        product_id=product.id,
        product_name=name,
        size_name=size.name,
        unit_price=product.price,
        quantity=item.quantity,
        line_total=product.price * item.quantity,
        currency=product.currency,
        stock=size.stock,
        problem=_problem(item, product, size, cart_currency),
        digital=product.is_digital,
    )


def _problem(
    item: CartItem, product: Product, size: Size, cart_currency: str | None
) -> CartProblem | None:
    if not product.is_active:
        return CartProblem.NOT_SOLD
    if size.stock == 0:
        return CartProblem.SOLD_OUT
    if item.quantity > size.stock:
        return CartProblem.FEW_LEFT
    if product.currency != cart_currency:
        # Only possible when an admin re-priced a product in another currency.
        return CartProblem.OTHER_CURRENCY
    return None
