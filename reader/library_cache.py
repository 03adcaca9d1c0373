"""The SQL behind the library's result caches and blobs, run inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

__all__ = [
    "cache",
    "cache_many",
    "cached",
    "cached_all",
    "clear_cache",
    "get_blob",
    "prune_cache",
    "put_blob",
]


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
    row = conn.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()
    return None if row is None else bytes(row[0])


def put_blob(conn: sqlite3.Connection, name: str, data: bytes, stored_at: str) -> None:
    conn.execute(
        "INSERT INTO blobs (name, data, stored_at) VALUES (?, ?, ?) ON CONFLICT (name) "
        "DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at",
        (name, data, stored_at),
    )
