"""The cards a customer saved with the payment provider; removing one: at the provider first,
then from the shop's list.

Stripe is called between two transactions, never inside one. If it cannot be reached, the card
stays in the list, so what the customer sees never claims a card is gone while Stripe keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.db import Database
from bot.models import PaymentDetails, PaymentProvider
from bot.payments.stripe_gateway import StripeGateway
from bot.services import ledger
from bot.services.errors import PaymentError
from bot.usecases.customers import Sender, shopper, shopper_id

log = logging.getLogger(__name__)


async def list_saved_cards(database: Database, *, sender: Sender) -> Sequence[PaymentDetails]:
    """Newest first."""
    async with database.reading() as session:
        user_id = await shopper_id(session, sender)
        return await ledger.list_payment_methods(session, user_id=user_id)


async def find_saved_card(
    database: Database, *, sender: Sender, card_id: int
) -> PaymentDetails | None:
    """None for someone else's card or one removed meanwhile."""
    cards = await list_saved_cards(database, sender=sender)
    return next((card for card in cards if card.id == card_id), None)


async def remove_saved_card(
    database: Database, gateway: StripeGateway | None, *, sender: Sender, card_id: int
) -> None:
    """NotFound for someone else's or an already removed card; PaymentError, with the card
    kept, when Stripe does not detach it."""
    async with database.reading() as session:
        user_id = (await shopper(session, sender)).id
        card = await ledger.get_payment_method(session, user_id=user_id, payment_method_id=card_id)
    if card.provider is PaymentProvider.STRIPE:
        if gateway is None:
            log.error("card %s is kept at Stripe, but the shop has no Stripe key", card.id)
            raise PaymentError("card.not_removed")
        try:
            await gateway.detach_payment_method(card.provider_payment_method_id)
        except PaymentError as error:
            raise PaymentError("card.not_removed") from error
    async with database.transaction() as session:
        await ledger.remove_payment_method(session, user_id=user_id, payment_method_id=card_id)
