"""Events Stripe could not deliver, fetched and applied through the webhook's own path.

Stripe retries a webhook for three days, then gives up; an outage of the shop's web server can
outlast that, or lose an event. Asking Stripe for recent events whose delivery failed, and
applying each exactly as the webhook would, records a payment the webhook never brought.
Applying one the webhook did bring (meanwhile) changes nothing: the event id is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from structlog.contextvars import bound_contextvars

from bot.db import Database
from bot.models import utcnow
from bot.payments import stripe_events
from bot.payments.stripe_gateway import StripeGateway
from bot.services.errors import ShopError
from bot.usecases.payments import EventResult, apply_stripe_event

log = logging.getLogger(__name__)

# Stripe keeps events for 30 days and retries deliveries for 3.
LOOK_BACK = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class SyncResult:
    found: int  # undelivered events of the kinds the shop handles
    applied: int  # had an effect now (the rest were applied already, or not for us)
    waiting: int  # about a payment not recorded yet: tried again next time


async def sync_stripe_events(
    database: Database,
    gateway: StripeGateway,
    *,
    admin_chat_ids: Sequence[int],
    since: datetime | None = None,
) -> SyncResult:
    """PaymentError when Stripe can't be asked; nothing is changed then."""
    events = await gateway.undelivered_events(
        since=since or utcnow() - LOOK_BACK, types=stripe_events.HANDLED_TYPES
    )
    applied = waiting = 0
    for event in events:
        # Every line logged while an event is applied names it, as the webhook's lines do.
        context = {"stripe_event_id": event.get("id"), "stripe_event_type": event.get("type")}
        with bound_contextvars(**context):
            try:
                result = await apply_stripe_event(
                    database, gateway, event=event, admin_chat_ids=admin_chat_ids
                )
            except ShopError as error:  # unusable, as the webhook would answer 400
                log.warning("Stripe event %s not applied: %s", event.get("id"), error)
                continue
        waiting += result is EventResult.TOO_EARLY
        applied += result not in _NO_EFFECT
    return SyncResult(len(events), applied, waiting)


_NO_EFFECT = frozenset(
    {EventResult.DUPLICATE, EventResult.IGNORED, EventResult.TOO_EARLY, EventResult.UNCHANGED}
)
