"""Full-text search of the stored library: its FTS5 index kept whole, and queries of it."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from reader import library_schema
from reader.library_schema import MIGRATIONS, Migration, schema_version

__all__ = [
    "DEFAULT_LIMIT",
    "MIN_PREFIX",
    "ensure_search_index",
    "match_expression",
    "page_search_ready",
    "search_article_ids",
    "text_search_ready",
]

DEFAULT_LIMIT = 2000
"""Most ids a search returns, best first: more than anyone scrolls through."""

MIN_PREFIX = 3
"""Letters the last word needs before it matches as a prefix: ``t*`` would match everything."""

TITLE_WEIGHT = 2.0
"""How much more a word in the title counts than one in the body (bm25 column weight)."""


@dataclass(frozen=True, slots=True)
class _Index:
    """One search index: the migration that makes it (and remakes it), and what it makes."""

    migration: Migration
    objects: frozenset[str]


_CREATED = re.compile(r"CREATE\s+(?:VIEW|VIRTUAL\s+TABLE|TRIGGER)\s+(\w+)", re.IGNORECASE)


def _index(version: int) -> _Index:
    migration = next(migration for migration in MIGRATIONS if migration.version == version)
    objects = frozenset(
        match.group(1)
        for statement in migration.statements
        for match in _CREATED.finditer(statement)
    )
    return _Index(migration, objects)


_ARTICLES = _index(3)
"""Titles and bodies (``article_search``)."""
_PAGES = _index(5)
"""Pages fetched for summary-only articles (``page_search``)."""
_INDEXES = (_ARTICLES, _PAGES)


def _present(conn: sqlite3.Connection, index: _Index) -> dict[str, str]:
    """Name to type of each of the index's objects the database has."""
    rows = conn.execute("SELECT name, type FROM sqlite_master")
    return {name: kind for name, kind in rows if name in index.objects}


def _whole(conn: sqlite3.Connection, index: _Index) -> bool:
    return (
        schema_version(conn) >= index.migration.version
        and set(_present(conn, index)) == index.objects
    )


def text_search_ready(conn: sqlite3.Connection) -> bool:
    """Whether the title and body index is there with every trigger that keeps it in step."""
    return _whole(conn, _ARTICLES)


def page_search_ready(conn: sqlite3.Connection) -> bool:
    """Whether fetched pages are searched too: both indexes there with all their triggers."""
    return text_search_ready(conn) and _whole(conn, _PAGES)


def _needs_work(present: dict[str, str], index: _Index, available: bool) -> bool:
    if available:
        return set(present) != index.objects
    return "trigger" in present.values()


def _make_whole_or_harmless(conn: sqlite3.Connection, index: _Index, available: bool) -> None:
    """Inside the caller's write transaction: rebuild an index that lacks anything, or drop the
    triggers that would make every write of its text fail in a build without FTS5."""
    present = _present(conn, index)
    if not _needs_work(present, index, available):
        return  # another process has just done it
    triggers = [name for name, kind in present.items() if kind == "trigger"]
    others = [name for name, kind in present.items() if kind != "trigger"]
    # Triggers first, as they name the table; without FTS5 the table cannot be dropped.
    for name in [*triggers, *others] if available else triggers:
        conn.execute(f'DROP {present[name].upper()} "{name}"')
    if available:
        for statement in index.migration.statements:
            conn.execute(statement)


def _indexes_to_fix(conn: sqlite3.Connection) -> tuple[list[_Index], bool]:
    """The indexes this schema has that need work, and whether this SQLite has FTS5."""
    version = schema_version(conn)
    indexes = [index for index in _INDEXES if version >= index.migration.version]
    if not indexes:
        return [], False
    available = library_schema.full_text_search_available(conn)
    return [i for i in indexes if _needs_work(_present(conn, i), i, available)], available


def search_index_needs_work(conn: sqlite3.Connection) -> bool:
    """Whether ``ensure_search_index`` would write: an index to build, or triggers to drop."""
    return bool(_indexes_to_fix(conn)[0])


def ensure_search_index(conn: sqlite3.Connection) -> bool:
    """Make each index whole when this SQLite has FTS5, else make it harmless; returns whether
    text search works. ``conn`` must be in autocommit mode.

    A library migrated by a build without FTS5 has no index: it is built here, once, by the
    first build that has it. A build without FTS5 could not write articles (or cache fetched
    pages) past the indexes' triggers, so it drops them; the stale index they leave is rebuilt
    the same way later. Each index is rebuilt alone: a page index lost does not cost a rebuild
    of every title and body.
    """
    indexes, available = _indexes_to_fix(conn)
    if not indexes:
        return available
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Again under the write lock: another process may have just done the same.
        for index in indexes:
            _make_whole_or_harmless(conn, index, available)
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


# bm25() in ORDER BY measured faster than the ``rank`` column configured with the same weights.
_BEST_BY_TEXT = (
    "SELECT hit.seq, hit.score, a.id FROM ("
    "  SELECT rowid AS seq, bm25(article_search, ?, 1.0) AS score FROM article_search"
    "  WHERE article_search MATCH ? ORDER BY score LIMIT ?"
    ") AS hit JOIN articles a ON a.seq = hit.seq"
)
# The same, with the articles of ``paged`` (a JSON list of seqs) first, whatever their score:
# one pass over the matches, where a query per article would count every match again for the
# bm25 of each (FTS5 works out a word's frequency across the whole index on every query).
_BEST_BY_TEXT_AND_PAGED = (
    "SELECT hit.seq, hit.score, a.id FROM ("
    "  SELECT rowid AS seq, bm25(article_search, ?, 1.0) AS score FROM article_search"
    "  WHERE article_search MATCH ?"
    "  ORDER BY rowid IN (SELECT value FROM json_each(?)) DESC, score LIMIT ?"
    ") AS hit JOIN articles a ON a.seq = hit.seq"
)
# Every hit: only the few articles whose page was fetched are in this index.
_BY_PAGE = "SELECT rowid, bm25(page_search) FROM page_search WHERE page_search MATCH ?"


def search_article_ids(
    conn: sqlite3.Connection, query: str, *, limit: int = DEFAULT_LIMIT
) -> tuple[str, ...] | None:
    """Ids of the articles whose title and text, or whose fetched page, hold every word of
    ``query``, best first, at most ``limit``; None when the library has no search index (no
    FTS5).

    An article's score is its bm25 in the title and body index plus its bm25 in the page index
    (0 where it does not match): bm25 is negative, lower is better, so matching in both ranks
    above matching in either alone. The two are computed over different sets of documents, so a
    page's score is only roughly comparable with a body's (and a word in most fetched pages
    scores next to nothing there). Words are not pooled across the two: a query with some words
    only in the title or body and the others only in the fetched page finds nothing; one of the
    two must hold every word.
    """
    if not text_search_ready(conn):
        return None
    expression = match_expression(query)
    if expression is None or limit <= 0:
        return ()
    pages = dict(conn.execute(_BY_PAGE, (expression,))) if _whole(conn, _PAGES) else {}
    if pages:
        # Exact: besides every article with a page match, the best ``limit`` others; an article
        # left out scores no better than any of those.
        paged = json.dumps(list(pages))
        parameters: tuple[object, ...] = (TITLE_WEIGHT, expression, paged, limit + len(pages))
        text_hits = conn.execute(_BEST_BY_TEXT_AND_PAGED, parameters).fetchall()
    else:
        text_hits = conn.execute(_BEST_BY_TEXT, (TITLE_WEIGHT, expression, limit)).fetchall()
    scores = {
        seq: (score + pages.pop(seq, 0.0), article_id) for seq, score, article_id in text_hits
    }
    if pages:  # matched in the page alone
        scores.update(_page_only(conn, pages))
    ranked = sorted(scores.values(), key=lambda hit: hit[0])
    return tuple(article_id for _, article_id in ranked[:limit])


def _page_only(conn: sqlite3.Connection, pages: dict[int, float]) -> dict[int, tuple[float, str]]:
    """Seq to (page score, article id) for these page matches."""
    rows = conn.execute(
        "SELECT seq, id FROM articles WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps(list(pages)),),
    )
    return {seq: (pages[seq], article_id) for seq, article_id in rows}
