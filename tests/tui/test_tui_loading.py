"""Loading in workers: progress, failing sources, worker errors and a 100,000-article corpus."""

from __future__ import annotations

import threading
import time

from textual.message import Message
from textual.notifications import Notify
from tui_fakes import FakeLibrary, make_article
from tui_helpers import lines_of, settle

from reader.model import Article, FoldPlan, LoadError
from tui.app import make_app
from tui.screens.help import HelpScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.status_line import StatusLine


def notifications(messages: list[Message]) -> list[str]:
    return [m.notification.message for m in messages if isinstance(m, Notify)]


async def test_a_failing_source_is_named_and_the_others_still_show() -> None:
    library = FakeLibrary(
        [make_article(0, ["Still here."])],
        errors=[LoadError("feeds/broken.xml", "not valid XML")],
    )
    seen: list[Message] = []
    app = make_app(["feeds/ok.txt", "feeds/broken.xml"], services=library.services())
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        errors = [text for text in notifications(seen) if "broken.xml" in text]
        assert errors == ["Could not load feeds/broken.xml: not valid XML"]
        assert app.query_one(ArticleList).articles == tuple(library.articles)
        view = app.query_one(ArticleView)
        assert view.article is not None and view.article.paragraphs == ("Still here.",)
        assert "1 source failed" in app.query_one(StatusLine).message


async def test_a_slow_load_shows_progress_while_keys_still_work() -> None:
    library = FakeLibrary([make_article(0, ["Arrived late."])], load_gate=threading.Event())
    app = make_app(["a.txt", "b.txt", "c.txt"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.query_one(StatusLine).message == "Loading 3 sources…"
        assert "Loading…" in "\n".join(lines_of(app.query_one(ArticleList)))
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert library.load_gate is not None
        library.load_gate.set()
        await settle(pilot)
        assert app.query_one(StatusLine).message == "1 article · 0 paragraphs folded"
        view = app.query_one(ArticleView)
        assert view.article is not None and view.article.title == "Story number 0"


async def test_a_worker_error_becomes_a_visible_notification() -> None:
    library = FakeLibrary(
        [make_article(0, ["Text."])], extract_error=RuntimeError("lexicon missing")
    )
    seen: list[Message] = []
    app = make_app(["a.txt"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert "Finding people and places failed: lexicon missing" in notifications(seen)
        assert app.query_one(StatusLine).message == "Finding people and places failed"
        assert app.is_running


async def test_opening_another_article_extracts_for_that_article() -> None:
    library = FakeLibrary([make_article(i, [f"Text {i}."]) for i in range(3)])
    app = make_app(["a.txt"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert library.extracted[0] == "article-0"
        assert library.extracted[-1] == "article-2"


async def test_a_hundred_thousand_articles_load_and_scroll_at_once() -> None:
    paragraphs = ("One shared paragraph.",)
    articles = [
        Article(id=f"id-{n}", title=f"Headline {n:06d}", paragraphs=paragraphs, origin=f"{n}.txt")
        for n in range(100_000)
    ]
    library = FakeLibrary(articles)
    # Skip folding 100k identical paragraphs: this test is about the list, not the folder.
    library.fold = lambda articles, threshold: FoldPlan(threshold)  # type: ignore[method-assign]
    app = make_app(["big"], services=library.services(), threshold=90)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        assert len(article_list.articles) == 100_000
        # No widget per row: the list draws its rows itself.
        assert not article_list.children
        started = time.perf_counter()
        await pilot.press("G")
        assert article_list.cursor == 99_999
        assert any("Headline 099999" in line for line in lines_of(article_list))
        await pilot.press("k", "k", "pageup", "g")
        assert article_list.cursor == 0
        assert any("Headline 000000" in line for line in lines_of(article_list))
        # Five key presses; Pilot's own idle waits dominate this figure.
        assert time.perf_counter() - started < 3.0
        # Inside the app, a cursor move plus redrawing every visible row takes a millisecond
        # or two; 10 ms leaves room for a slow machine without letting a per-row cost through.
        started = time.perf_counter()
        for _ in range(100):
            article_list.action_cursor_down()
            lines_of(article_list)
        assert (time.perf_counter() - started) / 100 < 0.010
        assert article_list.cursor == 100
