"""What an order costs: its lines, less any discount, plus the shipping. The one place a total
is worked out."""

from __future__ import annotations


def percent_of(amount: int, percent: int) -> int:
    """`percent` of minor units, exactly, with half a unit rounded up: 10% of 4995 is 500."""
    return (amount * percent + 50) // 100


def order_total(*, subtotal: int, discount: int = 0, shipping: int = 0) -> int:
    """The amount charged. A discount comes off the items only: it never takes them below
    zero, and never reduces the shipping."""
    return max(subtotal - discount, 0) + shipping


def shipping_charge(*, price: int, free_over: int | None, subtotal: int) -> int:
    """An option's price for this order: free once the items' subtotal (before any promo
    discount) reaches the option's threshold."""
    return 0 if free_over is not None and subtotal >= free_over else price
