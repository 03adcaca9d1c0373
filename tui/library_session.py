"""The app's side of the stored library: list rows, full text on open, flags written in order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.model import Article

if TYPE_CHECKING:
    from reader.library import Library
    from reader.library_folds import FoldMemo
    from reader.library_rows import Subscription
    from tui.triage import Flag

_STOP = None

QUICK_BUSY_TIMEOUT = 0.05
"""Seconds a quick open waits for another process's write lock (only a new file is written)."""


@dataclass(frozen=True, slots=True)
class LibraryListing:
    """What the list needs at start: text-less articles and their flags, newest first."""

    articles: tuple[Article, ...]
    flags: tuple[tuple[str, bool, bool, bool], ...]
    subscriptions: tuple[Subscription, ...]
    partial: bool = False
    """Only the first screenful: the rest follows."""


class LibrarySession:
    """Reads on the caller's thread; flag writes go, in order, through one writer thread with
    its own connection, so a key press never waits for the disk and a crash loses at most the
    writes still queued (each write is one transaction)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader: Library | None = None
        self._writes: queue.Queue[tuple[Flag, tuple[str, ...], bool] | None] = queue.Queue()
        self._writer: threading.Thread | None = None
        self.write_errors: list[str] = []
        self.refetched: set[str] = set()
        """Articles read with their page's full text (not folded)."""
        self._fold_memo: FoldMemo | None = None
        self._searcher: Library | None = None
        self._searcher_lock = threading.Lock()
        self._closed = False

    def fold_memo(self) -> FoldMemo:
        """The fold index as the last refresh left it, so the next one need not read it again
        (one refresh at a time uses it: refreshes are exclusive workers)."""
        from reader.library_folds import FoldMemo

        if self._fold_memo is None:
            self._fold_memo = FoldMemo()
        return self._fold_memo

    def open(self, *, quick: bool = False) -> None:
        """Open (creating or migrating) the library; raises ``LibraryError`` with one line.

        ``quick``: refuse, untouched, a library that would make the caller wait (one to migrate,
        a search index to build, a writer holding the lock) instead of doing that work.
        """
        from reader.library import Library

        if quick:
            self._reader = Library.open(self.path, upgrade=False, busy_timeout=QUICK_BUSY_TIMEOUT)
        else:
            self._reader = Library.open(self.path)

    @property
    def library(self) -> Library:
        assert self._reader is not None, "open() first"
        return self._reader

    def listing(self, limit: int | None = None) -> LibraryListing:
        """Text-less articles and their flags, newest first; ``limit``: only the first rows
        (``partial`` when that many came back, so there may be more; else the whole listing)."""
        rows = self.library.rows(include_archived=True, limit=limit)
        parse = datetime.fromisoformat
        # Straight from each row's tuple: 100k property reads and Article builds add up.
        articles = tuple(
            Article(raw[0], raw[1], (), raw[3], raw[2], None if raw[4] is None else parse(raw[4]))
            for raw in (row.raw for row in rows)
        )
        flags = tuple(
            (row.raw[0], row.raw[5] == 1, row.raw[6] == 1, row.raw[7] == 1) for row in rows
        )
        partial = limit is not None and len(rows) >= limit
        subscriptions = () if partial else self.library.subscriptions()
        return LibraryListing(articles, flags, subscriptions, partial)

    def article(self, article_id: str) -> Article:
        """The stored article; with the page's full text when ``T`` fetched it before."""
        import json
        from dataclasses import replace

        article = self.library.article(article_id)
        payload = self.library.cached("full-text", article_id)
        if payload is not None:
            try:
                paragraphs = tuple(str(p) for p in json.loads(payload)["paragraphs"])
            except (ValueError, KeyError, TypeError):
                return article
            self.refetched.add(article_id)
            return replace(article, paragraphs=paragraphs)
        return article

    def search_text(self, words: Sequence[str]) -> tuple[str, ...] | None:
        """Ids of stored articles whose title and text have every word, best first; None when
        this SQLite cannot search text. Safe from any thread: it has a connection of its own,
        so a search in a worker never holds up reading an article."""
        with self._searcher_lock:
            if self._closed:
                return ()  # a search still running as the app quits
            if self._searcher is None:
                from reader.library import Library

                self._searcher = Library.open(self.path)
            searcher = self._searcher
        return searcher.search_text(" ".join(words))

    def save(self, flag: Flag, ids: Collection[str], value: bool) -> None:
        """Queue a flag change; the writer thread stores it in one transaction."""
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name="library-writer")
            self._writer.start()
        self._writes.put((flag, tuple(ids), value))

    def _write_loop(self) -> None:
        from reader.library import Library
        from reader.library_schema import LibraryError

        writer = Library.open(self.path)
        try:
            while (job := self._writes.get()) is not _STOP:
                flag, ids, value = job
                try:
                    writer.set_flags(ids, **{flag: value})
                except LibraryError as error:
                    self.write_errors.append(str(error))
        finally:
            writer.close()

    def close(self, timeout: float = 10.0) -> None:
        """Finish the queued writes, then close both connections."""
        if self._writer is not None:
            self._writes.put(_STOP)
            self._writer.join(timeout)
            self._writer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        with self._searcher_lock:
            self._closed = True
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
