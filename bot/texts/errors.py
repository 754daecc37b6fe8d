"""What a customer or admin reads when the shop refuses something: domain errors, rendered.

Services raise errors that carry a code and parameters; this module turns them into words at
the edge (a chat reply, a web response, a notice), so a new language adds catalogues only.
"""

from __future__ import annotations

from bot.services.errors import ShopError


def error_text(error: ShopError) -> str:
    """Plain text (callers escape it for HTML)."""
    return error.message
