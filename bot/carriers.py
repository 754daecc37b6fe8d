"""The parcel carriers whose tracking pages we can link to: proper names and URLs, the same in
every language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class Carrier:
    name: str  # as the carrier writes its own name
    link: str  # "{number}" is replaced by the tracking number


CARRIERS: dict[str, Carrier] = {
    "dhl": Carrier("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
    "dpd": Carrier("DPD", "https://tracking.dpd.de/status/en_US/parcel/{number}"),
    "fedex": Carrier("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    "gls": Carrier("GLS", "https://gls-group.com/track/{number}"),
    "hermes": Carrier(
        "Hermes",
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{number}",
    ),
    "postnl": Carrier("PostNL", "https://jouw.postnl.nl/track-and-trace/{number}"),
    "royalmail": Carrier(
        "Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"
    ),
    "ups": Carrier("UPS", "https://www.ups.com/track?tracknum={number}"),
    "usps": Carrier("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
}


def known_carrier(name: str | None) -> Carrier | None:
    """ "DHL", "dhl" and "Royal-Mail" are known; punctuation and case don't matter."""
    if not name:
        return None
    return CARRIERS.get(re.sub(r"[\W_]", "", name).lower())


def tracking_link(carrier: Carrier, number: str) -> str:
    return carrier.link.format(number=quote(number, safe=""))
