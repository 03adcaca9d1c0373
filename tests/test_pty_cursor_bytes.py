"""The real app in an 80x24 pseudo-terminal: every cursor move, scrolling too, is under 1 KB."""

from __future__ import annotations

import json
import os
import re
import select
import time
from pathlib import Path

import pytest
from pty_app import start_newsfold, stop_newsfold

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")

ROWS, COLUMNS = 24, 80
QUIET_SECONDS = 0.3
"""A key's answer is complete once the app wrote nothing for this long."""
ROW_MOVE = re.compile(rb"\x1b\[(\d+);\d+H")


def _read(master: int, seconds: float) -> bytes:
    """What the app writes from its first byte (waited for up to 5 s: a slow machine answers
    late, but still to this key) until it is quiet for ``seconds``."""
    data = bytearray()
    deadline = time.monotonic() + 5 + 10 * seconds
    quiet_from = time.monotonic()
    while time.monotonic() < deadline and (not data or time.monotonic() - quiet_from < seconds):
        ready, _, _ = select.select([master], [], [], 0.02)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            data.extend(chunk)
            quiet_from = time.monotonic()
    return bytes(data)


def test_every_cursor_move_at_80x24_writes_under_a_kilobyte(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for index in range(80):
            article = {
                "id": f"a{index}",
                "title": f"Story number {index} about harbour works and a long title",
                "source": f"Outlet {index % 7}",
                "paragraphs": [f"Paragraph one of story {index}.", f"Story {index} ends."],
            }
            out.write(json.dumps(article) + "\n")
    # In 256 colours, as over SSH: with truecolor escapes a scrolling move is about 1.2 KB.
    child, master = start_newsfold(tmp_path, [str(source)], ROWS, COLUMNS)
    try:
        started = _read(master, 1.5)  # loading, folding and the people panel settle
        assert b"Story number" in started
        moves = []
        for _ in range(30):
            os.write(master, b"j")
            moves.append(_read(master, QUIET_SECONDS))
        os.write(master, b"q")
        child.wait(timeout=5)
    finally:
        stop_newsfold(child, master)
    sizes = [len(move) for move in moves]
    rows_written = [len(set(ROW_MOVE.findall(move))) for move in moves]
    # With about six articles on screen the list scrolls every few moves; those rewrite it.
    assert sum(1 for rows in rows_written if rows >= 8) >= 5, rows_written
    assert all(size > 0 for size in sizes), sizes
    assert max(sizes) < 1024, sizes
