"""answerInlineQuery."""

from __future__ import annotations

import time
from typing import Any

from bot.emulator.errors import QUERY_TOO_OLD, bad_request
from bot.emulator.inline import (
    ANSWER_WINDOW,
    InlineAnswer,
    checked_button,
    checked_next_offset,
    checked_results,
)
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState


@method("answerInlineQuery")
async def answer_inline_query(state: EmulatorState, params: Params) -> Any:
    """A query is answered once, within Telegram's window; a bad answer changes nothing."""
    query_id = params.required_string("inline_query_id", "QUERY_ID_INVALID")
    query = state.inline_queries.get(query_id)
    late = query is not None and time.monotonic() - query.sent_at > ANSWER_WINDOW
    if query is None or query.answer is not None or late:
        raise bad_request(QUERY_TOO_OLD)
    results = checked_results(params.json_value("results"), state.files)
    cache_time = params.integer("cache_time", 300) or 0
    if cache_time < 0:
        raise bad_request("CACHE_TIME_INVALID")
    query.answer = InlineAnswer(
        query_id=query_id,
        results=results,
        cache_time=cache_time,
        is_personal=params.boolean("is_personal"),
        next_offset=checked_next_offset(params.string("next_offset")),
        button=checked_button(params.json_value("button")),
    )
    state.notify_chat(query.user_id)
    return True
