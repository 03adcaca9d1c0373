"""Key latency inside the app's own process (``App.run_test``), with optional profiles."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from typing import Any

FRAME_QUIET_SECONDS = 0.05
TRIAGE_KEYS = ("r", "s", "a", "u", "f")


class _Profiles:
    """pyinstrument profiles of the app's thread, one per phase, written as text to a folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.profiler: Any = None

    def start(self) -> None:
        if self.folder is not None:
            from pyinstrument import Profiler  # only for --profile; not a dependency

            self.profiler = Profiler(interval=0.001, async_mode="disabled")
            self.profiler.start()

    def stop(self, name: str) -> None:
        if self.profiler is not None and self.folder is not None:
            self.profiler.stop()
            self.folder.mkdir(parents=True, exist_ok=True)
            text = self.profiler.output_text(unicode=True, color=False)
            (self.folder / f"{name}.txt").write_text(text)
            self.profiler = None


async def pilot_latencies(
    path: Path, size: tuple[int, int], presses: int, profile: Path | None
) -> dict[str, object]:
    """Per key: (first frame, settled) seconds of each press, and the list's load time."""
    from textual import events
    from textual.app import App

    from tui.app import make_app

    app = make_app(library_path=path)
    frames: list[float] = []
    display = app._display

    def counted(screen: object, renderable: object) -> None:
        if renderable is not None:
            frames.append(time.perf_counter())
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = counted  # type: ignore[method-assign]
    characters = {"enter": "\r"}
    results: dict[str, list[tuple[float, float]]] = {}

    async def timed(key: str) -> tuple[float, float]:
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames.clear()
        started = time.perf_counter()
        assert app._driver is not None
        app._driver.send_message(events.Key(key, characters.get(key, key)))
        while (now := time.perf_counter()) - started < 5:
            await asyncio.sleep(0.001)
            if frames and now - frames[-1] >= FRAME_QUIET_SECONDS:
                return frames[0] - started, frames[-1] - started
        return math.nan, math.nan

    profiles = _Profiles(profile)
    started = time.perf_counter()
    profiles.start()
    async with app.run_test(size=size) as pilot:
        while app.session is None or not app.article_list.rows or not app.articles[0].id:
            await asyncio.sleep(0.01)
        loaded = time.perf_counter() - started
        profiles.stop("load")
        await pilot.pause(1.0)
        for key in ("j", "k"):
            profiles.start()
            results[key] = [await timed(key) for _ in range(presses)]
            profiles.stop(key)
        results["enter"] = []
        profiles.start()
        for _ in range(presses):
            app.action_focus_list()
            app.article_list.action_cursor_down()
            results["enter"].append(await timed("enter"))
        profiles.stop("enter")
        app.action_focus_list()
        for key in TRIAGE_KEYS:
            profiles.start()
            results[key] = [await timed(key) for _ in range(presses)]
            profiles.stop(key)
        assert isinstance(app, App)
    return {"loaded": loaded, "articles": len(app.articles), "keys": results}
