"""Full-text search of the stored library: its FTS5 index kept whole, and queries of it."""

from __future__ import annotations

import re
import sqlite3

from reader import library_schema
from reader.library_schema import MIGRATIONS, schema_version

__all__ = [
    "DEFAULT_LIMIT",
    "MIN_PREFIX",
    "ensure_search_index",
    "match_expression",
    "search_article_ids",
    "text_search_ready",
]

DEFAULT_LIMIT = 2000
"""Most ids a search returns, best first: more than anyone scrolls through."""

MIN_PREFIX = 3
"""Letters the last word needs before it matches as a prefix: ``t*`` would match everything."""

TITLE_WEIGHT = 2.0
"""How much more a word in the title counts than one in the body (bm25 column weight)."""

# Migration 3 made the index; it is also what puts back an index that is missing or stale.
_MIGRATION = next(migration for migration in MIGRATIONS if migration.version == 3)
_CREATED = re.compile(r"CREATE\s+(?:VIEW|VIRTUAL\s+TABLE|TRIGGER)\s+(\w+)", re.IGNORECASE)
_INDEX_OBJECTS = frozenset(
    match.group(1) for statement in _MIGRATION.statements for match in _CREATED.finditer(statement)
)


def _present(conn: sqlite3.Connection) -> dict[str, str]:
    """Name to type of each index object the database has."""
    rows = conn.execute("SELECT name, type FROM sqlite_master WHERE name LIKE 'article_search%'")
    return {name: kind for name, kind in rows if name in _INDEX_OBJECTS}


def text_search_ready(conn: sqlite3.Connection) -> bool:
    """Whether the index is there with every trigger that keeps it in step with the text."""
    return schema_version(conn) >= _MIGRATION.version and set(_present(conn)) == _INDEX_OBJECTS


def ensure_search_index(conn: sqlite3.Connection) -> bool:
    """Make the index whole when this SQLite has FTS5, else make it harmless; returns whether
    text search works. ``conn`` must be in autocommit mode.

    A library migrated by a build without FTS5 has no index: it is built here, once, by the
    first build that has it. A build without FTS5 could not write articles past the index's
    triggers, so it drops them; the stale index they leave is rebuilt the same way later.
    """
    if schema_version(conn) < _MIGRATION.version:
        return False
    available = library_schema.full_text_search_available(conn)
    present = _present(conn)
    if available and set(present) == _INDEX_OBJECTS:
        return True
    if not available and "trigger" not in present.values():
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Again under the write lock: another process may have just done the same.
        present = _present(conn)
        rebuild = available and set(present) != _INDEX_OBJECTS
        triggers = [name for name, kind in present.items() if kind == "trigger"]
        others = [name for name, kind in present.items() if kind != "trigger"]
        # Triggers first, as they name the table; without FTS5 the table cannot be dropped.
        doomed = [*triggers, *others] if rebuild else [] if available else triggers
        for name in doomed:
            conn.execute(f'DROP {present[name].upper()} "{name}"')
        if rebuild:
            for statement in _MIGRATION.statements:
                conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return available


def _searchable(word: str) -> bool:
    # A word of punctuation alone has no token: as an empty phrase it would match nothing.
    return any(character.isalnum() for character in word)


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a reader typed, or None when no word of it can match.

    Each word becomes a quoted string, so ``"``, ``*``, ``-``, ``:``, parentheses, ``NEAR``,
    ``AND``... are searched as text, never read as query syntax; a word with punctuation
    inside (``don't``, ``e-mail``) matches its parts side by side. Every word is required, and
    the last one, still being typed, also matches longer words once it has ``MIN_PREFIX``
    characters.
    """
    # FTS5 reads the query as C text: a NUL would end it inside a quoted string.
    text = query.encode("utf-8", "replace").decode("utf-8").replace("\0", " ")
    words = [word for word in text.split() if _searchable(word)]
    if not words:
        return None
    phrases = ['"' + word.replace('"', '""') + '"' for word in words]
    if len(words[-1]) >= MIN_PREFIX:
        phrases[-1] += "*"
    return " ".join(phrases)


def search_article_ids(
    conn: sqlite3.Connection, query: str, *, limit: int = DEFAULT_LIMIT
) -> tuple[str, ...] | None:
    """Ids of the articles whose title and text hold every word of ``query``, best (bm25)
    first, at most ``limit``; None when the library has no search index (no FTS5)."""
    if not text_search_ready(conn):
        return None
    expression = match_expression(query)
    if expression is None or limit <= 0:
        return ()
    # bm25() in ORDER BY measured faster than the ``rank`` column configured with the same weights.
    rows = conn.execute(
        "SELECT a.id FROM ("
        "  SELECT rowid AS seq, bm25(article_search, ?, 1.0) AS score FROM article_search"
        "  WHERE article_search MATCH ? ORDER BY score LIMIT ?"
        ") AS hit JOIN articles a ON a.seq = hit.seq ORDER BY hit.score",
        (TITLE_WEIGHT, expression, limit),
    )
    return tuple(row[0] for row in rows)
