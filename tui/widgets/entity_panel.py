"""The side panel: people and places of the open article, with their counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.sanitize import safe_text
from tui.widgets.cursor_view import CursorView
from tui.widgets.text_style import LineStyles, ellipsize, fitted_line

if TYPE_CHECKING:
    from reader.entity_index import EntityIndex
    from reader.model import Entities, Entity


class PanelLine(NamedTuple):
    """One drawn line: a section heading, an entity, a note, or a gap.

    A named tuple, not a dataclass: it is cheaper to create while the app starts.
    """

    kind: str
    text: str = ""
    entity: Entity | None = None
    extra: str = ""
    """Shown before the count: how many articles name it, in the library view."""


class EntityPanel(CursorView):
    """People, then places, each entity with how many times the visible text names it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Show mentions", key_display="↵"),
        Binding("p", "pivot", "Articles naming", tooltip="List every article naming it"),
        Binding("e", "toggle_scope", "All articles", tooltip="This article or every article"),
        Binding("escape", "app.focus_list", "List", tooltip="Back to the article list"),
        Binding("up,k", "cursor_up", "Previous entity", show=False),
        Binding("down,j", "cursor_down", "Next entity", show=False),
        Binding("home,g", "first", "First entity", show=False),
        Binding("end,G", "last", "Last entity", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entity-panel--heading",
        "entity-panel--count",
        "entity-panel--note",
        "entity-panel--cursor",
    }

    class Pivot(Message):
        """The reader wants the list narrowed to articles naming an entity."""

        def __init__(self, entity: Entity) -> None:
            super().__init__()
            self.entity = entity

    class Selected(Message):
        """The reader chose an entity: its mentions should be shown."""

        def __init__(self, panel: EntityPanel, entity: Entity) -> None:
            super().__init__()
            self.panel = panel
            self.entity = entity

        @property
        def control(self) -> EntityPanel:
            return self.panel

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[PanelLine] = []
        self._entity_lines: list[int] = []
        self.entities: Entities | None = None
        self.library_view = False
        """Listing every loaded article's people and places rather than the open article's."""
        self._article_entities: Entities | None = None
        self._line_styles = LineStyles(self)

    @property
    def highlighted(self) -> Entity | None:
        if not self._entity_lines:
            return None
        return self._lines[self._entity_lines[self.cursor]].entity

    def show_note(self, text: str) -> None:
        """Say why there is nothing to list yet (loading, folding, extracting)."""
        if self.library_view:
            return
        self.entities = None
        self._set_lines([PanelLine("note", text)])

    def set_entities(self, entities: Entities) -> None:
        self._article_entities = entities
        if self.library_view:
            return
        self.entities = entities
        self.border_title = "People & places"
        lines: list[PanelLine] = []
        for heading, group in (("People", entities.people), ("Places", entities.places)):
            if lines:
                lines.append(PanelLine("gap"))
            lines.append(PanelLine("heading", f"{heading} ({len(group)})"))
            lines.extend(PanelLine("entity", entity.name, entity) for entity in group)
            if not group:
                lines.append(PanelLine("note", "  none found"))
        self._set_lines(lines)

    def show_totals(self, index: EntityIndex, limit: int = 200) -> None:
        """Every loaded article's most mentioned people and places, with article counts."""
        from reader.model import Entity

        self.library_view = True
        self.entities = None
        self.border_title = "All articles"
        lines: list[PanelLine] = []
        for heading, kind in (("People", "person"), ("Places", "place")):
            totals = index.top(kind, limit)  # type: ignore[arg-type]
            if lines:
                lines.append(PanelLine("gap"))
            lines.append(PanelLine("heading", f"{heading} (top {len(totals)})"))
            for total in totals:
                entity = Entity(total.name, total.kind, total.mentions, ())
                lines.append(PanelLine("entity", total.name, entity, f"in {total.articles}"))
            if not totals:
                lines.append(PanelLine("note", "  none found"))
        self._set_lines(lines)

    def show_article_scope(self) -> None:
        self.library_view = False
        if self._article_entities is not None:
            self.set_entities(self._article_entities)
        else:
            self.show_note("Finding people and places…")

    def _set_lines(self, lines: list[PanelLine]) -> None:
        self._lines = lines
        self._entity_lines = [row for row, line in enumerate(lines) if line.kind == "entity"]
        self.cursor = 0
        self.virtual_size = Size(self.size.width, len(lines))
        self.scroll_home(animate=False, immediate=True)
        self.refresh()

    # -- actions --------------------------------------------------------------------------

    def action_select(self) -> None:
        entity = self.highlighted
        if entity is not None:
            self.post_message(self.Selected(self, entity))

    def action_pivot(self) -> None:
        entity = self.highlighted
        if entity is not None:
            self.post_message(self.Pivot(entity))

    def action_toggle_scope(self) -> None:
        if self.library_view:
            self.show_article_scope()
        else:
            self.post_message(self.ScopeWanted())

    class ScopeWanted(Message):
        """The reader asked for every article's people and places."""

    def _item_count(self) -> int:
        return len(self._entity_lines)

    def _item_span(self, index: int) -> tuple[int, int]:
        return self._entity_lines[index], 1

    def _item_at_line(self, line: int) -> int | None:
        return self._entity_lines.index(line) if line in self._entity_lines else None

    def _clicked(self, index: int) -> None:
        self.action_select()

    # -- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        width = self.size.width
        styles = self._line_styles
        if row >= len(self._lines):
            return styles.blank(width)
        line = self._lines[row]
        base = styles.base
        if self._entity_lines and row == self._entity_lines[self.cursor]:
            base = styles.full("entity-panel--cursor")
        if line.kind == "gap":
            return styles.blank(width, base)
        segments = self._segments_of(line, self.scrollable_content_region.width)
        return fitted_line(segments, base, width, scroll_x)

    def _segments_of(self, line: PanelLine, width: int) -> list[Segment]:
        styles = self._line_styles
        if line.kind != "entity" or line.entity is None:
            kind = "entity-panel--heading" if line.kind == "heading" else "entity-panel--note"
            return [Segment(ellipsize(safe_text(line.text), width), styles.text(kind))]
        count = f" {line.entity.count}" + (f" {line.extra}" if line.extra else "")
        room = max(width - len(count), 1)
        name = "  " + safe_text(line.text)
        # Pad the name so the counts line up in a column.
        used = cell_len(name)
        name = ellipsize(name, room) if used > room else name + " " * (room - used)
        return [Segment(name), Segment(count, styles.text("entity-panel--count"))]
