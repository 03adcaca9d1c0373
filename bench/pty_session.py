"""A program in a pseudo-terminal for the app benchmarks: keys in, bytes and timings out."""

from __future__ import annotations

import fcntl
import math
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

QUIET_SECONDS = 0.02
"""An answer to a key ends when the program wrote nothing for this long."""
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
