"""The persistent library: subscriptions, stored articles, their flags and result caches."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from reader import library_cache, library_flags, library_reads, library_search
from reader.library_cache import BatchWrite
from reader.library_errors import LibraryError, LibraryNeedsUpgrade, translate_errors
from reader.library_open import DEFAULT_BUSY_TIMEOUT, connect
from reader.library_rows import (
    ArticleRow,
    Entry,
    FlagChange,
    NewItem,
    StoreResult,
    Subscription,
    article_record,
    content_hash,
    store_entries,
)
from reader.model import Article

__all__ = [
    "ArticleRow",
    "BatchWrite",
    "FlagChange",
    "Library",
    "LibraryError",
    "LibraryNeedsUpgrade",
    "NewItem",
    "StoreResult",
    "Subscription",
    "article_record",
    "content_hash",
]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Library:
    """One SQLite connection to the library; every write is a single transaction.

    Safe to share between threads (calls are serialised). Use ``Library.open`` and close it, or
    use it as a context manager.
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = _utc_now,
        upgrade: bool = True,
    ) -> Library:
        """Open (creating or migrating) the library at ``path``; raises ``LibraryError``.

        With ``upgrade`` false an existing library that needs a migration or a search index built
        is left untouched and refused with ``LibraryNeedsUpgrade``: opening stays quick.
        """
        where = Path(path).expanduser()
        conn = connect(where, busy_timeout=busy_timeout, clock=clock, upgrade=upgrade)
        try:
            with translate_errors(where):
                if upgrade:
                    library_search.ensure_search_index(conn)
                elif library_search.search_index_needs_work(conn):
                    raise LibraryNeedsUpgrade(f"{where.name} needs its search index built")
        except BaseException:
            conn.close()
            raise
        return cls(conn, where, clock)

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # best effort: statistics only make later queries faster
            self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock, translate_errors(self.path):
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that commits whole or not at all; the write lock is taken first."""
        with self._lock, translate_errors(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (disk full...); a second ROLLBACK would
                # hide the real error behind "no transaction is active".
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # Subscriptions ---------------------------------------------------------------------------

    def subscribe(self, url: str, title: str = "") -> Subscription:
        """Subscribe to ``url`` (again is harmless; a non-empty ``title`` replaces the old one)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) ON CONFLICT (url) "
                "DO UPDATE SET title = coalesce(nullif(excluded.title, ''), title)",
                (url, title, self._clock().isoformat()),
            )
        return next(s for s in self.subscriptions() if s.url == url)

    def unsubscribe(self, url: str) -> int:
        """Forget a feed and its articles, except starred ones, which stay as kept articles.

        Returns how many articles were removed.
        """
        with self._write() as conn:
            feed = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if feed is None:
                return 0
            # A kept article's key gets the feed url in front so it cannot clash with a file's.
            conn.execute(
                "UPDATE OR IGNORE articles SET feed_id = NULL, key = ? || char(10) || key "
                "WHERE feed_id = ? AND starred = 1",
                (url, feed[0]),
            )
            removed = conn.execute("SELECT count(*) FROM articles WHERE feed_id = ?", feed)
            count = int(removed.fetchone()[0])
            conn.execute("DELETE FROM feeds WHERE id = ?", feed)
        return count

    def subscriptions(self) -> tuple[Subscription, ...]:
        """Every feed by title, each with its unread (and not archived) count."""
        with self._read() as conn:
            return library_reads.subscriptions(conn)

    def record_error(self, feed_url: str, error: str) -> None:
        """Remember why the last fetch of a feed failed (shown next to it)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = ?, last_fetch_at = ? WHERE url = ?",
                (error, self._clock().isoformat(), feed_url),
            )

    def record_not_modified(self, feed_url: str) -> None:
        """A fetch that the server answered with 304: fetched now, no error, nothing new."""
        with self._write() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = '', last_fetch_at = ? WHERE url = ?",
                (self._clock().isoformat(), feed_url),
            )

    # Storing ---------------------------------------------------------------------------------

    def store_items(
        self,
        feed_url: str,
        items: Sequence[NewItem],
        *,
        etag: str,
        last_modified: str,
        feed_title: str = "",
    ) -> StoreResult:
        """Store a fetch's items and the feed's new validators in one transaction.

        An item already stored (same feed, same key) is updated only when its text or details
        changed, keeping its flags; a summary never replaces a full text already stored.
        """
        with self._write() as conn:
            feed = conn.execute("SELECT id, title FROM feeds WHERE url = ?", (feed_url,)).fetchone()
            if feed is None:
                raise LibraryError(f"not subscribed to {feed_url}")
            feed_id, stored_title = feed
            source = feed_title or stored_title or urlsplit(feed_url).netloc or feed_url
            entries = [
                Entry(
                    item.key,
                    item.title,
                    item.url,
                    source,
                    item.author,
                    item.published,
                    item.paragraphs,
                    item.summary_only,
                    feed_url,
                )
                for item in items
            ]
            result = store_entries(conn, feed_id, f"{feed_url}\n", entries, self._clock())
            conn.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, last_fetch_at = ?, last_error = '', "
                "title = CASE WHEN ? <> '' THEN ? ELSE title END WHERE id = ?",
                (etag, last_modified, self._clock().isoformat(), feed_title, feed_title, feed_id),
            )
        return result

    def store_articles(self, articles: Sequence[Article], *, origin: str) -> StoreResult:
        """Store loaded articles (no feed), identified by their text: loading again adds nothing.

        Each keeps its own ``origin`` when it has one, else gets ``origin``.
        """
        entries = [
            Entry(
                content_hash(a.title, a.paragraphs),
                a.title,
                a.url,
                a.source,
                "",
                a.published,
                a.paragraphs,
                False,
                a.origin or origin,
            )
            for a in articles
        ]
        with self._write() as conn:
            return store_entries(conn, None, "\n", entries, self._clock())

    # Reading ---------------------------------------------------------------------------------

    def rows(
        self,
        *,
        unread: bool = False,
        starred: bool = False,
        include_archived: bool = False,
        feed_id: int | None = None,
        limit: int | None = None,
    ) -> tuple[ArticleRow, ...]:
        """The article list, newest first (published time, else when it was first fetched);
        ``limit`` gives just the first rows, e.g. one screenful to paint at once."""
        with self._read() as conn:
            return library_reads.article_rows(
                conn,
                unread=unread,
                starred=starred,
                include_archived=include_archived,
                feed_id=feed_id,
                limit=limit,
            )

    def article(self, article_id: str) -> Article:
        """The full article; raises ``KeyError`` for an unknown id."""
        found = self.articles([article_id])
        if not found:
            raise KeyError(article_id)
        return found[0]

    def articles(self, ids: Sequence[str]) -> tuple[Article, ...]:
        """Full articles in the order asked for (unknown ids left out), a few queries in all."""
        with self._read() as conn:
            return library_reads.articles(conn, ids)

    def search_text(
        self, query: str, *, limit: int = library_search.DEFAULT_LIMIT
    ) -> tuple[str, ...] | None:
        """Ids of articles whose title and text have every word of ``query`` (the last one also
        as a prefix), best first; None when this SQLite cannot search text (no FTS5)."""
        with self._read() as conn:
            return library_search.search_article_ids(conn, query, limit=limit)

    # Flags -----------------------------------------------------------------------------------

    def set_flags(
        self,
        ids: Sequence[str],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        archived: bool | None = None,
    ) -> FlagChange:
        """Set flags on many articles in one transaction; unknown ids are ignored."""
        if not ids or (read is None and starred is None and archived is None):
            return FlagChange()
        now = self._clock().isoformat() if read else ""
        with self._write() as conn:
            return library_flags.set_flags(
                conn, ids, read=read, starred=starred, archived=archived, now=now
            )

    def restore(self, change: FlagChange) -> None:
        """Put back the flags a ``set_flags`` call changed, exactly as they were before it."""
        if not change.fields or not change.previous:
            return
        with self._write() as conn:
            library_flags.restore(conn, change)

    # Caches ----------------------------------------------------------------------------------

    def cached(self, kind: str, digest: str) -> bytes | None:
        """A stored result (fold plan, entities...) for text with this content hash, if any."""
        with self._read() as conn:
            return library_cache.cached(conn, kind, digest)

    def cache(self, kind: str, digest: str, payload: bytes) -> None:
        with self._write() as conn:
            library_cache.cache(conn, kind, digest, payload, self._clock().isoformat())

    def cache_many(self, kind: str, entries: Iterable[tuple[str, bytes]]) -> None:
        """Store many results of one kind in one transaction (same rules as ``cache``)."""
        stored_at = self._clock().isoformat()
        with self._write() as conn:
            library_cache.cache_many(conn, kind, entries, stored_at)

    def cached_all(self, kind: str) -> tuple[tuple[str, bytes], ...]:
        """Every stored ``(key, payload)`` of one kind."""
        with self._read() as conn:
            return library_cache.cached_all(conn, kind)

    def cached_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored payloads of one kind for ``keys`` (missing keys left out)."""
        with self._read() as conn:
            return library_cache.cached_many(conn, kind, keys)

    def clear_cache(self, kind: str) -> int:
        """Forget every result of one kind; returns how many."""
        with self._write() as conn:
            return library_cache.clear_cache(conn, kind)

    def prune_cache(self, kind: str) -> int:
        """Drop results of a kind keyed by content hash whose text no article has any more.

        Only for kinds keyed by ``content_hash``: a kind keyed otherwise would lose everything.
        """
        with self._write() as conn:
            return library_cache.prune_cache(conn, kind)

    def get_blob(self, name: str) -> bytes | None:
        with self._read() as conn:
            return library_cache.get_blob(conn, name)

    def put_blob(self, name: str, data: bytes) -> None:
        with self._write() as conn:
            library_cache.put_blob(conn, name, data, self._clock().isoformat())

    # Folding ---------------------------------------------------------------------------------

    def unfolded_ids(self) -> tuple[str, ...]:
        """Articles not folded yet, oldest first; an index lookup, not a scan of every row."""
        with self._read() as conn:
            return library_cache.unfolded_ids(conn)

    def fold_places(self, ids: Sequence[str]) -> dict[str, int]:
        """Where each folded article of ``ids`` came in the folding order (1 = first)."""
        with self._read() as conn:
            return library_cache.fold_places(conn, ids)

    def write_batch(self, batch: BatchWrite) -> bool:
        """Write a folded batch (index, folds, stories, folded places) in one transaction;
        False, writing nothing, when another process wrote since (see ``expect_blob``)."""
        with self._write() as conn:
            return library_cache.write_batch(conn, batch, self._clock().isoformat())
