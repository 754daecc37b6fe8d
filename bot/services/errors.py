"""Domain errors: a code and its parameters, never a sentence.

The words a person reads are chosen at the edge (bot.texts.errors), in their language; the
parameters stay raw (a count, an order id, the person's own words) for the text to format.
"""

from __future__ import annotations


class ShopError(Exception):
    """Base of every refusal a customer or admin may read about."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        """For logs: the code and its parameters, numbers as they are and any other value by its
        length only, since it may be what a person wrote (an address, a phone number)."""
        if not self.params:
            return self.code
        details = ", ".join(f"{name}={_loggable(value)}" for name, value in self.params.items())
        return f"{self.code} ({details})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"


def _loggable(value: object) -> str:
    if value is None or isinstance(value, int | float):  # bool is an int
        return repr(value)
    return f"<{len(str(value))} characters>"


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


class AddressFieldInvalid(InvalidInput):
    """An address field that only the country shows to be wrong: a form goes back to
    `field` and asks it again."""

    def __init__(self, code: str, *, field: str, **params: object) -> None:
        super().__init__(code, **params)
        self.field = field
