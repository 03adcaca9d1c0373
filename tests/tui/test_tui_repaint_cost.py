"""What a key costs the terminal: merged style runs, the panes a focus move repaints, the rows
a filter lists (built from flag masks, checked against a plain reference)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual._compositor import LayoutUpdate
from textual.geometry import Region
from textual.strip import Strip
from tui_fakes import FakeLibrary, make_article
from tui_helpers import settle

from tui.app import make_app
from tui.list_model import ListFilter, build_view
from tui.triage import Triage
from tui.widgets.text_style import fitted_line

BASE = Style(color="grey93", bgcolor="grey11")
PALETTE = [
    None,
    Style(color="grey50"),
    Style(color="orange1", bold=True),
    Style(color="grey50", italic=True),
    Style(bgcolor="blue"),
    Style(underline=True),
    Style(reverse=True),
    Style(color="red", link="https://example.org/"),
]
TEXTS = st.sampled_from(["", " ", "  ", "•", "≈ ", "word", " two words ", "★"])
SEGMENTS = st.lists(st.tuples(TEXTS, st.sampled_from(PALETTE)), max_size=8)


def looks(strip: Strip) -> list[tuple[object, ...]]:
    """What each cell shows: its character and background; for a space, only what shows on it."""
    cells: list[tuple[object, ...]] = []
    for text, style, _control in strip:
        style = style or Style()
        for character in text:
            background = style.color if style.reverse else style.bgcolor
            if character == " ":
                lines = (style.underline, style.strike, style.overline, style.reverse)
                shown = style.color if style.reverse else None
                cells.append((character, background, shown, lines, style.link))
            else:
                cells.append((character, background, style, style.link))
    return cells


@settings(max_examples=300, deadline=None)
@given(SEGMENTS, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=3))
def test_fitted_line_looks_like_the_plain_strip_in_fewer_runs(
    pieces: list[tuple[str, Style | None]], width: int, start: int
) -> None:
    segments = [Segment(text, style) for text, style in pieces]
    plain = Strip(segments).apply_style(BASE).crop_extend(start, start + width, BASE)
    fitted = fitted_line(segments, BASE, width, start)
    assert fitted.cell_length == width
    assert looks(fitted) == looks(plain)
    assert len(list(fitted)) <= max(len(list(plain)), 1)


def test_a_list_row_is_one_run_when_only_text_colours_differ_on_blanks() -> None:
    muted = Style(color="grey50")
    row = [Segment(" "), Segment(" "), Segment(" "), Segment("  "), Segment("Title", muted)]
    strip = fitted_line(row, BASE, 20)
    assert [segment.text for segment in strip] == ["     Title          "]
    # Underlined blanks show their line: they keep their own run.
    underlined = [Segment("  ", Style(underline=True)), Segment("Title", muted)]
    runs = list(fitted_line(underlined, BASE, 20))
    assert [segment.text for segment in runs] == ["  ", "Title             "]
    assert runs[0].style is not None and runs[0].style.underline


def reference_rows(
    ids: list[str],
    triage: Triage,
    flag_filter: ListFilter,
    keep: set[str],
    story_of: dict[str, int],
    expanded: set[int],
) -> list[int]:
    """The rows as the filter and stories define them, computed the slow, obvious way."""

    def passes(article_id: str) -> bool:
        if article_id in keep:
            return True
        if flag_filter == "starred":
            return article_id in triage.starred and article_id not in triage.archived
        if flag_filter == "archived":
            return article_id in triage.archived
        if article_id in triage.archived:
            return False
        return flag_filter == "all" or article_id not in triage.read

    shown = [index for index, article_id in enumerate(ids) if passes(article_id)]
    members: dict[int, list[int]] = {}
    for index in shown:
        if ids[index] in story_of:
            members.setdefault(story_of[ids[index]], []).append(index)
    rows: list[int] = []
    for index in shown:
        story = story_of.get(ids[index])
        group = members.get(story, []) if story is not None else []
        if len(group) < 2:
            rows.append(index)
        elif index == group[0]:
            rows.append(index)
            if story in expanded:
                rows.extend(group[1:])
    return rows


FLAGS = st.lists(st.sampled_from(["read", "starred", "archived", "kept"]), max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(FLAGS, st.none() | st.integers(0, 4)), max_size=30),
    st.sampled_from(["all", "unread", "starred", "archived"]),
    st.sets(st.integers(0, 4)),
)
def test_filtered_rows_match_the_reference(
    spec: list[tuple[list[str], int | None]], flag_filter: ListFilter, expanded: set[int]
) -> None:
    articles = [make_article(index, ["Text."]) for index in range(len(spec))]
    ids = [article.id for article in articles]
    triage = Triage()
    keep: set[str] = set()
    story_of: dict[str, int] = {}
    for article_id, (flags, story) in zip(ids, spec, strict=True):
        for flag in flags:
            (keep if flag == "kept" else triage.ids_with(flag)).add(article_id)  # type: ignore[arg-type]
        if story is not None:
            story_of[article_id] = story
    view = build_view(
        articles, triage, flag_filter=flag_filter, keep=keep, story_of=story_of, expanded=expanded
    )
    assert list(view.rows) == reference_rows(ids, triage, flag_filter, keep, story_of, expanded)
    for index, story_row in view.stories.items():
        assert story_of[ids[index]] == story_row.story
        assert story_row.expanded == (story_row.story in expanded)
        assert index in view.rows


def corpus_app(count: int = 40):  # type: ignore[no-untyped-def]
    articles = [
        make_article(index, [f"Paragraph {index} {word}." for word in ("one", "two", "three")])
        for index in range(count)
    ]
    return make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)


async def test_moving_the_focus_repaints_the_two_panes_it_moves_between() -> None:
    app = corpus_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        updated: list[Region] = []
        display = app._display

        def recorded(screen, update) -> None:  # type: ignore[no-untyped-def]
            if isinstance(update, LayoutUpdate):  # the whole screen, drawn afresh
                updated.append(update.region)
            for y, x1, x2 in getattr(update, "spans", ()):
                updated.append(Region(x1, y, x2 - x1, 1))
            display(screen, update)

        app._display = recorded  # type: ignore[method-assign]
        await pilot.press("tab")  # the list to the article
        await pilot.pause(0.2)
        assert app.focused is app.article_view
        assert updated, "the focus move drew nothing"
        panel = app.entity_panel.region
        assert not [region for region in updated if region.overlaps(panel)]
        assert any(region.overlaps(app.article_list.region) for region in updated)


@pytest.mark.parametrize(("count", "scrollbar"), [(60, True), (3, False)])
async def test_a_cursor_move_redraws_whole_rows_but_not_the_scrollbar(
    count: int, scrollbar: bool
) -> None:
    app = corpus_app(count=count)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.article_list
        assert article_list.show_vertical_scrollbar is scrollbar
        spans: list[tuple[int, int, int]] = []
        display = app._display

        def recorded(screen, update) -> None:  # type: ignore[no-untyped-def]
            spans.extend(getattr(update, "spans", ()))
            display(screen, update)

        app._display = recorded  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause(0.1)
        text = article_list.scrollable_content_region
        # The rows left and entered: two lines each, to the end of the text, or of the gutter
        # where no scrollbar covers it (the cursor colour fills the gutter then).
        end = text.right if scrollbar else article_list.content_region.right
        assert sorted({y for y, _x1, _x2 in spans}) == [text.y + line for line in range(4)]
        assert {x2 for _y, _x1, x2 in spans} == {end}


async def test_the_list_scrollbar_follows_new_rows_without_waiting_for_a_layout() -> None:
    app = corpus_app(count=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.article_list
        scrollbar = article_list.vertical_scrollbar
        assert scrollbar.window_virtual_size == 60 * 2
        # No await between the change and the checks: no layout of the screen can run.
        app.action_cycle_filter()  # unread: every article still is
        app.action_cycle_filter()  # starred: none is
        assert article_list.virtual_size.height == 2  # the placeholder line
        assert not article_list.show_vertical_scrollbar
        app.action_cycle_filter()  # archived: none is
        app.action_cycle_filter()  # all again
        assert article_list.show_vertical_scrollbar
        assert scrollbar.window_virtual_size == 60 * 2
        await pilot.pause()


async def test_enter_draws_the_article_first_and_restyles_the_list_a_frame_later() -> None:
    app = corpus_app(count=30)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list, article_view = app.article_list, app.article_view
        frames: list[tuple[bool, set[int]]] = []  # the list still styled as focused; its lines
        display = app._display

        def recorded(screen, update) -> None:  # type: ignore[no-untyped-def]
            left = article_list.region
            lines = {y for y, x1, x2 in getattr(update, "spans", ()) if x1 < left.right}
            frames.append((article_list.has_focus, lines))
            display(screen, update)

        app._display = recorded  # type: ignore[method-assign]
        await pilot.press("j", "j")
        frames.clear()
        await pilot.press("enter", "j")
        # Keys go to the article at once, before the list has restyled.
        assert app.focused is article_view
        assert article_list.cursor == 2
        assert article_view.cursor == 1
        await pilot.pause(0.2)
        still_focused, first_lines = frames[0]
        assert still_focused, "the first frame after Enter restyled the list"
        # It drew the article and, of the list, only the rows that changed: the one opened
        # (now read and bold) and the one that was open before.
        assert 0 < len(first_lines) <= 2 * 2 + 2
        assert not article_list.has_focus
        assert any(len(lines) >= article_list.size.height - 2 for _, lines in frames[1:])
