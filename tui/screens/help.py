"""The "?" screen: every key of the app and of each pane, read from their bindings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.key_hints import bindings_of


@dataclass(frozen=True)
class KeySection:
    """The keys of one part of the app: (keys, what they do) in declaration order."""

    title: str
    keys: tuple[tuple[str, str], ...]


def describe_action(binding: Binding) -> str:
    if binding.description:
        return binding.description
    return binding.action.rpartition(".")[2].replace("_", " ").capitalize()


def key_section(title: str, nodes: Sequence[DOMNode], app: App[Any]) -> KeySection:
    """Group the bindings of ``nodes`` by action, so "j / down" share one line.

    Textual's system bindings (such as ctrl+c's "press ctrl+q to quit" hint) are left out.
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    for node in nodes:
        for binding in bindings_of(node):
            if binding.system:
                continue
            keys = grouped.setdefault((binding.action, describe_action(binding)), [])
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    return KeySection(title, tuple((" / ".join(keys), what) for (_, what), keys in grouped.items()))


class HelpScreen(ModalScreen[None]):
    """A scrollable list of key sections; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc"),
    ]

    def __init__(self, sections: Sequence[KeySection]) -> None:
        super().__init__()
        self.sections = tuple(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "esc to close"
            yield Static(self._render_sections(), id="help-keys")

    def _render_sections(self) -> Content:
        width = max((len(keys) for section in self.sections for keys, _ in section.keys), default=0)
        lines: list[Content] = []
        for section in self.sections:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(section.title, "bold"))
            for keys, what in section.keys:
                lines.append(Content.assemble(("  " + keys.ljust(width), "$accent"), "  ", what))
        return Content("\n").join(lines)
