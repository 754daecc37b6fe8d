"""What every handler can reach: the database, the search index and the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.db import Database
from bot.metrics import ShopMetrics
from bot.services.search import CatalogSearch
from bot.texts.i18n import negotiate, set_language
from bot.usecases import roles
from bot.usecases.customers import Sender, forget_sender, known_language, remember
from bot.usecases.inline import OfferCache

if TYPE_CHECKING:
    from bot.jobs.background import BackgroundJobs
    from bot.payments.stripe_gateway import StripeGateway


class BotData:
    """Process-wide objects, set once when the application is built."""

    def __init__(self) -> None:
        self.db: Database | None = None
        self.catalog: CatalogSearch | None = None
        self.settings: Settings | None = None
        # The shop's metrics with METRICS_ENABLED, and where they are served on a port of
        # their own (METRICS_PORT); otherwise GET /metrics on the web server.
        self.metrics: ShopMetrics | None = None
        # Inline mode's recent answers in this process (bot.usecases.inline).
        self.inline_offers = OfferCache()
        self.metrics_url: str | None = None
        # Set by bot.runner while the shop runs: the chat's Stripe client (with a Stripe key),
        # the background jobs, and where the web server listens (when it does).
        self.stripe_gateway: StripeGateway | None = None
        self.jobs: BackgroundJobs | None = None
        self.web_url: str | None = None


class ShopContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def db(self) -> Database:
        assert self.bot_data.db is not None, "build_application sets the database"
        return self.bot_data.db

    @property
    def catalog(self) -> CatalogSearch:
        assert self.bot_data.catalog is not None, "build_application sets the catalogue"
        return self.bot_data.catalog

    @property
    def settings(self) -> Settings:
        assert self.bot_data.settings is not None, "build_application sets the settings"
        return self.bot_data.settings


async def remember_sender(update: Update, context: ShopContext) -> None:
    """Runs before every handler, so handlers can look their customer up in read-only sessions,
    and sets the language this update is answered in."""
    forget_sender()
    default = context.settings.default_language
    chat = update.effective_chat
    if update.inline_query is not None:  # from anyone, anywhere: looked up, never recorded
        asking = update.inline_query.from_user
        chosen = await known_language(context.db, asking.id)
        set_language(negotiate(chosen=chosen, telegram=asking.language_code, default=default))
        return
    if update.effective_user is None or (chat is not None and chat.type != ChatType.PRIVATE):
        set_language(negotiate(chosen=None, telegram=None, default=default))
        return  # the shop does not serve groups: their members are no customers yet
    sender = sender_of(update)
    chosen = await remember(context.db, sender)
    set_language(negotiate(chosen=chosen, telegram=sender.language_code, default=default))


def sender_of(update: Update) -> Sender:
    """Who sent this update, for a use case."""
    sender = update.effective_user
    if sender is None:
        raise ValueError("update without a sender")
    return Sender(sender.id, sender.first_name, sender.username, sender.language_code)


async def sender_is_admin(update: Update, context: ShopContext) -> bool:
    sender = update.effective_user
    if sender is None:
        return False
    return await roles.is_admin(
        context.db, telegram_id=sender.id, owners=context.settings.admin_ids
    )
