"""What the article list shows: filter, pivot and search narrowing, stories, unread counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from reader.sanitize import safe_text
from tui.flag_masks import FlagMasks
from tui.list_model import FILTER_NAMES, StoryMembers, build_view
from tui.widgets.article_list import ArticleList
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import UnreadCount

if TYPE_CHECKING:
    from tui.app import NewsfoldApp
    from tui.triage import FlagChange

PATCH_LIMIT = 64
"""Above this many articles at once, rebuilding the rows is as quick as editing them."""


class ListActions:
    """Mixed into the app: rebuilds the list's rows, cheaply enough for 100k articles."""

    _ids_for: tuple[object, list[str]] | None = None
    _index_for: tuple[object, dict[str, int]] | None = None
    _members_for: tuple[object, object, StoryMembers] | None = None
    _flag_masks: FlagMasks | None = None
    """The flags as byte masks over the articles, kept between rebuilds of the list."""
    _shown_title: str = ""

    def refresh_list(self: NewsfoldApp, *, keep_cursor: bool = False) -> None:
        """Rebuild the rows from the filter, search, pivot and stories; cheap at 100k rows."""
        if self._flag_masks is None:
            self._flag_masks = FlagMasks()
        view = build_view(
            self.articles,
            self.triage,
            flag_filter=self.list_filter,
            only=self.pivot[1] if self.pivot else None,
            ranked=self.search_hits,
            keep=self.keep_shown,
            story_of=self.story_of,
            expanded=self.expanded_stories,
            ids=self._article_ids(),
            index_of=self._article_index(),
            masks=self._flag_masks,
            members=self._story_members(),
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

    def patch_list(self: NewsfoldApp, change: FlagChange) -> bool:
        """Apply an archive or unarchive to the shown rows without rebuilding them.

        Only in the plain natural order (no search, pivot or open story) and for articles
        outside stories; returns False when the list must be rebuilt instead.
        """
        if change.flag != "archived" or len(change.ids) > PATCH_LIMIT:
            return False
        if self.search_hits is not None or self.pivot is not None or self.expanded_stories:
            return False
        if any(article_id in self.story_of for article_id in change.ids):
            return False
        index_of = self._article_index()
        shown = set(self.article_list.rows) if len(change.ids) > 1 else None
        removed: list[int] = []
        added: list[int] = []
        for article_id in change.ids:
            index = index_of.get(article_id)
            if index is None:
                return False
            present = index in shown if shown is not None else index in self.article_list.rows
            wanted = self._passes_filter(article_id)
            if present and not wanted:
                removed.append(index)
            elif wanted and not present:
                added.append(index)
        self.article_list.patch_rows(removed, added)
        self._update_counts()
        return True

    def _passes_filter(self: NewsfoldApp, article_id: str) -> bool:
        triage = self.triage
        if self.list_filter == "archived":
            return article_id in triage.archived
        if article_id in triage.archived:
            return False
        if article_id in self.keep_shown or self.list_filter == "all":
            return True
        if self.list_filter == "unread":
            return article_id not in triage.read
        return article_id in triage.starred

    def _article_ids(self: NewsfoldApp) -> list[str]:
        """Every article's id in list order, rebuilt only when the articles change."""
        cached = self._ids_for
        if cached is None or cached[0] is not self.articles:
            cached = self._ids_for = (self.articles, [a.id for a in self.articles])
        return cached[1]

    def _article_index(self: NewsfoldApp) -> dict[str, int]:
        """Each article id's place in the articles, rebuilt only when the articles change."""
        cached = self._index_for
        if cached is None or cached[0] is not self.articles:
            ids = self._article_ids()
            cached = self._index_for = (self.articles, {a: i for i, a in enumerate(ids)})
        return cached[1]

    def _story_members(self: NewsfoldApp) -> StoryMembers:
        """The story members' indices, rebuilt only when the stories or the articles change."""
        cached = self._members_for
        if cached is None or cached[0] is not self.story_of or cached[1] is not self.articles:
            members = StoryMembers.build(self.story_of, self._article_index())
            cached = self._members_for = (self.story_of, self.articles, members)
        return cached[2]

    def _update_counts(self: NewsfoldApp) -> None:
        shown = len(self.article_list.rows)
        triage = self.triage
        # Every flagged id is a listed article: counting by set sizes costs nothing at 100k.
        unread = len(self.articles) - len(triage.read) - len(triage.archived - triage.read)
        narrowed = []
        if self.pivot is not None:
            narrowed.append(f"naming {self.pivot[0]}")
        if self.search_hits is not None:
            narrowed.append("search")
        name = "Articles" if self.list_filter == "all" else FILTER_NAMES[self.list_filter]
        title = f"{name} ({shown:,})"
        if narrowed:
            title = f"{name}, {', '.join(narrowed)} ({shown:,})"
        # Setting a border title repaints the whole pane, even to the same text: only on change.
        # Content, not a str: Textual parses a str title as markup, and a feed name is not.
        title = safe_text(title)
        if self._shown_title != title:
            self._shown_title = title
            self.article_list.border_title = Content(title)
        self.query_one(UnreadCount).count = unread

    def action_clear_narrowing(self: NewsfoldApp) -> None:
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

    # A named handler, not @on: Textual collects @on handlers only from widget classes.
    def on_article_list_story_toggled(self: NewsfoldApp, message: ArticleList.StoryToggled) -> None:
        if message.expand:
            self.expanded_stories.add(message.story)
        else:
            self.expanded_stories.discard(message.story)
        self.refresh_list(keep_cursor=True)

    def unread_by_source(self: NewsfoldApp) -> list[tuple[str, int]]:
        """(source, unread count) of the loaded articles, most unread first."""
        counts: dict[str, int] = {}
        for article in self.articles:
            name = article.source or "(no source)"
            unread = article.id not in self.triage.read and article.id not in self.triage.archived
            counts[name] = counts.get(name, 0) + unread
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].lower()))

    def show_only_source(self: NewsfoldApp, name: str | None) -> None:
        """The feeds screen's choice: list only that source's articles (Esc shows all)."""
        if name is None:
            return
        source = "" if name == "(no source)" else name
        ids = frozenset(a.id for a in self.articles if a.source == source)
        self.pivot = (name, ids)
        self.search_hits = None
        self.refresh_list()
        self.article_list.focus()
        self.set_status(f"Only {name} · Esc to show all")
