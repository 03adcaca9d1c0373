"""Fuzzy search of titles and text, as the reader types, in a worker that newer keys cancel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from reader.sanitize import safe_text
from tui.messages import SearchDone
from tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.model import Article
    from reader.search import TextMatcher
    from tui.app import NewsfoldApp

TITLES_ONLY = "This SQLite has no full-text search (FTS5): / searches titles only"

SEARCH_BINDINGS: list[BindingType] = [
    Binding("slash", "search", "Search", key_display="/", tooltip="Fuzzy search titles and text"),
]


class SearchActions:
    """Mixed into the app: ``/`` opens the search line; results replace the list's order."""

    titles_only_said = False
    """Whether the reader was told, once, that stored articles are searched by title only."""

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self: NewsfoldApp, query: str, articles: tuple[Article, ...]) -> None:
        from reader.search import search_articles

        worker = get_current_worker()
        hits = search_articles(
            query,
            articles,
            cancelled=lambda: worker.is_cancelled,
            text_ids=self._stored_text_matcher(articles),
        )
        if not worker.is_cancelled:
            self.post_message(SearchDone(query, [hit.index for hit in hits]))

    def _stored_text_matcher(
        self: NewsfoldApp, articles: tuple[Article, ...]
    ) -> TextMatcher | None:
        """The library's index for articles listed without their text, else None (scan them)."""
        session = self.session
        if session is None or any(article.paragraphs for article in articles):
            return None

        def stored_text_ids(words: Sequence[str]) -> Sequence[str]:
            ids = session.search_text(words)
            if ids is None:
                self.call_from_thread(self._say_titles_only)
                return ()
            return ids

        return stored_text_ids

    def _say_titles_only(self: NewsfoldApp) -> None:
        if not self.titles_only_said:
            self.titles_only_said = True
            self.notify(TITLES_ONLY, severity="warning", timeout=10)

    def on_search_done(self: NewsfoldApp, message: SearchDone) -> None:
        if self.query_one(SearchBar).value.strip() != message.query:
            return  # a newer search is on its way
        self.search_hits = message.indices
        self.refresh_list()
        count = len(message.indices)
        matches = f"{count:,} match{'' if count == 1 else 'es'}"
        self.set_status(f"{matches} for “{safe_text(message.query)}”")

    def action_search(self: NewsfoldApp) -> None:
        bar = self.query_one(SearchBar)
        bar.add_class("-shown")
        bar.focus()

    # Named handlers, not @on: Textual collects @on handlers only from widget classes, and
    # this mixin is not one.
    def on_input_changed(self: NewsfoldApp, event: SearchBar.Changed) -> None:
        if event.input.id != "search":
            return
        query = event.value.strip()
        if not query:
            self.search_hits = None
            self.refresh_list(keep_cursor=True)
            return
        self.set_status(f"Searching for “{safe_text(query)}”…")
        self.run_search(query, self.articles)

    def on_search_bar_accepted(self: NewsfoldApp) -> None:
        self.article_list.focus()

    def on_search_bar_cancelled(self: NewsfoldApp) -> None:
        bar = self.query_one(SearchBar)
        bar.value = ""
        bar.remove_class("-shown")
        self.search_hits = None
        self.workers.cancel_group(self, "search")
        self.refresh_list(keep_cursor=True)
        self.article_list.focus()
        self.set_status(self._summary())
