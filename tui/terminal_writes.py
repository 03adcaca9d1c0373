"""Screen updates that write only cells that change, not each widget's line from its edge."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import Strip


class ScreenMemory:
    """What the updates since the last resize or resume wrote where, as written.

    A piece written again at the same place with the same text and extent changes nothing on
    the terminal; e.g. a list's scrollbar, repainted whole on every scroll though its thumb
    at 100k rows rarely moves (a kilobyte at 120x40). Any piece written over part of another
    makes the older one unknown, so it is written again next time.
    """

    def __init__(self) -> None:
        self._lines: dict[int, dict[int, tuple[int, str]]] = {}

    def forget(self) -> None:
        """The terminal was written some other way (a resize, a suspend)."""
        self._lines.clear()

    def holds(self, y: int, start: int, end: int, text: str) -> bool:
        return self._lines.get(y, {}).get(start) == (end, text)

    def note(self, y: int, start: int, end: int, text: str) -> None:
        line = self._lines.setdefault(y, {})
        for x, (other_end, _) in list(line.items()):
            if x < end and start < other_end:
                del line[x]
        line[start] = (end, text)


class TightChopsUpdate(ChopsUpdate):
    """Textual's partial update, written tighter.

    Textual writes every widget piece that a changed span touches from the piece's left edge:
    a list row that changed inside its border is written with the border (about 25 bytes a
    line), and a piece the span only reaches the edge of is a cursor move with nothing after
    it (7 bytes). Here a piece starts at the first whole segment the span reaches, a piece
    with nothing to write writes nothing, and a piece the terminal already shows (see
    :class:`ScreenMemory`) is left alone. Segments are never split, so a wide character is
    never cut in half.
    """

    memory: ScreenMemory | None = None

    def render_segments(self, console: Console) -> str:
        memory = self.memory
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
                if not shown.cell_length:
                    continue
                text = shown.render(console)
                if memory is not None:
                    stop = start + shown.cell_length
                    if memory.holds(y, start, stop, text):
                        continue
                    memory.note(y, start, stop, text)
                append(Control.move_to(start, y).segment.text)
                append(text)
            if y != last_y:
                append("\n")
        return "".join(pieces)


class TightLayoutUpdate(LayoutUpdate):
    """Textual's full update of the screen, without the widget pieces the terminal already
    shows (see :class:`ScreenMemory`), each piece written noted there.

    Textual repaints the whole screen right after its first frame (on the screen's resume) and
    whenever a widget's geometry changes, mostly with what is on screen already. The cursor is
    moved only where a piece does not follow the one written before it. With nothing
    remembered (at start, after a resize or a resume) every piece is written.
    """

    memory: ScreenMemory | None = None

    def render_segments(self, console: Console) -> str:
        memory = self.memory if self.memory is not None else ScreenMemory()
        pieces: list[str] = []
        append = pieces.append
        cursor: tuple[int, int] | None = None
        for y, line in enumerate(self.strips, self.region.y):
            x = self.region.x
            for strip in line:
                end = x + strip.cell_length
                text = strip.render(console)
                if not memory.holds(y, x, end, text):
                    memory.note(y, x, end, text)
                    if cursor != (y, x):
                        append(Control.move_to(x, y).segment.text)
                    append(text)
                    cursor = (y, end)
                x = end
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


def tighten(update: object, memory: ScreenMemory | None = None) -> object:
    """``update`` written tighter, if it is a partial update of the screen; ``memory`` (kept
    by the app between updates) spares rewriting what is already shown."""
    if type(update) is ChopsUpdate:
        tight = TightChopsUpdate(update.chops, update.spans, update.chop_ends)
        tight.memory = memory
        return tight
    if type(update) is LayoutUpdate:
        tight_layout = TightLayoutUpdate(update.strips, update.region)
        tight_layout.memory = memory
        return tight_layout
    if memory is not None and update is not None:
        memory.forget()
    return update
