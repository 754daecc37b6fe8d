"""What `shopbot doctor` says about each finding (bot/doctor), and the fix to apply: plain
terminal text in DEFAULT_LANGUAGE, and English when `shopbot run` logs the same findings.

A finding's code maps to its message and fix; a message given as N_plural takes the form for
the `count` parameter. Parameters are filled in as given, except `count` (a number, written the
reader's way) and `date` (a Unix time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.texts.i18n import N_, N_plural, _, date_and_time, negotiate, ngettext, number

Words = str | tuple[str, str]


def doctor_language(default: str) -> str:
    """The doctor speaks as the shop speaks to a customer whose app's language it doesn't
    offer: DEFAULT_LANGUAGE, else English."""
    return negotiate(chosen=None, telegram=None, default=default)


LABELS = {
    "settings": N_("Settings"),
    "token": N_("Telegram token"),
    "telegram": N_("Telegram"),
    "updates": N_("Updates"),
    "payments": N_("Payments"),
    "stripe": N_("Stripe"),
    "database": N_("Database"),
    "migrations": N_("Migrations"),
    "admins": N_("Admins"),
}

_CONTACT_TELEGRAM = N_(
    "Check this machine's network access to {url}, or TELEGRAM_API_BASE_URL if you run your own "
    "Bot API server."
)
_CONTACT_STRIPE = N_("Check this machine's network access to {url}, and STRIPE_API_BASE.")
_CONTACT_DATABASE = N_(
    "Check DATABASE_URL, and that the database server runs and lets this user in."
)
_NEW_STRIPE_KEY = N_(
    "Put the secret key (sk_live_… or sk_test_…) from Stripe's dashboard, Developers → API "
    "keys, in STRIPE_SECRET_KEY."
)
_MIGRATE = N_("Run `shopbot migrate` (`shopbot run` also migrates when it starts).")

FINDINGS: dict[str, tuple[Words, str | None]] = {
    # --- settings
    "settings.ok": (N_("every value can be used."), None),
    "settings.unreadable": (
        N_("{setting} can't be read: {detail}"),
        N_("Correct {setting} in the environment or in .env (.env.example describes each one)."),
    ),
    "settings.broadcast_pace": (
        N_(
            "BROADCAST_MESSAGES_PER_SECOND ({broadcast}) is above TELEGRAM_MESSAGES_PER_SECOND "
            "({total}), so the shop won't start."
        ),
        N_(
            "Lower BROADCAST_MESSAGES_PER_SECOND to {total} or less, or raise "
            "TELEGRAM_MESSAGES_PER_SECOND."
        ),
    ),
    # --- the bot's token, and Telegram's answer to it
    "token.ok": (N_("shaped like a token from @BotFather (bot id {bot_id})."), None),
    "token.missing": (
        N_(
            "TELEGRAM_BOT_TOKEN is not set: `shopbot run` opens the offline console only, and "
            "no customer can reach the shop."
        ),
        N_(
            "Create a bot with @BotFather (/newbot) and put its token in TELEGRAM_BOT_TOKEN, in "
            "the environment or in .env."
        ),
    ),
    "token.malformed": (
        N_(
            "TELEGRAM_BOT_TOKEN doesn't look like a bot token: digits, a colon, then 35 "
            "letters, digits, - or _."
        ),
        N_(
            "Copy the token again from @BotFather (/mybots → your bot → API Token), without "
            "spaces or quotes."
        ),
    ),
    "telegram.ok": (N_("the token works: this is the bot @{username}."), None),
    "telegram.other_username": (
        N_(
            "the token belongs to @{username}, but BOT_USERNAME says @{configured}: Stripe "
            "would send customers back to another bot."
        ),
        N_("Remove BOT_USERNAME (the shop then asks Telegram), or set it to {username}."),
    ),
    "telegram.refused": (
        N_("Telegram refused the token ({status} {description})."),
        N_(
            "Put the bot's current token from @BotFather (/mybots → your bot → API Token) in "
            "TELEGRAM_BOT_TOKEN; a revoked token stops working at once."
        ),
    ),
    "telegram.failed": (
        N_("getMe at {url} answered {status} {description}."),
        N_("Check TELEGRAM_API_BASE_URL ({url}) and TELEGRAM_BOT_TOKEN."),
    ),
    "telegram.unreachable": (N_("Telegram can't be reached at {url}: {error}"), _CONTACT_TELEGRAM),
    "telegram.slow": (N_("Telegram at {url} didn't answer in time."), _CONTACT_TELEGRAM),
    # --- how updates arrive: long polling or Telegram's webhook
    "updates.polling_mode": (N_("long polling: the bot asks Telegram for updates."), None),
    "updates.webhook_mode": (N_("webhook mode: Telegram is to deliver updates to {url}."), None),
    "updates.polling": (N_("long polling, and no webhook is registered at Telegram."), None),
    "updates.webhook": (
        N_plural(
            "Telegram delivers updates to {url} ({count} update waiting).",
            "Telegram delivers updates to {url} ({count} updates waiting).",
        ),
        None,
    ),
    "updates.last_error": (
        N_plural(
            "Telegram's last delivery to the webhook failed ({date}): “{error}”; {count} update "
            "is waiting.",
            "Telegram's last delivery to the webhook failed ({date}): “{error}”; {count} updates "
            "are waiting.",
        ),
        N_(
            "Check that WEBHOOK_URL reaches this shop: the reverse proxy forwards /webhooks/ to "
            "WEB_HOST:WEB_PORT, its certificate is valid, and `shopbot run` is running."
        ),
    ),
    "updates.not_registered": (
        N_("no webhook is registered at Telegram yet."),
        N_(
            "Start the shop with `shopbot run`: it registers {url}. If it is running, its log "
            "says why it couldn't."
        ),
    ),
    "updates.other_url": (
        N_("Telegram delivers updates to {registered}, not to this shop's {url}."),
        N_(
            "Something else registered it (another deployment with this token?). Give every "
            "instance the same WEBHOOK_URL and restart the shop: `shopbot run` registers {url}."
        ),
    ),
    "updates.webhook_while_polling": (
        N_(
            "the shop polls, but a webhook is registered at Telegram ({registered}), and "
            "Telegram refuses to be polled while one is."
        ),
        N_(
            "To take updates by webhook, set WEBHOOK_URL (and TELEGRAM_WEBHOOK_SECRET); to poll, "
            "stop whatever registered the webhook: `shopbot run` without WEBHOOK_URL removes it "
            "when it starts."
        ),
    ),
    "updates.unknown": (
        N_("Telegram didn't say which webhook is registered: {error}"),
        N_("Run `shopbot doctor` again in a moment."),
    ),
    "updates.not_https": (
        N_("WEBHOOK_URL is {url}, but Telegram delivers updates to https:// addresses only."),
        N_(
            "Put the web server behind an HTTPS reverse proxy and set WEBHOOK_URL to its "
            "https:// address."
        ),
    ),
    "updates.bad_port": (
        N_(
            "WEBHOOK_URL names port {port}, but Telegram delivers updates only to ports 443, "
            "80, 88 and 8443."
        ),
        N_(
            "Have the reverse proxy listen on 443, 80, 88 or 8443, and put that port in "
            "WEBHOOK_URL (or none, for 443)."
        ),
    ),
    "updates.full_path": (
        N_("WEBHOOK_URL ends in {path}, which the shop adds itself."),
        N_("Set WEBHOOK_URL to {base}."),
    ),
    "updates.no_secret": (
        N_(
            "WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not, so the shop won't start: "
            "anyone could post it updates."
        ),
        N_(
            "Set TELEGRAM_WEBHOOK_SECRET to a random string of up to 256 letters, digits, _ "
            "and -, such as the output of "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`.'
        ),
    ),
    # --- payments
    "payments.none": (
        N_("no payment provider is set up: customers can order, but not pay."),
        N_(
            "For Stripe, set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET; for Telegram "
            "Payments, TELEGRAM_PROVIDER_TOKEN (README, Payments)."
        ),
    ),
    "payments.stripe": (N_("Stripe Checkout takes the payments."), None),
    "payments.stripe_without_key": (
        N_("PAYMENT_PROVIDER is stripe but STRIPE_SECRET_KEY is not set, so the shop won't start."),
        N_(
            "Put the secret key from Stripe's dashboard (Developers → API keys) in "
            "STRIPE_SECRET_KEY, or choose another PAYMENT_PROVIDER."
        ),
    ),
    "payments.telegram_without_token": (
        N_(
            "PAYMENT_PROVIDER is telegram but TELEGRAM_PROVIDER_TOKEN is not set, so the shop "
            "won't start."
        ),
        N_(
            "In @BotFather, /mybots → your bot → Payments, connect a provider and put its token "
            "in TELEGRAM_PROVIDER_TOKEN, or choose another PAYMENT_PROVIDER."
        ),
    ),
    "payments.telegram_test": (N_("Telegram Payments, with a test token: no money moves."), None),
    "payments.telegram_live": (
        N_("Telegram Payments, with a live token: customers pay for real."),
        None,
    ),
    "payments.telegram_odd_token": (
        N_(
            "TELEGRAM_PROVIDER_TOKEN doesn't look like a token from @BotFather "
            "(digits:TEST:… or digits:LIVE:…)."
        ),
        N_("Copy it again from @BotFather: /mybots → your bot → Payments."),
    ),
    # --- Stripe
    "stripe.secret_key_test": (N_("a test-mode secret key (sk_test_…): no money moves."), None),
    "stripe.secret_key_live": (
        N_("a live secret key (sk_live_…): customers pay for real."),
        None,
    ),
    "stripe.restricted_key_test": (
        N_("a test-mode restricted key (rk_test_…): no money moves."),
        None,
    ),
    "stripe.restricted_key_live": (
        N_("a live restricted key (rk_live_…): customers pay for real."),
        None,
    ),
    "stripe.key_publishable": (
        N_("STRIPE_SECRET_KEY holds a publishable key (pk_…), which can't create payments."),
        _NEW_STRIPE_KEY,
    ),
    "stripe.key_malformed": (
        N_(
            "STRIPE_SECRET_KEY doesn't look like a Stripe key (sk_live_…, sk_test_…, rk_live_… "
            "or rk_test_…)."
        ),
        _NEW_STRIPE_KEY,
    ),
    "stripe.webhook_secret": (
        N_("STRIPE_WEBHOOK_SECRET is set: Stripe's signed events are accepted."),
        None,
    ),
    "stripe.no_webhook_secret": (
        N_("STRIPE_WEBHOOK_SECRET is not set: no Stripe payment will ever be confirmed."),
        N_(
            "In Stripe's dashboard (Developers → Webhooks), add an endpoint for {endpoint} and "
            "put its signing secret (whsec_…) in STRIPE_WEBHOOK_SECRET."
        ),
    ),
    "stripe.odd_webhook_secret": (
        N_(
            "STRIPE_WEBHOOK_SECRET doesn't start with whsec_: no event's signature would match, "
            "so no payment would be confirmed."
        ),
        N_(
            "Copy the endpoint's signing secret again from Stripe's dashboard (Developers → "
            "Webhooks); it starts with whsec_."
        ),
    ),
    "stripe.live_without_https": (
        N_(
            "a live key, but WEBHOOK_URL is no https:// address, and Stripe sends live events "
            "to HTTPS endpoints only."
        ),
        N_(
            "Serve /webhooks/stripe over HTTPS behind a reverse proxy and register {endpoint} "
            "in Stripe's dashboard; setting WEBHOOK_URL to that https:// address tells the shop "
            "(and has Telegram deliver its updates there too)."
        ),
    ),
    "stripe.reachable": (N_("the API at {url} accepts the key."), None),
    "stripe.refused": (
        N_("Stripe refused STRIPE_SECRET_KEY ({status}: {message})."),
        N_(
            "Put the current secret key from Stripe's dashboard (Developers → API keys) in "
            "STRIPE_SECRET_KEY; a rolled or deleted key stops working."
        ),
    ),
    "stripe.forbidden": (
        N_("the key may not read Stripe's events: {message}"),
        N_(
            "In Stripe's dashboard, give the restricted key read access to Events and "
            "PaymentIntents and write access to Checkout Sessions, Refunds and PaymentMethods; "
            "or use the secret key."
        ),
    ),
    "stripe.failed": (
        N_("Stripe at {url} answered {status}: {message}"),
        N_("Try again in a moment; if it persists, check STRIPE_API_BASE ({url})."),
    ),
    "stripe.unreachable": (N_("Stripe can't be reached at {url}: {error}"), _CONTACT_STRIPE),
    "stripe.slow": (N_("Stripe at {url} didn't answer in time."), _CONTACT_STRIPE),
    # --- the database and its schema
    "database.ok": (N_("{url} answers."), None),
    "database.missing": (
        N_("there is no database at {url} yet."),
        N_("Run `shopbot migrate` to create it (`shopbot run` also does, when it starts)."),
    ),
    "database.unreachable": (N_("{url} can't be reached: {error}"), _CONTACT_DATABASE),
    "database.slow": (N_("{url} didn't answer within {seconds} s."), _CONTACT_DATABASE),
    "migrations.ok": (N_("the database is at the latest revision, {revision}."), None),
    "migrations.none": (N_("the database has no tables yet."), _MIGRATE),
    "migrations.behind": (
        N_("the database is at revision {revision}, behind the latest, {head}."),
        _MIGRATE,
    ),
    "migrations.unknown": (
        N_(
            "the database is at revision {revision}, which this version of the shop doesn't "
            "know (its latest is {head}): a newer version migrated it."
        ),
        N_(
            "Run the newer version of the shop, or restore the database's backup from before "
            "that upgrade."
        ),
    ),
    # --- who runs the shop
    "admins.ok": (N_plural("{count} owner in ADMIN_IDS.", "{count} owners in ADMIN_IDS."), None),
    "admins.none": (
        N_("ADMIN_IDS is empty: nobody can run the shop from the chat."),
        N_(
            "Put your Telegram user id in ADMIN_IDS (comma-separated for several owners); a bot "
            "such as @userinfobot tells you yours."
        ),
    ),
}


def label(check: str) -> str:
    return _(LABELS[check])


def describe(code: str, params: Mapping[str, str | int]) -> tuple[str, str | None]:
    """The finding's message and its fix (None for a finding that needs none)."""
    message, fix = FINDINGS[code]
    values = {name: _value(name, value) for name, value in params.items()}
    if isinstance(message, tuple):
        written = ngettext(*message, int(params["count"])).format(**values)
    else:
        written = _(message).format(**values)
    return written, _(fix).format(**values) if fix else None


def _value(name: str, value: str | int) -> str:
    if name == "count":
        return number(int(value))
    if name == "date":
        return date_and_time(datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None))
    return str(value)


def verdict(*, checks: int, warnings: int, failures: int) -> str:
    if failures:
        said = ngettext(
            "{count} failure: fix it, then run `shopbot doctor` again.",
            "{count} failures: fix them, then run `shopbot doctor` again.",
            failures,
        ).format(count=number(failures))
        if warnings:
            said += " " + ngettext("{count} warning.", "{count} warnings.", warnings).format(
                count=number(warnings)
            )
        return said
    if warnings:
        return ngettext(
            "No failures, {count} warning: the shop runs, but look into it.",
            "No failures, {count} warnings: the shop runs, but look into them.",
            warnings,
        ).format(count=number(warnings))
    return ngettext("All {count} check passed.", "All {count} checks passed.", checks).format(
        count=number(checks)
    )
