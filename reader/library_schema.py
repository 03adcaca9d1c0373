"""The library schema: its migrations, applied in order by ``PRAGMA user_version``."""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Callable
from dataclasses import dataclass

# Re-exported: callers have long taken the library's error from here.
from reader.library_errors import LibraryError, describe, translate_errors

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "LibraryError",
    "Migration",
    "apply_migrations",
    "describe",
    "full_text_search_available",
    "schema_version",
    "translate_errors",
]


@dataclass(frozen=True, slots=True)
class Migration:
    """The statements that take a database from ``version - 1`` to ``version``."""

    version: int
    description: str
    statements: tuple[str, ...]
    needs: Callable[[sqlite3.Connection], bool] | None = None
    """When given and false for this SQLite, the version is reached without the statements:
    an optional feature this build lacks (``reader.library_search`` adds it later if it can)."""
    then: Callable[[sqlite3.Connection], None] | None = None
    """Run after the statements, in the same transaction: fills what SQL alone cannot."""


def full_text_search_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 and the JSON functions the search index is built with."""
    del conn  # every connection of a process shares one SQLite build: probe a scratch one
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
        probe.execute("SELECT value FROM json_each('[1]')").fetchall()
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


# How the search index follows the text (see migration 3): remove what a row had, add what it has.
_UNINDEX_OLD = (
    "INSERT INTO article_search (article_search, rowid, title, body) "
    "SELECT 'delete', * FROM article_search_text WHERE seq = old.seq;"
)
_INDEX_NEW = (
    "INSERT INTO article_search (rowid, title, body) "
    "SELECT * FROM article_search_text WHERE seq = new.seq;"
)

# How the page index follows fetched full text (see migration 5). Its table keeps its own copy,
# so a page leaves it by rowid alone and a row that never was indexed is simply not there.
# reader.full_text.CACHE_KIND, written out: a released migration never changes.
_PAGE_KIND = "'full-text'"


def _page_json(payload: str) -> str:
    """The payload as JSON text, NULL when it is not JSON. Read as text: a newer SQLite would
    take the BLOB for JSONB. Never an error, so a bad payload cannot fail the write storing it."""
    return f"CASE WHEN json_valid(CAST({payload} AS TEXT)) THEN CAST({payload} AS TEXT) END"


def _is_page(payload: str) -> str:
    return f"json_type({_page_json(payload)}, '$.paragraphs') = 'array'"


def _page_text(payload: str) -> str:
    """A fetched page's paragraphs joined by newlines (its payload is UTF-8 JSON
    ``{"url", "source_url", "title", "paragraphs": [...]}``)."""
    return (
        "(SELECT group_concat(p.value, char(10)) "
        f"FROM json_each({_page_json(payload)}, '$.paragraphs') AS p WHERE p.type = 'text')"
    )


def _seq_of(row: str) -> str:
    """The seq of the article a cache row ``row`` (new or old) is keyed by."""
    return f"(SELECT seq FROM articles WHERE id = {row}.content_hash)"


def _unindex_page(seq: str) -> str:
    return f"DELETE FROM page_search WHERE rowid = {seq};"


def _index_cached_page(row: str) -> str:
    """Put the cache row ``row`` in the index when it is a page.

    Removes first, so that adding never meets a row already indexed under that rowid: a cache
    row pushed out by INSERT OR REPLACE (or UPDATE OR REPLACE) leaves without its delete trigger,
    recursive triggers being off. Reads the payload from the row rather than through the view:
    the cache is not looked up again.
    """
    # Only a page may take out what is indexed under its key: a row updated into another
    # kind under another article's id must leave that article's page alone.
    return (
        f"DELETE FROM page_search WHERE rowid = {_seq_of(row)} AND {row}.kind = {_PAGE_KIND}; "
        "INSERT INTO page_search (rowid, page) "
        f"SELECT seq, {_page_text(row + '.payload')} FROM articles "
        f"WHERE id = {row}.content_hash AND {row}.kind = {_PAGE_KIND} "
        f"AND {_is_page(row + '.payload')};"
    )


def _index_article_page(seq: str) -> str:
    return (
        f"{_unindex_page(seq)} "
        f"INSERT INTO page_search (rowid, page) SELECT * FROM page_search_text WHERE seq = {seq};"
    )


def _number_folded_articles(conn: sqlite3.Connection) -> None:
    """Give the articles a fold index saved before version 4 already folded their place in it.

    Reads only the header of that index (blob ``fold-index``: ``NFIX``, a little-endian u32
    length, JSON with ``article_ids`` in folding order); a blob that is not one is left to the
    folder, which starts again from nothing when it cannot read its index.
    """
    row = conn.execute("SELECT data FROM blobs WHERE name = 'fold-index'").fetchone()
    if row is None:
        return
    blob = bytes(row[0])
    try:
        if blob[:4] != b"NFIX":
            return
        (size,) = struct.unpack("<I", blob[4:8])
        ids = json.loads(blob[8 : 8 + size].decode("utf-8"))["article_ids"]
    except (struct.error, ValueError, KeyError, TypeError):
        return
    conn.executemany(
        "UPDATE articles SET folded = ? WHERE id = ?",
        ((place, str(article_id)) for place, article_id in enumerate(ids, start=1)),
    )


# Append only: a released migration never changes, because databases in the wild already ran it.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="feeds, articles and their paragraphs",
        statements=(
            """
            CREATE TABLE feeds (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL DEFAULT '',
                etag TEXT NOT NULL DEFAULT '',
                last_modified TEXT NOT NULL DEFAULT '',
                last_fetch_at TEXT,
                last_error TEXT NOT NULL DEFAULT '',
                added_at TEXT NOT NULL
            )
            """,
            # seq is the rowid the bodies hang off; id is the short public id shown to users.
            # sort_at (epoch seconds of published, else fetched) orders the list with one index.
            """
            CREATE TABLE articles (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                title TEXT NOT NULL DEFAULT '',
                url TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL DEFAULT '',
                author TEXT NOT NULL DEFAULT '',
                published TEXT,
                sort_at REAL NOT NULL,
                content_hash TEXT NOT NULL,
                summary_only INTEGER NOT NULL DEFAULT 0 CHECK (summary_only IN (0, 1)),
                origin TEXT NOT NULL DEFAULT '',
                fetched_at TEXT NOT NULL,
                updated_at TEXT,
                read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
                starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                read_at TEXT
            )
            """,
            "CREATE UNIQUE INDEX articles_identity ON articles(feed_id, key)",
            # NULLs are distinct in a UNIQUE index, so file-loaded articles need their own.
            "CREATE UNIQUE INDEX articles_file_identity ON articles(key) WHERE feed_id IS NULL",
            "CREATE INDEX articles_by_time ON articles(sort_at)",
            "CREATE INDEX articles_feed_by_time ON articles(feed_id, sort_at)",
            # Paragraphs live apart so the list query scans small rows, not article text.
            """
            CREATE TABLE article_bodies (
                seq INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
                paragraphs TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=2,
        description="result cache, named blobs, unread and starred indexes",
        statements=(
            """
            CREATE TABLE cache (
                kind TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                payload BLOB NOT NULL,
                stored_at TEXT NOT NULL,
                UNIQUE (kind, content_hash)
            )
            """,
            """
            CREATE TABLE blobs (
                name TEXT PRIMARY KEY,
                data BLOB NOT NULL,
                stored_at TEXT NOT NULL
            )
            """,
            # Unread counts per feed come from this index alone, without touching the table.
            "CREATE INDEX articles_unread ON articles(feed_id) WHERE read = 0 AND archived = 0",
            "CREATE INDEX articles_starred ON articles(sort_at) WHERE starred = 1",
        ),
    ),
    Migration(
        version=3,
        description="full-text search index over titles and bodies",
        # Looked up when it runs, so that a test can stand in for a build without FTS5.
        needs=lambda conn: full_text_search_available(conn),
        statements=(
            """
            CREATE VIEW article_search_text (seq, title, body) AS
            SELECT a.seq, a.title,
                (SELECT group_concat(p.value, char(10)) FROM json_each(b.paragraphs) AS p)
            FROM articles a JOIN article_bodies b ON b.seq = a.seq
            """,
            # Contentless: the text stays in articles and article_bodies only. A contentless
            # row is deleted by giving back the exact text indexed, which the view recomputes
            # before any change; so each trigger below removes the old text, then adds the new.
            """
            CREATE VIRTUAL TABLE article_search USING fts5(
                title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
            )
            """,
            "INSERT INTO article_search (rowid, title, body) SELECT * FROM article_search_text",
            *(
                f"CREATE TRIGGER article_search_{name} {when} ON {table} BEGIN {action} END"
                for name, when, table, action in (
                    # An article finds no body yet when inserted; this matters only for a body
                    # stored first by a connection without foreign keys.
                    ("article_added", "AFTER INSERT", "articles", _INDEX_NEW),
                    ("body_added", "AFTER INSERT", "article_bodies", _INDEX_NEW),
                    ("title_changing", "BEFORE UPDATE OF seq, title", "articles", _UNINDEX_OLD),
                    ("title_changed", "AFTER UPDATE OF seq, title", "articles", _INDEX_NEW),
                    ("body_changing", "BEFORE UPDATE", "article_bodies", _UNINDEX_OLD),
                    ("body_changed", "AFTER UPDATE", "article_bodies", _INDEX_NEW),
                    # A deleted article leaves the index before its body cascades away; by
                    # then the view no longer has it, so nothing is removed twice.
                    ("article_deleting", "BEFORE DELETE", "articles", _UNINDEX_OLD),
                    ("body_deleting", "BEFORE DELETE", "article_bodies", _UNINDEX_OLD),
                )
            ),
        ),
    ),
    Migration(
        version=4,
        description="which articles are folded, and where in the folding order",
        statements=(
            # 0 until folded, then the article's 1-based place in the order articles were
            # folded in (the fold index's order: a fold always points to an earlier place).
            "ALTER TABLE articles ADD COLUMN folded INTEGER NOT NULL DEFAULT 0",
            # Finds what a refresh must fold without reading every row (seq may be reused after
            # a delete, so "seq above the last folded one" would miss articles).
            "CREATE INDEX articles_unfolded ON articles(sort_at) WHERE folded = 0",
        ),
        then=_number_folded_articles,
    ),
    Migration(
        version=5,
        description="full-text search index over the pages fetched for summary-only articles",
        # Like version 3: reached without the index by a build without FTS5.
        needs=lambda conn: full_text_search_available(conn),
        statements=(
            # A fetched page is a 'full-text' cache row keyed by the article's id; one whose
            # payload is not JSON with a list of paragraphs is left out.
            f"""
            CREATE VIEW page_search_text (seq, page) AS
            SELECT a.seq, {_page_text("c.payload")}
            FROM cache c JOIN articles a ON a.id = c.content_hash
            WHERE c.kind = {_PAGE_KIND} AND {_is_page("c.payload")}
            """,
            """
            CREATE VIRTUAL TABLE page_search USING fts5(
                page, tokenize = 'unicode61 remove_diacritics 2'
            )
            """,
            "INSERT INTO page_search (rowid, page) SELECT * FROM page_search_text",
            *(
                f"CREATE TRIGGER page_search_{name} {when} ON {table} {only} BEGIN {action} END"
                for name, when, table, only, action in (
                    (
                        "cache_added",
                        "AFTER INSERT",
                        "cache",
                        f"WHEN new.kind = {_PAGE_KIND}",
                        _index_cached_page("new"),
                    ),
                    # Either side may be a page: a row can change kind or key as well as text.
                    (
                        "cache_changed",
                        "AFTER UPDATE",
                        "cache",
                        f"WHEN old.kind = {_PAGE_KIND} OR new.kind = {_PAGE_KIND}",
                        _unindex_page(_seq_of("old")) + _index_cached_page("new"),
                    ),
                    (
                        "cache_deleted",
                        "AFTER DELETE",
                        "cache",
                        f"WHEN old.kind = {_PAGE_KIND}",
                        _unindex_page(_seq_of("old")),
                    ),
                    # Pages outlive their article in the cache until pruned: an article stored
                    # again finds its page, and a seq reused by another article never does.
                    # Guarded: almost every article stored has no page, and one probe of the
                    # cache's key costs less than a delete from the index.
                    (
                        "article_added",
                        "AFTER INSERT",
                        "articles",
                        "WHEN EXISTS (SELECT 1 FROM cache "
                        f"WHERE kind = {_PAGE_KIND} AND content_hash = new.id)",
                        _index_article_page("new.seq"),
                    ),
                    (
                        "article_changed",
                        "AFTER UPDATE OF seq, id",
                        "articles",
                        "",
                        _unindex_page("old.seq") + _index_article_page("new.seq"),
                    ),
                    ("article_deleted", "AFTER DELETE", "articles", "", _unindex_page("old.seq")),
                )
            ),
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's ``user_version``: 0 for a new file, else the last migration it ran."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def apply_migrations(conn: sqlite3.Connection, *, target: int = LATEST_VERSION) -> int:
    """Run every migration after the current version up to ``target``, each in its own transaction.

    A migration and its ``user_version`` bump commit together, so an interrupted upgrade leaves
    the database at the last whole version. Returns the version reached. The connection must be
    in autocommit mode (``isolation_level=None``).
    """
    by_version = {migration.version: migration for migration in MIGRATIONS}
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read under the write lock: another process may have migrated while we waited.
            version = schema_version(conn)
            migration = by_version.get(version + 1)
            if migration is None or migration.version > target:
                conn.execute("COMMIT")
                return version
            if migration.needs is None or migration.needs(conn):
                for statement in migration.statements:
                    conn.execute(statement)
                if migration.then is not None:
                    migration.then(conn)
            # PRAGMA takes no parameters; the version is an int from this module.
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
