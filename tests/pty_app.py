"""The real newsfold command in a pseudo-terminal of a given size, for tests of what it writes."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
from pathlib import Path


def start_newsfold(
    tmp_path: Path, arguments: list[str], rows: int, columns: int
) -> tuple[subprocess.Popen[bytes], int]:
    """``newsfold ARGUMENTS`` in a fresh ``rows`` x ``columns`` pty, with a home, library and
    settings of its own; returns the process and the pty's master end."""
    import fcntl
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(columns),
        "LINES": str(rows),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "NEWSFOLD_DB": str(home / "newsfold.db"),
    }
    # 256 colours, as over SSH (which passes TERM on but not COLORTERM); no browser to start.
    for name in ("TEXTUAL", "NO_COLOR", "BROWSER", "COLORTERM"):
        env.pop(name, None)
    child = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; raise SystemExit(main())", *arguments],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    return child, master


def stop_newsfold(child: subprocess.Popen[bytes], master: int) -> None:
    """Kill the app if it is still running, and close its terminal."""
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=5)
    os.close(master)
