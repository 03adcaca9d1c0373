"""Tighter screen updates leave the terminal showing exactly what Textual's own writes show."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Region
from textual.strip import Strip
from tui_fakes import FakeLibrary, make_article
from tui_helpers import settle

from tui.app import make_app
from tui.terminal_writes import (
    ScreenMemory,
    TightChopsUpdate,
    TightLayoutUpdate,
    tighten,
)

TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|(\x1b\[[0-9;]*m)|(\x1b\]8;[^\x1b]*\x1b\\)|(\n)|(.)", re.S)


class Screen:
    """Just enough of a terminal: cursor moves, styles (as the escapes that set them), text."""

    def __init__(self, width: int, height: int) -> None:
        self.cells = [[("", " ")] * width for _ in range(height)]
        self.row = self.column = 0
        self.style = ""

    def feed(self, data: str) -> None:
        for move_row, move_column, sgr, link, newline, text in TOKEN.findall(data):
            if move_row:
                self.row, self.column = int(move_row) - 1, int(move_column) - 1
            elif sgr:
                self.style = "" if sgr == "\x1b[0m" else self.style + sgr
            elif link:
                self.style += link
            elif newline:
                self.row, self.column = self.row + 1, 0
            elif text:
                width = cell_len(text)
                self.cells[self.row][self.column] = (self.style, text)
                for spare in range(1, width):  # the right half of a wide character
                    self.cells[self.row][self.column + spare] = (self.style, "")
                self.column += width


def wire_app(count: int = 60):  # type: ignore[no-untyped-def]
    articles = [
        make_article(index, [f"Paragraph {index} with wide 漢字 and ★ {word}." for word in "ab"])
        for index in range(count)
    ]
    return make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)


async def test_tight_updates_show_the_same_screen_in_fewer_bytes() -> None:
    app = wire_app()
    width, height = 100, 30
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot)
        console = app.console
        terminals = [Screen(width, height), Screen(width, height)]  # Textual's writes, ours
        # Both terminals start from one full frame, then take every update the keys cause.
        full = app.screen._compositor.render_update(full=True)
        assert isinstance(full, LayoutUpdate)
        memory = ScreenMemory()
        first = full.render_segments(console)
        terminals[0].feed(first)
        ours_first = written_tight(full, memory, console)
        terminals[1].feed(ours_first)
        assert terminals[1].cells == terminals[0].cells
        assert len(ours_first) < len(first)  # the same screen, one cursor move a line fewer
        written: dict[str, list[int]] = {}  # per group of keys: Textual's bytes, then ours
        phase = ""
        updates = layouts = 0
        display = app._display

        def compared(screen, update) -> None:  # type: ignore[no-untyped-def]
            nonlocal updates, layouts
            # Called before the app's own display, which tightens what it is given.
            if isinstance(update, ChopsUpdate):
                updates += 1
                tight = tighten(update, memory)
                assert isinstance(tight, TightChopsUpdate)
                theirs = update.render_segments(console)
                ours = tight.render_segments(console)
                terminals[0].feed(theirs)
                terminals[1].feed(ours)
                totals = written.setdefault(phase, [0, 0])
                totals[0] += len(theirs)
                totals[1] += len(ours)
                assert len(ours) <= len(theirs)
                assert terminals[1].cells == terminals[0].cells
            elif isinstance(update, LayoutUpdate):  # a new layout: the whole screen again
                layouts += 1
                size = update.region.size
                if size != (len(terminals[0].cells[0]), len(terminals[0].cells)):
                    memory.forget()  # as the app does on a resize
                    terminals[:] = [Screen(*size), Screen(*size)]
                theirs = update.render_segments(console)
                ours = written_tight(update, memory, console)
                terminals[0].feed(theirs)
                terminals[1].feed(ours)
                totals = written.setdefault(phase, [0, 0])
                totals[0] += len(theirs)
                totals[1] += len(ours)
                assert terminals[1].cells == terminals[0].cells
            display(screen, update)

        app._display = compared  # type: ignore[method-assign]
        # Moves, a scroll, opening, panes, filters, a story and a search: many kinds of update.
        for keys in (
            ["down"],
            ["j"] * 14,
            ["enter"],
            ["j", "j", "tab", "j"],
            ["escape", "G"],
            ["f", "f"],
        ):
            phase = keys[0]
            await pilot.press(*keys)
            await pilot.pause(0.05)
        phase = "resize"
        await pilot.resize_terminal(130, 32)
        await pilot.pause(0.1)
        await pilot.press("j", "k", "tab")
        await pilot.pause(0.05)
        phase = "search"
        await pilot.press("slash", "w", "i", "d", "e", "enter")
        await settle(pilot)
        assert updates >= 10
        assert layouts >= 1  # the resize
        # A cursor move's rows are written without their border: a third fewer bytes.
        theirs, ours = written["down"]
        assert ours < 0.75 * theirs
        assert all(ours <= theirs for theirs, ours in written.values())


def written_tight(update: LayoutUpdate, memory: ScreenMemory, console: Console) -> str:
    """What the app writes for a full update of the screen."""
    tight = tighten(update, memory)
    assert isinstance(tight, TightLayoutUpdate)
    return tight.render_segments(console)


def update_of(lines: dict[int, list[tuple[int, str]]], width: int) -> ChopsUpdate:
    """A partial update of whole lines, each cut into pieces that start at the given columns."""
    chops: list[dict[int, Strip | None]] = []
    ends: list[list[int]] = []
    for y in range(max(lines) + 1):
        pieces = lines.get(y, [])
        chops.append({x: Strip([Segment(text, Style(color="red"))]) for x, text in pieces})
        ends.append([x + len(text) for x, text in pieces] or [width])
    spans = [(y, 0, width) for y in sorted(lines)]
    return ChopsUpdate(chops, spans, ends)


def test_a_piece_already_shown_is_not_written_again_until_something_covers_it() -> None:
    console = Console(color_system="truecolor", force_terminal=True, width=20)
    memory = ScreenMemory()

    def written(lines: dict[int, list[tuple[int, str]]]) -> str:
        tight = tighten(update_of(lines, 20), memory)
        assert isinstance(tight, TightChopsUpdate)
        return tight.render_segments(console)

    first = written({0: [(0, "abc"), (3, "def")], 1: [(0, "ghijkl")]})
    assert "abc" in first and "def" in first and "ghijkl" in first
    # The same pieces again: the terminal already shows them.
    assert "abc" not in written({0: [(0, "abc"), (3, "def")], 1: [(0, "ghijkl")]})
    # A changed piece is written; an unchanged one beside it is not.
    again = written({0: [(0, "abc"), (3, "xyz")]})
    assert "xyz" in again and "abc" not in again
    # A piece written over part of another makes that one unknown: it is written next time.
    assert "QQ" in written({1: [(2, "QQ")]})
    assert "ghijkl" in written({1: [(0, "ghijkl")]})
    # A full update (a resize, a new screen) forgets everything.
    tighten(object(), memory)
    assert "abc" in written({0: [(0, "abc"), (3, "xyz")]})


def test_a_full_update_writes_only_pieces_not_shown_and_later_ones_rely_on_it() -> None:
    console = Console(color_system="truecolor", force_terminal=True, width=20)
    memory = ScreenMemory()

    def full(lines: list[list[str]]) -> str:
        strips = [[Strip([Segment(text, Style(color="red"))]) for text in line] for line in lines]
        return written_tight(LayoutUpdate(strips, Region(0, 0, 6, len(lines))), memory, console)

    first = full([["abc", "def"], ["ghijkl"]])
    assert all(text in first for text in ("abc", "def", "ghijkl"))
    assert first.count("\x1b[1;") == 1  # "def" follows "abc": no cursor move between them
    # Textual repaints the whole screen after its first frame: nothing of it is new.
    assert full([["abc", "def"], ["ghijkl"]]) == ""
    again = tighten(update_of({0: [(0, "abc"), (3, "def")]}, 20), memory)
    assert isinstance(again, TightChopsUpdate)
    assert again.render_segments(console).strip("\n") == ""
    # A new layout: only the pieces that differ, each where it belongs.
    second = full([["abc", "xyz"], ["gh", "ijkl"]])
    assert "abc" not in second and "xyz" in second and "gh" in second and "ijkl" in second
    assert "\x1b[1;4H" in second  # "xyz" starts at column 4 of line 1
    # Forgotten (a resize, a resume): everything is written again.
    memory.forget()
    assert "abc" in full([["abc", "xyz"], ["gh", "ijkl"]])


async def test_ctrl_l_forgets_what_the_terminal_shows_and_writes_the_whole_screen() -> None:
    app = wire_app(5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        memory = app._screen_memory
        memory.note(0, 0, 5, "shown")
        updates: list[object] = []
        display = app._display

        def recorded(screen, update) -> None:  # type: ignore[no-untyped-def]
            updates.append(update)
            display(screen, update)

        app._display = recorded  # type: ignore[method-assign]
        await pilot.press("ctrl+l")
        await pilot.pause(0.05)
        assert not memory.holds(0, 0, 5, "shown")
        assert any(isinstance(update, LayoutUpdate) for update in updates)
