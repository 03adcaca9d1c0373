"""Keyboard navigation: the list, focus between panes, the help screen and quitting."""

from __future__ import annotations

from textual.widget import Widget
from tui_fakes import FakeLibrary, make_article
from tui_helpers import settle

from tui.app import NewsfoldApp, make_app
from tui.screens.help import HelpScreen, describe_action
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel
from tui.widgets.key_hints import bindings_of


def corpus_app(count: int = 5) -> NewsfoldApp:
    articles = [
        make_article(index, [f"Paragraph one of story {index}.", f"Closing words {index}."])
        for index in range(count)
    ]
    return make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)


async def test_list_keys_move_the_cursor_and_enter_opens_that_article() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        view = app.query_one("#article", ArticleView)
        assert app.focused is article_list
        await pilot.press("j", "j", "down", "k")
        assert article_list.cursor == 2
        # Moving the cursor alone does not open anything: the first article is still shown.
        assert view.article is not None and view.article.id == "article-0"
        await pilot.press("enter")
        await settle(pilot)
        assert view.article is not None and view.article.id == "article-2"
        assert app.focused is view
        assert article_list.open_index == 2


async def test_home_end_and_paging_stay_inside_the_list() -> None:
    app = corpus_app(count=40)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one("#articles", ArticleList)
        await pilot.press("G")
        assert article_list.cursor == 39
        await pilot.press("j")
        assert article_list.cursor == 39
        await pilot.press("g")
        assert article_list.cursor == 0
        await pilot.press("pagedown")
        assert 0 < article_list.cursor < 39
        await pilot.press("pageup", "up")
        assert article_list.cursor == 0


async def test_escape_returns_from_the_article_to_the_list() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleList)


async def test_tab_and_shift_tab_cycle_through_the_three_panes() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        forward = []
        for _ in range(3):
            await pilot.press("tab")
            forward.append(type(app.focused))
        assert forward == [ArticleView, EntityPanel, ArticleList]
        backward = []
        for _ in range(3):
            await pilot.press("shift+tab")
            backward.append(type(app.focused))
        assert backward == [EntityPanel, ArticleView, ArticleList]


async def test_question_mark_lists_every_binding_of_every_pane() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        panes: list[Widget] = [
            app.query_one(ArticleList),
            app.query_one(ArticleView),
            app.query_one(EntityPanel),
        ]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {(keys, what) for section in app.screen.sections for keys, what in section.keys}
        descriptions = {what for _, what in listed}
        for pane in [app, *panes]:
            for binding in bindings_of(pane):
                if not binding.system:
                    assert describe_action(binding) in descriptions, binding
        every_key = " / ".join(keys for keys, _ in listed).split(" / ")
        for key in ("j", "k", "↵", "z", "G", "?", "q", "tab", "shift+tab", "esc"):
            assert key in every_key, key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert isinstance(app.focused, ArticleList)


async def test_key_hints_follow_the_focused_pane() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        hints = app.query_one("#hints")
        assert "Open" in str(hints.render())
        await pilot.press("tab")
        assert "Fold/unfold" in str(hints.render())
        assert "Open" not in str(hints.render())


async def test_q_quits() -> None:
    app = corpus_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
