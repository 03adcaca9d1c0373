"""Screen updates that write the changed cells of a line, not each widget's line from its edge."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from textual._compositor import ChopsUpdate
from textual.strip import Strip


class TightChopsUpdate(ChopsUpdate):
    """Textual's partial update, written tighter.

    Textual writes every widget piece that a changed span touches from the piece's left edge:
    a list row that changed inside its border is written with the border (about 25 bytes a
    line), and a piece the span only reaches the edge of is a cursor move with nothing after
    it (7 bytes). Here a piece starts at the first whole segment the span reaches, and a piece
    with nothing to write writes nothing. Segments are never split, so a wide character is
    never cut in half.
    """

    def render_segments(self, console: Console) -> str:
        pieces: list[str] = []
        append = pieces.append
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            line = self.chops[y]
            for end, (x, strip) in zip(self.chop_ends[y], line.items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                start, segments = _from_column(strip, x, x1)
                if not segments:
                    continue
                shown = Strip(segments).crop(0, min(end, x2) - start)
                if shown.cell_length:
                    append(Control.move_to(start, y).segment.text)
                    append(shown.render(console))
            if y != last_y:
                append("\n")
        return "".join(pieces)


def _from_column(strip: Strip, x: int, column: int) -> tuple[int, list[Segment]]:
    """Where the first segment reaching ``column`` starts, and the segments from it on."""
    segments = list(strip)
    for index, segment in enumerate(segments):
        width = cell_len(segment.text)
        if x + width > column:
            return x, segments[index:]
        x += width
    return x, []


def tighten(update: object) -> object:
    """``update`` written tighter, if it is a partial update of the screen."""
    if type(update) is ChopsUpdate:
        return TightChopsUpdate(update.chops, update.spans, update.chop_ends)
    return update
