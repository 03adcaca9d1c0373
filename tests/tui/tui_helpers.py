"""Pilot helpers: wait for the app's workers, read what a Line-API widget draws."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerState

from tui.widgets.status_line import StatusLine

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)


def is_busy(pilot: Pilot[object]) -> bool:
    app = pilot.app
    status = app.query_one(StatusLine).message
    return not status or status.endswith("…") or any(w.state in ACTIVE for w in app.workers)


async def settle(pilot: Pilot[object], rounds: int = 200) -> None:
    """Wait until loading, folding and extraction are done and their results are shown."""
    quiet = 0
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quiet = 0 if is_busy(pilot) else quiet + 1
        if quiet == 2:
            return
        if is_busy(pilot):
            await pilot.pause(0.01)
    raise AssertionError("the app's workers did not settle")


def lines_of(widget: Widget) -> list[str]:
    """The text of every line the widget shows now, as the reader sees it."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def text_of(widget: Widget) -> str:
    return "\n".join(lines_of(widget))


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 from a thread; yields the base URL."""
    handler = functools.partial(_QuietFiles, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
