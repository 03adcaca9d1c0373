"""A block's screen lines: numbered gutter, wrapped text, highlighted mentions and changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

from rich.segment import Segment
from rich.text import Text

from tui.widgets.text_style import LineStyles, text_segments
from tui.widgets.wrap import wrap_offsets

if TYPE_CHECKING:
    from rich.console import Console

    from tui.widgets.article_layout import Piece

Line: TypeAlias = list[Segment]
"""One line of text with its own styles, before the line's background is applied."""

ROLE_COMPONENTS = {
    "paragraph": "",
    "folded": "article-view--folded",
    "twin": "article-view--twin",
    "fold": "article-view--fold",
}

Spans = Sequence[tuple[int, int]]


def piece_lines(
    pieces: Sequence[Piece],
    styles: LineStyles,
    *,
    width: int,
    gutter: int,
    mentions: Spans,
    changes: Spans,
    console: Console,
) -> list[Line]:
    """Every piece wrapped to ``width`` after a ``gutter`` of paragraph numbers; ``mentions``
    highlighted in paragraphs and folded copies, ``changes`` (from the twin) in folded copies."""
    number_style = styles.text("article-view--number")
    lines: list[Line] = []
    for piece in pieces:
        style = styles.text(ROLE_COMPONENTS[piece.role])
        changed = changes if piece.role == "folded" else ()
        # Only highlights need Rich's spans; plain text is one segment per line.
        text: Text | None = None
        if (mentions or changed) and piece.role in ("paragraph", "folded"):
            text = Text(piece.text, style=style)
            changed_style = styles.text("article-view--changed")
            for start, end in changed:
                text.stylize(changed_style, start, end)
            mention_style = styles.text("article-view--mention")
            for start, end in mentions:
                text.stylize(mention_style, start, end)
        for row, (start, end) in enumerate(wrap_offsets(piece.text, width)):
            label = piece.number if row == 0 else ""
            head = Segment(label.rjust(gutter - 1) + " ", number_style)
            if text is None:
                lines.append([head, Segment(piece.text[start:end], style)])
            else:
                lines.append([head, *text_segments(text[start:end], console)])
    return lines
