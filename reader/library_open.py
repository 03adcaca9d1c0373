"""Opening the library file safely: refusing newer or damaged files, backing up before migrating."""

from __future__ import annotations

import glob
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reader.library_errors import (
    LibraryError,
    LibraryNeedsUpgrade,
    describe,
    is_corrupt,
    one_line,
    translate_errors,
)
from reader.library_schema import LATEST_VERSION, apply_migrations, schema_version

__all__ = ["DEFAULT_BUSY_TIMEOUT", "backup_name", "connect"]


DEFAULT_BUSY_TIMEOUT = 5.0
"""Seconds a write waits for another process's transaction before giving up as busy."""


def backup_name(path: Path, label: str, now: datetime) -> Path:
    """A free sibling path ``<name>.<label>-<UTC timestamp>`` (``~2``, ``~3``... if taken)."""
    stem = f"{path.name}.{label}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    candidate = path.with_name(stem)
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}~{number}")
        number += 1
    return candidate


def connect(
    path: Path, *, busy_timeout: float, clock: Callable[[], datetime], upgrade: bool = True
) -> sqlite3.Connection:
    """An autocommit connection to an up-to-date library at ``path`` (created when missing).

    Refuses, with the file untouched, a database written by a newer schema; copies a database
    that is not one (corrupt) to ``<name>.corrupt-<timestamp>`` and refuses it; copies an older
    database to ``<name>.v<N>-backup-<timestamp>`` before migrating it. With ``upgrade`` false
    it copies nothing and migrates nothing: such a file is refused (``LibraryNeedsUpgrade``).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(one_line(f"cannot create {path.parent}: {exc.strerror}")) from exc
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) so that
        # the write lock is taken up front and a busy database fails before anything is done.
        conn = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise LibraryError(describe(exc, path)) from exc
    try:
        _prepare(conn, path, clock, upgrade)
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(
    conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime], upgrade: bool
) -> None:
    try:
        # Reading the header and the schema is what reveals a file that is not a database.
        version = schema_version(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if not is_corrupt(exc):
            raise LibraryError(describe(exc, path)) from exc
        conn.close()
        if not upgrade:  # a copy of a large file is work too: left to an ordinary open
            raise LibraryNeedsUpgrade(f"{path.name} is not a database (corrupt?)") from exc
        kept = _keep_corrupt_copy(path, clock())
        raise LibraryError(
            one_line(
                f"{path.name} is not a database (corrupt?); a copy was kept at {kept}; "
                f"move {path} away to start a new library"
            )
        ) from exc
    if version > LATEST_VERSION:
        raise LibraryError(
            f"{path.name} was written by a newer newsfold (schema v{version}; this one knows "
            f"up to v{LATEST_VERSION}); upgrade newsfold to open it"
        )
    if 0 < version < LATEST_VERSION and not upgrade:
        raise LibraryNeedsUpgrade(f"{path.name} needs a migration from schema v{version}")
    with translate_errors(path):
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # 32 MiB of page cache, not 2: marking a whole 100k list read no longer rereads pages.
        conn.execute("PRAGMA cache_size = -32768")
        if version < LATEST_VERSION:
            if version > 0:
                _backup_before_migration(conn, path, version, clock())
            apply_migrations(conn)


def _keep_corrupt_copy(path: Path, now: datetime) -> Path:
    """Copy the damaged file (and its WAL) aside once; a copy of the same file is reused."""
    stat = path.stat()
    pattern = glob.escape(path.name) + ".corrupt-*"
    for earlier in sorted(path.parent.glob(pattern)):
        if earlier.name.endswith("-wal"):
            continue
        seen = earlier.stat()
        # copy2 keeps the modification time, so same size and time means the same file.
        if (seen.st_size, seen.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return earlier
    target = backup_name(path, "corrupt", now)
    try:
        shutil.copy2(path, target)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, target.with_name(target.name + "-wal"))
    except OSError as exc:
        raise LibraryError(
            one_line(f"{path.name} is not a database (corrupt?) and could not be copied: {exc}")
        ) from exc
    return target


def _backup_before_migration(
    conn: sqlite3.Connection, path: Path, version: int, now: datetime
) -> Path:
    """A consistent copy (SQLite's online backup, WAL included) taken before any schema change."""
    target = backup_name(path, f"v{version}-backup", now)
    destination = sqlite3.connect(target)
    try:
        conn.backup(destination)
    finally:
        destination.close()
    return target
