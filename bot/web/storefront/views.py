"""What the storefront's API answers, as JSON: the use cases' results in the reader's words.

Money is formatted here, in the reader's language, so the page shows it as the chat does.
"""

from __future__ import annotations

import html
from typing import Any

from bot import texts
from bot.models import PURCHASED_STATUSES, Address, OrderStatus
from bot.money import STARS
from bot.services.cart import CartLine, CartView, cart_fingerprint, needs_delivery
from bot.services.pagination import Page
from bot.services.product import CategorySummary
from bot.services.product_photo import parse
from bot.services.search import SearchHit
from bot.services.wishlist import Saved
from bot.texts import webapp as words
from bot.texts import wishlist as wishlist_texts
from bot.texts.promos import cart_promo_lines
from bot.texts.statuses import status_label
from bot.usecases.catalog import CategoryProducts, ListedProduct, ProductInfo
from bot.usecases.checkout import Summary
from bot.usecases.orders import CustomerOrder

Json = dict[str, Any]
PHOTOS_PATH = "/app/photos"


def photo_url(product_id: int, photo: str | None, position: int = 0) -> str | None:
    """A web address stays as it is; a Telegram file or a media picture is served by the shop
    (the cover at /app/photos/<id>, the gallery's others at /app/photos/<id>/<position>)."""
    if not photo:
        return None
    stored = parse(photo)
    if stored.media is None and stored.file_id and stored.file_id.startswith("https://"):
        return stored.file_id
    return f"{PHOTOS_PATH}/{product_id}" + (f"/{position}" if position else "")


def categories(found: Page[CategorySummary]) -> Json:
    return {
        "categories": [
            {"id": item.id, "name": item.name, "count": item.product_count} for item in found.items
        ]
    }


def category(found: CategoryProducts) -> Json:
    return {
        "category": {"id": found.category_id, "name": found.category_name},
        **_page(found.products),
        "products": [_tile(product) for product in found.products.items],
    }


def _tile(product: ListedProduct) -> Json:
    return {
        "id": product.id,
        "name": product.name,
        "price": texts.money(product.price, product.currency),
        "photo": photo_url(product.id, product.photo),
        "rating": product.average_rating,
        "sold_out": product.sold_out,
    }


def product(card: ProductInfo) -> Json:
    return {
        "id": card.id,
        "name": card.name,
        "description": card.description,
        "price": texts.money(card.price, card.currency),
        "photo": photo_url(card.id, card.photo),
        "photos": [photo_url(card.id, photo, at) for at, photo in enumerate(card.photos)],
        "rating": card.average_rating,
        "rating_count": card.rating_count,
        "sizes": [
            {
                "id": size.id,
                "name": texts.size_name(size.name),
                "stock": size.stock,
                "waiting": size.id in card.waiting,
            }
            for size in card.sizes
        ],
        "saved": card.saved,
    }


def wishlist(found: Page[Saved]) -> Json:
    """The reader's saved products: price, and which sizes are in stock, in their words."""
    return {
        **_page(found),
        "products": [
            {
                "id": item.product_id,
                "name": item.name,
                "price": texts.money(item.price, item.currency),
                "stock": wishlist_texts.stock([(size.name, size.stock) for size in item.sizes]),
                "sold_out": not item.in_stock,
            }
            for item in found.items
        ],
    }


def search(query: str, found: Page[SearchHit]) -> Json:
    return {
        "query": query,
        **_page(found),
        "products": [
            {"id": hit.product_id, "name": hit.name, "price": texts.money(hit.price, hit.currency)}
            for hit in found.items
        ],
    }


def cart(view: CartView) -> Json:
    total = texts.money(view.total, view.currency) if view.currency else None
    return {
        "lines": [_line(line) for line in view.lines],
        "total": total,
        "count": sum(line.quantity for line in view.lines),
        "can_checkout": view.can_checkout,
        "needs_address": needs_delivery(view),
    }


def _line(line: CartLine) -> Json:
    return {
        "product_id": line.product_id,
        "size_id": line.size_id,
        "name": line.product_name,
        "size": texts.size_name(line.size_name),
        "quantity": line.quantity,
        "unit_price": texts.money(line.unit_price, line.currency),
        "line_total": texts.money(line.line_total, line.currency),
        "problem": texts.cart_problem(line),
    }


def addresses(saved: tuple[Address, ...]) -> Json:
    return {
        "addresses": [
            {"id": address.id, "text": address_text(address), "default": address.is_default}
            for address in saved
        ],
        "fields": words.address_fields(),
    }


def address_text(address: Address) -> str:
    fields = {name: str(getattr(address, name) or "") for name in words.ADDRESS_FIELDS}
    return texts.profile_address_line(fields)


def summary(found: Summary) -> Json:
    view = found.cart
    currency = view.currency or ""
    return {
        "address": address_text(found.address) if found.address is not None else "",
        "lines": [_line(line) for line in view.lines],
        "promo": _promo(found, currency),
        "shipping": _shipping(found, currency),
        "promo_code": found.promo.code.code if found.promo is not None else None,
        "promo_id": found.promo_id,
        "total": texts.money(found.total, currency),
        "fingerprint": cart_fingerprint(view),
    }


def _shipping(found: Summary, currency: str) -> Json:
    """The options serving the address (none when the shop charges no shipping), the one
    chosen (0 while the customer is to pick one) and its line, as the chat's summary says it."""
    delivery = found.delivery
    if delivery is None:
        return {"options": [], "chosen": 0, "line": ""}
    chosen = delivery.chosen
    line = ""
    if chosen is not None:
        price = texts.shipping_price(chosen.price, currency)
        line = html.unescape(texts.shipping_line(chosen.option.name, price))
    return {
        "options": [
            {
                "id": quote.option.id,
                "name": quote.option.name,
                "price": texts.shipping_price(quote.price, currency),
            }
            for quote in delivery.options
        ],
        "chosen": delivery.option_id,
        "line": line,
    }


def _promo(found: Summary, currency: str) -> list[str]:
    """The subtotal and the code's discount, or why it gives none, as the chat's summary says
    them (plain text: the page puts them in as text)."""
    lines = cart_promo_lines(found.promo, subtotal=found.cart.total, currency=currency)
    return [html.unescape(line) for line in lines.split("\n")] if lines else []


def order(found: CustomerOrder) -> Json:
    return {
        "id": found.id,
        "status": found.status.value,
        "status_label": status_label(found.status),
        "total": texts.money(found.total, found.currency),
        "shipping": _order_shipping(found),
        "paid": found.status in PURCHASED_STATUSES,
        "awaiting_payment": found.status is OrderStatus.PENDING_PAYMENT,
        "stars": found.currency == STARS,  # paid in Telegram Stars, whatever the shop's provider
        "items": [
            {
                "name": item.product_name,
                "size": texts.size_name(item.size_name),
                "quantity": item.quantity,
                "line_total": texts.money(item.line_total, found.currency),
            }
            for item in found.items
        ],
    }


def _order_shipping(found: CustomerOrder) -> str:
    """The delivery option's line, as /orders says it (plain text), or "" for none."""
    if found.shipping_name is None:
        return ""
    price = texts.shipping_price(found.shipping_price, found.currency)
    return html.unescape(texts.shipping_line(found.shipping_name, price))


def _page(found: Page[Any]) -> Json:
    return {"page": found.page, "pages": found.pages, "total": found.total}
