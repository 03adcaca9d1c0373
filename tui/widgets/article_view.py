"""The article pane: a Line-API view of one article with fold lines and a block cursor."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from reader.sanitize import safe_text, was_sanitised
from tui.fold_display import RunDisplay
from tui.widgets.article_layout import Block, Piece, article_meta, block_pieces, build_blocks
from tui.widgets.cursor_view import CursorView
from tui.widgets.piece_lines import Line, piece_lines
from tui.widgets.text_style import LineStyles, fitted_line
from tui.widgets.wrap import wrap_offsets

if TYPE_CHECKING:
    from reader.model import Article, Mention


STRIPPED_BADGE = "⚠"
STRIPPED_NOTE = "this article held terminal escapes or hidden characters: shown as text (␛, �)"


class ArticleView(CursorView):
    """Title, meta line and paragraphs; each run of folded paragraphs is one line until expanded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "toggle_fold", "Fold/unfold", tooltip="Expand or collapse the fold"),
        Binding("escape", "app.focus_list", "List", tooltip="Back to the article list"),
        Binding("up,k", "cursor_up", "Previous paragraph", show=False),
        Binding("down,j", "cursor_down", "Next paragraph", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First paragraph", show=False),
        Binding("end,G", "last", "Last paragraph", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--number",
        "article-view--fold",
        "article-view--folded",
        "article-view--twin",
        "article-view--mention",
        "article-view--changed",
        "article-view--badge",
        "article-view--cursor",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._article: Article | None = None
        self._placeholder = ""
        self._runs: tuple[RunDisplay, ...] = ()
        self._expanded: set[int] = set()
        self._mentions: dict[int, list[tuple[int, int]]] = {}
        self._stripped: bool | None = None
        self._mention_at = -1
        """Which highlighted mention ``n``/``N`` last jumped to."""
        self._blocks: list[Block] = []
        self._block_tops: list[int] = []
        self._header: list[Line] | None = None
        self._line_count = 0
        self._width = 0
        self._heights: dict[Block, int] = {}
        """Lines per block at the current width: cheap to compute, needed for every block."""
        self._rendered: dict[Block, list[Line]] = {}
        """Styled text of each line, only for blocks that have been on screen."""
        self._line_styles = LineStyles(self)

    # -- state the app and tests read -------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self._article

    @property
    def runs(self) -> tuple[RunDisplay, ...]:
        return self._runs

    @property
    def expanded_runs(self) -> frozenset[int]:
        return frozenset(self._expanded)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(self._blocks)

    @property
    def cursor_block(self) -> Block | None:
        return self._blocks[self.cursor] if self._blocks else None

    @property
    def line_count(self) -> int:
        """How many lines the article takes at the current width."""
        return self._line_count

    @property
    def highlighted_paragraphs(self) -> frozenset[int]:
        return frozenset(self._mentions)

    # -- what the app tells it ------------------------------------------------------------

    def show_placeholder(self, text: str) -> None:
        """Show a one-line message (loading, nothing to show) instead of an article."""
        self._article = None
        self._placeholder = text
        self._runs = ()
        self._expanded.clear()
        self._mentions.clear()
        self._forget_lines()
        self._relayout(keep_paragraph=None)

    def show_article(self, article: Article, runs: Sequence[RunDisplay] = ()) -> None:
        """Open ``article`` at its top, with its folds when they are already known."""
        self._article = article
        self._runs = tuple(runs)
        self._expanded.clear()
        self._mentions.clear()
        self._forget_lines()
        self.cursor = 0
        self._relayout(keep_paragraph=None)
        self.scroll_home(animate=False, immediate=True)

    def set_runs(self, runs: Sequence[RunDisplay]) -> None:
        """Folds arrived for the open article: fold them, keeping the cursor where it was."""
        paragraph = self._cursor_paragraph()
        self._runs = tuple(runs)
        self._expanded.clear()
        self._forget_lines()
        self._relayout(keep_paragraph=paragraph)

    def highlight_mentions(self, mentions: Iterable[Mention]) -> None:
        """Mark ``mentions`` in the text and put the cursor on the block of the first one."""
        self._mentions = {}
        for mention in mentions:
            self._mentions.setdefault(mention.paragraph, []).append((mention.start, mention.end))
        # Mentions change styles, not heights: only the rendered lines are stale.
        self._rendered.clear()
        # Prefer a mention the reader can see; one hidden in a collapsed fold only as a last resort.
        visible = [p for p in self._mentions if self._run_of(p) in (None, *self._expanded)]
        first = min(visible or self._mentions, default=None)
        self._mention_at = -1
        if first is not None:
            self.move_cursor(self._block_of_paragraph(first))
            self._mention_at = next(
                i for i, (p, _) in enumerate(self._mention_stops()) if p == first
            )
        self.refresh()

    def _mention_stops(self) -> list[tuple[int, int]]:
        """Highlighted mentions as ``(paragraph, start)`` in reading order; those hidden in a
        collapsed fold only when nothing else is highlighted."""
        stops = sorted((p, start) for p, spans in self._mentions.items() for start, _ in spans)
        shown = (None, *self._expanded)
        visible = [stop for stop in stops if self._run_of(stop[0]) in shown]
        return visible or stops

    def jump_to_mention(self, direction: int) -> tuple[int, int] | None:
        """Move to the next (``direction`` 1) or previous (-1) highlighted mention, wrapping;
        returns its 1-based position and how many there are, or None when none is highlighted."""
        stops = self._mention_stops()
        if not stops:
            return None
        self._mention_at = (self._mention_at + direction) % len(stops)
        paragraph, _ = stops[self._mention_at]
        self.move_cursor(self._block_of_paragraph(paragraph))
        return self._mention_at + 1, len(stops)

    def toggle_run(self, run_index: int) -> None:
        """Expand a collapsed run or collapse an expanded one; the cursor lands on its line."""
        if not 0 <= run_index < len(self._runs):
            return
        if run_index in self._expanded:
            self._expanded.discard(run_index)
        else:
            self._expanded.add(run_index)
        # The fold line's arrow shows the state, so its rendered lines are stale now.
        self._rendered.pop(Block("fold", run_index), None)
        self._relayout(keep_paragraph=None)
        fold_line = self._blocks.index(Block("fold", run_index))
        self.move_cursor(fold_line)
        if run_index in self._expanded:
            # Bring the unfolded paragraphs into view under their fold line.
            self.scroll_to(y=self._block_tops[fold_line], animate=False, immediate=True)

    # -- actions --------------------------------------------------------------------------

    def action_toggle_fold(self) -> None:
        block = self.cursor_block
        if block is None:
            return
        if block.kind == "fold":
            self.toggle_run(block.index)
        elif block.folded:
            run = self._run_of(block.index)
            if run is not None:
                self.toggle_run(run)

    def _item_count(self) -> int:
        return len(self._blocks)

    def _item_span(self, index: int) -> tuple[int, int]:
        return self._block_tops[index], self._block_height(self._blocks[index])

    def _item_at_line(self, line: int) -> int | None:
        if not self._blocks or line < len(self._header_lines()):
            return None
        return bisect_right(self._block_tops, line) - 1

    def _clicked(self, index: int) -> None:
        if self._blocks[index].kind == "fold":
            self.toggle_run(self._blocks[index].index)

    # -- layout ---------------------------------------------------------------------------

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Wrapped for the new width within the layout that sets it, so the frame it paints
        # already shows the text wrapped right; a Resize handler runs after that frame, and an
        # article opened before the first layout would first be drawn 12 columns wide.
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if self._content_width() != self._width:
            self._relayout(keep_paragraph=self._cursor_paragraph())
        return resized

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Rendered lines carry component styles, which a theme change alters.
        self._line_styles.clear()
        self._rendered.clear()
        self._header = None

    def _content_width(self) -> int:
        return max(self.scrollable_content_region.width, 12)

    def _forget_lines(self) -> None:
        self._stripped = None
        self._heights.clear()
        self._rendered.clear()
        self._header = None

    def _relayout(self, *, keep_paragraph: int | None) -> None:
        """Rebuild the block list and line offsets; strips are rendered lazily and cached."""
        width = self._content_width()
        if width != self._width:
            self._width = width
            self._forget_lines()
        article = self._article
        count = len(article.paragraphs) if article else 0
        self._blocks = list(build_blocks(count, self._runs, self._expanded))
        top = len(self._header_lines())
        self._block_tops = []
        for block in self._blocks:
            self._block_tops.append(top)
            top += self._block_height(block) + 1
        self._line_count = top
        self.virtual_size = Size(width, top)
        if keep_paragraph is not None:
            self.cursor = self._block_of_paragraph(keep_paragraph)
        self.cursor = max(0, min(self.cursor, len(self._blocks) - 1))
        self.refresh()

    def _header_lines(self) -> list[Line]:
        if self._header is None:
            self._header = self._render_header()
        return self._header

    def _render_header(self) -> list[Line]:
        width = self._width or self._content_width()
        if self._article is None:
            return self._wrap(safe_text(self._placeholder), "article-view--meta", width)
        title = self._wrap(safe_text(self._article.title), "article-view--title", width)
        meta = self._wrap(safe_text(article_meta(self._article)), "article-view--meta", width)
        badge: list[Line] = []
        if self.stripped:
            note = f"{STRIPPED_BADGE} {STRIPPED_NOTE}"
            badge = self._wrap(note, "article-view--badge", width)
        return [*title, *meta, *badge, []]

    @property
    def stripped(self) -> bool:
        """The article carried control characters, escapes or hidden formatting, shown as text."""
        article = self._article
        if article is None:
            return False
        if self._stripped is None:
            texts = (article.title, article.source, article.url, *article.paragraphs)
            self._stripped = any(was_sanitised(text) for text in texts)
        return self._stripped

    def _wrap(self, text: str, component: str, width: int) -> list[Line]:
        style = self._line_styles.text(component)
        return [[Segment(text[start:end], style)] for start, end in wrap_offsets(text, width)]

    def _gutter_width(self) -> int:
        count = len(self._article.paragraphs) if self._article else 0
        return len(str(count)) + 1

    def _text_width(self) -> int:
        return max(self._width - self._gutter_width() - 1, 8)

    def _pieces(self, block: Block) -> tuple[Piece, ...]:
        assert self._article is not None
        return block_pieces(self._article, self._runs, self._expanded, block)

    def _block_height(self, block: Block) -> int:
        height = self._heights.get(block)
        if height is None:
            width = self._text_width()
            pieces = self._pieces(block)
            height = sum(len(wrap_offsets(piece.text, width)) for piece in pieces)
            self._heights[block] = height
        return height

    def _block_lines(self, block: Block) -> list[Line]:
        lines = self._rendered.get(block)
        if lines is None:
            lines = self._rendered[block] = self._render_block(block)
        return lines

    def _render_block(self, block: Block) -> list[Line]:
        return piece_lines(
            self._pieces(block),
            self._line_styles,
            width=self._text_width(),
            gutter=self._gutter_width(),
            mentions=self._mentions.get(block.index, ()),
            changes=self._changes_of(block),
            console=self.app.console,
        )

    def _changes_of(self, block: Block) -> tuple[tuple[int, int], ...]:
        """Spans of a folded paragraph that differ from its twin."""
        for run in self._runs:
            if block.index in run:
                return tuple(run.changes.get(block.index, ()))
        return ()

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        width = self.size.width
        styles = self._line_styles
        header = self._header_lines()
        if line < len(header):
            return fitted_line(header[line], styles.base, width, scroll_x)
        if self._blocks and line < self._line_count:
            index = bisect_right(self._block_tops, line) - 1
            lines = self._block_lines(self._blocks[index])
            offset = line - self._block_tops[index]
            if offset < len(lines):
                base = styles.full("article-view--cursor") if index == self.cursor else styles.base
                return fitted_line(lines[offset], base, width, scroll_x)
        return styles.blank(width)

    # -- cursor ---------------------------------------------------------------------------

    def _cursor_paragraph(self) -> int | None:
        block = self.cursor_block
        if block is None:
            return None
        if block.kind == "fold":
            return self._runs[block.index].start
        return block.index

    def _run_of(self, paragraph: int) -> int | None:
        for index, run in enumerate(self._runs):
            if paragraph in run:
                return index
        return None

    def _block_of_paragraph(self, paragraph: int) -> int:
        """The block showing ``paragraph``: itself, or the line of the collapsed run hiding it."""
        run = self._run_of(paragraph)
        wanted = (
            Block("fold", run)
            if run is not None and run not in self._expanded
            else Block("paragraph", paragraph, folded=run is not None)
        )
        try:
            return self._blocks.index(wanted)
        except ValueError:
            return 0
