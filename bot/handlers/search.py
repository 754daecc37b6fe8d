"""Search: /search words, the menu's search prompt, and any plain text outside a flow.

The query is remembered per customer in the database, so the result pages' arrows work after a
restart and on any bot instance.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import texts
from bot.handlers.context import ShopContext, customer
from bot.handlers.render import show
from bot.handlers.router import on_button, on_command, on_free_text, on_screen, on_step
from bot.keyboards.search import PER_PAGE, SearchPage, browse_keyboard, results_keyboard
from bot.services import dialog, product
from bot.services.dialog import Step
from bot.services.errors import NotFound
from bot.services.pagination import Page
from bot.services.search import SearchHit, clean_query

FLOW = "search"
LAST_SEARCH = "last_search"


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
    async with context.db.transaction() as session:
        user = await customer(session, update)
        await dialog.set_step(session, user_id=user.id, flow=FLOW, step="query")
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
    query = clean_query(text)
    async with context.db.transaction() as session:
        user = await customer(session, update)
        if leave_flow:
            await dialog.clear_step(session, user_id=user.id)
        found = await _results(session, context, query)
        await dialog.remember(session, user_id=user.id, key=LAST_SEARCH, value=query)
    await _show_results(update, query, found)


@on_button(SearchPage)
async def search_page(update: Update, context: ShopContext, data: SearchPage) -> str | None:
    async with context.db.reading() as session:
        user = await customer(session, update)
        query = await dialog.recall(session, user_id=user.id, key=LAST_SEARCH)
        if not isinstance(query, str) or not query.strip():
            raise NotFound("search.forgotten")
        found = await _results(session, context, query, data.page)
    await _show_results(update, query, found)
    return None


async def _results(
    session: AsyncSession, context: ShopContext, query: str, page: int = 1
) -> Page[SearchHit]:
    found = await product.search_products(
        session, catalog=context.catalog, query=query, page=max(page, 1), per_page=PER_PAGE
    )
    if found.page > found.pages:  # the catalogue changed since the button was made
        found = await product.search_products(
            session, catalog=context.catalog, query=query, page=found.pages, per_page=PER_PAGE
        )
    return found


async def _show_results(update: Update, query: str, found: Page[SearchHit]) -> None:
    if not found.total:
        await show(update, texts.nothing_found(query), browse_keyboard())
    else:
        await show(update, texts.search_results(query, found.total), results_keyboard(found))
