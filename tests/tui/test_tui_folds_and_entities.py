"""Fold lines in the article and the people/places panel, on the seed and on fake corpora."""

from __future__ import annotations

import threading

from snapshot_apps import SEED
from tui_fakes import FakeLibrary, make_article
from tui_helpers import lines_of, settle, text_of

from reader.model import FoldPlan
from tui.app import make_app
from tui.widgets.article_layout import Block
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel
from tui.widgets.status_line import StatusLine


async def test_z_expands_and_collapses_the_seed_fold() -> None:
    app = make_app([str(SEED)])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        view = app.query_one("#article", ArticleView)
        assert view.article is not None
        assert len(view.runs) == 1
        run = view.runs[0]
        # The seed prints its paragraphs 1..8 again as 9..16: one run, one fold line.
        assert (run.start, run.end) == (9, 16)
        assert "repeated from ¶2-¶9" in run.label
        collapsed_lines = view.line_count
        assert [b.kind for b in view.blocks].count("fold") == 1
        assert all(b.index < 9 for b in view.blocks if b.kind == "paragraph")

        await pilot.press("tab", "G")
        assert view.cursor_block == Block("fold", 0)
        assert f"▸ {run.label}" in text_of(view)

        await pilot.press("z")
        assert view.expanded_runs == {0}
        assert view.line_count > collapsed_lines
        shown = [b.index for b in view.blocks if b.kind == "paragraph" and b.folded]
        assert shown == list(range(9, 17))
        assert view.cursor_block == Block("fold", 0)
        assert f"▾ {run.label}" in text_of(view)
        assert "same as ¶2 (100%)" in text_of(view)

        await pilot.press("j", "z")
        assert view.expanded_runs == frozenset()
        assert view.line_count == collapsed_lines
        assert view.cursor_block == Block("fold", 0)


async def test_the_article_shows_before_folding_ends_and_folds_after() -> None:
    shared = "A paragraph that two stories share word for word."
    library = FakeLibrary(
        [make_article(0, ["Opening.", shared]), make_article(1, ["Other opening.", shared])]
    )
    library.fold_gate = threading.Event()
    app = make_app(["feed"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.01)
            if app.articles:
                break
        view = app.query_one("#article", ArticleView)
        assert view.article is not None and view.article.id == "article-0"
        assert "Folding 4 paragraphs…" in app.query_one(StatusLine).message
        await pilot.press("j", "enter")
        assert view.article is not None and view.article.id == "article-1"
        assert view.runs == ()
        library.fold_gate.set()
        await settle(pilot)
        assert [(run.start, run.end) for run in view.runs] == [(1, 1)]
        # A twin in another article is named by that article's title.
        assert 'same as ¶2 of "Story number 0"' in view.runs[0].twins[1]
        assert "1 paragraph folded" in app.query_one(StatusLine).message


async def test_enter_on_an_entity_highlights_its_mentions_in_the_article() -> None:
    article = make_article(
        0,
        ["Nobody is named here.", "Then Kerry arrived.", "Later Kerry and Abbas met."],
    )
    library = FakeLibrary([article], people=["Kerry", "Abbas"])
    app = make_app(["feed"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.query_one("#entities", EntityPanel)
        view = app.query_one("#article", ArticleView)
        assert "Kerry 2" in " ".join(" ".join(line.split()) for line in lines_of(panel))
        await pilot.press("shift+tab")
        assert app.focused is panel
        await pilot.press("enter")
        assert view.highlighted_paragraphs == {1, 2}
        assert view.cursor_block == Block("paragraph", 1)
        await pilot.press("j", "enter")
        assert panel.highlighted is not None and panel.highlighted.name == "Abbas"
        assert view.highlighted_paragraphs == {2}
        assert view.cursor_block == Block("paragraph", 2)
        # The mention itself carries the highlight style, the rest of the line does not.
        mention_style = view.get_component_rich_style("article-view--mention")
        row = next(y for y, line in enumerate(lines_of(view)) if "Abbas" in line)
        segments = list(view.render_line(row))
        abbas = [s for s in segments if "Abbas" in s.text]
        assert abbas and all(s.style and s.style.bgcolor == mention_style.bgcolor for s in abbas)
        others = [s for s in segments if "Later" in s.text]
        assert others and all(
            s.style is None or s.style.bgcolor != mention_style.bgcolor for s in others
        )


async def test_an_article_without_folds_shows_every_paragraph() -> None:
    library = FakeLibrary([make_article(0, ["One.", "Two.", "Three."])])
    app = make_app(["feed"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.query_one("#article", ArticleView)
        assert app.plan == FoldPlan(90, {})
        assert [b.index for b in view.blocks] == [0, 1, 2]
        panel_text = text_of(app.query_one("#entities"))
        assert "People (0)" in panel_text and "Places (0)" in panel_text
        assert panel_text.count("none found") == 2


async def test_enter_on_an_entity_prefers_a_mention_outside_collapsed_folds() -> None:
    wire = "Kerry flew to Amman on the wire service's account."
    first = make_article(0, [wire])
    second = make_article(1, [wire, "Nothing here.", "Back home, Kerry spoke again."])
    library = FakeLibrary([first, second], people=["Kerry"])
    app = make_app(["feed"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The two share a paragraph, so they are one story: expand it to reach the second.
        await pilot.press("l", "j", "enter")
        await settle(pilot)
        view = app.query_one("#article", ArticleView)
        assert view.article is second and view.expanded_runs == frozenset()
        await pilot.press("tab")
        assert app.focused is app.query_one("#entities")
        await pilot.press("enter")
        # Paragraph 0 is folded onto the first article; the visible mention is paragraph 2.
        assert view.highlighted_paragraphs == {0, 2}
        assert view.cursor_block == Block("paragraph", 2)
