"""Articles from files: read, folded and their people found in workers, never on the UI thread."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from reader.sanitize import safe_text
from tui.messages import CorpusFolded, EntitiesFound, SourcesLoaded

if TYPE_CHECKING:
    from reader.model import Article, LoadResult
    from reader.stories import Story
    from tui.app import NewsfoldApp

# Local files this small load in about a millisecond: loading them before the first frame shows
# the articles at once instead of a "Loading…" flash. Anything larger, or a pipe, loads in a worker.
INSTANT_LOAD_BYTES = 256 * 1024


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class CorpusActions:
    """Mixed into the app: the load, fold and extract workers and what their results change."""

    def _load_sample(self: NewsfoldApp) -> None:
        from reader.samples import sample_paths

        self.sources = sample_paths()
        self._load_sources()

    def _load_sources(self: NewsfoldApp) -> None:
        if not self.sources:
            from reader.samples import sample_paths

            self.sources = sample_paths()
        if _small_local_files(self.sources):
            self._show_loaded(self.services.load(self.sources))
            return
        self.set_status(f"Loading {plural(len(self.sources), 'source')}…")
        self.load_sources(self.sources)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_sources(self: NewsfoldApp, sources: tuple[str, ...]) -> None:
        result = self.services.load(sources)
        self.post_message(SourcesLoaded(result))

    @work(thread=True, exclusive=True, group="fold", exit_on_error=False)
    def fold_corpus(self: NewsfoldApp, articles: tuple[Article, ...]) -> None:
        plan = self.services.fold(articles, self.fold_threshold())
        stories = self.services.stories(articles, plan)
        self.post_message(CorpusFolded(plan, stories))

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def extract_entities(self: NewsfoldApp, article: Article, folded: frozenset[int]) -> None:
        if self.session is not None:
            # Reopening an article of the library is instant: found once, kept by its text.
            from reader.entity_cache import cached_entities
            from reader.library import Library

            with Library.open(self.session.path) as library:
                entities = cached_entities(library, article, folded, self.services.extract)
        else:
            entities = self.services.extract(article, folded)
        if not get_current_worker().is_cancelled:
            self.post_message(EntitiesFound(article.id, entities))

    def on_sources_loaded(self: NewsfoldApp, message: SourcesLoaded) -> None:
        self._show_loaded(message.result)

    def _show_loaded(self: NewsfoldApp, result: LoadResult) -> None:
        self.articles = result.articles
        self.load_errors = len(result.errors)
        for error in result.errors:
            self.notify(
                safe_text(f"Could not load {error.source}: {error.reason}"),
                severity="error",
                markup=False,
            )
        self.refresh_list()
        if not self.articles:
            self.article_view.show_placeholder("Nothing to read.")
            self.entity_panel.show_note("No article.")
            self.set_status(self._summary())
            return
        # Shown, not chosen: the first article opens without being marked read.
        self.open_article(self.article_list.rows[0] if self.article_list.rows else 0, read=False)
        paragraphs = sum(len(article.paragraphs) for article in self.articles)
        failed = f" · {plural(self.load_errors, 'source')} failed" if self.load_errors else ""
        self.set_status(f"Folding {plural(paragraphs, 'paragraph')}…{failed}")
        # Fold once the list and article are on screen: the folder's thread would slow that frame.
        self.call_after_refresh(self.fold_corpus, self.articles)

    def on_corpus_folded(self: NewsfoldApp, message: CorpusFolded) -> None:
        self.plan = message.plan
        self._apply_stories(message.stories)
        self.article_list.set_folded(
            frozenset(article_id for article_id, folds in self.plan.by_article.items() if folds)
        )
        self.refresh_list(keep_cursor=True)
        self.set_status(self._summary())
        if self.open_index is not None:
            article = self.full_article(self.open_index)
            self.article_view.set_runs(self._runs_for(article))
            self._extract_for(article)

    def _apply_stories(self: NewsfoldApp, stories: Sequence[Story]) -> None:
        self.story_of = {}
        self.story_members = {}
        for story in stories:
            self.story_members[story.number] = story.article_ids
            for article_id in story.article_ids:
                self.story_of[article_id] = story.number

    def on_entities_found(self: NewsfoldApp, message: EntitiesFound) -> None:
        if self.open_index is None or self.articles[self.open_index].id != message.article_id:
            return
        self.entity_panel.set_entities(message.entities)


def _small_local_files(sources: Sequence[str]) -> bool:
    """True when every source is a regular file and together they are tiny."""
    total = 0
    for source in sources:
        try:
            info = os.stat(source)
        except (OSError, ValueError):
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
        total += info.st_size
    return total <= INSTANT_LOAD_BYTES
