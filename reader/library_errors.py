"""Library errors: SQLite failures turned into one-line messages fit to show the reader."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "LibraryError",
    "LibraryNeedsUpgrade",
    "describe",
    "is_corrupt",
    "one_line",
    "translate_errors",
]

# Primary result codes (the low byte of an extended code) that get their own message.
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


class LibraryError(Exception):
    """A library failure explained in one line, fit to show the reader instead of a traceback."""


class LibraryNeedsUpgrade(LibraryError):
    """Opening without upgrading found work to do first: a migration or a search index to build."""


def _result_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def is_corrupt(exc: sqlite3.Error) -> bool:
    return _result_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _is_busy(exc: sqlite3.Error) -> bool:
    return _result_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def one_line(text: str) -> str:
    return " ".join(text.split())


def describe(exc: sqlite3.Error, path: Path) -> str:
    """The one-line message a SQLite error becomes."""
    if _is_busy(exc):
        return one_line(f"library is busy: another newsfold is writing to {path.name}; try again")
    if is_corrupt(exc):
        return one_line(f"{path.name} is damaged ({exc}); the file was left as it is")
    if _result_code(exc) == _SQLITE_CANTOPEN:
        return one_line(f"cannot open library {path}: {exc}")
    return one_line(f"library {path.name}: {exc}")


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn any SQLite error raised inside the block into a ``LibraryError``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise LibraryError(describe(exc, path)) from exc
