"""The feeds screen: every feed (or source) with its unread count; Enter lists only its articles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.sanitize import safe_text


class FeedsScreen(ModalScreen[str | None]):
    """A short list (feeds number in the tens), so a plain OptionList is cheap enough here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,F", "dismiss_none", "Close", key_display="esc"),
    ]

    def __init__(self, counts: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        self.counts = tuple(counts)

    def compose(self) -> ComposeResult:
        width = max((len(str(count)) for _, count in self.counts), default=1)
        options = [
            # Content, not markup: a feed's title is text, whatever brackets it holds.
            Option(Content(f"{count:>{width}}  {safe_text(name)}"), id=str(index))
            for index, (name, count) in enumerate(self.counts)
        ]
        with Vertical(id="feeds-body") as body:
            body.border_title = "Feeds · unread"
            body.border_subtitle = "↵ show its articles · esc close"
            yield OptionList(*options, id="feeds-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.dismiss(self.counts[index][0])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
