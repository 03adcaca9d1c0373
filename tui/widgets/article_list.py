"""The article list: a virtual Line-API list that draws only the rows on screen."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.sanitize import safe_text
from tui.widgets.article_layout import article_meta
from tui.widgets.cursor_view import CursorView
from tui.widgets.text_style import NULL_STYLE, LineStyles, ellipsize, fitted_line

if TYPE_CHECKING:
    from reader.model import Article


ROW_HEIGHT = 2
"""Each article takes two lines: its title, then its source and date."""

FOLDED_MARK = "≈"


class ArticleList(CursorView):
    """Titles with source and date; a mark on articles that have folded paragraphs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", key_display="↵", tooltip="Open the article"),
        Binding("up,k", "cursor_up", "Previous article", show=False),
        Binding("down,j", "cursor_down", "Next article", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First article", show=False),
        Binding("end,G", "last", "Last article", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--meta",
        "article-list--mark",
        "article-list--open",
        "article-list--empty",
    }

    class Selected(Message):
        """The reader chose an article (Enter or a click)."""

        def __init__(self, article_list: ArticleList, index: int, article: Article) -> None:
            super().__init__()
            self.article_list = article_list
            self.index = index
            self.article = article

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._articles: Sequence[Article] = ()
        self._folded: Collection[str] = frozenset()
        self._placeholder = ""
        self.open_index: int | None = None
        """Index of the article shown in the article pane, marked in the list."""
        self._line_styles = LineStyles(self)

    @property
    def articles(self) -> Sequence[Article]:
        return self._articles

    @property
    def highlighted(self) -> Article | None:
        return self._articles[self.cursor] if self._articles else None

    def set_articles(self, articles: Sequence[Article], placeholder: str = "No articles") -> None:
        """Show ``articles``; nothing is copied, so a huge corpus costs nothing here."""
        self._articles = articles
        self._placeholder = placeholder
        self.cursor = 0
        self.open_index = None
        self.virtual_size = Size(self.size.width, max(len(articles), 1) * ROW_HEIGHT)
        self.scroll_home(animate=False, immediate=True)
        self.refresh()

    def show_placeholder(self, text: str) -> None:
        self.set_articles((), placeholder=text)

    def set_folded(self, article_ids: Collection[str]) -> None:
        """Mark the articles that have folded paragraphs."""
        self._folded = article_ids
        self.refresh()

    def mark_open(self, index: int) -> None:
        previous, self.open_index = self.open_index, index
        if previous is not None:
            self._refresh_item(previous)
        self._refresh_item(index)

    # -- actions --------------------------------------------------------------------------

    def action_select(self) -> None:
        if self._articles:
            self.post_message(self.Selected(self, self.cursor, self._articles[self.cursor]))

    def _item_count(self) -> int:
        return len(self._articles)

    def _item_span(self, index: int) -> tuple[int, int]:
        return index * ROW_HEIGHT, ROW_HEIGHT

    def _item_at_line(self, line: int) -> int | None:
        row = line // ROW_HEIGHT
        return row if 0 <= row < len(self._articles) else None

    def _clicked(self, index: int) -> None:
        self.action_select()

    # -- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        width = self.size.width
        styles = self._line_styles
        row, part = divmod(line, ROW_HEIGHT)
        if not self._articles:
            if line != 0:
                return styles.blank(width)
            return fitted_line(self._placeholder_line(), styles.base, width, scroll_x)
        if row >= len(self._articles):
            return styles.blank(width)
        base = styles.full("article-list--cursor") if row == self.cursor else styles.base
        segments = self._row_line(self._articles[row], row, part)
        return fitted_line(segments, base, width, scroll_x)

    def _placeholder_line(self) -> list[Segment]:
        text = ellipsize(safe_text(self._placeholder), self.scrollable_content_region.width)
        return [Segment(text, self._line_styles.text("article-list--empty"))]

    def _row_line(self, article: Article, row: int, part: int) -> list[Segment]:
        styles = self._line_styles
        room = max(self.scrollable_content_region.width - 2, 1)
        if part == 0:
            mark = FOLDED_MARK if article.id in self._folded else " "
            head = Segment(f"{mark} ", styles.text("article-list--mark"))
            style = styles.text("article-list--open") if row == self.open_index else NULL_STYLE
            title = ellipsize(safe_text(article.title) or "(untitled)", room)
            return [head, Segment(title, style)]
        meta = ellipsize(safe_text(article_meta(article)), room)
        return [Segment("  "), Segment(meta, styles.text("article-list--meta"))]
