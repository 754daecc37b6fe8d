"""Building the python-telegram-bot Application that runs the shop."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, MenuButtonDefault, MenuButtonWebApp, Update, WebAppInfo
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

# Importing a feature module registers its commands, buttons, screens and steps.
import bot.handlers.addresses
import bot.handlers.admin.backup
import bot.handlers.admin.broadcast
import bot.handlers.admin.catalog
import bot.handlers.admin.catalog_io
import bot.handlers.admin.fulfilment
import bot.handlers.admin.gallery
import bot.handlers.admin.orders
import bot.handlers.admin.promos
import bot.handlers.admin.reviews
import bot.handlers.admin.roles
import bot.handlers.admin.shipping
import bot.handlers.admin.stats
import bot.handlers.admin.support
import bot.handlers.admin.users
import bot.handlers.cart
import bot.handlers.catalog
import bot.handlers.checkout
import bot.handlers.checkout_summary
import bot.handlers.inline
import bot.handlers.orders
import bot.handlers.paying.offer
import bot.handlers.paying.saved_cards
import bot.handlers.paying.stripe_page
import bot.handlers.paying.telegram_invoice
import bot.handlers.profile
import bot.handlers.reviews
import bot.handlers.search
import bot.handlers.start
import bot.handlers.support
import bot.handlers.wishlist
from bot import languages, texts
from bot.botapi.concurrency import PerChatUpdateProcessor, UpdateBacklog
from bot.botapi.flood import FloodGate
from bot.botapi.metering import MeteredRequest
from bot.botapi.rate_limiter import ShopRateLimiter
from bot.botapi.transport import AiohttpRequest
from bot.config import Settings
from bot.db import Database
from bot.handlers.context import BotData, ShopContext, remember_sender
from bot.handlers.errors import ask_to_slow_down, on_error
from bot.handlers.router import (
    CaptionCommand,
    caption_commands,
    commands,
    dispatch_button,
    dispatch_other,
    dispatch_photo,
    dispatch_text,
)
from bot.metrics import ShopMetrics
from bot.services.search import CatalogSearch
from bot.texts.i18n import _, using_language

# The rate limiter makes the bot ExtBot[int]; the job queue's context type isn't tracked.
ShopApplication = Application[
    ExtBot[Any], ShopContext, dict[Any, Any], dict[Any, Any], BotData, Any
]

# The shop talks to each customer in their private chat and nowhere else: a /profile or
# /orders in a group would show their addresses and orders to everyone there. Editing a sent
# message must not run it again either (a second refund, a second broadcast, another address
# step), so handlers only see new messages; Telegram's default includes edits.
# A card a customer posted through inline mode is theirs to share, not something to answer.
NEW_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.VIA_BOT

# Outgoing calls that hit flood control are retried after Telegram's retry_after, not dropped;
# bot.botapi.rate_limiter also retries those that failed on Telegram's side.
RATE_LIMIT_RETRIES = 5


def build_application(
    settings: Settings,
    database: Database,
    *,
    token: str | None = None,
    catalog: CatalogSearch | None = None,
    metrics: ShopMetrics | None = None,
) -> ShopApplication:
    """With `metrics`, Bot API requests and updates are counted, and searches timed."""
    secret = settings.telegram_bot_token
    bot_token = token or (secret.get_secret_value() if secret else None)
    if not bot_token:
        raise ValueError("a Telegram bot token is needed")
    builder = (
        Application.builder()
        .token(bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .context_types(ContextTypes(context=ShopContext, bot_data=BotData))
        .rate_limiter(
            ShopRateLimiter(
                overall_max_rate=settings.telegram_messages_per_second,
                max_retries=RATE_LIMIT_RETRIES,
            )
        )
        .post_init(_register_commands)
        .concurrent_updates(
            PerChatUpdateProcessor(
                flood_gate=FloodGate(
                    burst=settings.flood_burst, per_second=settings.flood_updates_per_second
                ),
                on_flood=ask_to_slow_down,
                metrics=metrics,
            )
        )
        .update_queue(_update_backlog(settings.max_queued_updates))
        .request(_transport(settings, 256, metrics))
        .get_updates_request(_transport(settings, 1, metrics))
    )
    application: ShopApplication = builder.build()
    application.bot_data.db = database
    application.bot_data.catalog = catalog or CatalogSearch(metrics=metrics)
    application.bot_data.settings = settings
    application.bot_data.metrics = metrics
    register_handlers(application)
    return application


def _transport(settings: Settings, connections: int, metrics: ShopMetrics | None) -> BaseRequest:
    """PTB's own pool sizes: many calls at once, and one connection for the single long poll."""
    request: BaseRequest
    if settings.telegram_http_transport == "aiohttp":
        request = AiohttpRequest(connection_pool_size=connections)
    else:
        request = HTTPXRequest(connection_pool_size=connections)
    return request if metrics is None else MeteredRequest(request, metrics)


def _update_backlog(max_updates: int) -> UpdateBacklog:
    """Half the bound for updates being handled, half for those waiting their turn."""
    return UpdateBacklog(max_updates - max_updates // 2, max_handling=max_updates // 2)


def register_handlers(application: ShopApplication) -> None:
    # Group -1 runs before every handler below, for every update.
    application.add_handler(TypeHandler(Update, remember_sender), group=-1)
    for name, handler in commands().items():
        application.add_handler(CommandHandler(name, handler, filters=NEW_MESSAGE))
    for name, handler in caption_commands().items():
        application.add_handler(
            MessageHandler(NEW_MESSAGE & filters.Document.ALL & CaptionCommand(name), handler)
        )
    application.add_handler(CallbackQueryHandler(dispatch_button))
    # Inline mode (turned on with @BotFather /setinline): no chat, and no customer record.
    application.add_handler(InlineQueryHandler(bot.handlers.inline.answer_inline_query))
    # Outside any conversation: a pre-checkout query has no chat.
    application.add_handler(
        PreCheckoutQueryHandler(bot.handlers.paying.telegram_invoice.answer_pre_checkout)
    )
    application.add_handler(
        MessageHandler(
            filters.SUCCESSFUL_PAYMENT, bot.handlers.paying.telegram_invoice.record_payment
        )
    )
    # A reply may be an admin's answer to a customer (a line to the shop); else read as usual.
    application.add_handler(
        MessageHandler(
            NEW_MESSAGE & filters.REPLY & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO),
            bot.handlers.admin.support.private_reply,
        )
    )
    application.add_handler(
        MessageHandler(NEW_MESSAGE & filters.TEXT & ~filters.COMMAND, dispatch_text)
    )
    application.add_handler(MessageHandler(NEW_MESSAGE & filters.PHOTO, dispatch_photo))
    # Stickers, voice notes, files without a command… (service messages are not for us).
    application.add_handler(
        MessageHandler(
            NEW_MESSAGE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            dispatch_other,
        )
    )
    # Last in its group: only commands no handler above claimed reach it.
    application.add_handler(
        MessageHandler(NEW_MESSAGE & filters.COMMAND, bot.handlers.start.unknown_command)
    )
    _register_support_group(application)
    application.add_error_handler(on_error)


def _register_support_group(application: ShopApplication) -> None:
    """The admins' group (SUPPORT_CHAT_ID) is no customer: the bot takes from it only its
    admins' replies to relayed messages and the support commands; the rest is left unread."""
    settings = application.bot_data.settings
    if settings is None or settings.support_chat_id is None:
        return
    group = filters.Chat(settings.support_chat_id) & filters.UpdateType.MESSAGE
    support = bot.handlers.admin.support
    for name, handler in support.GROUP_COMMANDS.items():
        application.add_handler(CommandHandler(name, support.in_group(handler), filters=group))
    application.add_handler(
        MessageHandler(
            group & filters.REPLY & ~filters.COMMAND & (filters.TEXT | filters.PHOTO),
            support.group_reply,
        )
    )


async def _register_commands(application: ShopApplication) -> None:
    """Telegram's command menu in every language the shop speaks (by the app's language code,
    so pt_BR's serves every Portuguese app), and in the default language for all others."""
    settings = application.bot_data.settings
    assert settings is not None, "build_application sets the settings"
    default = settings.default_language
    for language in dict.fromkeys([default, *languages.SHIPPED]):
        with using_language(language):
            menu = [BotCommand(command, _(about)) for command, about in texts.COMMANDS]
        if language == default:
            await application.bot.set_my_commands(menu)
        await application.bot.set_my_commands(menu, language_code=language.split("_")[0])
    await _offer_storefront(application, settings)


async def _offer_storefront(application: ShopApplication, settings: Settings) -> None:
    """The chat's menu button opens the Mini App where it has an HTTPS address; otherwise it
    is Telegram's default (the command list)."""
    url = settings.storefront_url
    if url is None:
        await application.bot.set_chat_menu_button(menu_button=MenuButtonDefault())
        return
    with using_language(settings.default_language):
        button = MenuButtonWebApp(texts.MENU_SHOP, WebAppInfo(url))
    await application.bot.set_chat_menu_button(menu_button=button)
