"""Inline mode: `@shop_bot hoodie` in any chat lists matching products to post there.

Inline queries come from anyone, as often as they type, so answering one only reads: no
customer row is made for a stranger. A page is kept for a short while per query, language and
page, and a catalogue change (the revision the search index follows) makes it stale at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.db import Database
from bot.languages import reader
from bot.services import product
from bot.services.pagination import Page
from bot.services.product import ProductSummary
from bot.services.search import MAX_QUERY_LENGTH, CatalogSearch, catalog_revision

CACHE_SECONDS = 30
CACHE_ENTRIES = 2_000
MAX_PAGE = 1_000  # an offset is ours, but a client could send any

Key = tuple[str, str, int]  # query, language, page


@dataclass(frozen=True, slots=True)
class Offers:
    products: tuple[ProductSummary, ...]
    next_offset: str  # the page after this one, "" on the last


@dataclass(frozen=True, slots=True)
class _Entry:
    revision: int
    expires: float
    offers: Offers


class OfferCache:
    """Recent pages of this process, each valid for `ttl` seconds and one catalogue revision."""

    def __init__(
        self,
        *,
        ttl: float = CACHE_SECONDS,
        max_entries: int = CACHE_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()

    def get(self, key: Key, revision: int) -> Offers | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.revision != revision or entry.expires <= self._clock():
            del self._entries[key]
            return None
        return entry.offers

    def put(self, key: Key, revision: int, offers: Offers) -> None:
        self._entries[key] = _Entry(revision, self._clock() + self._ttl, offers)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


async def offers(
    db: Database,
    *,
    catalog: CatalogSearch,
    cache: OfferCache,
    text: str,
    offset: str,
    per_page: int,
) -> Offers:
    """A page of products for the words, best match first; without words, the newest.
    Names and descriptions are in the reader's language."""
    query = " ".join(text.split())[:MAX_QUERY_LENGTH]
    page = min(int(offset), MAX_PAGE) if offset.isdigit() and int(offset) >= 1 else 1
    key = (query.casefold(), reader(), page)
    async with db.reading() as session:
        revision = await catalog_revision(session)
        cached = cache.get(key, revision)
        if cached is not None:
            return cached
        found: Page[int]
        if query:
            hits = await catalog.search(session, query, page=page, per_page=per_page)
            found = Page([hit.product_id for hit in hits.items], page, per_page, hits.total)
        else:
            found = await product.newest_product_ids(session, page=page, per_page=per_page)
        summaries = await product.product_summaries(session, found.items, reader())
    result = Offers(tuple(summaries), str(page + 1) if found.has_next else "")
    cache.put(key, revision, result)
    return result
