"""python -m bot.emulator: run the emulator and chat with the bot from the terminal.

Start the bot with its Bot API base URL pointed at the printed address, then type.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.terminal import HELP, Console, render


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--user-id", type=int, default=1001)
    parser.add_argument("--name", default="Dev")
    return parser.parse_args()


async def _show_bot_messages(console: Console) -> None:
    while True:
        message = await console.user.next_message(timeout=None)
        print(render(message, numbered=True), flush=True)


async def _main(arguments: argparse.Namespace) -> None:
    emulator = BotApiEmulator(arguments.token)
    await emulator.start(arguments.host, arguments.port)
    user = emulator.user(arguments.user_id, arguments.name, username=arguments.name.lower())
    console = Console(emulator, user)
    print(f"Bot API: {emulator.base_url}  files: {emulator.base_file_url}")
    print(f"token: {emulator.token}  you are {arguments.name} ({arguments.user_id})\n{HELP}")
    printer = asyncio.create_task(_show_bot_messages(console))
    try:
        while True:
            try:
                line = await asyncio.to_thread(input)
            except EOFError:
                break
            if line.strip() == ":quit":
                break
            if (output := await console.handle(line)) is not None:
                print(output, flush=True)
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer
        await emulator.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(_arguments()))
