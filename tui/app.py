"""The newsfold app: three panes wired to background workers that load, fold and extract."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from reader.sanitize import safe_text
from tui.entity_actions import ENTITY_BINDINGS, EntityActions
from tui.fold_display import RunDisplay, present_folds
from tui.list_model import FILTER_NAMES, ListFilter, build_view
from tui.messages import CorpusFolded, EntitiesFound, SourcesLoaded
from tui.palette import palette_commands
from tui.search_actions import SearchActions
from tui.services import ReaderServices, default_services
from tui.triage import Triage
from tui.triage_actions import TRIAGE_BINDINGS, TriageActions
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel
from tui.widgets.key_hints import KeyHints
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.model import Article, FoldPlan, LoadResult, ParagraphRef


# Local files this small load in about a millisecond: loading them before the first frame shows
# the articles at once instead of a "Loading…" flash. Anything larger, or a pipe, loads in a worker.
INSTANT_LOAD_BYTES = 256 * 1024

WORKER_TASKS = {
    "load": "Loading",
    "fold": "Folding",
    "entities": "Finding people and places",
    "entity-index": "Indexing people and places",
    "search": "Searching",
}


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class NewsfoldApp(TriageActions, EntityActions, SearchActions, App[None]):
    """Article list, article and people/places panel; all slow work happens in workers."""

    CSS_PATH = "app.tcss"
    TITLE = "newsfold"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        *TRIAGE_BINDINGS,
        *ENTITY_BINDINGS,
        Binding(
            "slash", "search", "Search", key_display="/", tooltip="Fuzzy search titles and text"
        ),
        Binding("question_mark", "show_help", "Keys", key_display="?", tooltip="List every key"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        sources: Sequence[str] = (),
        *,
        services: ReaderServices | None = None,
        threshold: float | None = None,
        mark_story_read: bool = False,
    ) -> None:
        super().__init__()
        self.sources = tuple(sources)
        self.services = services or default_services()
        self.threshold = threshold
        self.mark_story_read = mark_story_read
        """Opening one article of a story marks the others read too."""
        self.articles: tuple[Article, ...] = ()
        self.plan: FoldPlan | None = None
        self.story_of: dict[str, int] = {}
        self.story_members: dict[int, tuple[str, ...]] = {}
        self.expanded_stories: set[int] = set()
        self.triage = Triage()
        self.list_filter: ListFilter = "all"
        self.keep_shown: set[str] = set()
        self.search_hits: list[int] | None = None
        self.pivot: tuple[str, frozenset[str]] | None = None
        self.load_errors = 0
        self.open_index: int | None = None
        self._titles: dict[str, str] | None = None
        self._by_id: dict[str, Article] | None = None
        # Smooth scrolling repaints many frames, which costs bytes over SSH.
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield ArticleList(id="articles")
            yield ArticleView(id="article")
            yield EntityPanel(id="entities")
        yield SearchBar(id="search")
        with Horizontal(id="bottom"):
            yield KeyHints(id="hints")
            yield StatusLine(id="status")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def entity_panel(self) -> EntityPanel:
        return self.query_one("#entities", EntityPanel)

    def on_mount(self) -> None:
        self.article_list.border_title = "Articles"
        self.article_view.border_title = "Article"
        self.entity_panel.border_title = "People & places"
        self.article_list.show_placeholder("Loading…")
        self.article_view.show_placeholder("Loading…")
        self.entity_panel.show_note("Waiting for the article…")
        self.article_list.focus()
        self._start_loading()

    def _start_loading(self) -> None:
        if not self.sources:
            from reader.samples import sample_paths

            self.sources = sample_paths()
        if _small_local_files(self.sources):
            self._show_loaded(self.services.load(self.sources))
            return
        self.set_status(f"Loading {plural(len(self.sources), 'source')}…")
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
        stories = self.services.stories(articles, plan)
        self.post_message(CorpusFolded(plan, stories))

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
        self.set_status(f"{task} failed")

    # -- results --------------------------------------------------------------------------

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        self._show_loaded(message.result)

    def _show_loaded(self, result: LoadResult) -> None:
        self.articles = result.articles
        self.load_errors = len(result.errors)
        self._titles = None
        self._by_id = None
        for error in result.errors:
            self.notify(
                f"Could not load {error.source}: {error.reason}",
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

    def on_corpus_folded(self, message: CorpusFolded) -> None:
        self.plan = message.plan
        self.story_of = {}
        self.story_members = {}
        for story in message.stories:
            self.story_members[story.number] = story.article_ids
            for article_id in story.article_ids:
                self.story_of[article_id] = story.number
        self.article_list.set_folded(
            frozenset(article_id for article_id, folds in self.plan.by_article.items() if folds)
        )
        self.refresh_list(keep_cursor=True)
        self.set_status(self._summary())
        if self.open_index is not None:
            article = self.articles[self.open_index]
            self.article_view.set_runs(self._runs_for(article))
            self._extract_for(article)

    def on_entities_found(self, message: EntitiesFound) -> None:
        if self.open_index is None or self.articles[self.open_index].id != message.article_id:
            return
        self.entity_panel.set_entities(message.entities)

    # -- the list -------------------------------------------------------------------------

    def refresh_list(self, *, keep_cursor: bool = False) -> None:
        """Rebuild the rows from the filter, search, pivot and stories; cheap at 100k rows."""
        view = build_view(
            self.articles,
            self.triage,
            flag_filter=self.list_filter,
            only=self.pivot[1] if self.pivot else None,
            ranked=self.search_hits,
            keep=self.keep_shown,
            story_of=self.story_of,
            expanded=self.expanded_stories,
        )
        placeholder = "No articles" if self.articles else "Nothing loaded"
        if self.articles and not view.rows:
            placeholder = f"No {FILTER_NAMES[self.list_filter].lower()} articles here · f to change"
        self.article_list.set_articles(
            self.articles, view, self.triage, placeholder=placeholder, keep_cursor=keep_cursor
        )
        if self.open_index is not None:
            self.article_list.open_index = self.open_index
        self._update_counts()

    def _update_counts(self) -> None:
        shown = len(self.article_list.rows)
        triage = self.triage
        unread = sum(
            1 for a in self.articles if a.id not in triage.read and a.id not in triage.archived
        )
        narrowed = []
        if self.pivot is not None:
            narrowed.append(f"naming {self.pivot[0]}")
        if self.search_hits is not None:
            narrowed.append("search")
        name = "Articles" if self.list_filter == "all" else FILTER_NAMES[self.list_filter]
        title = f"{name} ({shown:,})"
        if narrowed:
            title = f"{name}, {', '.join(narrowed)} ({shown:,})"
        self.article_list.border_title = safe_text(title)
        self.article_list.border_subtitle = f"{unread:,} unread"

    def action_clear_narrowing(self) -> None:
        """Esc on the list: drop the pivot, then the search, then go back to All."""
        if self.pivot is not None:
            self.pivot = None
        elif self.search_hits is not None:
            self.search_hits = None
            self.query_one(SearchBar).value = ""
        else:
            return
        self.refresh_list(keep_cursor=True)
        self.set_status(self._summary())

    @on(ArticleList.StoryToggled)
    def _story_toggled(self, message: ArticleList.StoryToggled) -> None:
        if message.expand:
            self.expanded_stories.add(message.story)
        else:
            self.expanded_stories.discard(message.story)
        self.refresh_list(keep_cursor=True)

    # -- the panes ------------------------------------------------------------------------

    @on(ArticleList.Selected, "#articles")
    def _article_selected(self, message: ArticleList.Selected) -> None:
        self.open_article(message.index)
        self.article_view.focus()

    @on(EntityPanel.Selected, "#entities")
    def _entity_selected(self, message: EntityPanel.Selected) -> None:
        if message.entity.mentions:
            self.article_view.highlight_mentions(message.entity.mentions)
        else:
            self.pivot_to(message.entity)

    @on(EntityPanel.Pivot)
    def _entity_pivot(self, message: EntityPanel.Pivot) -> None:
        self.pivot_to(message.entity)

    @on(EntityPanel.ScopeWanted)
    def _entity_scope(self) -> None:
        self.show_library_entities()

    @on(events.DescendantFocus)
    def _focus_changed(self, event: events.DescendantFocus) -> None:
        self.query_one("#hints", KeyHints).show_for(event.widget)

    def open_article(self, index: int, *, read: bool = True) -> None:
        """Show article ``index`` now and mark it read; its people and places follow."""
        article = self.articles[index]
        self.open_index = index
        self.article_list.mark_open(index)
        self.article_view.show_article(article, self._runs_for(article))
        if read:
            self._mark_opened_read(article)
        if self.plan is None:
            self.entity_panel.show_note("Waiting for folds…")
        else:
            self._extract_for(article)

    def _mark_opened_read(self, article: Article) -> None:
        ids = [article.id]
        if self.mark_story_read and article.id in self.story_of:
            ids = list(self.story_members[self.story_of[article.id]])
        # Not on the undo stack: "u" undoes what the reader did on purpose.
        if self.triage.set("read", ids, True, undoable=False) is not None:
            self.keep_shown |= set(ids)
            self.article_list.refresh_rows()
            self._update_counts()

    def _extract_for(self, article: Article) -> None:
        assert self.plan is not None
        self.entity_panel.show_note("Finding people and places…")
        self.extract_entities(article, self.plan.folded_paragraphs(article.id))

    def _runs_for(self, article: Article) -> tuple[RunDisplay, ...]:
        if self.plan is None:
            return ()
        return present_folds(
            self.plan,
            article.id,
            title_of=self._title_of,
            paragraphs=article.paragraphs,
            text_of=self._paragraph_text,
        )

    def _paragraph_text(self, ref: ParagraphRef) -> str | None:
        if self._by_id is None:
            self._by_id = {article.id: article for article in self.articles}
        article = self._by_id.get(ref.article_id)
        if article is None or ref.paragraph >= len(article.paragraphs):
            return None
        return article.paragraphs[ref.paragraph]

    def _title_of(self, article_id: str) -> str:
        if self._titles is None:
            self._titles = {article.id: article.title for article in self.articles}
        return self._titles.get(article_id, article_id)

    def _summary(self) -> str:
        parts = [plural(len(self.articles), "article")]
        if self.plan is not None:
            folded = sum(len(folds) for folds in self.plan.by_article.values())
            parts.append(f"{plural(folded, 'paragraph')} folded")
        if self.story_members:
            parts.append(plural(len(self.story_members), "story"))
        if self.load_errors:
            parts.append(f"{plural(self.load_errors, 'source')} failed")
        return " · ".join(parts)

    def set_status(self, text: str) -> None:
        self.query_one("#status", StatusLine).message = safe_text(text)

    # -- actions --------------------------------------------------------------------------

    def action_focus_list(self) -> None:
        self.article_list.focus()

    def action_toggle_story_read(self) -> None:
        self.mark_story_read = not self.mark_story_read
        state = "marks" if self.mark_story_read else "no longer marks"
        self.set_status(f"Reading one article of a story {state} the others read")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers every action of the app and its panes."""
        yield from super().get_system_commands(screen)
        yield from palette_commands(self)

    def action_show_help(self) -> None:
        from tui.screens.help import HelpScreen, key_section

        sections = [
            key_section("Everywhere", [self, self.screen], self),
            key_section("Article list", [self.article_list], self),
            key_section("Article", [self.article_view], self),
            key_section("People & places", [self.entity_panel], self),
            key_section("Search", [self.query_one(SearchBar)], self),
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
    mark_story_read: bool = False,
) -> NewsfoldApp:
    """Build the app for the CLI and the tests; no sources means the bundled sample."""
    return NewsfoldApp(
        sources, services=services, threshold=threshold, mark_story_read=mark_story_read
    )
