"""The catalogue in the shop's languages: a product's name and description, and a category's
name, as each language reads them. Whatever has no translation reads as the merchant wrote it.

Translations change what customers read and what search finds, so each change bumps the
catalogue revision like any other catalogue edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.languages import LANGUAGES, match_language
from bot.models import CategoryTranslation, ProductTranslation
from bot.services import product_fields as fields
from bot.services.errors import InvalidInput
from bot.services.product import bump_catalog_revision

FIELDS = ("name", "description")  # what a product's translation holds
# Texts to set, by field and language: ("name", "de") -> "Kapuzenpullover"; "" removes one.
Texts = Mapping[tuple[str, str], str]


@dataclass(frozen=True, slots=True)
class ProductText:
    """A product's texts in one language; None where it reads as written."""

    name: str | None
    description: str | None


def catalogue_language(code: str) -> str:
    """The language an admin named ("de", "pt-br", "pt"): any the shop has texts for."""
    found = match_language(code, tuple(LANGUAGES))
    if found is None:
        raise InvalidInput(
            "translation.unknown_language", language=code.strip()[:16], known=", ".join(LANGUAGES)
        )
    return found


# --- reading ------------------------------------------------------------------------------


async def product_text(session: AsyncSession, product_id: int, language: str) -> ProductText:
    row = await session.get(ProductTranslation, (product_id, language))
    return ProductText(None, None) if row is None else ProductText(row.name, row.description)


async def all_product_texts(session: AsyncSession) -> dict[int, dict[str, ProductText]]:
    """Every product's translations, by product and language: for the export and search."""
    rows = await session.scalars(select(ProductTranslation))
    texts: dict[int, dict[str, ProductText]] = {}
    for row in rows:
        texts.setdefault(row.product_id, {})[row.language] = ProductText(row.name, row.description)
    return texts


async def all_category_names(session: AsyncSession) -> dict[int, dict[str, str]]:
    """Every category's translated names, by category and language."""
    names: dict[int, dict[str, str]] = {}
    for row in await session.scalars(select(CategoryTranslation)):
        names.setdefault(row.category_id, {})[row.language] = row.name
    return names


# --- writing ------------------------------------------------------------------------------


async def set_product_text(
    session: AsyncSession, *, product_id: int, language: str, field: str, value: str
) -> str | None:
    """Translate one field of a product; an empty value removes the translation, and the
    field reads as written again. Returns the translation as kept."""
    if field not in FIELDS:
        raise ValueError(f"untranslatable product field {field!r}")
    clean = ""
    if value.strip():
        clean = fields.product_name(value) if field == "name" else fields.description(value)
    await replace_product_texts(session, {product_id: {(field, language): clean}})
    await bump_catalog_revision(session)
    return clean or None


async def replace_product_texts(session: AsyncSession, texts: Mapping[int, Texts]) -> set[int]:
    """Set the given texts of each product (by id), keeping the ones not given; returns the
    products whose translations changed. The caller bumps the catalogue revision."""
    found = await session.scalars(
        select(ProductTranslation).where(ProductTranslation.product_id.in_(list(texts)))
    )
    existing = {(row.product_id, row.language): row for row in found}
    changed: set[int] = set()
    for product_id, wanted in texts.items():
        for language in dict.fromkeys(language for _, language in wanted):
            row = existing.get((product_id, language))
            before = (row.name, row.description) if row else (None, None)
            name, description = (
                wanted.get((field, language), kept) or None
                for field, kept in zip(FIELDS, before, strict=True)
            )
            if (name, description) == before:
                continue
            changed.add(product_id)
            if row is None:
                row = ProductTranslation(product_id=product_id, language=language)
                session.add(row)
                existing[product_id, language] = row
            row.name, row.description = name, description
            if name is None and description is None:
                await session.delete(row)
                del existing[product_id, language]
    await session.flush()
    return changed


async def replace_category_names(
    session: AsyncSession, names: Mapping[int, Mapping[str, str]]
) -> set[int]:
    """Set each category's (by id) names in the languages given ("" removes one); returns
    the categories whose names changed. The caller bumps the catalogue revision."""
    found = await session.scalars(
        select(CategoryTranslation).where(CategoryTranslation.category_id.in_(list(names)))
    )
    existing = {(row.category_id, row.language): row for row in found}
    changed: set[int] = set()
    for category_id, wanted in names.items():
        for language, name in wanted.items():
            row = existing.get((category_id, language))
            if (row.name if row else "") == name:
                continue
            changed.add(category_id)
            if row is None:
                session.add(
                    CategoryTranslation(category_id=category_id, language=language, name=name)
                )
            elif name:
                row.name = name
            else:
                await session.delete(row)
    await session.flush()
    return changed
