"""What applying a payment did to its order: a leaf module, so that the ledger, which records
payments, and the notifications, which announce them, can both name it without importing each
other."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PaymentOutcome(enum.StrEnum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"
    NOT_PAYABLE = "not_payable"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    order_id: int
