"""The checks: settings and what the outside world answered in, findings out. No I/O here
(bot.doctor.probes asks), so each rule is a plain function, tested as one."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from bot.config import Settings
from bot.doctor.findings import Finding, failure, ok, warning
from bot.doctor.probes import DatabaseState, HttpAnswer
from bot.web import STRIPE_WEBHOOK_PATH, TELEGRAM_WEBHOOK_PATH

# @BotFather's tokens: the bot's id, a colon, then 35 characters.
_BOT_TOKEN = re.compile(r"(\d{1,20}):[A-Za-z0-9_-]{35}")
# @BotFather's payment provider tokens: "284685063:TEST:…" or "…:LIVE:…".
_PROVIDER_TOKEN = re.compile(r"\d+:(TEST|LIVE):\S+")
_STRIPE_KEY = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9]+")
_STRIPE_KEY_CODES = {
    "sk_test": "stripe.secret_key_test",
    "sk_live": "stripe.secret_key_live",
    "rk_test": "stripe.restricted_key_test",
    "rk_live": "stripe.restricted_key_live",
}
# Telegram delivers webhooks to these ports only.
WEBHOOK_PORTS = (443, 80, 88, 8443)
# Where a Stripe webhook endpoint goes when the shop doesn't know its public address.
_SOME_HOST = "https://…"


def check_settings(settings: Settings) -> list[Finding]:
    """The rules between settings that stop `shopbot run` at start (bot.config); the rest
    have a check of their own below."""
    total, broadcast = settings.telegram_messages_per_second, settings.broadcast_messages_per_second
    if 0 < total < broadcast:
        return [failure("settings.broadcast_pace", broadcast=f"{broadcast:g}", total=f"{total:g}")]
    return [ok("settings.ok")]


def check_token(settings: Settings) -> list[Finding]:
    if settings.telegram_bot_token is None:
        return [warning("token.missing")]
    matched = _BOT_TOKEN.fullmatch(settings.telegram_bot_token.get_secret_value())
    if matched is None:
        return [failure("token.malformed")]
    return [ok("token.ok", bot_id=matched.group(1))]


def check_telegram(settings: Settings, me: HttpAnswer) -> list[Finding]:
    """getMe's answer: the token works, and belongs to the bot BOT_USERNAME names."""
    url = settings.telegram_api_base_url
    if me.timed_out:
        return [failure("telegram.slow", url=url)]
    if not me.answered:
        return [failure("telegram.unreachable", url=url, error=me.error)]
    description = str(me.body.get("description") or "")
    if me.status == 401:
        return [failure("telegram.refused", status=me.status, description=description)]
    result = me.body.get("result")
    if me.status != 200 or not isinstance(result, dict):
        return [failure("telegram.failed", status=me.status, description=description, url=url)]
    username = str(result.get("username") or "")
    configured = settings.bot_username
    if configured and configured.lower() != username.lower():
        return [warning("telegram.other_username", configured=configured, username=username)]
    return [ok("telegram.ok", username=username)]


def check_webhook_settings(settings: Settings) -> list[Finding]:
    """WEBHOOK_URL as Telegram will take it; nothing to check while the shop polls."""
    url = settings.webhook_url
    if url is None:
        return []
    found = []
    parts = urlsplit(url)
    if parts.scheme != "https":
        found.append(failure("updates.not_https", url=url))
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and port not in WEBHOOK_PORTS:
        found.append(failure("updates.bad_port", port=parts.netloc.rpartition(":")[2]))
    if parts.path.endswith(TELEGRAM_WEBHOOK_PATH):
        base = url.removesuffix(TELEGRAM_WEBHOOK_PATH)
        found.append(failure("updates.full_path", path=TELEGRAM_WEBHOOK_PATH, base=base))
    if settings.telegram_webhook_secret is None:
        found.append(failure("updates.no_secret"))
    return found


def updates_mode(settings: Settings) -> Finding:
    """How updates arrive, when Telegram's side can't be (or needn't be) asked."""
    if settings.webhook_url is None:
        return ok("updates.polling_mode")
    return ok("updates.webhook_mode", url=settings.webhook_url + TELEGRAM_WEBHOOK_PATH)


def check_webhook_state(settings: Settings, info: HttpAnswer) -> list[Finding]:
    """getWebhookInfo's answer against the mode the shop is in."""
    result = info.body.get("result")
    if not info.answered or info.status != 200 or not isinstance(result, dict):
        error = info.error or str(info.body.get("description") or info.status or "")
        return [warning("updates.unknown", error=error)]
    registered = str(result.get("url") or "")
    pending = int(result.get("pending_update_count") or 0)
    if settings.webhook_url is None:
        if registered:
            return [failure("updates.webhook_while_polling", registered=registered)]
        return [ok("updates.polling")]
    expected = settings.webhook_url + TELEGRAM_WEBHOOK_PATH
    if not registered:
        return [warning("updates.not_registered", url=expected)]
    if registered != expected:
        return [failure("updates.other_url", registered=registered, url=expected)]
    last_error = str(result.get("last_error_message") or "")
    if last_error:
        when = int(result.get("last_error_date") or 0)
        return [warning("updates.last_error", error=last_error, date=when, count=pending)]
    return [ok("updates.webhook", url=expected, count=pending)]


def check_payments(settings: Settings) -> list[Finding]:
    """A provider chosen, with what it needs."""
    provider = settings.effective_payment_provider
    if provider == "none":
        return [warning("payments.none")]
    if provider == "stripe":
        if settings.stripe_secret_key is None:
            return [failure("payments.stripe_without_key")]
        return [ok("payments.stripe")]
    if settings.telegram_provider_token is None:
        return [failure("payments.telegram_without_token")]
    matched = _PROVIDER_TOKEN.fullmatch(settings.telegram_provider_token.get_secret_value())
    if matched is None:
        return [warning("payments.telegram_odd_token")]
    if matched.group(1) == "TEST":
        return [ok("payments.telegram_test")]
    return [ok("payments.telegram_live")]


def stripe_takes_payments(settings: Settings) -> bool:
    return (
        settings.effective_payment_provider == "stripe" and settings.stripe_secret_key is not None
    )


def stripe_key_kind(settings: Settings) -> str | None:
    """`sk_test`, `rk_live`…: the kind of STRIPE_SECRET_KEY, None when it is no secret key."""
    key = settings.stripe_secret_key
    matched = _STRIPE_KEY.match(key.get_secret_value()) if key is not None else None
    return f"{matched.group(1)}_{matched.group(2)}" if matched else None


def check_stripe_settings(settings: Settings) -> list[Finding]:
    """The key's mode, the webhook's signing secret, and HTTPS for live payments."""
    if not stripe_takes_payments(settings):
        return []
    assert settings.stripe_secret_key is not None
    kind = stripe_key_kind(settings)
    if kind is not None:
        found = [ok(_STRIPE_KEY_CODES[kind])]
    elif settings.stripe_secret_key.get_secret_value().startswith("pk_"):
        found = [failure("stripe.key_publishable")]
    else:
        found = [failure("stripe.key_malformed")]
    endpoint = (settings.webhook_url or _SOME_HOST) + STRIPE_WEBHOOK_PATH
    secret = settings.stripe_webhook_secret
    if secret is None:
        found.append(failure("stripe.no_webhook_secret", endpoint=endpoint))
    elif not secret.get_secret_value().startswith("whsec_"):
        found.append(failure("stripe.odd_webhook_secret"))
    else:
        found.append(ok("stripe.webhook_secret"))
    https = (settings.webhook_url or "").startswith("https://")
    if kind is not None and kind.endswith("_live") and not https:
        found.append(
            warning("stripe.live_without_https", endpoint=_SOME_HOST + STRIPE_WEBHOOK_PATH)
        )
    return found


def check_stripe_api(settings: Settings, answer: HttpAnswer) -> list[Finding]:
    """The answer to one authenticated call with the key."""
    url = settings.stripe_api_base
    if answer.timed_out:
        return [failure("stripe.slow", url=url)]
    if not answer.answered:
        return [failure("stripe.unreachable", url=url, error=answer.error)]
    if answer.status == 200:
        return [ok("stripe.reachable", url=url)]
    error = answer.body.get("error")
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    if answer.status == 401:
        return [failure("stripe.refused", status=answer.status, message=message)]
    if answer.status == 403:
        return [failure("stripe.forbidden", message=message)]
    return [failure("stripe.failed", status=answer.status, message=message, url=url)]


def check_database(state: DatabaseState, *, timeout_s: float) -> list[Finding]:
    if state.missing:
        return [failure("database.missing", url=state.url)]
    if state.timed_out:
        return [failure("database.slow", url=state.url, seconds=f"{timeout_s:g}")]
    if state.error:
        return [failure("database.unreachable", url=state.url, error=state.error)]
    return [ok("database.ok", url=state.url)]


def check_migrations(
    current: Collection[str], heads: Collection[str], known: Collection[str]
) -> list[Finding]:
    """The database's Alembic revision against migrations/ of this version of the shop."""
    if not current:
        return [failure("migrations.none")]
    shown, latest = ", ".join(sorted(current)), ", ".join(sorted(heads))
    if set(current) == set(heads):
        return [ok("migrations.ok", revision=shown)]
    if all(revision in known for revision in current):
        return [failure("migrations.behind", revision=shown, head=latest)]
    return [failure("migrations.unknown", revision=shown, head=latest)]


def check_admins(settings: Settings) -> list[Finding]:
    if not settings.admin_ids:
        return [warning("admins.none")]
    return [ok("admins.ok", count=len(settings.admin_ids))]
