"""``/`` in the stored library finds words of article bodies, which the list never loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import serving, settle

from reader import library_schema
from reader.library import Library
from reader.model import Article
from tui.app import NewsfoldApp, make_app
from tui.search_actions import TITLES_ONLY
from tui.widgets.article_list import ArticleList


def stored_library(path: Path) -> dict[str, str]:
    """Five stored articles; only one body speaks of a lighthouse, one title of a harbour."""
    articles = [
        Article(f"a{n}", f"Stored story {n}", (f"Opening of story {n}.", f"Only story {n}."))
        for n in range(5)
    ]
    articles[1] = Article("a1", "Stored story 1", ("The old lighthouse was relit tonight.",))
    articles[3] = Article("a3", "Harbour works", ("Cranes arrived.",))
    with Library.open(path) as library:
        library.store_articles(articles, origin="test")
        return {row.title: row.id for row in library.rows()}


def shown_ids(app: NewsfoldApp) -> list[str]:
    return [article.id for article in app.query_one(ArticleList).shown]


async def test_slash_finds_body_words_of_stored_articles(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    ids = stored_library(path)
    app = make_app(library_path=path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert all(not article.paragraphs for article in app.articles)
        await pilot.press("slash", *"relit lightho")  # the last word still being typed
        await settle(pilot)
        assert shown_ids(app) == [ids["Stored story 1"]]
        for _ in "relit lightho":
            await pilot.press("backspace")
        await pilot.press(*"harbour")  # a title and nothing else
        await settle(pilot)
        assert shown_ids(app) == [ids["Harbour works"]]
        assert not app.titles_only_said


async def test_without_fts5_search_keeps_to_titles_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_schema, "full_text_search_available", lambda conn: False)
    path = tmp_path / "library.sqlite3"
    ids = stored_library(path)
    app = make_app(library_path=path)
    said: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **options: said.append(message))
        await pilot.press("slash", *"lighthouse")
        await settle(pilot)
        assert shown_ids(app) == []
        await pilot.press(*["backspace"] * len("lighthouse"), *"harbour")
        await settle(pilot)
        assert shown_ids(app) == [ids["Harbour works"]]
    assert said == [TITLES_ONLY]


async def test_slash_finds_words_of_a_page_fetched_with_capital_t(tmp_path: Path) -> None:
    pages = Path(__file__).resolve().parents[1] / "reader" / "data" / "pages"
    path = tmp_path / "library.sqlite3"
    with serving(pages) as base_url:
        summary = Article(
            "s", "Ferry pier reopens", ("A short summary.",), url=f"{base_url}/news_article.html"
        )
        other = Article("o", "Council budget", ("The council met.",))
        with Library.open(path) as library:
            library.store_articles([summary, other], origin="test")
        app = make_app(library_path=path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            summary_id = next(a.id for a in app.articles if a.title == "Ferry pier reopens")
            await pilot.press("slash", *"pontoon")  # only on the page, not in the summary
            await settle(pilot)
            assert shown_ids(app) == []
            await pilot.press("escape")
            app.open_article(
                app.articles.index(next(a for a in app.articles if a.id == summary_id))
            )
            await pilot.press("T")
            for _ in range(100):
                await pilot.pause(0.05)
                if "pontoon" in " ".join(app.article_view.article.paragraphs):  # type: ignore[union-attr]
                    break
            await settle(pilot)
            await pilot.press("slash", *"pontoon")
            await settle(pilot)
            assert shown_ids(app) == [summary_id]
