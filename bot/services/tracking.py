"""Parcel tracking: the number an admin ships an order with, and the carriers we can link to.

A carrier we know gets a tracking link; any other is kept as the admin typed it, and the
customer gets the number to look up themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.carriers import known_carrier, tracking_link
from bot.services.errors import InvalidInput

MAX_NUMBER = 64
MAX_CARRIER = 32
# Letters, digits and the separators carriers print on labels; nothing that could be markup.
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_-]*")
_CARRIER = re.compile(r"[^\W_][\w .&'-]*")


@dataclass(frozen=True, slots=True)
class Tracking:
    number: str
    carrier: str | None = None  # a known carrier's name, or the admin's own words

    @property
    def url(self) -> str | None:
        known = known_carrier(self.carrier)
        return tracking_link(known, self.number) if known else None


def tracking(number: str, carrier: str | None = None) -> Tracking:
    """Checked and tidied: a known carrier is named as it names itself ("dhl" → "DHL")."""
    number = " ".join(number.split())
    if not (0 < len(number) <= MAX_NUMBER and _NUMBER.fullmatch(number)):
        raise InvalidInput("tracking.number_invalid", number=number[: MAX_NUMBER + 1])
    if carrier is None or not carrier.strip():
        return Tracking(number)
    carrier = " ".join(carrier.split())
    if not (len(carrier) <= MAX_CARRIER and _CARRIER.fullmatch(carrier)):
        raise InvalidInput("tracking.carrier_invalid", carrier=carrier[: MAX_CARRIER + 1])
    known = known_carrier(carrier)
    return Tracking(number, known.name if known else carrier)
