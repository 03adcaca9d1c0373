"""The article list: a virtual Line-API list that draws only the rows on screen."""

from __future__ import annotations

from bisect import insort
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from reader.sanitize import safe_text
from tui.list_model import ListView, StoryRow
from tui.triage import Triage
from tui.widgets.article_layout import article_meta
from tui.widgets.cursor_view import CursorView
from tui.widgets.text_style import NULL_STYLE, LineStyles, ellipsize, fitted_line

if TYPE_CHECKING:
    from reader.model import Article


ROW_HEIGHT = 2
"""Each article takes two lines: its title, then its source and date."""

FOLDED_MARK = "≈"
UNREAD_MARK = "•"
STAR_MARK = "★"
STRIPPED_BADGE = "⚠"


class ArticleList(CursorView):
    """Titles with source and date; marks for unread, starred and folded; one row per story."""

    JUMP_SCROLL = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", key_display="↵", tooltip="Open the article"),
        Binding("up,k", "cursor_up", "Previous article", show=False),
        Binding("down,j", "cursor_down", "Next article", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First article", show=False),
        Binding("end,G", "last", "Last article", show=False),
        Binding("escape", "app.clear_narrowing", "Show all", show=False),
        Binding("right,l", "expand_story", "Expand story", show=False),
        Binding("left,h", "collapse_story", "Collapse story", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--meta",
        "article-list--mark",
        "article-list--open",
        "article-list--empty",
        "article-list--read",
        "article-list--star",
        "article-list--story",
        "article-list--badge",
    }

    class Selected(Message):
        """The reader chose an article (Enter or a click)."""

        def __init__(self, article_list: ArticleList, index: int, article: Article) -> None:
            super().__init__()
            self.article_list = article_list
            self.index = index
            """Index of the article in the app's entries (not the row)."""
            self.article = article

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class StoryToggled(Message):
        """The reader expanded or collapsed a story cluster."""

        def __init__(self, story: int, expand: bool) -> None:
            super().__init__()
            self.story = story
            self.expand = expand

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._articles: Sequence[Article] = ()
        self._index_of: dict[str, int] | None = None
        self._rows: Sequence[int] = ()
        self._stories: dict[int, StoryRow] | None = None
        self._triage = Triage()
        self._folded: Collection[str] = frozenset()
        self._placeholder = ""
        self.open_index: int | None = None
        """Entry index of the article shown in the article pane, marked in the list."""
        self._line_styles = LineStyles(self)
        self._text_width = 0
        """Cells for text on a line, measured once per repaint (see :meth:`render_lines`)."""

    @property
    def articles(self) -> Sequence[Article]:
        """Every entry the rows index into, shown or not."""
        return self._articles

    @property
    def rows(self) -> Sequence[int]:
        """Entry indices of the rows on show, top to bottom."""
        return self._rows

    @property
    def shown(self) -> list[Article]:
        """The articles on show, top to bottom."""
        return [self._articles[index] for index in self._rows]

    @property
    def highlighted_index(self) -> int | None:
        """Entry index of the row under the cursor."""
        return self._rows[self.cursor] if self._rows else None

    @property
    def highlighted(self) -> Article | None:
        index = self.highlighted_index
        return None if index is None else self._articles[index]

    def story_row(self, index: int) -> StoryRow | None:
        return self._stories.get(index) if self._stories else None

    def set_articles(
        self,
        articles: Sequence[Article],
        view: ListView | None = None,
        triage: Triage | None = None,
        *,
        placeholder: str = "No articles",
        keep_cursor: bool = False,
    ) -> None:
        """Show the rows of ``view`` (every article when None); nothing is copied."""
        current = self.highlighted_index if keep_cursor else None
        if articles is not self._articles:
            self._index_of = None
        self._articles = articles
        self._rows = view.rows if view is not None else range(len(articles))
        self._stories = dict(view.stories) if view is not None and view.stories else None
        if triage is not None:
            self._triage = triage
        self._placeholder = placeholder
        self.virtual_size = Size(self.size.width, max(len(self._rows), 1) * ROW_HEIGHT)
        if not keep_cursor:
            self.cursor = 0
            self.open_index = None
            self.scroll_home(animate=False, immediate=True)
        else:
            self.cursor = self._row_near(current)
            self.move_cursor(self.cursor)
        self.refresh()

    def _row_near(self, index: int | None) -> int:
        """The row of entry ``index``, else the row that took its place."""
        if index is None or not self._rows:
            return 0
        try:
            return self._rows.index(index)
        except ValueError:
            return min(self.cursor, len(self._rows) - 1)

    def patch_rows(self, removed: Collection[int], added: Collection[int]) -> None:
        """Drop and insert rows in place, keeping the cursor on its article (or on the row that
        took its place): archiving one article of 100k costs a list edit, not a rebuild.

        Only for rows in the natural (ascending) order, which is what ``added`` is sorted into.
        """
        current = self.highlighted_index
        rows = self._rows if isinstance(self._rows, list) else list(self._rows)
        for index in removed:
            rows.remove(index)
        for index in added:
            insort(rows, index)
        self._rows = rows
        self.virtual_size = Size(self.size.width, max(len(rows), 1) * ROW_HEIGHT)
        self.cursor = self._row_near(current)
        self.move_cursor(self.cursor)
        self.refresh()

    def row_of(self, index: int) -> int | None:
        try:
            return self._rows.index(index)
        except ValueError:
            return None

    def show_placeholder(self, text: str) -> None:
        self.set_articles((), placeholder=text)

    def refresh_rows(self, article_ids: Collection[str] | None = None) -> None:
        """Flags changed: redraw those articles' rows if on screen (rows stay where they are).

        One row, not the pane: over SSH a full repaint of the list costs kilobytes.
        """
        if article_ids is None or len(article_ids) > 8:
            self.refresh()
            return
        if self._index_of is None:
            self._index_of = {article.id: index for index, article in enumerate(self._articles)}
        for article_id in article_ids:
            index = self._index_of.get(article_id)
            row = None if index is None else self.row_of(index)
            if row is not None:
                self._refresh_item(row)

    def set_folded(self, article_ids: Collection[str]) -> None:
        """Mark the articles that have folded paragraphs."""
        self._folded = article_ids
        self.refresh()

    def mark_open(self, index: int) -> None:
        """Mark entry ``index`` as the one in the article pane."""
        previous, self.open_index = self.open_index, index
        for entry in (previous, index):
            row = None if entry is None else self.row_of(entry)
            if row is not None:
                self._refresh_item(row)

    # -- actions --------------------------------------------------------------------------

    def action_select(self) -> None:
        index = self.highlighted_index
        if index is not None:
            self.post_message(self.Selected(self, index, self._articles[index]))

    def action_expand_story(self) -> None:
        self._toggle_story(expand=True)

    def action_collapse_story(self) -> None:
        self._toggle_story(expand=False)

    def _toggle_story(self, *, expand: bool) -> None:
        index = self.highlighted_index
        story = self.story_row(index) if index is not None else None
        if story is not None and story.expanded != expand:
            self.post_message(self.StoryToggled(story.story, expand))

    def _item_count(self) -> int:
        return len(self._rows)

    def _item_span(self, index: int) -> tuple[int, int]:
        return index * ROW_HEIGHT, ROW_HEIGHT

    def _item_at_line(self, line: int) -> int | None:
        row = line // ROW_HEIGHT
        return row if 0 <= row < len(self._rows) else None

    def _clicked(self, index: int) -> None:
        self.action_select()

    # -- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Measured once per repaint, not per line: each measure walks the widget's geometry.
        self._text_width = self.scrollable_content_region.width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        width = self.size.width
        styles = self._line_styles
        row, part = divmod(line, ROW_HEIGHT)
        if not self._rows:
            if line != 0:
                return styles.blank(width)
            return fitted_line(self._placeholder_line(), styles.base, width, scroll_x)
        if row >= len(self._rows):
            return styles.blank(width)
        base = styles.full("article-list--cursor") if row == self.cursor else styles.base
        segments = self._row_line(self._rows[row], part)
        return fitted_line(segments, base, width, scroll_x)

    def _width_for_text(self) -> int:
        # A line asked for outside a repaint (tests read lines directly) measures for itself.
        return self._text_width or self.scrollable_content_region.width

    def _placeholder_line(self) -> list[Segment]:
        text = ellipsize(safe_text(self._placeholder), self._width_for_text())
        return [Segment(text, self._line_styles.text("article-list--empty"))]

    def _row_line(self, index: int, part: int) -> list[Segment]:
        article = self._articles[index]
        styles = self._line_styles
        story = self.story_row(index)
        indent = "  " if story is not None and not story.lead else ""
        room = max(self._width_for_text() - 4 - len(indent), 1)
        if part == 0:
            triage = self._triage
            read = article.id in triage.read
            # Blank marks carry no style, so they merge with the line: fewer bytes per row.
            mark_style = styles.text("article-list--mark")
            unread = Segment(" ") if read else Segment(UNREAD_MARK, mark_style)
            star = article.id in triage.starred
            star_mark = (
                Segment(STAR_MARK, styles.text("article-list--star")) if star else Segment(" ")
            )
            folded = article.id in self._folded
            fold_mark = Segment(FOLDED_MARK, mark_style) if folded else Segment(" ")
            if index == self.open_index:
                style = styles.text("article-list--open")
            else:
                style = styles.text("article-list--read") if read else NULL_STYLE
            shown = safe_text(article.title)
            badge: list[Segment] = []
            if shown != article.title:
                # Something in the title would have driven the terminal: say so, show it as text.
                badge = [Segment(STRIPPED_BADGE + " ", styles.text("article-list--badge"))]
                room = max(room - 2, 1)
            title = ellipsize(shown or "(untitled)", room)
            head = [unread, star_mark, fold_mark, Segment(" " + indent)]
            return [*head, *badge, Segment(title, style)]
        meta = safe_text(article_meta(article))
        segments = [Segment("    " + indent)]
        if story is not None and story.lead:
            several = len(story.outlets) > 1
            outlets = len(story.outlets) if several else story.members
            arrow = "▾" if story.expanded else "▸"
            noun = "outlets" if several else "articles"
            tag = f"{arrow} {outlets} {noun}"
            if len(meta) > room - len(tag) - 3 and article.source:
                meta = safe_text(article.source)  # the outlet matters more than the date here
            meta = ellipsize(meta, max(room - len(tag) - 3, 1))
            segments += [
                Segment(meta, styles.text("article-list--meta")),
                Segment(" · " if meta else ""),
                Segment(tag, styles.text("article-list--story")),
            ]
            return segments
        segments.append(Segment(ellipsize(meta, room), styles.text("article-list--meta")))
        return segments
