"""The storefront's JSON API under /app/api: the same use cases as the chat, for the page.

Every call carries Telegram's signed `initData` (`Authorization: tma <initData>`); anything
else gets 401 and nothing more. The customer it names is registered or found as in the chat,
their language chosen as in the chat, and a refusal comes back as the chat would word it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram import Bot

from bot.botapi.invoices import invoice_request
from bot.config import Settings
from bot.db import Database
from bot.models import PaymentProvider
from bot.money import STARS
from bot.payments.stripe_gateway import StripeGateway
from bot.services.errors import (
    AddressFieldInvalid,
    InvalidInput,
    NotAllowed,
    NotFound,
    OutOfStock,
    PaymentError,
    ShopError,
)
from bot.services.search import CatalogSearch
from bot.services.stock_alert import Subscribed
from bot.services.user import ADDRESS_FIELDS, AddressInput
from bot.texts import stock_alerts as alert_texts
from bot.texts import webapp as words
from bot.texts import wishlist as wishlist_texts
from bot.texts.errors import error_text
from bot.texts.i18n import current_language, negotiate, using_language
from bot.texts.storefront import page_texts
from bot.usecases import (
    cart,
    catalog,
    checkout,
    invoices,
    orders,
    payments,
    search,
    stock_alerts,
    wishlist,
)
from bot.usecases.customers import Sender, remember
from bot.web.common import SETTINGS, parse_json, reply
from bot.web.storefront import views
from bot.web.storefront.init_data import InitDataInvalid, validate

log = logging.getLogger(__name__)

API_PATH = "/app/api"
PER_PAGE = 12
MAX_BODY_BYTES = 16 * 1024  # the largest request the page sends is an address
MAX_CODE_LENGTH = 64  # longer than any promo code: the use case says what is wrong with it


@dataclass(frozen=True, slots=True)
class Storefront:
    """What the API works with: the chat's own database, catalogue index, bot and Stripe."""

    db: Database
    settings: Settings
    catalog: CatalogSearch
    bot: Bot
    stripe: StripeGateway | None
    wake_outbox: Callable[[], None] | None = None


STOREFRONT = web.AppKey("storefront", Storefront)

Handler = Callable[[web.Request, Sender], Awaitable[web.Response]]


def add_api_routes(app: web.Application) -> None:
    routes = (
        ("GET", "/session", session),
        ("GET", "/categories", category_list),
        ("GET", "/categories/{id:\\d{1,10}}", category_page),
        ("GET", "/products/{id:\\d{1,10}}", product_card),
        ("PUT", "/products/{id:\\d{1,10}}/saved", save_product),
        ("DELETE", "/products/{id:\\d{1,10}}/saved", unsave_product),
        ("PUT", "/products/{id:\\d{1,10}}/sizes/{size_id:\\d{1,10}}/alert", notify_me),
        ("DELETE", "/products/{id:\\d{1,10}}/sizes/{size_id:\\d{1,10}}/alert", stop_alert),
        ("GET", "/wishlist", saved_products),
        ("DELETE", "/wishlist/{id:\\d{1,10}}", remove_saved),
        ("GET", "/search", search_products),
        ("GET", "/cart", view_cart),
        ("POST", "/cart/items", add_to_cart),
        ("PUT", "/cart/items/{size_id:\\d{1,10}}", set_quantity),
        ("GET", "/addresses", list_addresses),
        ("POST", "/addresses", add_address),
        ("POST", "/checkout", order_summary),
        ("POST", "/checkout/promo", apply_promo_code),
        ("DELETE", "/checkout/promo", remove_promo_code),
        ("POST", "/orders", place_order),
        ("GET", "/orders/{id:\\d{1,10}}", order_status),
        ("POST", "/orders/{id:\\d{1,10}}/pay", pay),
    )
    for method, path, handler in routes:
        app.router.add_route(method, API_PATH + path, _signed_in(handler))


def _signed_in(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def checked(request: web.Request) -> web.Response:
        shop = request.app[STOREFRONT]
        settings = request.app[SETTINGS]
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "tma":
                raise InitDataInvalid("no initData")
            user = validate(
                init_data,
                bot_token=shop.bot.token,
                max_age_s=settings.webapp_init_data_max_age_s,
            )
        except InitDataInvalid as invalid:
            log.info("storefront request refused: %s", invalid)
            with using_language(negotiate(chosen=None, telegram=None, default=_default(request))):
                return reply(401, error=words.UNAUTHORIZED)
        sender = Sender(user.telegram_id, user.first_name, user.username, user.language_code)
        chosen = await remember(shop.db, sender)
        language = negotiate(chosen=chosen, telegram=user.language_code, default=_default(request))
        with using_language(language):
            try:
                return await handler(request, sender)
            except ShopError as error:
                return _refused(error)

    return checked


def _default(request: web.Request) -> str:
    return request.app[SETTINGS].default_language


def _refused(error: ShopError) -> web.Response:
    status = 400
    if isinstance(error, NotFound):
        status = 404
    elif isinstance(error, (NotAllowed, OutOfStock)):
        status = 409
    elif isinstance(error, PaymentError):
        status = 502
    body: dict[str, Any] = {"error": error_text(error), "code": error.code}
    if isinstance(error, AddressFieldInvalid):
        body["field"] = error.field
    return web.json_response(body, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise InvalidInput("webapp.bad_request")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise InvalidInput("webapp.bad_request")
    raw = await request.content.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput("webapp.bad_request")
    try:
        data = parse_json(raw)
    except ValueError:
        raise InvalidInput("webapp.bad_request") from None
    if not isinstance(data, dict):
        raise InvalidInput("webapp.bad_request")
    return data


def _number(value: object) -> int:
    """A whole number the page sent, within what an id or a quantity can be."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInput("webapp.bad_request")
    return value


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


def _shop(request: web.Request) -> Storefront:
    return request.app[STOREFRONT]


# --- reading ------------------------------------------------------------------------------


async def session(request: web.Request, sender: Sender) -> web.Response:
    shop = _shop(request)
    view = await cart.view_cart(shop.db, sender=sender)
    return reply(
        200,
        user={"first_name": sender.first_name},
        language=current_language(),
        texts=page_texts(),
        payment=shop.settings.effective_payment_provider,
        cart_count=sum(line.quantity for line in view.lines),
    )


async def category_list(request: web.Request, sender: Sender) -> web.Response:
    found = await catalog.categories(_shop(request).db, page=1, per_page=1000)
    return reply(200, **views.categories(found))


async def category_page(request: web.Request, sender: Sender) -> web.Response:
    found = await catalog.category_products(
        _shop(request).db,
        category_id=int(request.match_info["id"]),
        page=_page_number(request),
        per_page=PER_PAGE,
        with_ratings=True,
    )
    return reply(200, **views.category(found))


async def product_card(request: web.Request, sender: Sender) -> web.Response:
    card = await catalog.product_card(
        _shop(request).db, product_id=_id(request), telegram_id=sender.telegram_id
    )
    return reply(200, **views.product(card))


async def saved_products(request: web.Request, sender: Sender) -> web.Response:
    found = await wishlist.saved_products(
        _shop(request).db, sender=sender, page=_page_number(request), per_page=PER_PAGE
    )
    return reply(200, **views.wishlist(found))


async def search_products(request: web.Request, sender: Sender) -> web.Response:
    shop = _shop(request)
    query = request.query.get("q", "")
    found = await search.find(
        shop.db, catalog=shop.catalog, text=query, page=_page_number(request), per_page=PER_PAGE
    )
    return reply(200, **views.search(query, found))


async def view_cart(request: web.Request, sender: Sender) -> web.Response:
    return reply(200, **views.cart(await cart.view_cart(_shop(request).db, sender=sender)))


async def list_addresses(request: web.Request, sender: Sender) -> web.Response:
    found = await checkout.saved_addresses(_shop(request).db, sender=sender)
    return reply(200, **views.addresses(found.addresses))


async def order_status(request: web.Request, sender: Sender) -> web.Response:
    order_id = int(request.match_info["id"])
    found = await orders.own_order(_shop(request).db, sender=sender, order_id=order_id)
    return reply(200, **views.order(found))


# --- changing -----------------------------------------------------------------------------


async def save_product(request: web.Request, sender: Sender) -> web.Response:
    card = await wishlist.set_saved(
        _shop(request).db, sender=sender, product_id=_id(request), saved=True
    )
    return reply(200, notice=wishlist_texts.saved_toast(), product=views.product(card))


async def unsave_product(request: web.Request, sender: Sender) -> web.Response:
    card = await wishlist.set_saved(
        _shop(request).db, sender=sender, product_id=_id(request), saved=False
    )
    return reply(200, notice=wishlist_texts.unsaved_toast(), product=views.product(card))


async def remove_saved(request: web.Request, sender: Sender) -> web.Response:
    found = await wishlist.remove(
        _shop(request).db,
        sender=sender,
        product_id=_id(request),
        page=_page_number(request),
        per_page=PER_PAGE,
    )
    return reply(200, **views.wishlist(found))


async def notify_me(request: web.Request, sender: Sender) -> web.Response:
    asked = await stock_alerts.notify_me(
        _shop(request).db,
        sender=sender,
        product_id=_id(request),
        size_id=int(request.match_info["size_id"]),
    )
    notices = {
        Subscribed.NEW: alert_texts.subscribed,
        Subscribed.ALREADY: alert_texts.already_subscribed,
        Subscribed.IN_STOCK: alert_texts.back_already,
    }
    notice = notices[asked.outcome](asked.size_name)
    return reply(200, notice=notice, product=views.product(asked.card))


async def stop_alert(request: web.Request, sender: Sender) -> web.Response:
    card = await stock_alerts.stop_waiting(
        _shop(request).db,
        sender=sender,
        product_id=_id(request),
        size_id=int(request.match_info["size_id"]),
    )
    return reply(200, product=views.product(card))


async def add_to_cart(request: web.Request, sender: Sender) -> web.Response:
    body = await _body(request)
    shop = _shop(request)
    await catalog.add_to_cart(
        shop.db,
        sender=sender,
        product_id=_number(body.get("product_id")),
        size_id=_number(body.get("size_id")),
        quantity=_number(body.get("quantity", 1)),
    )
    return reply(200, **views.cart(await cart.view_cart(shop.db, sender=sender)))


async def set_quantity(request: web.Request, sender: Sender) -> web.Response:
    body = await _body(request)
    view = await cart.set_quantity(
        _shop(request).db,
        sender=sender,
        size_id=int(request.match_info["size_id"]),
        quantity=_number(body.get("quantity")),
    )
    return reply(200, **views.cart(view))


async def add_address(request: web.Request, sender: Sender) -> web.Response:
    body = await _body(request)
    values = {name: body.get(name, "") for name in ADDRESS_FIELDS}
    if not all(isinstance(value, str) for value in values.values()):
        raise InvalidInput("webapp.bad_request")
    address = await checkout.add_address(
        _shop(request).db, sender=sender, address=AddressInput(**values)
    )
    return reply(201, id=address.id, text=views.address_text(address))


async def order_summary(request: web.Request, sender: Sender) -> web.Response:
    """`address_id` 0 (checkout.NO_ADDRESS) for a cart of digital goods, delivered in the chat."""
    body = await _body(request)
    shipping_id = body.get("shipping_id")
    found = await checkout.choose_address(
        _shop(request).db,
        sender=sender,
        address_id=_number(body.get("address_id")),
        cards_savable=False,
        shipping_id=None if shipping_id is None else _number(shipping_id),
    )
    return _summary(found)


async def apply_promo_code(request: web.Request, sender: Sender) -> web.Response:
    """A code refused (unknown, ended, used up…) comes back with its reason; none is put on."""
    body = await _body(request)
    code = body.get("code")
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        raise InvalidInput("webapp.bad_request")
    found = await checkout.enter_promo_code(
        _shop(request).db,
        sender=sender,
        answers={"address_id": _number(body.get("address_id"))},
        text=code,
        cards_savable=False,
    )
    return _summary(found)


async def remove_promo_code(request: web.Request, sender: Sender) -> web.Response:
    body = await _body(request)
    found = await checkout.remove_promo_code(
        _shop(request).db,
        sender=sender,
        address_id=_number(body.get("address_id")),
        cards_savable=False,
    )
    return _summary(found)


def _summary(found: checkout.SummaryScreen) -> web.Response:
    if isinstance(found, checkout.BackToCart):
        raise NotAllowed("checkout.blocked")
    if isinstance(found, checkout.NoDelivery):
        raise NotAllowed("shipping.no_option", country=found.country)
    return reply(200, **views.summary(found))


async def place_order(request: web.Request, sender: Sender) -> web.Response:
    body = await _body(request)
    shop = _shop(request)
    # The promo code the summary showed (0: none); a page that sends none takes the cart's.
    promo_id = body.get("promo_id")
    placed = await checkout.place_order(
        shop.db,
        sender=sender,
        address_id=_number(body.get("address_id")),
        fingerprint=_number(body.get("fingerprint")),
        cards_savable=False,
        admin_chat_ids=shop.settings.alert_chat_ids,
        provider=shop.settings.effective_payment_provider,
        shipping_id=_number(body.get("shipping_id", 0)),
        promo_id=None if promo_id is None else _number(promo_id),
    )
    if isinstance(placed, checkout.CartChanged):
        raise NotAllowed("checkout.cart_changed")
    if isinstance(placed, checkout.NotPlaced):
        raise placed.reason
    if shop.wake_outbox is not None:
        shop.wake_outbox()  # the admins' sold-out alerts, if this order emptied a size
    found = await orders.own_order(shop.db, sender=sender, order_id=placed.order_id)
    return reply(201, **views.order(found))


async def pay(request: web.Request, sender: Sender) -> web.Response:
    shop = _shop(request)
    order_id = int(request.match_info["id"])
    order = await orders.own_order(shop.db, sender=sender, order_id=order_id)  # or NotFound
    if order.currency == STARS:  # digital goods: Telegram Stars, whatever the shop's provider
        link = await _invoice_link(shop, order_id, PaymentProvider.STARS, "")
        return reply(200, kind="telegram", invoice_link=link)
    provider = shop.settings.effective_payment_provider
    if provider == "stripe":
        page = await payments.start_payment(
            shop.db,
            shop.stripe,
            sender=sender,
            order_id=order_id,
            bot_username=shop.settings.bot_username or shop.bot.username,
            hold=shop.settings.unpaid_order_hold,
        )
        return reply(200, kind="stripe", url=page.url)
    token = shop.settings.telegram_provider_token
    if provider == "telegram" and token is not None:
        link = await _invoice_link(
            shop, order_id, PaymentProvider.TELEGRAM, token.get_secret_value()
        )
        return reply(200, kind="telegram", invoice_link=link)
    raise PaymentError("payment.unavailable")


async def _invoice_link(
    shop: Storefront, order_id: int, provider: PaymentProvider, provider_token: str
) -> str:
    """The same invoice the chat sends, as a link the page opens with openInvoice; in Stars
    the provider token is empty, as Telegram requires."""
    invoice = await invoices.prepare_invoice(
        shop.db, order_id=order_id, bot_token=shop.bot.token, provider=provider
    )
    request = invoice_request(invoice)
    return await shop.bot.create_invoice_link(
        title=request.title,
        description=request.description,
        payload=request.payload,
        provider_token=provider_token,
        currency=request.currency,
        prices=request.prices,
    )


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])
