"""One line saying what the app is doing now: loading, folding, or what it found."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.sanitize import safe_text


class StatusLine(Widget):
    """Progress while the workers run, then a summary of the corpus."""

    message: reactive[str] = reactive("")

    def render(self) -> Content:
        # Plain text, never markup: the message may quote a source name.
        return Content(safe_text(self.message))


class UnreadCount(Widget):
    """How many articles are unread, at the right of the bottom line.

    Its own widget, not the list's border: changing a border repaints the whole pane, which
    over SSH costs kilobytes on every read or unread.
    """

    count: reactive[int] = reactive(0)

    def render(self) -> Content:
        return Content(f"{self.count:,} unread")
