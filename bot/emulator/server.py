"""The HTTP side: routes shaped like api.telegram.org, auth, faults, dispatch and call recording."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.emulator.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from bot.emulator.faults import FaultPlan
from bot.emulator.methods import Handler, find
from bot.emulator.params import Params, read_params
from bot.emulator.state import ApiCall, EmulatorState


def build_app(state: EmulatorState, faults: FaultPlan) -> web.Application:
    app = web.Application(client_max_size=50 * 1024 * 1024)
    api = _Api(state, faults)
    app.router.add_route("*", "/bot{token}/{method}", api.handle_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", api.handle_file)
    return app


def _answer(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.status)


class _Api:
    def __init__(self, state: EmulatorState, faults: FaultPlan) -> None:
        self.state = state
        self.faults = faults

    async def handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _answer(UNAUTHORIZED)
        found = find(request.match_info["method"])
        if found is None:
            return _answer(NOT_FOUND)
        name, handler = found
        params = Params({})
        try:
            params = await read_params(request)
            result = await self._run(name, handler, params)
        except ApiError as error:
            self._record(name, params, error.status, description=error.description)
            return _answer(error)
        self._record(name, params, 200, result=result)
        return web.json_response({"ok": True, "result": result})

    async def _run(self, name: str, handler: Handler, params: Params) -> Any:
        fault = self.faults.take(name)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if (error := fault.error()) is not None:
                raise error
        return await handler(self.state, params)

    def _record(
        self,
        name: str,
        params: Params,
        status: int,
        *,
        result: Any = None,
        description: str | None = None,
    ) -> None:
        call = ApiCall(len(self.state.calls), name, params.recorded(), status, result, description)
        self.state.record_call(call)

    async def handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _answer(UNAUTHORIZED)
        stored = self.state.files.by_path(request.match_info["file_path"])
        if stored is None:
            return _answer(NOT_FOUND)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.content, content_type=content_type)
