"""The app on a generated 100,000-article library: first paint, key latency, memory, bytes per move.

Usage: python bench/library_app.py [--articles 100000] [--sources 50] [--seed 1] [--keep DIR]
                                   [--runs 7] [--size 120x40] [--presses 50] [--moves 40]
                                   [--no-folds] [--parts paint,pilot,pty,optionlist]
                                   [--timeout 60] [--profile DIR]

The library is generated from a seed (titles, 50 outlets, 3-6 paragraphs each; about one article
in ten copies 1-3 paragraphs of a wire story, so folds and stories exist), stored with
``Library.store_articles`` in batches, flagged (read, starred, archived) and folded once with
``fold_new_articles``. ``--keep DIR`` builds it there once and reuses it on later runs.

- paint: ``newsfold --db`` through a pseudo-terminal, an empty library (which shows the bundled
  sample) alternating with the big one; time from spawn to the placeholder and to the newest
  article's title.
- pilot: in a subprocess, the app under ``App.run_test``; each key is sent as the pilot sends it
  and timed until the first frame it causes and until frames stop for 50 ms. (``pilot.press``
  plus ``pilot.pause`` is not used for timing: its idle waits sleep at least 60 ms.) With
  ``--profile DIR`` each phase's pyinstrument profile of the app's thread is written there.
- pty: one newsfold session on a copy of the library: bytes and time per cursor move and per
  triage key, then peak RSS (VmHWM) after a few articles were opened.
- optionlist: the baseline, a bare Textual app with an ``OptionList`` of the same titles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from library_gen import build, working_copy
from library_pilot import TRIAGE_KEYS, pilot_latencies
from library_report import Paint, Session, report
from pty_session import Answer, PtyApp

MARKER = b"Zanzibar ferry strike"
"""Part of the newest article's title (``library_gen.MARKER_TITLE``): the big list is shown."""
SAMPLE_MARKER = b"Secretary of State"  # the bundled sample, shown while the library is empty
PLACEHOLDER = "Loading…".encode()


def newsfold(path: Path) -> list[str]:
    return [sys.executable, "-m", "tui.cli", "--no-refresh", "--db", str(path)]


# -- measurements -----------------------------------------------------------------------------


def measure_paint(big: Path, empty: Path, args: argparse.Namespace) -> Paint:
    """Alternating runs of the empty and the big library."""
    paint = Paint()
    for run in range(args.runs + 1):  # the first pair only warms the disk cache
        session = PtyApp(newsfold(empty), args.size)
        empty_seen = session.wait_for([SAMPLE_MARKER], args.timeout)
        session.close()
        session = PtyApp(newsfold(big), args.size)
        big_seen = session.wait_for([PLACEHOLDER, MARKER], args.timeout)
        session.close()
        if run:
            paint.empty.append(empty_seen.get(SAMPLE_MARKER, math.nan))
            paint.placeholder.append(big_seen.get(PLACEHOLDER, math.nan))
            paint.big.append(big_seen.get(MARKER, math.nan))
    return paint


def _open(
    argv: list[str], marker: bytes, down: bytes, args: argparse.Namespace
) -> tuple[PtyApp, float, Answer]:
    """Start a list app and wait for ``marker``; once its output pauses for 0.3 s, move down
    once (an app still busy after its first paint answers late), then let it settle."""
    session = PtyApp(argv, args.size)
    shown = session.wait_for([marker], args.timeout * 3).get(marker)
    if shown is None:
        session.close()
        raise SystemExit(f"{argv[1:3]} never showed {marker!r}")
    session.settle(quiet=0.3, limit=30)
    sent = time.perf_counter() - session.started
    first_move = session.press(down, limit=60)
    # Kept as seconds from spawn until the first move was answered: when the list is usable.
    first_move.first, first_move.last = sent + first_move.first, sent + first_move.last
    session.settle(quiet=1.0, limit=60)
    return session, shown, first_move


def measure_pty_session(path: Path, args: argparse.Namespace) -> Session:
    session, shown, first_move = _open(newsfold(working_copy(path)), MARKER, b"j", args)
    try:
        keys: dict[str, list[Answer]] = {
            "j": [session.press(b"j") for _ in range(args.moves)],
            "k": [session.press(b"k") for _ in range(args.moves)],
            "enter": [],
        }
        for _ in range(max(5, args.moves // 2)):
            session.press(b"j")
            keys["enter"].append(session.press(b"\r", spacing=0.5))
            session.press(b"\x1b", spacing=0.3)  # back to the list
        for key in TRIAGE_KEYS:
            keys[key] = [session.press(key.encode(), spacing=0.2) for _ in range(args.moves // 2)]
        memory = session.memory_mb()
    finally:
        session.close()
    return Session(shown, first_move, keys, memory)


OPTION_APP = """
import sqlite3, sys
from textual.app import App, ComposeResult
from textual.widgets import OptionList

query = "SELECT title FROM articles WHERE archived = 0 ORDER BY sort_at DESC, seq DESC"
titles = [title for (title,) in sqlite3.connect(sys.argv[1]).execute(query)]

class Options(App):
    def compose(self) -> ComposeResult:
        yield OptionList(*titles)

Options().run()
"""


def measure_option_list(path: Path, args: argparse.Namespace) -> Session:
    """The baseline: the same titles (archived left out, as the list does) in an OptionList."""
    argv = [sys.executable, "-c", OPTION_APP, str(path)]
    session, shown, first_move = _open(argv, MARKER, b"\x1b[B", args)  # down: it has no j
    try:
        moves = [session.press(b"\x1b[B") for _ in range(args.moves)]
        memory = session.memory_mb()
    finally:
        session.close()
    return Session(shown, first_move, {"down": moves}, memory)


def measure_pilot(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The in-process timings, in a process of their own (no generator garbage, own memory)."""
    argv = [sys.executable, __file__, "--pilot-worker", str(working_copy(path))]
    argv += ["--presses", str(args.presses), "--size", "x".join(map(str, args.size))]
    if args.profile:
        argv += ["--profile", str(args.profile.resolve())]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the library in this folder and reuse it")
    parser.add_argument("--runs", type=int, default=7, help="first-paint runs of each library")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--presses", type=int, default=50, help="in-process presses per key")
    parser.add_argument("--moves", type=int, default=40, help="cursor moves through the pty")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-folds", action="store_true", help="do not fold the library")
    parser.add_argument("--parts", default="paint,pilot,pty,optionlist")
    parser.add_argument("--profile", type=Path, help="pyinstrument profiles of the pilot run here")
    parser.add_argument("--pilot-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.size = tuple(int(part) for part in args.size.split("x"))
    if args.pilot_worker:
        result = asyncio.run(
            pilot_latencies(args.pilot_worker, args.size, args.presses, args.profile)
        )
        print(json.dumps(result))
        return
    parts = args.parts.split(",")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        big = build(folder, args)
        empty = folder / "empty.sqlite3"
        if not empty.exists():
            from reader.library import Library

            Library.open(empty).close()
        measures: dict[str, Callable[[], Any]] = {
            "paint": lambda: measure_paint(big, empty, args),
            "pilot": lambda: measure_pilot(big, args),
            "pty": lambda: measure_pty_session(big, args),
            "optionlist": lambda: measure_option_list(big, args),
        }
        results: dict[str, Any] = {}
        for part in parts:
            started = time.perf_counter()
            results[part] = measures[part]()
            print(f"{part}: measured in {time.perf_counter() - started:.0f} s", flush=True)
        report(*(results.get(part) for part in ("paint", "pilot", "pty", "optionlist")))


if __name__ == "__main__":
    main()
