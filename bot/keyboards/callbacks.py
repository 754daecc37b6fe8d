"""Callback data as small typed classes, packed into Telegram's 64 bytes.

`"p:12:3"` is `ProductCard(product_id=12, size_id=3)`. Anything that does not unpack into a
known class with valid fields (an old layout, a tampered button) raises ExpiredButton, which
the bot answers with a polite "this menu has expired" and no change.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, TypeVar

MAX_CALLBACK_BYTES = 64
MAX_INT = 2**31 - 1
SEPARATOR = ":"


class ExpiredButton(Exception):
    """The button's data is not something this version of the bot made."""


@dataclasses.dataclass(frozen=True, slots=True)
class Callback:
    prefix: ClassVar[str] = ""

    def pack(self) -> str:
        parts = [self.prefix, *(_pack_value(getattr(self, f.name)) for f in _fields(type(self)))]
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data too long: {data!r}")
        return data


_REGISTRY: dict[str, type[Callback]] = {}
C = TypeVar("C", bound=type[Callback])


def register(prefix: str) -> Any:
    """Class decorator: give a Callback class its unique prefix."""

    def wrap(cls: C) -> C:
        if prefix in _REGISTRY or SEPARATOR in prefix or not prefix:
            raise ValueError(f"bad or duplicate callback prefix {prefix!r}")
        cls.prefix = prefix
        _REGISTRY[prefix] = cls
        return cls

    return wrap


def unpack(data: str | None) -> Callback:
    if not data:
        raise ExpiredButton
    prefix, *values = data.split(SEPARATOR)
    cls = _REGISTRY.get(prefix)
    if cls is None:
        raise ExpiredButton
    fields = _fields(cls)
    # A field added later with a default: buttons made before it still unpack.
    required = sum(1 for f in fields if f.default is dataclasses.MISSING)
    if not required <= len(values) <= len(fields):
        raise ExpiredButton
    kwargs = {f.name: _unpack_value(f.type, raw) for f, raw in zip(fields, values, strict=False)}
    return cls(**kwargs)


def _fields(cls: type[Callback]) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def _pack_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"callback fields are ints or short strings, not {value!r}")
    text = str(value)
    if SEPARATOR in text:
        raise ValueError(f"{SEPARATOR!r} is not allowed in a callback field")
    return text


def _unpack_value(annotation: object, raw: str) -> int | str:
    if annotation in (int, "int"):
        # Only ASCII digits: str.isdigit() also accepts "²", which int() then refuses.
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_INT:
            raise ExpiredButton
        return int(raw)
    if not raw.isascii() or (not raw.isalnum() and raw != ""):
        raise ExpiredButton
    return raw
