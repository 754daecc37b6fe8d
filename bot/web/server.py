"""Serving the web application on a TCP port inside an already running event loop."""

from __future__ import annotations

from aiohttp import web


async def start_web_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Port 0 picks a free port; `server_url()` tells which."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def server_url(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"


async def stop_web_server(runner: web.AppRunner) -> None:
    await runner.cleanup()
