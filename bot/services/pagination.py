"""One page of a longer, stably ordered list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.services.errors import InvalidInput

MAX_PER_PAGE = 50

T = TypeVar("T", covariant=True)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int  # 1-based
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def check_page(page: int, per_page: int) -> int:
    """Validate paging arguments and return the row offset."""
    if page < 1:
        raise InvalidInput("page.bad_number")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput("page.bad_size", limit=MAX_PER_PAGE)
    return (page - 1) * per_page
