"""The first frame shows the library (or the sample) in its final layout, not "Loading…"."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import NamedTuple

import pytest
from test_tui_library import library_app, stored_library
from textual._compositor import CompositorUpdate, LayoutUpdate
from tui_helpers import settle

from reader.library_schema import apply_migrations
from tui.app import NewsfoldApp
from tui.terminal_writes import ScreenMemory, tighten
from tui.widgets.article_list import ArticleList

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Frame(NamedTuple):
    kind: str
    classes: set[str]
    text: str
    """What it shows, escapes left out."""
    written: int
    """Bytes the app writes for it to a terminal (a headless app writes none)."""


def record_frames(app: NewsfoldApp) -> list[Frame]:
    """Each update the app writes, and the screen's classes then."""
    frames: list[Frame] = []
    display = app._display
    memory = ScreenMemory()  # as the app keeps it

    def recorded(screen, update) -> None:  # type: ignore[no-untyped-def]
        if update is not None:
            tight = tighten(update, memory)
            assert isinstance(tight, CompositorUpdate)
            written = tight.render_segments(app.console)
            text = ESCAPE.sub("", update.render_segments(app.console))
            frames.append(Frame(type(update).__name__, set(screen.classes), text, len(written)))
        display(screen, update)

    app._display = recorded  # type: ignore[method-assign]
    return frames


@pytest.mark.parametrize(("size", "layout"), [((120, 36), "-wide"), ((80, 24), "-narrow")])
async def test_the_first_frame_shows_the_stored_library_laid_out_for_the_terminal(
    tmp_path: Path, size: tuple[int, int], layout: str
) -> None:
    path = tmp_path / "library.sqlite3"
    stored_library(path)
    app = library_app(path)
    frames = record_frames(app)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        first = frames[0]
        assert first.kind == LayoutUpdate.__name__
        assert layout in first.classes
        assert "Stored story 4" in first.text  # the newest, listed and open
        assert "Loading" not in first.text
        # Textual lays the screen out again after the first frame; nothing on it moved, so
        # nothing is written again.
        later_layouts = [f.written for f in frames[1:] if f.kind == LayoutUpdate.__name__]
        assert later_layouts and all(written == 0 for written in later_layouts)
        assert len(app.query_one(ArticleList).shown) == 5


async def test_an_empty_library_shows_the_sample_and_the_hint_in_the_first_frames(
    tmp_path: Path,
) -> None:
    app = library_app(tmp_path / "library.sqlite3")
    frames = record_frames(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Secretary of State John Kerry" in frames[0].text
        assert "Loading" not in frames[0].text
        assert "your library is empty" in app.notice
        assert len(app.articles) == 1


async def test_a_library_to_migrate_opens_behind_loading_and_then_lists(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        apply_migrations(conn, target=4)
        conn.execute("INSERT INTO feeds (url, title, added_at) VALUES ('f', 'Old', '2024')")
        conn.execute(
            "INSERT INTO articles (seq, id, feed_id, key, title, sort_at, content_hash, "
            "fetched_at) VALUES (1, 'old1', 1, 'k1', 'An old story', 0, 'h', '2024')"
        )
        conn.execute("INSERT INTO article_bodies (seq, paragraphs) VALUES (1, '[\"Text.\"]')")
    conn.close()
    app = library_app(path)
    frames = record_frames(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # A migration (and its backup copy) is not work for the first frame.
        assert "Loading" in frames[0].text
        assert [a.title for a in app.query_one(ArticleList).shown] == ["An old story"]
    assert any(p.name.startswith("library.sqlite3.v4-backup-") for p in tmp_path.iterdir())
