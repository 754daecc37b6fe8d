from __future__ import annotations

import dataclasses

import pytest

from bot.keyboards.callbacks import Callback, ExpiredButton, register, unpack


@register("tst")
@dataclasses.dataclass(frozen=True, slots=True)
class Example(Callback):
    product_id: int
    action: str


def test_a_button_unpacks_into_what_was_packed() -> None:
    packed = Example(product_id=12, action="inc").pack()
    assert packed == "tst:12:inc"
    assert unpack(packed) == Example(product_id=12, action="inc")


@pytest.mark.parametrize(
    "data",
    [
        "",
        "nope:1:inc",
        "tst:12",
        "tst:12:inc:9",
        "tst:-1:inc",
        "tst:x:inc",
        "tst:99999999999:inc",
        "tst:1:a b",
        "tst:1:ü",
        "tst:²:inc",
        "tst:١٢:inc",
        None,
    ],
)
def test_unknown_or_tampered_data_is_an_expired_button(data: str | None) -> None:
    with pytest.raises(ExpiredButton):
        unpack(data)


def test_packing_refuses_data_telegram_would_reject() -> None:
    with pytest.raises(ValueError, match="too long"):
        Example(product_id=1, action="x" * 64).pack()
    with pytest.raises(ValueError):
        Example(product_id=1, action="a:b").pack()


@register("tsd")
@dataclasses.dataclass(frozen=True, slots=True)
class Grown(Callback):
    product_id: int
    pic: int = 0  # added later


def test_a_button_made_before_a_field_was_added_unpacks_with_its_default() -> None:
    assert unpack("tsd:12") == Grown(12, 0)
    assert unpack("tsd:12:3") == Grown(12, 3)
    with pytest.raises(ExpiredButton):
        unpack("tsd")
