"""The SQL behind the library's result caches and blobs, run inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "BatchWrite",
    "cache",
    "cache_many",
    "cached",
    "cached_all",
    "cached_many",
    "clear_cache",
    "fold_places",
    "get_blob",
    "prune_cache",
    "put_blob",
    "unfolded_ids",
    "write_batch",
]

_CHUNK = 500
"""Ids per ``IN (...)`` query: well under SQLite's limit on bound parameters."""


@dataclass(frozen=True, slots=True)
class BatchWrite:
    """Blobs, cache rows and folded places that must be written together or not at all."""

    expect_blob: tuple[str, bytes | None] | None = None
    """A blob (name, content; None: absent) that must be unchanged, else nothing is written:
    another process wrote its own batch since this one was read."""
    reset_folded: bool = False
    """Mark every article unfolded first (the fold index starts again)."""
    clear_kinds: tuple[str, ...] = ()
    delete_blobs: tuple[str, ...] = ()
    put_blobs: tuple[tuple[str, bytes], ...] = ()
    delete_cache: tuple[tuple[str, str], ...] = ()
    """(kind, key) rows to forget."""
    put_cache: tuple[tuple[str, str, bytes], ...] = ()
    """(kind, key, payload) rows to store."""
    folded: tuple[tuple[str, int], ...] = ()
    """(article id, place in the folding order, from 1) of the articles just folded."""

    @property
    def size(self) -> int:
        """Bytes of blobs and cache payloads written."""
        return sum(len(data) for _, data in self.put_blobs) + sum(
            len(payload) for _, _, payload in self.put_cache
        )


def cached(conn: sqlite3.Connection, kind: str, digest: str) -> bytes | None:
    row = conn.execute(
        "SELECT payload FROM cache WHERE kind = ? AND content_hash = ?", (kind, digest)
    ).fetchone()
    return None if row is None else bytes(row[0])


def cache(conn: sqlite3.Connection, kind: str, digest: str, payload: bytes, stored_at: str) -> None:
    conn.execute(
        "INSERT INTO cache (kind, content_hash, payload, stored_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, content_hash) DO UPDATE SET payload = excluded.payload, "
        "stored_at = excluded.stored_at",
        (kind, digest, payload, stored_at),
    )


def cache_many(
    conn: sqlite3.Connection, kind: str, entries: Iterable[tuple[str, bytes]], stored_at: str
) -> None:
    conn.executemany(
        "INSERT INTO cache (kind, content_hash, payload, stored_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, content_hash) DO UPDATE SET payload = excluded.payload, "
        "stored_at = excluded.stored_at",
        ((kind, key, payload, stored_at) for key, payload in entries),
    )


def cached_all(conn: sqlite3.Connection, kind: str) -> tuple[tuple[str, bytes], ...]:
    rows = conn.execute(
        "SELECT content_hash, payload FROM cache WHERE kind = ?", (kind,)
    ).fetchall()
    return tuple((key, bytes(payload)) for key, payload in rows)


def cached_many(conn: sqlite3.Connection, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        rows = conn.execute(
            "SELECT content_hash, payload FROM cache WHERE kind = ? "
            f"AND content_hash IN ({', '.join('?' * len(chunk))})",
            (kind, *chunk),
        )
        found.update((key, bytes(payload)) for key, payload in rows)
    return found


def unfolded_ids(conn: sqlite3.Connection) -> tuple[str, ...]:
    """Articles not folded yet, oldest first (the list's order reversed), from a partial index."""
    # Named: with statistics from a library where everything was folded, the planner would
    # rather walk the whole time index than this (then empty) partial one.
    rows = conn.execute(
        "SELECT id FROM articles INDEXED BY articles_unfolded WHERE folded = 0 "
        "ORDER BY sort_at, seq"
    )
    return tuple(row[0] for row in rows)


def fold_places(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """Each folded article's place in the folding order (unfolded and unknown ids left out)."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        rows = conn.execute(
            f"SELECT id, folded FROM articles WHERE id IN ({', '.join('?' * len(chunk))}) "
            "AND folded > 0",
            chunk,
        )
        found.update((str(article_id), int(place)) for article_id, place in rows)
    return found


def write_batch(conn: sqlite3.Connection, batch: BatchWrite, stored_at: str) -> bool:
    """Everything in ``batch``, in the caller's transaction; False (nothing written) when the
    expected blob changed."""
    if batch.expect_blob is not None:
        name, expected = batch.expect_blob
        if get_blob(conn, name) != expected:
            return False
    if batch.reset_folded:
        conn.execute("UPDATE articles SET folded = 0 WHERE folded <> 0")
    for kind in batch.clear_kinds:
        clear_cache(conn, kind)
    conn.executemany("DELETE FROM blobs WHERE name = ?", ((name,) for name in batch.delete_blobs))
    for name, data in batch.put_blobs:
        put_blob(conn, name, data, stored_at)
    conn.executemany("DELETE FROM cache WHERE kind = ? AND content_hash = ?", batch.delete_cache)
    conn.executemany(
        "INSERT INTO cache (kind, content_hash, payload, stored_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, content_hash) DO UPDATE SET payload = excluded.payload, "
        "stored_at = excluded.stored_at",
        ((kind, key, payload, stored_at) for kind, key, payload in batch.put_cache),
    )
    conn.executemany(
        "UPDATE articles SET folded = ? WHERE id = ?",
        ((place, article_id) for article_id, place in batch.folded),
    )
    return True


def clear_cache(conn: sqlite3.Connection, kind: str) -> int:
    return conn.execute("DELETE FROM cache WHERE kind = ?", (kind,)).rowcount


def prune_cache(conn: sqlite3.Connection, kind: str) -> int:
    cursor = conn.execute(
        "DELETE FROM cache WHERE kind = ? "
        "AND content_hash NOT IN (SELECT content_hash FROM articles)",
        (kind,),
    )
    return cursor.rowcount


def get_blob(conn: sqlite3.Connection, name: str) -> bytes | None:
    row = conn.execute("SELECT rowid FROM blobs WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    # Read in place rather than selected: one copy instead of two, half the time for the
    # hundreds of megabytes a big library's fold index takes.
    with conn.blobopen("blobs", "data", row[0], readonly=True) as blob:
        return blob.read()


def put_blob(conn: sqlite3.Connection, name: str, data: bytes, stored_at: str) -> None:
    conn.execute(
        "INSERT INTO blobs (name, data, stored_at) VALUES (?, ?, ?) ON CONFLICT (name) "
        "DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at",
        (name, data, stored_at),
    )
