"""What the shop owes Stripe after the fact, retried by a job until Stripe has it.

A cancelled order's payment page is closed, so nobody pays for what the shop will not sell; money
that still landed on an order that could no longer be paid is refunded, without waiting for an
admin. Stripe is called outside any transaction, and each call is safe to repeat: closing a
closed page changes nothing, and a refund carries the order's idempotency key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.db import Database
from bot.payments.stripe_gateway import StripeGateway
from bot.services import fulfilment, ledger
from bot.services.errors import PaymentError

log = logging.getLogger(__name__)

BATCH = 20


@dataclass(frozen=True, slots=True)
class Upkeep:
    pages_closed: int
    refunds_asked: int
    left_for_later: int  # Stripe failed; the next round tries again


async def settle_with_stripe(database: Database, gateway: StripeGateway) -> Upkeep:
    async with database.reading() as session:
        pages = await ledger.pages_to_close(session, limit=BATCH)
        refunds = await ledger.refunds_due(session, limit=BATCH)
    closed = sum([await _close_page(database, gateway, *page) for page in pages])
    asked = sum([await _refund(database, gateway, *refund) for refund in refunds])
    return Upkeep(closed, asked, len(pages) + len(refunds) - closed - asked)


async def _close_page(
    database: Database,
    gateway: StripeGateway,
    order_id: int,
    checkout_session_id: str,
    currency: str,
) -> bool:
    try:
        await gateway.expire_checkout_session(checkout_session_id, currency)
    except PaymentError:
        log.warning("payment page of cancelled order %s not closed yet; retrying", order_id)
        return False
    async with database.transaction() as session:
        await ledger.page_closed(
            session, order_id=order_id, checkout_session_id=checkout_session_id
        )
    return True


async def _refund(
    database: Database, gateway: StripeGateway, order_id: int, payment_intent_id: str
) -> bool:
    try:
        await gateway.refund(payment_intent_id, idempotency_key=fulfilment.refund_key(order_id))
    except PaymentError as error:
        if error.code != "payment.already_refunded":
            log.warning("refund of order %s not asked yet; retrying", order_id)
            return False
    async with database.transaction() as session:
        await ledger.refund_asked(session, order_id=order_id)
    return True
