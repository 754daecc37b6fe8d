"""Asserting what a person reads when the shop refuses something."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from bot.services.errors import ShopError
from bot.texts.errors import error_text

E = TypeVar("E", bound=ShopError)


@contextmanager
def refused(kind: type[E], match: str) -> Iterator[pytest.ExceptionInfo[E]]:
    """pytest.raises for a domain error, matching `match` against the words a person reads."""
    with pytest.raises(kind) as raised:
        yield raised
    text = error_text(raised.value)
    assert re.search(match, text), f"{match!r} not in {text!r}"
