"""Start a Stripe payment for a placed order: the step between checkout and the "Pay" button.

Nothing is held open while Stripe is called: the order is read in one transaction, the session
is created, and its id is attached to the order in a second one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import OrderStatus, PaymentDetails, PaymentProvider
from bot.payments.stripe_gateway import CheckoutSession, StripeGateway
from bot.services import order as orders
from bot.services import payment as payments
from bot.services.errors import NotAllowed
from bot.services.order import STATUS_LABELS

# Start parameters of the t.me links Stripe sends the customer back to (a-z, 0-9 and _ only).
PAID_START = "paid_"
CANCELLED_START = "unpaid_"
# Stripe wants at least 30 minutes from when *it* creates the session; this absorbs the delay
# between placing the order and calling Stripe, and any clock skew.
EXPIRY_MARGIN = timedelta(minutes=2)


def return_urls(bot_username: str, order_id: int) -> tuple[str, str]:
    """Deep links back into the chat: (after paying, after leaving the payment page)."""
    base = f"https://t.me/{bot_username.removeprefix('@')}?start="
    return f"{base}{PAID_START}{order_id}", f"{base}{CANCELLED_START}{order_id}"


async def start_stripe_checkout(
    database: Database,
    gateway: StripeGateway,
    *,
    order_id: int,
    user_id: int,
    bot_username: str,
    session_minutes: int,
    save_card: bool = False,
) -> CheckoutSession:
    """Safe to call again for the same order: Stripe returns the session it made the first time
    (the expiry derives from the order's creation, so the request is identical)."""
    async with database.reading() as session:
        order = await orders.get_order(session, order_id=order_id, user_id=user_id)
        customer_id = await _stripe_customer(session, user_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise NotAllowed(f"Order #{order.id} is {STATUS_LABELS[order.status]}; it cannot be paid.")
    success_url, cancel_url = return_urls(bot_username, order.id)
    checkout = await gateway.create_checkout_session(
        order,
        success_url=success_url,
        cancel_url=cancel_url,
        expires_at=order.created_at + timedelta(minutes=session_minutes) + EXPIRY_MARGIN,
        save_card=save_card,
        customer_id=customer_id,
    )
    async with database.transaction() as session:
        await payments.attach_reference(
            session,
            order_id=order.id,
            provider=PaymentProvider.STRIPE,
            checkout_session_id=checkout.id,
        )
    return checkout


async def _stripe_customer(session: AsyncSession, user_id: int) -> str | None:
    """Reuse the customer a card was saved to, so Checkout can offer the saved cards."""
    return await session.scalar(
        select(PaymentDetails.provider_customer_id)
        .where(
            PaymentDetails.user_id == user_id,
            PaymentDetails.provider == PaymentProvider.STRIPE,
            PaymentDetails.provider_customer_id.is_not(None),
        )
        .order_by(PaymentDetails.created_at.desc(), PaymentDetails.id.desc())
        .limit(1)
    )
