"""The web app served by this test process on a free port, so that a test can hand it a clock
of its own; requests still go over real HTTP, from requests or from Chromium."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sanic import Sanic

from tests.databases import free_port

Sanic.test_mode = True  # several apps named knotbot_web in one process: one per test clock


@contextmanager
def serving(app: Sanic) -> Iterator[str]:
    """Serve `app` until the context ends; yields its base URL."""
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        await server.startup()
        await server.before_start()
        await server.after_start()
        state["server"] = server

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as error:  # handed to the test's thread below
            state["error"] = error
            return
        finally:
            ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name=f"web-{port}", daemon=True)
    thread.start()
    if not ready.wait(60) or "error" in state:
        raise RuntimeError(f"the web app did not start on port {port}") from state.get("error")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server = state["server"]

        async def stop() -> None:
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
