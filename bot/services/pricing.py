"""What an order costs: its lines, less any discount. The one place a total is worked out, so a
shipping fee, when the shop charges one, joins the sum here."""

from __future__ import annotations


def percent_of(amount: int, percent: int) -> int:
    """`percent` of minor units, exactly, with half a unit rounded up: 10% of 4995 is 500."""
    return (amount * percent + 50) // 100


def order_total(*, subtotal: int, discount: int = 0) -> int:
    """The amount charged. A discount never takes it below zero."""
    return max(subtotal - discount, 0)
