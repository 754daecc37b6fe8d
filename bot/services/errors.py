"""Domain errors whose messages can be shown to a customer as they are."""

from __future__ import annotations


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
