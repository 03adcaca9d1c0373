"""The stored library in the app: cache-first start, refresh in the background, feeds and counts."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from reader.sanitize import safe_text
from tui.library_session import LibraryListing, LibrarySession
from tui.messages import LibraryFailed, LibraryOpened, LibraryRefreshed
from tui.triage import Triage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.library_folds import FoldMemo
    from reader.model import Article, FoldPlan
    from reader.stories import Story
    from tui.app import NewsfoldApp

FIRST_SCREEN_ROWS = 120
"""Rows read before the first paint: more than any terminal shows."""

LIBRARY_BINDINGS: list[BindingType] = [
    Binding("T", "full_text", "Full text", show=False, tooltip="Fetch the article's page text"),
    Binding("R", "refresh", "Refresh", show=False, tooltip="Fetch every feed now"),
    Binding("F", "show_feeds", "Feeds", show=False, tooltip="Feeds with unread counts"),
]


class LibraryActions:
    """Mixed into the app: the library opens in a worker, so the first frame never waits."""

    session: LibrarySession | None = None
    library_path: Path | None = None
    refresh_on_start: bool = False
    _full_text: dict[str, Article] | None = None

    def start_library(self: NewsfoldApp, path: Path) -> None:
        """Show the first screenful in the first frame when reading it is quick (a current
        library: a few milliseconds), the rest from a worker once it is painted. A library that
        needs work first (a migration, an index to build, a busy or broken file) opens in the
        worker instead, behind "Loading…"."""
        from reader.library_errors import LibraryError
        from reader.model import FoldPlan

        session = LibrarySession(path)
        try:
            session.open(quick=True)
            first = session.listing(limit=FIRST_SCREEN_ROWS)
        except LibraryError:
            session.close()
            self.set_status("Opening the library…")
            self.open_library(path, keep_cursor=False)
            return
        self.session = session
        self.show_listing(first, FoldPlan(self.fold_threshold()), (), keep_cursor=False)
        if first.articles:
            # The rest, and the folds: reading them holds the GIL, so only once this is painted.
            self.call_after_refresh(self.open_library, path, True)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def open_library(self: NewsfoldApp, path: Path, keep_cursor: bool) -> None:
        from reader.library_folds import LibraryFolds, library_folds
        from reader.library_schema import LibraryError
        from reader.model import FoldPlan

        session = self.session or LibrarySession(path)
        try:
            if self.session is None:
                session.open()
                # One screenful first: painting it does not wait for 100k rows.
                first = session.listing(limit=FIRST_SCREEN_ROWS)
                if first.articles:
                    no_folds = LibraryFolds(FoldPlan(self.fold_threshold()), ())
                    painted = threading.Event()
                    self.post_message(
                        LibraryOpened(session, first, no_folds, keep_cursor, painted=painted)
                    )
                    # Reading the rest holds the GIL: let the first screenful reach the terminal.
                    painted.wait(timeout=2.0)
                    keep_cursor = True
            listing = session.listing()
            # Folds and stories are cached by the refresh that stored the articles.
            folds = library_folds(session.library, self.fold_threshold())
        except LibraryError as error:
            self.post_message(LibraryFailed(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(LibraryOpened(session, listing, folds, keep_cursor))

    def on_library_failed(self: NewsfoldApp, message: LibraryFailed) -> None:
        reason = safe_text(f"Library: {message.reason}")
        self.notify(reason, severity="error", markup=False, timeout=15)
        self.library_path = None
        self._load_sample()

    def on_library_opened(self: NewsfoldApp, message: LibraryOpened) -> None:
        self.session = message.session
        self.show_listing(
            message.listing, message.folds.plan, message.folds.stories, message.keep_cursor
        )
        if message.painted is not None:
            self.call_after_refresh(message.painted.set)

    def show_listing(
        self: NewsfoldApp,
        listing: LibraryListing,
        plan: FoldPlan,
        stories: Sequence[Story],
        keep_cursor: bool,
    ) -> None:
        """The library's articles in the list (the sample while it has none), the first opened
        unless ``keep_cursor``; a whole listing also starts the refresh due at start."""
        assert self.session is not None
        if not listing.articles:
            feeds = len(listing.subscriptions)
            if not self.sources:  # the sample may be on screen already: keep the reader's place
                self._load_sample()
            if feeds and self.refresh_on_start:
                self.refresh_on_start = False
                self.action_refresh()
            hint = "press R to fetch them" if feeds else "add feeds with: newsfold add URL"
            self.notice = f"the sample; your library is empty: {hint}"
            self.set_status(self._summary())
            return
        if self.sources:
            keep_cursor = False  # the sample was shown: the library's first article replaces it
        if not keep_cursor:
            self.notice = ""
        self._full_text = {}
        self.sources = ()
        # Merged before the listing replaces the articles: only those shown so far carry flags
        # the reader may have changed.
        self.triage = self._merged_triage(listing, self.session)
        self.articles = listing.articles
        self.plan = plan
        self._apply_stories(stories)
        self.article_list.set_folded(
            frozenset(article_id for article_id, folds in plan.by_article.items() if folds)
        )
        self.refresh_list(keep_cursor=keep_cursor)
        if self.open_index is None or not keep_cursor:
            rows = self.article_list.rows
            if rows:
                self.open_article(rows[0], read=False)
        self.set_status(self._summary())
        if listing.partial:
            return
        # 100k rows of long-lived objects: spare the collector from walking them on every pass.
        gc.freeze()
        if self.refresh_on_start and listing.subscriptions:
            # Cache first: the stored list is on screen; new articles arrive in the background.
            self.refresh_on_start = False
            self.action_refresh()

    def _merged_triage(
        self: NewsfoldApp, listing: LibraryListing, session: LibrarySession
    ) -> Triage:
        """Flags as stored, except for articles already listed (``self.articles``, still the
        previous listing): what the reader did to them (perhaps still queued for the writer)
        wins, and so does the undo history."""
        fresh = Triage.from_flags(listing.flags, save=session.save)
        old = self.triage
        if old.save is None:
            return fresh
        for article in self.articles:
            for flag in ("read", "starred", "archived"):
                ids = fresh.ids_with(flag)  # type: ignore[arg-type]
                if old.has(flag, article.id):  # type: ignore[arg-type]
                    ids.add(article.id)
                else:
                    ids.discard(article.id)
        fresh.history = old.history
        return fresh

    def full_article(self: NewsfoldApp, index: int) -> Article:
        """The article with its text: stored articles are listed without it, read on open."""
        article = self.articles[index]
        cache = self._full_text if self._full_text is not None else {}
        full = cache.get(article.id)
        if full is not None:
            return full
        if self.session is None or article.paragraphs:
            return article
        full = cache[article.id] = self.session.article(article.id)
        self._full_text = cache
        return full

    def action_refresh(self: NewsfoldApp) -> None:
        if self.session is None:
            self.set_status("Refresh needs the library: open newsfold without sources")
            return
        self.set_status("Refreshing feeds…")
        self.refresh_feeds(self.session.path, self.session.fold_memo())

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self: NewsfoldApp, path: Path, memo: FoldMemo) -> None:
        from reader.library import Library
        from reader.library_folds import fold_new_articles
        from reader.refresh import FeedOutcome, refresh

        def progress(outcome: FeedOutcome, done: int, total: int) -> None:
            self.call_from_thread(
                self.set_status, f"Refreshing {done}/{total}: {outcome.describe()}"
            )

        # A connection of its own: the reader keeps reading while feeds are stored.
        with Library.open(path) as library:
            report = refresh(library, on_outcome=progress)
            fold_new_articles(
                library,
                threshold=self.fold_threshold(),
                on_progress=lambda text: self.call_from_thread(self.set_status, text),
                memo=memo,
            )
        self.post_message(LibraryRefreshed(report))

    def on_library_refreshed(self: NewsfoldApp, message: LibraryRefreshed) -> None:
        report = message.report
        for outcome in report.failed:
            self.notify(outcome.describe(), severity="warning", markup=False, timeout=10)
        self.notice = report.summary()
        self.set_status(report.summary())
        if self.session is not None:
            self.open_library(self.session.path, keep_cursor=True)

    def action_show_feeds(self: NewsfoldApp) -> None:
        from tui.screens.feeds import FeedsScreen

        # Counted from the list itself: feeds, and files kept in the library, by source name.
        self.push_screen(FeedsScreen(self.unread_by_source()), self.show_only_source)

    def action_full_text(self: NewsfoldApp) -> None:
        if self.open_index is None:
            return
        article = self.full_article(self.open_index)
        if not article.url:
            self.set_status("This article has no link to fetch its text from")
            return
        self.set_status(f"Fetching the full text of {article.url}…")
        self.fetch_full_text(self.open_index, article.id, article.url)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def fetch_full_text(self: NewsfoldApp, index: int, article_id: str, url: str) -> None:
        from reader.full_text import FullTextError, cached_full_text, fetch_full_text

        try:
            if self.session is not None:
                # Its own connection: the page can take seconds, the reader keeps reading.
                from reader.library import Library

                with Library.open(self.session.path) as library:
                    text = cached_full_text(library, article_id, url)
            else:
                text = fetch_full_text(url)
        except FullTextError as error:
            self.call_from_thread(self.set_status, str(error))
            return
        self.call_from_thread(self.show_full_text, index, text.paragraphs)

    def show_full_text(self: NewsfoldApp, index: int, paragraphs: tuple[str, ...]) -> None:
        from dataclasses import replace

        article = replace(self.full_article(index), paragraphs=paragraphs)
        # The page's paragraphs are not the ones folded: show them whole.
        self.refetched.add(article.id)
        if self._full_text is None:
            self._full_text = {}
        self._full_text[article.id] = article
        if self.session is None:
            self.articles = (*self.articles[:index], article, *self.articles[index + 1 :])
        if self.open_index == index:
            self.open_article(index, read=False)
        self.set_status(f"Full text: {len(paragraphs)} paragraphs from the article's page")
