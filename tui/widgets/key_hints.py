"""The bottom line naming the main keys of the focused pane and of the app."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.widget import Widget


def bindings_of(node: DOMNode) -> list[Binding]:
    """Every binding a node declares, its inherited ones included, in declaration order."""
    # Textual keeps the merged bindings of a node here; there is no public accessor for a node
    # that is not focused.
    seen: set[int] = set()
    bindings: list[Binding] = []
    for _key, binding in node._bindings:
        if id(binding) not in seen:
            seen.add(id(binding))
            bindings.append(binding)
    return bindings


class KeyHints(Widget):
    """A cheap footer: the shown bindings of one pane, then those of the app."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-hints--key"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pane: DOMNode | None = None

    def show_for(self, pane: DOMNode | None) -> None:
        self._pane = pane
        self.refresh()

    def render(self) -> Content:
        key_style = self.get_visual_style("key-hints--key", partial=True)
        parts: list[Content] = []
        seen: set[str] = set()
        nodes = [node for node in (self._pane, self.app) if node is not None]
        for node in nodes:
            for binding in bindings_of(node):
                if not binding.show or binding.action in seen:
                    continue
                seen.add(binding.action)
                key = self.app.get_key_display(binding)
                parts.append(Content.assemble((key, key_style), " ", binding.description))
        return Content("  ").join(parts)
