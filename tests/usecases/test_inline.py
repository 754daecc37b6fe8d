"""Inline mode's offers: read-only, in the reader's language, cached briefly and no longer
than the catalogue stays as it was."""

from __future__ import annotations

from sqlalchemy import update

from bot.db import Database
from bot.models import Product, ProductTranslation
from bot.services import product
from bot.services.search import CatalogSearch
from bot.texts.i18n import using_language
from bot.usecases.inline import CACHE_SECONDS, OfferCache, offers
from tests.factories import make_product
from tests.statements import statements


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _names(db: Database, cache: OfferCache, text: str = "cap") -> list[str]:
    found = await offers(
        db, catalog=CatalogSearch(), cache=cache, text=text, offset="", per_page=20
    )
    return [offer.name for offer in found.products]


async def _rename_behind_the_shops_back(db: Database, product_id: int, name: str) -> None:
    """A change that does not move the catalogue revision, so only the clock can show it."""
    async with db.transaction() as session:
        await session.execute(update(Product).where(Product.id == product_id).values(name=name))


async def test_a_page_is_answered_from_memory_until_it_expires(db: Database) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Trucker Cap")
    clock = Clock()
    cache = OfferCache(clock=clock)
    assert await _names(db, cache) == ["Trucker Cap"]
    await _rename_behind_the_shops_back(db, cap.id, "Trucker Cap II")

    clock.now += CACHE_SECONDS - 1
    remembered = await _names(db, cache)
    clock.now += 2
    fresh = await _names(db, cache)

    assert remembered == ["Trucker Cap"]
    assert fresh == ["Trucker Cap II"]


async def test_a_catalogue_change_makes_the_remembered_page_stale_at_once(db: Database) -> None:
    async with db.transaction() as session:
        cap = await make_product(session, name="Trucker Cap")
    cache = OfferCache(clock=Clock())
    assert await _names(db, cache) == ["Trucker Cap"]

    async with db.transaction() as session:
        await product.set_active(session, product_id=cap.id, active=False)

    assert await _names(db, cache) == []


async def test_each_language_and_page_is_remembered_apart(db: Database) -> None:
    async with db.transaction() as session:
        caps = [await make_product(session, name=f"Cap {number}") for number in range(3)]
        session.add(ProductTranslation(product_id=caps[0].id, language="de", name="Kappe 0"))
    cache = OfferCache(clock=Clock())
    search = CatalogSearch()

    first = await offers(db, catalog=search, cache=cache, text="cap", offset="", per_page=2)
    second = await offers(db, catalog=search, cache=cache, text="cap", offset="2", per_page=2)
    with using_language("de"):
        german = await offers(db, catalog=search, cache=cache, text="CAP", offset="", per_page=2)

    assert ([o.name for o in first.products], first.next_offset) == (["Cap 0", "Cap 1"], "2")
    assert ([o.name for o in second.products], second.next_offset) == (["Cap 2"], "")
    assert [offer.name for offer in german.products] == ["Kappe 0", "Cap 1"]
    assert (
        await offers(db, catalog=search, cache=cache, text="cap", offset="junk", per_page=2)
        == first
    )


async def test_answering_writes_nothing_to_the_database(db: Database) -> None:
    async with db.transaction() as session:
        await make_product(session, name="Trucker Cap")
    with statements(db) as seen:
        await _names(db, OfferCache(), "hat")
        await _names(db, OfferCache(), "")
    verbs = [statement.lstrip().split()[0].upper() for statement in seen]

    assert "SELECT" in verbs
    assert not {"INSERT", "UPDATE", "DELETE"} & set(verbs)
