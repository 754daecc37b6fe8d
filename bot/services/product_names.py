"""Products' translated names in every language, for messages put into words when they are sent.

A notice queued now may be read in another language than today's (the customer may switch), so
it carries every translation and the sender picks the reader's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import ProductTranslation


async def names_by_language(
    session: AsyncSession, product_ids: Iterable[int]
) -> dict[int, dict[str, str]]:
    """{product id: {language: name}}, for the products that have a translated name."""
    rows = await session.execute(
        select(
            ProductTranslation.product_id, ProductTranslation.language, ProductTranslation.name
        ).where(ProductTranslation.product_id.in_(sorted(set(product_ids))))
    )
    names: dict[int, dict[str, str]] = {}
    for product_id, language, name in rows:
        if name is not None:
            names.setdefault(product_id, {})[language] = name
    return names
