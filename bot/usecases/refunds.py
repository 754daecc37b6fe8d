"""Refunds and cancellations for the admins: read the plan, ask Stripe, record the request.

Nothing is held open while Stripe is called, and nothing is recorded unless Stripe took the
refund, so an unreachable Stripe changes nothing. The idempotency key is the order's, so a
retry, or /refund followed by /cancelorder, refunds the customer once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db import Database
from bot.models import PaymentStatus
from bot.payments.stripe_gateway import StripeGateway
from bot.services import fulfilment
from bot.services.fulfilment import Cancellation, RefundPlan, RefundRoute

# Gives a Stars payment back (refundStarPayment): the payer's Telegram id, the charge id.
StarRefunder = Callable[[int, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RefundRequest:
    plan: RefundPlan
    status: PaymentStatus  # refunded when Stripe's confirmation came before our record

    @property
    def in_stars(self) -> bool:
        """Given back through refundStarPayment: done, and the customer told."""
        return self.plan.route is RefundRoute.STARS


async def refund_order(
    database: Database,
    gateway: StripeGateway | None,
    *,
    order_id: int,
    admin_telegram_id: int,
    refund_stars: StarRefunder | None = None,
) -> RefundRequest:
    """A Stars payment is refunded at once through `refund_stars` and recorded as refunded
    (the customer is told); a Stripe one is asked of Stripe; any other waits for the admin."""
    async with database.reading() as session:
        plan = await fulfilment.plan_refund(
            session, order_id=order_id, stripe_connected=gateway is not None
        )
        payer = await fulfilment.payer_telegram_id(session, order_id=order_id)
    if plan.route is RefundRoute.STARS and refund_stars is not None:
        assert plan.reference is not None
        await refund_stars(payer, plan.reference)  # raises, and nothing is recorded, if refused
        async with database.transaction() as session:
            await fulfilment.record_star_refund(
                session, plan=plan, admin_telegram_id=admin_telegram_id
            )
        return RefundRequest(plan, PaymentStatus.REFUNDED)
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
