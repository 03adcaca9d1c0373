"""The newsfold app: three panes wired to background workers that load, fold and extract."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.worker import Worker, WorkerState, get_current_worker

from reader.sanitize import safe_text
from tui.fold_display import RunDisplay, present_folds
from tui.messages import CorpusFolded, EntitiesFound, SourcesLoaded
from tui.services import ReaderServices, default_services
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel
from tui.widgets.key_hints import KeyHints
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.model import Article, FoldPlan, LoadResult


# Local files this small load in about a millisecond: loading them before the first frame shows
# the articles at once instead of a "Loading…" flash. Anything larger, or a pipe, loads in a worker.
INSTANT_LOAD_BYTES = 256 * 1024

WORKER_TASKS = {"load": "Loading", "fold": "Folding", "entities": "Finding people and places"}


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class NewsfoldApp(App[None]):
    """Article list, article and people/places panel; all slow work happens in workers."""

    CSS_PATH = "app.tcss"
    TITLE = "newsfold"
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "show_help", "Keys", key_display="?", tooltip="List every key"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        sources: Sequence[str] = (),
        *,
        services: ReaderServices | None = None,
        threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.sources = tuple(sources)
        self.services = services or default_services()
        self.threshold = threshold
        self.articles: tuple[Article, ...] = ()
        self.plan: FoldPlan | None = None
        self.load_errors = 0
        self.open_index: int | None = None
        self._titles: dict[str, str] | None = None
        # Smooth scrolling repaints many frames, which costs bytes over SSH.
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield ArticleList(id="articles")
            yield ArticleView(id="article")
            yield EntityPanel(id="entities")
        with Horizontal(id="bottom"):
            yield KeyHints(id="hints")
            yield StatusLine(id="status")

    def on_mount(self) -> None:
        self.query_one("#articles", ArticleList).border_title = "Articles"
        self.query_one("#article", ArticleView).border_title = "Article"
        self.query_one("#entities", EntityPanel).border_title = "People & places"
        self.query_one("#articles", ArticleList).show_placeholder("Loading…")
        self.query_one("#article", ArticleView).show_placeholder("Loading…")
        self.query_one("#entities", EntityPanel).show_note("Waiting for the article…")
        self.query_one("#articles", ArticleList).focus()
        self._start_loading()

    def _start_loading(self) -> None:
        if not self.sources:
            from reader.samples import sample_paths

            self.sources = sample_paths()
        if _small_local_files(self.sources):
            self._show_loaded(self.services.load(self.sources))
            return
        self._set_status(f"Loading {plural(len(self.sources), 'source')}…")
        self.load_sources(self.sources)

    # -- workers --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_sources(self, sources: tuple[str, ...]) -> None:
        result = self.services.load(sources)
        self.post_message(SourcesLoaded(result))

    @work(thread=True, exclusive=True, group="fold", exit_on_error=False)
    def fold_corpus(self, articles: tuple[Article, ...]) -> None:
        threshold = self.threshold
        if threshold is None:
            from reader.fold import DEFAULT_THRESHOLD

            threshold = DEFAULT_THRESHOLD
        plan = self.services.fold(articles, threshold)
        self.post_message(CorpusFolded(plan))

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def extract_entities(self, article: Article, folded: frozenset[int]) -> None:
        entities = self.services.extract(article, folded)
        if not get_current_worker().is_cancelled:
            self.post_message(EntitiesFound(article.id, entities))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        task = WORKER_TASKS.get(event.worker.group, event.worker.name)
        error = event.worker.error
        self.notify(f"{task} failed: {error}", title="Error", severity="error", markup=False)
        self._set_status(f"{task} failed")

    # -- results --------------------------------------------------------------------------

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        self._show_loaded(message.result)

    def _show_loaded(self, result: LoadResult) -> None:
        self.articles = result.articles
        self.load_errors = len(result.errors)
        self._titles = None
        for error in result.errors:
            self.notify(
                f"Could not load {error.source}: {error.reason}",
                severity="error",
                markup=False,
            )
        article_list = self.query_one("#articles", ArticleList)
        article_list.set_articles(self.articles)
        article_list.border_title = f"Articles ({len(self.articles):,})"
        if not self.articles:
            self.query_one("#article", ArticleView).show_placeholder("Nothing to read.")
            self.query_one("#entities", EntityPanel).show_note("No article.")
            self._set_status(self._summary())
            return
        self.open_article(0)
        paragraphs = sum(len(article.paragraphs) for article in self.articles)
        failed = f" · {plural(self.load_errors, 'source')} failed" if self.load_errors else ""
        self._set_status(f"Folding {plural(paragraphs, 'paragraph')}…{failed}")
        # Fold once the list and article are on screen: the folder's thread would slow that frame.
        self.call_after_refresh(self.fold_corpus, self.articles)

    def on_corpus_folded(self, message: CorpusFolded) -> None:
        self.plan = message.plan
        self.query_one("#articles", ArticleList).set_folded(
            frozenset(article_id for article_id, folds in self.plan.by_article.items() if folds)
        )
        self._set_status(self._summary())
        if self.open_index is not None:
            article = self.articles[self.open_index]
            self.query_one("#article", ArticleView).set_runs(self._runs_for(article))
            self._extract_for(article)

    def on_entities_found(self, message: EntitiesFound) -> None:
        if self.open_index is None or self.articles[self.open_index].id != message.article_id:
            return
        self.query_one("#entities", EntityPanel).set_entities(message.entities)

    # -- the panes ------------------------------------------------------------------------

    @on(ArticleList.Selected, "#articles")
    def _article_selected(self, message: ArticleList.Selected) -> None:
        self.open_article(message.index)
        self.query_one("#article", ArticleView).focus()

    @on(EntityPanel.Selected, "#entities")
    def _entity_selected(self, message: EntityPanel.Selected) -> None:
        self.query_one("#article", ArticleView).highlight_mentions(message.entity.mentions)

    @on(events.DescendantFocus)
    def _focus_changed(self, event: events.DescendantFocus) -> None:
        self.query_one("#hints", KeyHints).show_for(event.widget)

    def open_article(self, index: int) -> None:
        """Show article ``index`` now; its people and places follow from a worker."""
        article = self.articles[index]
        self.open_index = index
        self.query_one("#articles", ArticleList).mark_open(index)
        self.query_one("#article", ArticleView).show_article(article, self._runs_for(article))
        panel = self.query_one("#entities", EntityPanel)
        if self.plan is None:
            panel.show_note("Waiting for folds…")
        else:
            self._extract_for(article)

    def _extract_for(self, article: Article) -> None:
        assert self.plan is not None
        self.query_one("#entities", EntityPanel).show_note("Finding people and places…")
        self.extract_entities(article, self.plan.folded_paragraphs(article.id))

    def _runs_for(self, article: Article) -> tuple[RunDisplay, ...]:
        if self.plan is None:
            return ()
        return present_folds(self.plan, article.id, title_of=self._title_of)

    def _title_of(self, article_id: str) -> str:
        if self._titles is None:
            self._titles = {article.id: article.title for article in self.articles}
        return self._titles.get(article_id, article_id)

    def _summary(self) -> str:
        parts = [plural(len(self.articles), "article")]
        if self.plan is not None:
            folded = sum(len(folds) for folds in self.plan.by_article.values())
            parts.append(f"{plural(folded, 'paragraph')} folded")
        if self.load_errors:
            parts.append(f"{plural(self.load_errors, 'source')} failed")
        return " · ".join(parts)

    def _set_status(self, text: str) -> None:
        self.query_one("#status", StatusLine).message = safe_text(text)

    # -- actions --------------------------------------------------------------------------

    def action_focus_list(self) -> None:
        self.query_one("#articles", ArticleList).focus()

    def action_show_help(self) -> None:
        from tui.screens.help import HelpScreen, key_section

        sections = [
            key_section("Everywhere", [self, self.screen], self),
            key_section("Article list", [self.query_one("#articles")], self),
            key_section("Article", [self.query_one("#article")], self),
            key_section("People & places", [self.query_one("#entities")], self),
        ]
        self.push_screen(HelpScreen(sections))


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


def make_app(
    sources: Sequence[str] = (),
    *,
    services: ReaderServices | None = None,
    threshold: float | None = None,
) -> NewsfoldApp:
    """Build the app for the CLI and the tests; no sources means the bundled sample."""
    return NewsfoldApp(sources, services=services, threshold=threshold)
