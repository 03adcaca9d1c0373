"""One line saying what the app is doing now: loading, folding, or what it found."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.sanitize import safe_text


class StatusLine(Widget):
    """Progress while the workers run, then a summary of the corpus."""

    message: reactive[str] = reactive("", layout=True)

    def render(self) -> Content:
        # Plain text, never markup: the message may quote a source name.
        return Content(safe_text(self.message))
