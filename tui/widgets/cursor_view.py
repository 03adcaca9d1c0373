"""A Line-API view with a cursor on one item (one or more lines) at a time."""

from __future__ import annotations

from textual import events
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView


class CursorView(ScrollView, can_focus=True, inherit_bindings=False):
    """Moving the cursor redraws only the item it leaves and the one it lands on.

    Subclasses say how many items there are, which lines each takes and which item a line
    belongs to; the cursor movement, paging, clicks and minimal refreshes are shared.
    """

    JUMP_SCROLL = False
    """Scroll by half a page, not a line, when the cursor leaves the screen."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """How many lines the view scrolls over. A new size updates this view's scrollbar (see
    :meth:`watch_virtual_size`) rather than lay out the screen, as Textual's does."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor = 0
        """Index of the item under the cursor."""

    # -- what a subclass provides ---------------------------------------------------------

    def _item_count(self) -> int:
        raise NotImplementedError

    def _item_span(self, index: int) -> tuple[int, int]:
        """``(top, height)`` of item ``index`` in lines of the whole (virtual) view."""
        raise NotImplementedError

    def _item_at_line(self, line: int) -> int | None:
        """The item drawn on virtual line ``line``, if any."""
        raise NotImplementedError

    def _clicked(self, index: int) -> None:
        """What a click on item ``index`` does once the cursor is on it."""

    # -- scrollbars -----------------------------------------------------------------------

    def watch_virtual_size(self, size: Size) -> None:
        # Textual lays out the whole screen when a view's virtual size changes, only to size its
        # scrollbar; a layout then repaints every scrollbar on screen, a frame later (a late frame
        # for each archive, undo or filter at 100k, and a kilobyte over SSH).
        self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # A layout passes a scroll view its visible area as ``virtual_size``, which never equals
        # the view's own, so Textual would resize (and repaint) the scrollbar on every layout of
        # the screen, e.g. each focus change. Only a new size or container size matters here; a
        # new virtual size is handled by ``watch_virtual_size``.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    # -- focus ----------------------------------------------------------------------------

    def _on_blur(self, event: events.Blur) -> None:
        # The pane that takes the focus paints first (the article, on Enter); this one restyles
        # (border, cursor colour: every visible line and its scrollbar) a frame later. Keys go
        # to the new pane at once either way: Textual routes them by the screen's focus.
        event.prevent_default()
        self.call_after_refresh(self._show_blurred)
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def _show_blurred(self) -> None:
        if self.is_attached and self.app.focused is not self:
            self.has_focus = False
            self.refresh()

    # -- shared behaviour -----------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on item ``index`` (clamped) and scroll it into view at once."""
        count = self._item_count()
        if not count:
            return
        index = max(0, min(index, count - 1))
        previous, self.cursor = self.cursor, index
        self._refresh_item(previous)
        self._refresh_item(index)
        top, height = self._item_span(index)
        page = self._page_height()
        view_top = self.scroll_offset.y
        outside = top < view_top or top + height > view_top + page
        if self.JUMP_SCROLL and outside and height * 4 <= page:
            # Leaving the screen scrolls half a page at once: every scroll repaints the whole
            # pane, so scrolling a line per move would repaint on every move (bytes over SSH).
            self.scroll_to(y=max(top - (page - height) // 2, 0), animate=False, immediate=True)
            return
        # Scroll instantly: smooth scrolling costs many frames (and bytes over SSH).
        self.scroll_to_region(Region(0, top, 1, min(height, page)), animate=False, immediate=True)

    def _refresh_item(self, index: int) -> None:
        if 0 <= index < self._item_count():
            top, height = self._item_span(index)
            # Not the scrollbar beside the text (25 bytes a line); without a scrollbar its gutter
            # shows the end of the line, cursor colour included.
            shown = self.show_vertical_scrollbar
            width = self.scrollable_content_region.width if shown else self.size.width
            # Clipped to the lines on screen: Textual would repaint whatever the region covers
            # beyond them, such as the bottom border (100 bytes) under an item scrolled away.
            on_screen = Region(0, 0, width, self._page_height())
            region = Region(0, top - self.scroll_offset.y, width, height).intersection(on_screen)
            if region:
                self.refresh(region)

    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    def _page(self, direction: int) -> None:
        if self._item_count():
            top, _ = self._item_span(self.cursor)
            target = max(top + direction * self._page_height(), 0)
            found = self._item_at_line(target)
            if found is None:
                found = 0 if direction < 0 else self._item_count() - 1
            self.move_cursor(found)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_page_down(self) -> None:
        self._page(+1)

    def action_first(self) -> None:
        self.move_cursor(0)
        # Whatever sits above the first item (a heading, the article's title) comes back too.
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.move_cursor(self._item_count() - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._item_at_line(offset.y + self.scroll_offset.y)
        if index is not None:
            self.move_cursor(index)
            self._clicked(index)
