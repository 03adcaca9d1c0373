"""Start-up stays light (the library loads after the first paint) and the panes fit any width."""

from __future__ import annotations

import subprocess
import sys

from tui_fakes import FakeLibrary, make_article
from tui_helpers import settle

from reader.model import Fold, FoldPlan, ParagraphRef
from tui.app import make_app
from tui.fold_display import present_folds


def loaded_modules(statement: str) -> set[str]:
    probe = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


def test_importing_the_app_adds_no_library_and_no_heavy_widgets_to_textual() -> None:
    extra = loaded_modules("import tui.app") - loaded_modules("import textual.app")
    heavy = {
        name
        for name in extra
        if name.startswith(("rapidfuzz", "reader.fold", "reader.load", "reader.entities"))
        or name.startswith("textual.widgets")
    }
    assert heavy == set()
    assert "tui.widgets.article_list" in extra


async def test_narrow_terminal_stacks_the_list_over_the_panel() -> None:
    app = make_app(["feed"], services=FakeLibrary([make_article(0, ["Text."])]).services())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        articles, article, entities = (
            app.query_one(f"#{name}").region for name in ("articles", "article", "entities")
        )
        assert articles.x == entities.x and entities.y >= articles.bottom
        assert article.x >= articles.right and article.height >= articles.height + entities.height
        assert article.width >= 40


async def test_wide_terminal_shows_three_columns() -> None:
    app = make_app(["feed"], services=FakeLibrary([make_article(0, ["Text."])]).services())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        articles, article, entities = (
            app.query_one(f"#{name}").region for name in ("articles", "article", "entities")
        )
        assert articles.right <= article.x and article.right <= entities.x
        assert articles.y == article.y == entities.y
        assert article.width > articles.width and article.width > entities.width


async def test_the_layout_follows_the_terminal_when_it_is_resized() -> None:
    app = make_app(["feed"], services=FakeLibrary([make_article(0, ["Text."])]).services())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-narrow") and not app.screen.has_class("-wide")
        articles, entities = (app.query_one(f"#{name}").region for name in ("articles", "entities"))
        assert articles.x == entities.x and entities.y >= articles.bottom


def test_present_folds_labels_each_run_and_names_every_twin() -> None:
    folds = (
        Fold(2, ParagraphRef("a", 0), 100.0),
        Fold(3, ParagraphRef("a", 1), 96.4),
        Fold(6, ParagraphRef("b", 4), 91.0),
    )
    plan = FoldPlan(90, {"a": folds})
    runs = present_folds(plan, "a", title_of={"a": "Self", "b": "Other story"}.__getitem__)
    assert [(run.start, run.end) for run in runs] == [(2, 3), (6, 6)]
    assert runs[0].twins == {2: "same as ¶1 (100%)", 3: "same as ¶2 (96%)"}
    assert runs[1].twins == {6: 'same as ¶5 of "Other story" (91%)'}
    assert runs[0].label.startswith("2 paragraphs repeated from ¶1-¶2")
    assert 3 in runs[0] and 4 not in runs[0]
