"""Styles and single-pass line building for the Line-API widgets."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

NULL_STYLE = Style()


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


def ellipsize(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with a trailing ellipsis, as Rich's "ellipsis" overflow."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return text


@lru_cache(maxsize=1024)
def blank_alike(blank: Style, other: Style) -> bool:
    """Spaces drawn in ``blank`` look the same drawn in ``other``: same background, and nothing
    that shows on a space (reverse, lines, a link) in either; text colour, bold and italic differ
    invisibly on a space. Cached: a screen asks about the same few pairs on every line."""
    return (
        blank.bgcolor == other.bgcolor
        and blank.link == other.link
        and not any(_shows_on_blanks(style) for style in (blank, other))
    )


def _shows_on_blanks(style: Style) -> bool:
    return bool(
        style.reverse
        or style.underline
        or style.underline2
        or style.overline
        or style.strike
        or style.frame
        or style.encircle
    )


def fitted_line(segments: Iterable[Segment], base: Style, width: int, start: int = 0) -> Strip:
    """``segments`` drawn over ``base``, cropped from ``start`` and padded to ``width`` cells.

    Looks the same as ``Strip(segments).apply_style(base).crop_extend(start, start + width,
    base)``, built as one strip: each intermediate strip would set up its own caches, and a
    screen of lines makes thousands of them. Neighbouring runs that look alike are merged (same
    style, or spaces whose style differs only invisibly): every run costs a style change of
    about 25 bytes on the terminal, so a list row is two or three runs rather than six.
    """
    add = base.__add__
    texts: list[str] = []
    styles: list[Style] = []
    for text, style, _control in segments:
        if text:
            _append_run(texts, styles, text, add(style))
    used = sum(cell_len(text) for text in texts)
    if start or used > width:
        runs = [Segment(text, style) for text, style in zip(texts, styles, strict=True)]
        return Strip(runs, used).crop_extend(start, start + width, base)
    if used < width:
        _append_run(texts, styles, " " * (width - used), base)
    return Strip([Segment(text, style) for text, style in zip(texts, styles, strict=True)], width)


def _append_run(texts: list[str], styles: list[Style], text: str, style: Style) -> None:
    """Add ``text`` to the last run when it would look the same there, else start a run."""
    if styles:
        last = styles[-1]
        if style == last or (not text.strip(" ") and blank_alike(style, last)):
            texts[-1] += text
            return
        if not texts[-1].strip(" ") and blank_alike(last, style):
            texts[-1] += text
            styles[-1] = style
            return
    texts.append(text)
    styles.append(style)


class LineStyles:
    """A widget's own and component styles, looked up once per style change rather than per line.

    The owner calls :meth:`clear` from ``notify_style_update``: the same signal Textual uses to
    drop its own cached component styles (themes, focus and CSS changes all send it).
    """

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._base: Style | None = None
        self._full: dict[str, Style] = {}
        self._text: dict[str, Style] = {}
        self._blanks: dict[tuple[int, Style], Strip] = {}

    def clear(self) -> None:
        self._base = None
        self._full.clear()
        self._text.clear()
        self._blanks.clear()

    @property
    def base(self) -> Style:
        """The widget's own style (``rich_style`` walks every ancestor, so keep it)."""
        if self._base is None:
            self._base = self._widget.rich_style
        return self._base

    def full(self, component: str) -> Style:
        """The component's complete style, background included (for cursors)."""
        style = self._full.get(component)
        if style is None:
            style = self._full[component] = self._widget.get_component_rich_style(component)
        return style

    def text(self, component: str) -> Style:
        """The component's style for text drawn over a line (see :func:`component_text_style`)."""
        if not component:
            return NULL_STYLE
        style = self._text.get(component)
        if style is None:
            style = self._text[component] = component_text_style(self._widget, component)
        return style

    def blank(self, width: int, style: Style | None = None) -> Strip:
        """An empty line ``width`` cells wide, shared by every empty row."""
        key = (width, self.base if style is None else style)
        strip = self._blanks.get(key)
        if strip is None:
            strip = self._blanks[key] = Strip([Segment(" " * width, key[1])], width)
        return strip
