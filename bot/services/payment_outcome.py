"""What applying a payment did to its order: a leaf module, so that the ledger, which records
payments, and the notifications, which announce them, can both name it without importing each
other."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class PaymentOutcome(enum.StrEnum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"
    NOT_PAYABLE = "not_payable"


@dataclass(frozen=True, slots=True)
class Payer:
    """Whose order a payment was applied to, read with the order under its lock, so announcing
    the payment needs no statement of its own. `total` and `currency` are what the order
    charges, which a mismatch is told against."""

    user_id: int
    chat_id: int
    name: str
    total: int
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    order_id: int
    # A by-product of the reading, not part of the outcome: equal results compare equal.
    payer: Payer | None = field(default=None, compare=False)
