"""Domain errors whose messages can be shown to a customer as they are."""

from __future__ import annotations

QUOTE_LIMIT = 60


def quoted(words: str) -> str:
    """Someone's own words inside an error message, in quotes and shortened: a 4,000-character
    answer quoted back whole would make the reply longer than Telegram accepts."""
    if len(words) > QUOTE_LIMIT:
        words = words[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{words}”"


class ShopError(Exception):
    """Base of every error a customer or admin may read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ShopError):
    pass


class InvalidInput(ShopError):
    pass


class OutOfStock(ShopError):
    pass


class IllegalTransition(ShopError):
    pass


class NotAllowed(ShopError):
    pass


class PaymentError(ShopError):
    pass
