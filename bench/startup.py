"""Time to first paint of ``newsfold`` against a bare Textual app, both through a pseudo-terminal.

Usage: python bench/startup.py [--runs 9] [--size 120x40]

Each run starts a program in a fresh pseudo-terminal and reads its output until a marker shows on
screen: for the bare app its one line of text, for newsfold the bundled sample's title (it opens
an empty library of its own, so the reader's library is neither read nor touched). The two
programs alternate so background noise hits both alike; medians and their ratio are printed,
with the bytes newsfold wrote until the marker showed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("bare app ready")

Bare().run()
"""

QUIET = 0.5
"""Seconds without output after which the screen counts as settled."""
SETTLE_LIMIT = 5.0

NEWSFOLD_MARKER = b"Secretary of State"
BARE_MARKER = b"bare app ready"


def first_paint(
    argv: list[str], marker: bytes, size: tuple[int, int], timeout: float
) -> tuple[float, int]:
    """Seconds from spawning ``argv`` in a pty until ``marker`` appears in what it writes, and
    the bytes written until the screen settles (nothing more for ``QUIET`` seconds)."""
    columns, rows = size
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
        os.environ.pop("NO_COLOR", None)
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.perf_counter()
    seen = b""
    written = 0
    elapsed = float("nan")
    try:
        while time.perf_counter() - started < timeout:
            chunk = _read(fd, 0.05)
            if chunk is None:
                break
            written += len(chunk)
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                elapsed = time.perf_counter() - started
                break
        written += _drain_until_quiet(fd, time.perf_counter() + SETTLE_LIMIT)
    finally:
        _stop(pid, fd)
    return elapsed, written


def _read(fd: int, wait: float) -> bytes | None:
    """What ``fd`` has within ``wait`` seconds (``b""``: nothing yet); None once it is closed."""
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536) or None
    except OSError:
        return None


def _drain_until_quiet(fd: int, deadline: float) -> int:
    """Bytes read from ``fd`` until it has been quiet for ``QUIET`` seconds or ``deadline``."""
    total = 0
    while time.perf_counter() < deadline:
        chunk = _read(fd, QUIET)
        if not chunk:
            break
        total += len(chunk)
    return total


def _stop(pid: int, fd: int) -> None:
    try:
        os.write(fd, b"\x11")  # ctrl+q quits any Textual app
    except OSError:
        pass
    deadline = time.perf_counter() + 3
    while time.perf_counter() < deadline:
        # Keep draining so the child never blocks writing its shutdown sequence.
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    size = tuple(int(part) for part in args.size.split("x"))
    newsfold = [sys.executable, "-m", "tui.cli"]
    bare = [sys.executable, "-c", BARE_APP]
    times: dict[str, list[float]] = {"bare": [], "newsfold": []}
    written: list[int] = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["NEWSFOLD_DB"] = os.path.join(home, "library.sqlite3")
        first_paint(bare, BARE_MARKER, size, args.timeout)  # warm the disk cache for both
        first_paint(newsfold, NEWSFOLD_MARKER, size, args.timeout)
        for _ in range(args.runs):
            times["bare"].append(first_paint(bare, BARE_MARKER, size, args.timeout)[0])
            seconds, size_written = first_paint(newsfold, NEWSFOLD_MARKER, size, args.timeout)
            times["newsfold"].append(seconds)
            written.append(size_written)
    for name, values in times.items():
        shown = " ".join(f"{v:.3f}" for v in values)
        print(f"{name:9} median {statistics.median(values):.3f} s  runs: {shown}")
    print(f"newsfold wrote {statistics.median(written):,.0f} bytes (median) to a settled screen")
    ratios = [n / b for n, b in zip(times["newsfold"], times["bare"], strict=True)]
    median_ratio = statistics.median(times["newsfold"]) / statistics.median(times["bare"])
    print(
        f"ratio of medians {median_ratio:.2f}x (target <= 1.30x); "
        f"median of paired ratios {statistics.median(ratios):.2f}x"
    )


if __name__ == "__main__":
    main()
