"""The newsfold app: three panes wired to background workers that load, fold and extract."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.notifications import SeverityLevel
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from reader.sanitize import safe_text
from tui.corpus_actions import CorpusActions, plural
from tui.entity_actions import ENTITY_BINDINGS, EntityActions
from tui.fold_display import RunDisplay, present_folds
from tui.library_actions import LIBRARY_BINDINGS, LibraryActions
from tui.list_actions import ListActions
from tui.list_model import ListFilter
from tui.palette import palette_commands
from tui.search_actions import SEARCH_BINDINGS, SearchActions
from tui.services import ReaderServices, default_services
from tui.terminal_writes import ScreenMemory, tighten
from tui.triage import Triage
from tui.triage_actions import TRIAGE_BINDINGS, TriageActions
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel
from tui.widgets.key_hints import KeyHints
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import StatusLine, UnreadCount

if TYPE_CHECKING:
    from reader.model import Article, FoldPlan, ParagraphRef


WORKER_TASKS = {
    "load": "Loading",
    "fold": "Folding",
    "entities": "Finding people and places",
    "entity-index": "Indexing people and places",
    "search": "Searching",
    "library": "Opening the library",
    "refresh": "Refreshing feeds",
    "full-text": "Fetching the full text",
}


class PanesScreen(Screen[None]):
    """The app's screen: moving the focus repaints the two panes it moves between, not all.

    Textual's screen repaints itself whole when ``focused`` changes, which redraws every pane
    and the bottom line (50-60 KB over SSH for Enter, 30 KB for Escape); the panes restyle
    themselves on focus and blur, so that repaint draws nothing new.
    """

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class NewsfoldApp(
    CorpusActions,
    ListActions,
    TriageActions,
    EntityActions,
    SearchActions,
    LibraryActions,
    App[None],
):
    """Article list, article and people/places panel; all slow work happens in workers."""

    CSS_PATH = "app.tcss"
    TITLE = "newsfold"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        *TRIAGE_BINDINGS,
        *ENTITY_BINDINGS,
        *SEARCH_BINDINGS,
        *LIBRARY_BINDINGS,
        Binding("question_mark", "show_help", "Keys", key_display="?", tooltip="List every key"),
        Binding(
            "ctrl+l",
            "redraw",
            "Redraw",
            show=False,
            tooltip="Write the whole screen again (after another program wrote over it)",
        ),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        sources: Sequence[str] = (),
        *,
        services: ReaderServices | None = None,
        threshold: float | None = None,
        mark_story_read: bool = False,
        library_path: Path | None = None,
        refresh_on_start: bool = False,
    ) -> None:
        super().__init__()
        self.library_path = library_path
        self.refresh_on_start = refresh_on_start
        """Fetch every feed once the stored library is on screen."""
        """The stored library, opened when no sources are given."""
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
        self.refetched: set[str] = set()
        """Articles shown with the text of their page (``T``), which was never folded."""
        self.notice = ""
        """Said after the summary in the status line, e.g. why the sample is shown."""
        self.open_index: int | None = None
        self._screen_memory = ScreenMemory()
        """What partial updates wrote where, so that unchanged pieces are not written again."""
        # Smooth scrolling repaints many frames, which costs bytes over SSH.
        self.animation_level = "none"

    def get_default_screen(self) -> Screen[None]:
        return PanesScreen(id="_default")

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        # Every partial update is written without the unchanged cells Textual adds to it (a
        # list row's border, empty cursor moves, a scrollbar whose thumb did not move).
        super()._display(screen, tighten(renderable, self._screen_memory))

    @on(events.Resize)
    def _forget_the_screen(self) -> None:
        self._screen_memory.forget()

    def action_redraw(self) -> None:
        # Only what changed is ever written: a terminal something else wrote over (a message
        # from the system over SSH) stays wrong until everything is written once more.
        self._screen_memory.forget()
        self.screen.refresh()

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield ArticleList(id="articles")
            yield ArticleView(id="article")
            yield EntityPanel(id="entities")
        yield SearchBar(id="search")
        with Horizontal(id="bottom"):
            yield KeyHints(id="hints")
            yield StatusLine(id="status")
            yield UnreadCount(id="unread")

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
        self._preset_layout_class()
        self.article_list.border_title = "Articles"
        self.article_view.border_title = "Article"
        self.entity_panel.border_title = "People & places"
        self.article_list.show_placeholder("Loading…")
        self.article_view.show_placeholder("Loading…")
        self.entity_panel.show_note("Waiting for the article…")
        self.article_list.focus()
        # Whatever ran meanwhile (a pager, a shell) drew over the screen.
        self.app_resume_signal.subscribe(self, lambda _app: self._screen_memory.forget())
        self._start_loading()

    def _preset_layout_class(self) -> None:
        """The breakpoint class for this width before the first frame: Textual sets it on the
        first Resize, after a frame laid out without it that the terminal would be sent whole."""
        width = self.size.width
        chosen = max((at, name) for at, name in self.HORIZONTAL_BREAKPOINTS if width >= at)[1]
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.screen.set_class(name == chosen, name)

    def _start_loading(self) -> None:
        if not self.sources and self.library_path is not None:
            self.start_library(self.library_path)
            return
        self._load_sources()

    def fold_threshold(self) -> float:
        if self.threshold is not None:
            return self.threshold
        from reader.fold import DEFAULT_THRESHOLD

        return DEFAULT_THRESHOLD

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        task = WORKER_TASKS.get(event.worker.group, event.worker.name)
        error = event.worker.error
        # Exception text can quote the data that caused it: shown as text, escapes made visible.
        self.notify(
            safe_text(f"{task} failed: {error}"), title="Error", severity="error", markup=False
        )
        self.set_status(f"{task} failed")

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
        article = self.full_article(index)
        self.open_index = index
        self.article_list.mark_open(index)
        self.article_view.show_article(article, self._runs_for(article))
        if read:
            self._mark_opened_read(article)
        if self.plan is None:
            self.entity_panel.show_note("Waiting for folds…")
        else:
            # After the article is drawn: the extraction thread would slow that frame.
            self.call_after_refresh(self._extract_for, article)

    def _mark_opened_read(self, article: Article) -> None:
        ids = [article.id]
        if self.mark_story_read and article.id in self.story_of:
            ids = list(self.story_members[self.story_of[article.id]])
        # Not on the undo stack: "u" undoes what the reader did on purpose.
        if self.triage.set("read", ids, True, undoable=False) is not None:
            self.keep_shown |= set(ids)
            self.article_list.refresh_rows(ids)
            self._update_counts()

    def _extract_for(self, article: Article) -> None:
        if self.plan is None or self.article_view.article is not article:
            return  # another article was opened meanwhile
        self.entity_panel.show_note("Finding people and places…")
        self.extract_entities(article, self.plan.folded_paragraphs(article.id))

    def _runs_for(self, article: Article) -> tuple[RunDisplay, ...]:
        refetched = self.refetched | (self.session.refetched if self.session else set())
        if self.plan is None or article.id in refetched:
            return ()
        return present_folds(
            self.plan,
            article.id,
            title_of=self._title_of,
            paragraphs=article.paragraphs,
            text_of=self._paragraph_text,
        )

    def _paragraph_text(self, ref: ParagraphRef) -> str | None:
        index = self._article_index().get(ref.article_id)
        if index is None:
            return None
        # A stored twin is listed without its text: read it like an opened article.
        article = self.full_article(index)
        if ref.paragraph >= len(article.paragraphs):
            return None
        return article.paragraphs[ref.paragraph]

    def _title_of(self, article_id: str) -> str:
        index = self._article_index().get(article_id)
        return article_id if index is None else self.articles[index].title

    def _summary(self) -> str:
        parts = [plural(len(self.articles), "article")]
        if self.plan is not None:
            folded = sum(len(folds) for folds in self.plan.by_article.values())
            parts.append(f"{plural(folded, 'paragraph')} folded")
        if self.story_members:
            stories = len(self.story_members)
            parts.append(f"{stories:,} {'story' if stories == 1 else 'stories'}")
        if self.load_errors:
            parts.append(f"{plural(self.load_errors, 'source')} failed")
        if self.notice:
            parts.append(self.notice)
        return " · ".join(parts)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is text: escapes made visible, never parsed as markup, whoever
        builds the message (file names, feed titles and exception text all come from outside)."""
        super().notify(
            safe_text(message),
            title=safe_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

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


def make_app(
    sources: Sequence[str] = (),
    *,
    services: ReaderServices | None = None,
    threshold: float | None = None,
    mark_story_read: bool = False,
    library_path: Path | None = None,
    refresh_on_start: bool = False,
) -> NewsfoldApp:
    """Build the app for the CLI and the tests.

    With no sources it opens the library at ``library_path`` (the bundled sample while the
    library is empty, or when no library is given).
    """
    return NewsfoldApp(
        sources,
        services=services,
        threshold=threshold,
        mark_story_read=mark_story_read,
        library_path=library_path,
        refresh_on_start=refresh_on_start,
    )
