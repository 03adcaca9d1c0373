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
import fcntl
import json
import math
import os
import pty
import random
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.model import Article

MARKER_TITLE = "Zanzibar ferry strike ends after nine days"
"""The newest article's title: the first row of the big library (no generated word is in it)."""
MARKER = b"Zanzibar ferry strike"
SAMPLE_MARKER = b"Secretary of State"  # the bundled sample, shown while the library is empty
PLACEHOLDER = "Loading…".encode()
QUIET_SECONDS = 0.02
FRAME_QUIET_SECONDS = 0.05
TRIAGE_KEYS = ("r", "s", "a", "u", "f")

WORDS = (
    "the a of to in and for on with at by from after over new says said will could would as "
    "minister council harbour river election market storm court village bridge energy budget "
    "talks border museum festival strike vaccine railway drought summit treaty protest island "
    "university bank mayor airport coast factory hospital report police reform senate trade "
    "officials residents workers farmers teachers nurses voters investors prices wages rents "
    "rose fell climbed slipped warned agreed rejected approved delayed announced promised "
    "plans deal vote inquiry funding project contract tender shortage surplus deficit forecast "
    "north south east west central regional national local federal city rural coastal "
    "week month year morning evening night season quarter decade record highest lowest "
    "flood fire heat snow wind rain power water fuel grain fish timber steel copper gas oil "
    "school road port station tunnel ferry line service network grid plant mine farm clinic"
).split()
NAMES = (
    "Accra Ankara Berlin Dhaka Lagos Lima Lisbon Nairobi Oslo Perth Porto Quito Riga Sofia "
    "Tunis Valencia Warsaw Ahmed Garcia Kim Novak Okafor Petrov Silva Tanaka Dubois Jensen "
    "Moreau Rossi Haddad Mensah Nakamura Ortega Brennan Lindqvist"
).split()
AGENCIES = ("Reuters", "AP", "AFP")
OUTLET_WORDS = (
    "Northern Coastal Daily Evening Morning Valley Harbour Capital Western Eastern".split(),
    "Courier Ledger Herald Times Post".split(),
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    for _ in range(rng.randint(0, 2)):
        words[rng.randrange(len(words))] = rng.choice(NAMES)
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, 8, 16) + "." for _ in range(rng.randint(2, 4)))


def generate(count: int, sources: int, seed: int, batch: int = 5000) -> Iterator[list[Article]]:
    """Batches of articles, oldest first; the last one is the newest, titled ``MARKER_TITLE``."""
    rng = random.Random(seed)
    outlets = [f"{a} {b}" for b in OUTLET_WORDS[1] for a in OUTLET_WORDS[0]][:sources]
    wire = [tuple(_paragraph(rng) for _ in range(4)) for _ in range(max(1, count // 60))]
    start, step = datetime(2024, 1, 1, tzinfo=UTC), timedelta(days=200) / count
    articles: list[Article] = []
    for number in range(count):
        source = rng.choice(outlets)
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.1:
            # A wire story is picked up by several outlets within a day or so of each other.
            story = wire[
                min(len(wire) - 1, max(0, number * len(wire) // count + rng.randint(-1, 1)))
            ]
            taken = rng.randint(1, 3)
            first = rng.randint(0, len(story) - taken)
            copied = list(story[first : first + taken])
            if rng.random() < 0.3:
                copied[0] = f"{rng.choice(NAMES).upper()} ({rng.choice(AGENCIES)}) - {copied[0]}"
            paragraphs[1:1] = copied
            del paragraphs[6:]
        newest = number == count - 1
        articles.append(
            Article(
                id="",
                title=MARKER_TITLE if newest else _sentence(rng, 6, 10),
                paragraphs=tuple(paragraphs),
                source=source,
                url=f"https://{source.lower().replace(' ', '-')}.example/{number}",
                published=start + step * number + timedelta(seconds=rng.randrange(600)),
            )
        )
        if len(articles) == batch or newest:
            yield articles
            articles = []


def build(folder: Path, args: argparse.Namespace) -> Path:
    """The big library in ``folder`` (reused when built with the same arguments)."""
    from reader.fold import DEFAULT_THRESHOLD
    from reader.library import Library
    from reader.library_folds import fold_new_articles

    path, meta = folder / "library.sqlite3", folder / "meta.json"
    wanted = {k: vars(args)[k] for k in ("articles", "sources", "seed", "no_folds")}
    if path.exists() and meta.exists() and json.loads(meta.read_text()) == wanted:
        print(f"reusing {path}")
        return path
    for stale in folder.glob("library.sqlite3*"):
        stale.unlink()
    started = time.perf_counter()
    rng = random.Random(args.seed + 1)
    with Library.open(path) as library:
        for batch in generate(args.articles, args.sources, args.seed):
            library.store_articles(batch, origin="bench")
        stored = time.perf_counter()
        ids = [row.id for row in library.rows(include_archived=True)]
        others = ids[1:]  # the newest stays unread and listed
        library.set_flags(rng.sample(others, len(others) * 6 // 10), read=True)
        library.set_flags(rng.sample(others, len(others) * 3 // 100), starred=True)
        library.set_flags(rng.sample(others, len(others) * 2 // 100), archived=True)
        print(f"stored {len(ids):,} articles in {stored - started:.1f} s")
        if not args.no_folds:
            folding = time.perf_counter()
            fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
            print(f"folded them in {time.perf_counter() - folding:.1f} s")
    meta.write_text(json.dumps(wanted))
    return path


def working_copy(path: Path) -> Path:
    """A copy to triage in, so flags written by one run never change the next."""
    copy = path.with_name("work.sqlite3")
    for stale in path.parent.glob("work.sqlite3*"):
        stale.unlink()
    shutil.copyfile(path, copy)
    return copy


# -- the pseudo-terminal --------------------------------------------------------------------


CURSOR_TO_ROW = re.compile(rb"\x1b\[(\d+);\d+H")


@dataclass
class Answer:
    """What one key press brought back: bytes, screen lines written to, and seconds to the
    first and the last byte."""

    nbytes: int
    lines: int
    first: float
    last: float


@dataclass
class PtyApp:
    """A program in a fresh pseudo-terminal whose output is read (and kept from blocking)."""

    argv: list[str]
    size: tuple[int, int]
    pid: int = 0
    fd: int = -1
    started: float = 0.0
    tail: bytes = b""
    seen: dict[bytes, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        columns, rows = self.size
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ.update(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
            os.environ.pop("NO_COLOR", None)
            os.execvp(self.argv[0], self.argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()

    def _read(self, wait: float) -> bytes | None:
        """One chunk, b"" on timeout, None once the program is gone."""
        ready, _, _ = select.select([self.fd], [], [], max(wait, 0))
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return None
        return chunk or None

    def wait_for(self, markers: Sequence[bytes], timeout: float) -> dict[bytes, float]:
        """Seconds from spawn until each marker first showed; stops when the last one shows."""
        longest = max(len(m) for m in markers)
        while markers[-1] not in self.seen and time.perf_counter() - self.started < timeout:
            chunk = self._read(0.05)
            if chunk is None:
                break
            window = self.tail + chunk
            for marker in markers:
                if marker not in self.seen and marker in window:
                    self.seen[marker] = time.perf_counter() - self.started
            self.tail = window[-longest:]
        return self.seen

    def settle(self, quiet: float, limit: float) -> bytes:
        """Read until nothing came for ``quiet`` seconds (or ``limit`` passed); what came."""
        total, last, deadline = b"", time.perf_counter(), time.perf_counter() + limit
        while (now := time.perf_counter()) < deadline and now - last < quiet:
            chunk = self._read(min(quiet - (now - last), deadline - now))
            if chunk is None:
                break
            if chunk:
                total, last = total + chunk, time.perf_counter()
        return total

    def press(self, key: bytes, spacing: float = 0.1, limit: float = 2.0) -> Answer:
        """Write ``key``; the answer ends when output stops for 20 ms. Bytes that come until
        ``spacing`` has passed count too, so a slow answer is not charged to the next key."""
        sent = time.perf_counter()
        os.write(self.fd, key)
        output, first, last = bytearray(), math.nan, math.nan
        while (now := time.perf_counter()) - sent < limit:
            nbytes = len(output)
            quiet_for = now - (sent + last) if nbytes else 0.0
            if nbytes and quiet_for >= QUIET_SECONDS:
                break
            chunk = self._read(QUIET_SECONDS - quiet_for if nbytes else limit - (now - sent))
            if chunk is None:
                break
            if chunk:
                arrived = time.perf_counter() - sent
                first = arrived if not nbytes else first
                output, last = output + chunk, arrived
        output += self.settle(max(sent + spacing - time.perf_counter(), 0.0), spacing)
        lines = len(set(CURSOR_TO_ROW.findall(output)))
        return Answer(len(output), lines, first, last)

    def memory_mb(self) -> dict[str, float]:
        fields = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0]) / 1024
        return fields

    def close(self) -> None:
        try:
            os.write(self.fd, b"\x11")  # ctrl+q quits any Textual app
        except OSError:
            pass
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if self._read(0.05) is None or os.waitpid(self.pid, os.WNOHANG)[0]:
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def newsfold(path: Path) -> list[str]:
    return [sys.executable, "-m", "tui.cli", "--no-refresh", "--db", str(path)]


# -- measurements -----------------------------------------------------------------------------


@dataclass
class Paint:
    """Seconds from spawn, one per run: sample title (empty library), placeholder and newest
    title (big library)."""

    empty: list[float] = field(default_factory=list)
    placeholder: list[float] = field(default_factory=list)
    big: list[float] = field(default_factory=list)


@dataclass
class Session:
    """One pty session: the first move right after the list showed, then each key's answers."""

    shown: float
    first_move: Answer
    keys: dict[str, list[Answer]]
    memory: dict[str, float]


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
        for _ in range(5):
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


async def _pilot_latencies(
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


def measure_pilot(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The in-process timings, in a process of their own (no generator garbage, own memory)."""
    argv = [sys.executable, __file__, "--pilot-worker", str(working_copy(path))]
    argv += ["--presses", str(args.presses), "--size", "x".join(map(str, args.size))]
    if args.profile:
        argv += ["--profile", str(args.profile.resolve())]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


# -- the report -------------------------------------------------------------------------------


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(value: float) -> str:
    return f"{value * 1000:6.1f} ms"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


LOCAL_LINES = 6
"""A move that rewrites at most this many screen lines redrew only the rows it left and entered
(two two-line rows and the final cursor placement); more means the list scrolled or redrew."""


def _moves_line(name: str, answers: Sequence[Answer]) -> str:
    sizes = [a.nbytes for a in answers]
    local = [a.nbytes for a in answers if a.lines <= LOCAL_LINES]
    wide = [a.nbytes for a in answers if a.lines > LOCAL_LINES]
    parts = [f"{name}: {len(sizes)} moves, median {statistics.median(sizes):,.0f} B"]
    parts.append(f"mean {statistics.fmean(sizes):,.0f} B, max {max(sizes):,} B")
    if local:
        parts.append(f"{len(local)} redrew <= {LOCAL_LINES} lines: max {max(local):,} B")
    if wide:
        lines = statistics.median(a.lines for a in answers if a.lines > LOCAL_LINES)
        parts.append(
            f"{len(wide)} redrew ~{lines:.0f} lines: median {statistics.median(wide):,.0f} B"
        )
    return "; ".join(parts)


def report(
    paint: Paint | None,
    pilot: dict[str, Any] | None,
    session: Session | None,
    baseline: Session | None,
) -> None:
    verdicts: list[tuple[str, str, str]] = []
    if paint is not None:
        ratio = statistics.median(b / e for b, e in zip(paint.big, paint.empty, strict=True))
        print(f"\n1. first paint through a pty ({len(paint.big)} alternating runs, seconds)")
        for name, values in (
            ("empty library: sample title", paint.empty),
            ("100k: placeholder (Loading…)", paint.placeholder),
            ("100k: newest title, list populated", paint.big),
        ):
            runs = " ".join(f"{v:.2f}" for v in values)
            print(f"   {name:<36} median {statistics.median(values):.3f}   runs {runs}")
        print(f"   median of paired ratios (100k title / empty title): {ratio:.2f}x")
        verdicts.append(("first paint 100k <= 1.5x empty", f"{ratio:.2f}x", _verdict(ratio <= 1.5)))
    if pilot is not None:
        print(
            f"\n2a. keys in-process (run_test, {pilot['articles']:,} articles listed "
            f"{pilot['loaded']:.2f} s after start); first frame / frames settled for 50 ms"
        )
        worst = 0.0
        for key, pairs in pilot["keys"].items():
            first, settled = [p[0] for p in pairs], [p[1] for p in pairs]
            worst = max(worst, _p95(first))
            print(
                f"   {key:<6} first frame median {_ms(statistics.median(first))} "
                f"p95 {_ms(_p95(first))} | settled median {_ms(statistics.median(settled))} "
                f"p95 {_ms(_p95(settled))}  {_verdict(_p95(first) < 0.05)}"
            )
        slow = [k for k, pairs in pilot["keys"].items() if _p95([p[0] for p in pairs]) >= 0.05]
        verdicts.append(
            (
                "keys < 50 ms (in-process, p95 first frame)",
                f"worst {_ms(worst)}",
                _verdict(not slow) + (f" ({' '.join(slow)})" if slow else ""),
            )
        )
    if session is not None:
        print("\n2b. keys through the pty: last byte before 20 ms of quiet, bytes written")
        early = session.first_move
        print(
            f"   newest title shown {session.shown:.2f} s after spawn; the first j (sent once "
            f"output paused for 0.3 s) answered {early.last:.2f} s after spawn"
        )
        slow = []
        for key, answers in session.keys.items():
            last = [a.last for a in answers]
            sizes = [a.nbytes for a in answers]
            if _p95(last) >= 0.05:
                slow.append(key)
            print(
                f"   {key:<6} median {_ms(statistics.median(last))} p95 {_ms(_p95(last))} "
                f"| {statistics.median(sizes):>7,.0f} B median  {_verdict(_p95(last) < 0.05)}"
            )
        verdicts.append(
            (
                "keys < 50 ms (pty, p95)",
                f"{len(slow)} of {len(session.keys)} keys slow",
                _verdict(not slow) + (f" ({' '.join(slow)})" if slow else ""),
            )
        )
        hwm = session.memory["VmHWM"]
        print(f"\n3. memory: VmHWM {hwm:.0f} MB, VmRSS {session.memory['VmRSS']:.0f} MB")
        verdicts.append(("peak RSS < 1 GB", f"{hwm:.0f} MB", _verdict(hwm < 1024)))
        moves = session.keys["j"]
        print("\n4. bytes per cursor move (pty, ~100 ms apart, from the top of the list)")
        print(f"   newsfold   {_moves_line('j', moves)}")
        worst_move = max(a.nbytes for a in moves)
        verdicts.append(
            ("each cursor move < 1 KB", f"max {worst_move:,} B", _verdict(worst_move < 1024))
        )
    if baseline is not None:
        print(f"   OptionList {_moves_line('down', baseline.keys['down'])}")
        moves = baseline.keys["down"]
        print(
            f"   OptionList baseline: first option shown {baseline.shown:.2f} s after spawn, "
            f"first move (sent once output paused) answered {baseline.first_move.last:.2f} s "
            f"after spawn; moves then take {_ms(statistics.median(a.last for a in moves))} "
            f"(median); VmHWM {baseline.memory['VmHWM']:.0f} MB"
        )
    print("\n   target                                      measured              verdict")
    for target, measured, verdict in verdicts:
        print(f"   {target:<43} {measured:<21} {verdict}")


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
            _pilot_latencies(args.pilot_worker, args.size, args.presses, args.profile)
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
