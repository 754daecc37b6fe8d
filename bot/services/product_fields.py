"""One set of rules for a product's fields, whoever types them: admin commands, the
/addproduct conversation and catalogue files all clean a value here, and are refused with the
same codes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.models import MAX_PRODUCT_PHOTOS
from bot.money import parse_amount
from bot.services.errors import InvalidInput

ONE_SIZE = "One size"
CATEGORY_NAME_MAX_LENGTH = 64
SKU_MAX_LENGTH = 64
PRODUCT_NAME_MAX_LENGTH = 128
DESCRIPTION_MAX_LENGTH = 1000  # leaves room for name and price in a 1024-character caption
PHOTO_MAX_LENGTH = 512
SIZE_NAME_MAX_LENGTH = 32
MAX_PRICE = 10_000_000  # minor units; keeps order totals far from 32-bit limits
MAX_STOCK = 1_000_000


def _collapse(value: str) -> str:
    """Trimmed, with runs of spaces collapsed, as people often type them by accident."""
    return " ".join(value.split())


def category_name(name: str) -> str:
    clean = _collapse(name)
    if not clean:
        raise InvalidInput("category.name_empty")
    if len(clean) > CATEGORY_NAME_MAX_LENGTH:
        raise InvalidInput("category.name_too_long", limit=CATEGORY_NAME_MAX_LENGTH)
    return clean


def product_name(name: str) -> str:
    clean = _collapse(name)
    if not clean:
        raise InvalidInput("product.name_empty")
    if len(clean) > PRODUCT_NAME_MAX_LENGTH:
        raise InvalidInput("product.name_too_long", limit=PRODUCT_NAME_MAX_LENGTH)
    return clean


def size_name(name: str) -> str:
    clean = _collapse(name)
    if not clean:
        raise InvalidInput("product.size_name_empty")
    if len(clean) > SIZE_NAME_MAX_LENGTH:
        raise InvalidInput("product.size_name_too_long", limit=SIZE_NAME_MAX_LENGTH)
    return clean


def sku(value: str) -> str:
    clean = value.strip()
    if not clean or len(clean) > SKU_MAX_LENGTH or any(char.isspace() for char in clean):
        raise InvalidInput("product.sku_invalid", limit=SKU_MAX_LENGTH)
    return clean


def description(value: str) -> str:
    clean = value.strip()
    if len(clean) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput("product.description_too_long", limit=DESCRIPTION_MAX_LENGTH)
    return clean


# What a photo may be: a Telegram file id, a web address, or a picture of the shop's own
# (bot.services.product_photo). Never a path: python-telegram-bot uploads any string that names
# a file on the server, so "/etc/passwd" or ".env" would be sent to the chat.
_PHOTO_RE = re.compile(
    r"[A-Za-z0-9_-]+|https?://\S+|media:[A-Za-z0-9_-][A-Za-z0-9._/-]*(#[A-Za-z0-9_-]+)?",
    re.ASCII,
)


def photo(value: str | None) -> str | None:
    clean = (value or "").strip()
    if len(clean) > PHOTO_MAX_LENGTH:
        raise InvalidInput("product.photo_too_long", limit=PHOTO_MAX_LENGTH)
    if clean and not _PHOTO_RE.fullmatch(clean):
        raise InvalidInput("product.photo_invalid")
    return clean or None


def photos(values: Sequence[str]) -> list[str]:
    """A gallery in order, its cover first; blank values are left out."""
    clean = [value for value in map(photo, values) if value]
    if len(clean) > MAX_PRODUCT_PHOTOS:
        raise InvalidInput("product.too_many_photos", limit=MAX_PRODUCT_PHOTOS, count=len(clean))
    return clean


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def price(amount: int) -> int:
    """A price in minor units, as code passes it."""
    if not _whole_number(amount) or not 0 <= amount <= MAX_PRICE:
        raise InvalidInput("product.price_invalid", limit=MAX_PRICE)
    return amount


def typed_price(text: str, currency: str) -> int:
    """A price as a person types it: 49.99 -> 4999 (exact, through Decimal)."""
    if not text.strip():
        raise InvalidInput("product.price_empty")
    amount = parse_amount(text, currency)
    if amount > MAX_PRICE:
        raise InvalidInput("product.price_too_high", limit=MAX_PRICE, currency=currency)
    return price(amount)


def stock(amount: int) -> int:
    if not _whole_number(amount) or not 0 <= amount <= MAX_STOCK:
        raise InvalidInput("product.stock_invalid", limit=MAX_STOCK)
    return amount


def typed_stock(text: str) -> int:
    clean = text.strip()
    if not (clean.isascii() and clean.isdecimal()):
        raise InvalidInput("product.stock_invalid", limit=MAX_STOCK)
    return stock(int(clean))


def sizes(values: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    clean = [(size_name(name), stock(amount)) for name, amount in values]
    seen: set[str] = set()
    for name, _ in clean:
        if name.casefold() in seen:
            raise InvalidInput("product.size_twice", size=name)
        seen.add(name.casefold())
    return clean
