"""Refunds and cancellations for the admins: read the plan, ask Stripe, record the request.

Nothing is held open while Stripe is called, and nothing is recorded unless Stripe took the
refund, so an unreachable Stripe changes nothing. The idempotency key is the order's, so a
retry, or /refund followed by /cancelorder, refunds the customer once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.models import PaymentStatus
from bot.payments.stripe_gateway import StripeGateway
from bot.services import fulfilment
from bot.services.fulfilment import Cancellation, RefundPlan, RefundRoute


@dataclass(frozen=True, slots=True)
class RefundRequest:
    plan: RefundPlan
    status: PaymentStatus  # refunded when Stripe's confirmation came before our record


async def refund_order(
    database: Database, gateway: StripeGateway | None, *, order_id: int, admin_telegram_id: int
) -> RefundRequest:
    async with database.reading() as session:
        plan = await fulfilment.plan_refund(
            session, order_id=order_id, stripe_connected=gateway is not None
        )
    refund_id = await _refund_at_stripe(gateway, plan)
    async with database.transaction() as session:
        status = await fulfilment.record_refund(
            session, plan=plan, admin_telegram_id=admin_telegram_id, provider_refund_id=refund_id
        )
    return RefundRequest(plan, status)


async def cancel_order(
    database: Database, gateway: StripeGateway | None, *, order_id: int, admin_telegram_id: int
) -> Cancellation:
    """A paid order's money is refunded first: if Stripe can't, the order stays as it is."""
    async with database.reading() as session:
        plan = await fulfilment.plan_cancel(
            session, order_id=order_id, stripe_connected=gateway is not None
        )
    refund_id = await _refund_at_stripe(gateway, plan.refund) if plan.refund else None
    async with database.transaction() as session:
        return await fulfilment.cancel(
            session, plan=plan, admin_telegram_id=admin_telegram_id, provider_refund_id=refund_id
        )


async def _refund_at_stripe(gateway: StripeGateway | None, plan: RefundPlan) -> str | None:
    """The refund's id at Stripe; None when the refund is the admin's to make."""
    if plan.route is not RefundRoute.STRIPE:
        return None
    assert gateway is not None and plan.payment_intent_id is not None
    refund = await gateway.refund(
        plan.payment_intent_id, idempotency_key=fulfilment.refund_key(plan.order_id)
    )
    return refund.id
