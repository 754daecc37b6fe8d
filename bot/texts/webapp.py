"""The words the storefront's API sends with its data: the address form's labels, and the one
answer to a request Telegram did not sign."""

from __future__ import annotations

from bot.services.user import ADDRESS_FIELDS
from bot.texts.i18n import N_, _, translated_constant

OPTIONAL_FIELDS = frozenset({"region"})


def __getattr__(name: str) -> str:
    return translated_constant(globals(), name)


_UNAUTHORIZED = N_("Please open the shop from the bot in Telegram.")

_ADDRESS_LABELS = {
    "recipient_name": N_("Recipient's full name"),
    "phone": N_("Phone"),
    "street": N_("Street and house number"),
    "city": N_("City"),
    "region": N_("Region or state (optional)"),
    "postal_code": N_("Postal code"),
    "country": N_("Country (e.g. Germany or DE)"),
}


def address_fields() -> list[dict[str, object]]:
    """The address form's fields in the order the chat asks for them."""
    return [
        {"name": name, "label": _(_ADDRESS_LABELS[name]), "optional": name in OPTIONAL_FIELDS}
        for name in ADDRESS_FIELDS
    ]


__all__ = ["ADDRESS_FIELDS", "address_fields"]
