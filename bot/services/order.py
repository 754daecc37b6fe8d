"""Checkout, order history and the order state machine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from bot.db import on_commit
from bot.models import (
    ALLOWED_TRANSITIONS,
    Address,
    Cart,
    CartItem,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
    Product,
    Size,
    utcnow,
)
from bot.money import MAX_ORDER_TOTAL
from bot.services import promo as promos
from bot.services import shipping, stock_alert
from bot.services.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    OutOfStock,
)
from bot.services.pagination import Page, check_page
from bot.services.pricing import order_total

PAYMENT_TIMEOUT_NOTE = "payment_timeout"  # status-history notes are keys: bot.texts.statuses
# The tables themselves, for statements on a hot path that need none of the ORM's bookkeeping.
_ORDERS = cast(Table, Order.__table__)
_HISTORY = cast(Table, OrderStatusChange.__table__)
# advance_row's statements, built once; the columns to set are the parameters' keys.
_ADVANCE = update(_ORDERS).where(_ORDERS.c.id == bindparam("id_"))
_RECORD_CHANGE = insert(_HISTORY)


async def place_order(
    session: AsyncSession,
    *,
    user_id: int,
    address_id: int | None,
    actor: str = "customer",
    promo_code_id: int | None = None,
    shipping_option_id: int | None = None,
) -> Order:
    """Turn the cart into an order. Any error leaves the caller's transaction to roll back
    everything, including stock already taken for earlier lines. With `promo_code_id` the
    order takes one use of that code (or is refused, NotAllowed with the reason) and keeps the
    discount it gave, worked out once from the lines as sold. `address_id` None: digital
    goods only, sent by the bot, so the order keeps no address. With `shipping_option_id` the
    order keeps that option's name and price for these lines (refused, NotAllowed, if it was
    ended or does not serve the address's country); a promo discount never reduces it."""
    cart = await _locked_cart(session, user_id)
    if cart is None or not cart.items:
        raise InvalidInput("order.cart_empty")
    address = None
    if address_id is not None:
        address = await session.scalar(
            select(Address).where(Address.id == address_id, Address.user_id == user_id)
        )
        if address is None:
            raise NotFound("order.address_not_found")
    elif any(not item.product.is_digital for item in cart.items):
        raise NotFound("order.address_not_found")
    currency = _check_lines(cart.items)
    # A fixed lock order (by size) keeps two multi-line checkouts from deadlocking.
    for item in sorted(cart.items, key=lambda line: line.size_id):
        await _take_stock(session, item)
    order = _new_order(user_id, address, cart.items, currency, actor)
    if promo_code_id is not None:
        used = await promos.take_use(
            session,
            code_id=promo_code_id,
            user_id=user_id,
            subtotal=order.subtotal,
            currency=currency,
        )
        order.discount, order.promo_code = used.discount, used.code.code
    if shipping_option_id is not None and address is not None:
        quoted = await shipping.quote_for_order(
            session,
            option_id=shipping_option_id,
            country=address.country,
            currency=currency,
            subtotal=order.subtotal,
        )
        order.shipping_name, order.shipping_price = quoted.option.name, quoted.price
    order.total = order_total(
        subtotal=order.subtotal, discount=order.discount, shipping=order.shipping_price
    )
    session.add(order)
    await session.execute(
        delete(CartItem).where(CartItem.cart_id == cart.id),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(cart, "items", [])
    await session.flush()
    if promo_code_id is not None:
        await promos.record_use(session, code_id=promo_code_id, user_id=user_id, order_id=order.id)
    on_commit(session, lambda metrics: metrics.order_placed(currency))
    # Every column and line was just written: the order is returned as loaded, not read again.
    set_committed_value(order, "payment", None)
    return order


_SHIP_FIELDS = (
    "ship_recipient_name",
    "ship_phone",
    "ship_street",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
)


def _shipping(address: Address | None) -> dict[str, str]:
    """The address copied onto the order; all empty for digital goods (shipping_address "")."""
    if address is None:
        return dict.fromkeys(_SHIP_FIELDS, "")
    return {
        "ship_recipient_name": address.recipient_name,
        "ship_phone": address.phone,
        "ship_street": address.street,
        "ship_city": address.city,
        "ship_region": address.region,
        "ship_postal_code": address.postal_code,
        "ship_country": address.country,
    }


async def _locked_cart(session: AsyncSession, user_id: int) -> Cart | None:
    """Locking the cart makes a double-tapped checkout wait and then find the cart empty."""
    return await session.scalar(
        select(Cart)
        .where(Cart.user_id == user_id)
        .with_for_update()
        .options(
            selectinload(Cart.items)
            .selectinload(CartItem.product)
            .raiseload(Product.photos)  # an order keeps no photo
        )
        .options(selectinload(Cart.items).selectinload(CartItem.size))
        .execution_options(populate_existing=True)
    )


def _check_lines(items: Sequence[CartItem]) -> str:
    """Refuse lines that can no longer be sold and return the order's one currency."""
    currencies = set()
    for item in items:
        if not item.product.is_active:
            raise NotAllowed("order.product_not_sold", product=item.product.name)
        currencies.add(item.product.currency)
    if len(currencies) > 1:
        raise InvalidInput("order.mixed_currencies")
    currency = currencies.pop()
    if sum(item.product.price * item.quantity for item in items) > MAX_ORDER_TOTAL:
        raise NotAllowed("checkout.total_too_large", limit=MAX_ORDER_TOTAL, currency=currency)
    return currency


async def _take_stock(session: AsyncSession, item: CartItem) -> None:
    left = await _change_stock(session, item.size_id, -item.quantity)
    if left is None:
        left = await session.scalar(select(Size.stock).where(Size.id == item.size_id)) or 0
        raise _out_of_stock(item, left)


async def _change_stock(session: AsyncSession, size_id: int, delta: int) -> int | None:
    """One conditional UPDATE, so the database, not a read-then-write, decides who gets the
    last unit. Returns the new stock, or None when there was not enough."""
    statement = (
        update(Size)
        .where(Size.id == size_id)
        .values(stock=Size.stock + delta)
        .returning(Size.stock)
    )
    if delta < 0:
        statement = statement.where(Size.stock >= -delta)
    new_stock = await session.scalar(statement, execution_options={"synchronize_session": False})
    size = session.identity_map.get(identity_key(Size, size_id))
    if new_stock is not None and isinstance(size, Size):
        set_committed_value(size, "stock", new_stock)
    return new_stock


def _out_of_stock(item: CartItem, left: int) -> OutOfStock:
    product, size = item.product.name, item.size.name
    if left <= 0:
        return OutOfStock("order.sold_out", product=product, size=size)
    return OutOfStock("order.only_left", product=product, size=size, left=left)


def _new_order(
    user_id: int, address: Address | None, items: Iterable[CartItem], currency: str, actor: str
) -> Order:
    lines = [
        OrderItem(
            product_id=item.product_id,
            size_id=item.size_id,
            sku=item.product.sku,
            product_name=item.product.name,
            size_name=item.size.name,
            unit_price=item.product.price,
            quantity=item.quantity,
        )
        for item in items
    ]
    return Order(
        user_id=user_id,
        status=OrderStatus.PENDING_PAYMENT,
        total=order_total(subtotal=sum(line.line_total for line in lines)),
        discount=0,
        promo_code=None,
        shipping_name=None,
        shipping_price=0,
        tracking_number=None,
        tracking_carrier=None,
        currency=currency,
        **_shipping(address),
        items=lines,
        history=[
            OrderStatusChange(
                from_status=None, to_status=OrderStatus.PENDING_PAYMENT, actor=actor, note=None
            )
        ],
    )


async def list_orders(
    session: AsyncSession, *, user_id: int, page: int = 1, per_page: int = 5
) -> Page[Order]:
    return await _page(session, select(Order).where(Order.user_id == user_id), page, per_page)


async def list_all_orders(
    session: AsyncSession,
    *,
    status: OrderStatus | None = None,
    page: int = 1,
    per_page: int = 10,
) -> Page[Order]:
    """Every customer's orders, newest first, each with its customer (for the admins)."""
    query = select(Order).options(selectinload(Order.user))
    if status is not None:
        query = query.where(Order.status == status)
    return await _page(session, query, page, per_page)


async def _page(
    session: AsyncSession, query: Select[Order], page: int, per_page: int
) -> Page[Order]:
    offset = check_page(page, per_page)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.options(selectinload(Order.items))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .offset(offset)
        .limit(per_page)
    )
    return Page(items=rows.all(), page=page, per_page=per_page, total=total)


async def get_order(
    session: AsyncSession,
    *,
    order_id: int,
    user_id: int | None = None,
    with_customer: bool = False,
) -> Order:
    """With user_id, someone else's order looks exactly like a missing one; with_customer
    also loads who placed it (for the admins)."""
    query = _order_query(order_id)
    if with_customer:
        query = query.options(selectinload(Order.user))
    order = await session.scalar(query)
    if order is None:
        raise NotFound("order.not_found", order_id=order_id)
    if user_id is not None and order.user_id != user_id:
        raise NotFound("order.not_found", order_id=order_id)
    return order


async def transition(
    session: AsyncSession,
    *,
    order_id: int,
    to: OrderStatus,
    actor: str,
    note: str | None = None,
) -> Order:
    order = await lock_order(session, order_id)
    await _apply(session, order, to, actor, note)
    return order


async def advance(
    session: AsyncSession, order: Order, *, to: OrderStatus, actor: str, note: str | None = None
) -> None:
    """transition() for an order this transaction has already locked with lock_order()."""
    await _apply(session, order, to, actor, note)


async def advance_row(
    session: AsyncSession,
    *,
    order_id: int,
    status: OrderStatus,
    total: int,
    currency: str,
    to: OrderStatus,
    actor: str,
    note: str | None = None,
) -> None:
    """advance() for an order the caller locked and read as plain values (`status`, `total`,
    `currency`) rather than as an object: one UPDATE and one INSERT, no load, for hot paths
    such as a payment webhook. Not for cancelling, which needs the order's lines for stock."""
    if to not in ALLOWED_TRANSITIONS[status] or to is OrderStatus.CANCELLED:
        raise IllegalTransition(
            "order.cannot_become", order_id=order_id, status=status.value, to=to.value
        )
    now = utcnow()
    await session.execute(_ADVANCE, {"id_": order_id, "status": to, "updated_at": now})
    change = {"order_id": order_id, "from_status": status, "to_status": to, "actor": actor}
    await session.execute(_RECORD_CHANGE, change | {"note": note})
    loaded = session.identity_map.get(identity_key(Order, order_id))
    if isinstance(loaded, Order):  # loaded earlier in this transaction: keep it truthful
        set_committed_value(loaded, "status", to)
        set_committed_value(loaded, "updated_at", now)
    _count(session, currency, total, to)


async def cancel_order(
    session: AsyncSession, *, order_id: int, user_id: int, actor: str = "customer"
) -> Order:
    """Customers may only take back an order they have not paid for; the rest is a refund."""
    order = await lock_order(session, order_id)
    if order.user_id != user_id:
        raise NotFound("order.not_found", order_id=order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise NotAllowed("order.cannot_cancel", order_id=order.id, status=order.status.value)
    await _apply(session, order, OrderStatus.CANCELLED, actor, None)
    return order


async def expire_unpaid_orders(
    session: AsyncSession,
    *,
    older_than: timedelta,
    now: datetime | None = None,
    limit: int = 100,
) -> list[int]:
    """Cancel checkouts abandoned before payment so their stock goes back on sale."""
    cutoff = (now or utcnow()) - older_than
    candidates = await session.scalars(
        select(Order.id)
        .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.created_at < cutoff)
        .order_by(Order.created_at, Order.id)
        .limit(limit)
    )
    expired = []
    for order_id in candidates.all():
        order = await lock_order(session, order_id)
        # A payment may have arrived between the search and the lock.
        if order.status is OrderStatus.PENDING_PAYMENT:
            await _apply(session, order, OrderStatus.CANCELLED, "system", PAYMENT_TIMEOUT_NOTE)
            expired.append(order.id)
    return expired


async def lock_order(session: AsyncSession, order_id: int, *, with_lines: bool = True) -> Order:
    """Lock the order row and (re)load it, so every status change sees the latest state.

    Without lines only its payment is loaded (two statements instead of four): enough to pay
    it or move it along, not to cancel it (cancelling returns its lines' stock).
    On SQLite FOR UPDATE is dropped; BEGIN IMMEDIATE already serializes writers there.
    """
    query = _order_query(order_id) if with_lines else _order_and_payment_query(order_id)
    order = await session.scalar(query.with_for_update(of=Order))
    if order is None:
        raise NotFound("order.not_found", order_id=order_id)
    return order


async def lock_order_where(session: AsyncSession, which: ColumnElement[bool]) -> Order | None:
    """lock_order(…, with_lines=False) for the order `which` picks (its id from a subquery,
    say), found and locked in the same statement; None when there is none."""
    query = (
        select(Order)
        .where(which)
        .options(selectinload(Order.payment))
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query.with_for_update(of=Order))


async def _load_order(session: AsyncSession, order_id: int) -> Order:
    order = await session.scalar(_order_query(order_id))
    if order is None:
        raise NotFound("order.not_found", order_id=order_id)
    return order


def _order_and_payment_query(order_id: int) -> Select[Order]:
    # The payment in a statement of its own, after the lock: joined to the locking SELECT,
    # PostgreSQL could hand back the payment as it was before a concurrent payment committed.
    return (
        select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.payment))
        .execution_options(populate_existing=True)
    )


def _order_query(order_id: int) -> Select[Order]:
    return (
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.items), selectinload(Order.history), selectinload(Order.payment)
        )
        .execution_options(populate_existing=True)
    )


async def _apply(
    session: AsyncSession, order: Order, to: OrderStatus, actor: str, note: str | None
) -> None:
    """Move a locked order along the state machine, or change nothing and say why."""
    current = order.status
    if to not in ALLOWED_TRANSITIONS[current]:
        raise IllegalTransition(
            "order.cannot_become", order_id=order.id, status=current.value, to=to.value
        )
    if to is OrderStatus.CANCELLED:
        await _return_stock(session, order.items)
        await promos.give_back(session, order_id=order.id)
    order.status = to
    _count(session, order.currency, order.total, to)
    change = OrderStatusChange(from_status=current, to_status=to, actor=actor, note=note)
    if "history" in inspect(order).unloaded:  # locked without its lines and history
        change.order_id = order.id
        session.add(change)
    else:
        order.history.append(change)
    await session.flush()


def _count(session: AsyncSession, currency: str, total: int, to: OrderStatus) -> None:
    """Every path to paid or cancelled comes through here, so each is counted once it commits."""
    if to is OrderStatus.PAID:
        on_commit(session, lambda metrics: metrics.order_paid(currency, total))
    elif to is OrderStatus.CANCELLED:
        on_commit(session, lambda metrics: metrics.order_cancelled(currency))


async def _return_stock(session: AsyncSession, items: Iterable[OrderItem]) -> None:
    """Sizes deleted since the sale (size_id set to NULL) have nowhere to go back to. A size
    this brings back from sold out tells the customers waiting for it."""
    returned = sorted((item.size_id, item.quantity) for item in items if item.size_id is not None)
    for size_id, quantity in returned:
        await _change_stock(session, size_id, quantity)
    await stock_alert.announce_back_in_stock(session, size_ids=[size for size, _ in returned])
