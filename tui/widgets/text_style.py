"""Rich styles for text drawn by Line-API widgets, taken from their component classes."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widget import Widget


def component_text_style(widget: Widget, component: str) -> Style:
    """The component's colour and attributes, with a background only if the component sets one.

    A partial style cannot blend translucent theme colours such as ``$text-muted``, and the full
    style carries the widget's background, which would hide a cursor drawn under the text.
    """
    full = widget.get_component_rich_style(component)
    if widget.get_component_styles(component).has_rule("background"):
        return full
    return Style(color=full.color) + full.without_color


def text_segments(text: Text, console: Console) -> list[Segment]:
    """Render one line of ``text`` with its base style (``Text.render`` applies only its spans)."""
    base = text.style if isinstance(text.style, Style) else console.get_style(text.style)
    return list(Segment.apply_style(text.render(console), base))
