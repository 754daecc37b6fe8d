"""Back-in-stock alerts, as customers ask for them on a product card and drop them in their
profile (bot.services.stock_alert says when they are told)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.services import stock_alert
from bot.services.stock_alert import Subscribed
from bot.usecases.catalog import ProductInfo, product_card
from bot.usecases.customers import Sender, shopper_id


@dataclass(frozen=True, slots=True)
class AlertAsked:
    outcome: Subscribed
    size_name: str
    card: ProductInfo  # as it reads now, with the alert


async def notify_me(db: Database, *, sender: Sender, product_id: int, size_id: int) -> AlertAsked:
    """Wait for a sold-out size; asking twice keeps one alert. A size back meanwhile needs none."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        outcome = await stock_alert.subscribe(
            session, user_id=user_id, product_id=product_id, size_id=size_id
        )
    card = await product_card(db, product_id=product_id, telegram_id=sender.telegram_id)
    size = next((size.name for size in card.sizes if size.id == size_id), "")
    return AlertAsked(outcome, size, card)


async def stop_waiting(
    db: Database, *, sender: Sender, product_id: int, size_id: int
) -> ProductInfo:
    """The alert on that size is dropped (none there is no error); the card as it reads now."""
    async with db.transaction() as session:
        user_id = await shopper_id(session, sender)
        await stock_alert.remove_size(session, user_id=user_id, size_id=size_id)
    return await product_card(db, product_id=product_id, telegram_id=sender.telegram_id)
