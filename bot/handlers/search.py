"""Search: /search words, the menu's search prompt, and any plain text outside a flow."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, sender_of
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command, on_free_text, on_screen, on_step
from bot.keyboards.search import PER_PAGE, SearchPage, browse_keyboard, results_keyboard
from bot.services.dialog import Step
from bot.usecases import search
from bot.usecases.search import FLOW, SearchResults


@on_command("search")
async def search_command(update: Update, context: ShopContext) -> None:
    """`/search black hoodie` searches at once; a bare /search asks what to look for."""
    words = " ".join(context.args or [])
    if words.strip():
        await run_search(update, context, words)
    else:
        await search_screen(update, context)


@on_screen("search")
async def search_screen(update: Update, context: ShopContext) -> None:
    """Ask for words; the next text is the query, even if another flow was under way."""
    await search.ask_for_query(context.db, sender=sender_of(update))
    await show(update, texts.SEARCH_PROMPT, browse_keyboard())


@on_step(FLOW)
async def search_step(update: Update, context: ShopContext, step: Step, text: str) -> None:
    await run_search(update, context, text, leave_flow=True)


@on_free_text
async def free_text(update: Update, context: ShopContext, text: str) -> None:
    await run_search(update, context, text)


async def run_search(
    update: Update, context: ShopContext, text: str, *, leave_flow: bool = False
) -> None:
    results = await search.search(
        context.db,
        sender=sender_of(update),
        catalog=context.catalog,
        text=text,
        per_page=PER_PAGE,
        leave_flow=leave_flow,
    )
    await _show_results(update, results)


@on_button(SearchPage)
async def search_page(update: Update, context: ShopContext, data: SearchPage) -> str | None:
    results = await search.search_page(
        context.db,
        sender=sender_of(update),
        catalog=context.catalog,
        page=data.page,
        per_page=PER_PAGE,
    )
    await _show_results(update, results)
    return None


async def _show_results(update: Update, results: SearchResults) -> None:
    query, found = results.query, results.found
    if not found.total:
        await show(update, texts.nothing_found(query), browse_keyboard())
    else:
        await show(update, texts.search_results(query, found.total), results_keyboard(found))
