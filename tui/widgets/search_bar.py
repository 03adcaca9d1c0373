"""The search line under the panes: fuzzy search over titles and text as the reader types."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Hidden until ``/``; Enter keeps the results and goes to the list, Esc clears them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear search", key_display="esc"),
        Binding("enter", "accept", "Results", key_display="↵"),
        Binding("down", "accept", "Results", show=False),
    ]

    class Cancelled(Message):
        """The reader left the search: the list goes back to what it showed before."""

    class Accepted(Message):
        """The reader is done typing: move to the results."""

    def __init__(self, *, id: str | None = None) -> None:
        # Content is typed by the reader and shown as text, never parsed as markup.
        super().__init__(placeholder="Search titles and text…", id=id, compact=True)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())

    def action_accept(self) -> None:
        self.post_message(self.Accepted())
