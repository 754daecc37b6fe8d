"""/stats: the shop's figures for today, 7 and 30 days (or any number of days), and a chart."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ChatAction

from bot.handlers.admin import stats_chart as charts
from bot.handlers.admin.args import Args
from bot.handlers.context import ShopContext
from bot.handlers.render import send
from bot.handlers.router import on_admin_command
from bot.texts import admin as admin_texts
from bot.usecases import stats


@on_admin_command("stats")
async def show_stats(update: Update, context: ShopContext) -> None:
    args = Args("stats", context.args).at_most(1)
    days = args.optional_integer(0, minimum=1)
    if days is not None and days > stats.MAX_DAYS:
        raise args.wrong()
    report = await stats.shop_report(context.db, days=days)
    await send(update, admin_texts.stats_report(report, low_stock_threshold=stats.LOW_STOCK))
    chat = update.effective_chat
    assert chat is not None
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    title = admin_texts.stats_chart_title(len(report.daily))
    # Drawing takes a CPU-bound moment: a worker thread keeps other chats answered meanwhile.
    png = await asyncio.to_thread(charts.daily_chart, report.daily, title=title)
    caption = admin_texts.stats_chart_caption(len(report.daily))
    await chat.send_photo(InputFile(png, filename="stats.png"), caption=caption)
