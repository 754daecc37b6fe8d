"""answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import QUERY_TOO_OLD, bad_request
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import CallbackAnswer, EmulatorState


@method("answerCallbackQuery")
async def answer_callback_query(state: EmulatorState, params: Params) -> Any:
    query_id = params.required_string("callback_query_id", "QUERY_ID_INVALID")
    query = state.callback_queries.get(query_id)
    if query is None or query.answer is not None:
        raise bad_request(QUERY_TOO_OLD)
    text = params.string("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = CallbackAnswer(
        query_id=query_id,
        text=text,
        show_alert=params.boolean("show_alert"),
        url=params.string("url"),
        cache_time=params.integer("cache_time", 0) or 0,
    )
    state.notify_chat(query.chat_id)
    return True
