"""The stored library in the app: cache-first list, text on open, triage that survives restarts."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import serving, settle

from reader.library import Library
from reader.library_folds import fold_new_articles
from reader.model import Article
from tui.app import NewsfoldApp, make_app
from tui.screens.feeds import FeedsScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView

TEST_DATA = Path(__file__).resolve().parents[1] / "reader" / "data"


def stored_library(path: Path) -> list[str]:
    articles = [
        Article(
            f"a{index}",
            f"Stored story {index}",
            (f"Opening of story {index}.", f"Only story {index} says this."),
            source="Desk" if index % 2 else "Wire",
        )
        for index in range(5)
    ]
    with Library.open(path) as library:
        library.store_articles(articles, origin="test")
        fold_new_articles(library, threshold=85.0)
        return [row.id for row in library.rows()]


def library_app(path: Path) -> NewsfoldApp:
    return make_app(library_path=path)


async def test_the_library_lists_without_text_and_reads_it_on_open(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    ids = stored_library(path)
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        assert [a.id for a in article_list.shown] == ids
        assert all(not a.paragraphs for a in app.articles)
        await pilot.press("j", "enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        assert view.article is not None and view.article.id == ids[1]
        assert len(view.article.paragraphs) == 2


async def test_triage_is_stored_and_survives_a_restart_and_undo_is_stored_too(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.sqlite3"
    ids = stored_library(path)
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "a", "r", "enter")
        await settle(pilot)
    with Library.open(path) as library:
        rows = {row.id: row for row in library.rows(include_archived=True)}
    assert rows[ids[0]].starred and not rows[ids[0]].read
    assert rows[ids[1]].archived
    assert rows[ids[2]].read  # r, then the cursor moved on
    assert rows[ids[3]].read  # opened
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.triage.starred == {ids[0]} and app.triage.archived == {ids[1]}
        assert ids[1] not in [a.id for a in app.query_one(ArticleList).shown]
        await pilot.press("s")  # unstar, then undo it
        await pilot.press("u")
    with Library.open(path) as library:
        assert [row.id for row in library.rows(starred=True)] == [ids[0]]


async def test_an_empty_library_shows_the_sample_and_says_how_to_subscribe(
    tmp_path: Path,
) -> None:
    app = library_app(tmp_path / "library.sqlite3")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.articles and app.articles[0].title.startswith("U.S. Secretary of State")
        assert "newsfold add" in app.query_one("#status").message  # type: ignore[attr-defined]


async def test_the_first_refresh_of_an_empty_library_replaces_the_sample(tmp_path: Path) -> None:
    with serving(TEST_DATA / "feeds") as base_url:
        path = tmp_path / "library.sqlite3"
        with Library.open(path) as library:
            library.subscribe(f"{base_url}/rss20_content.xml")
        app = make_app(library_path=path, refresh_on_start=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            for _ in range(100):
                if app.sources == () and app.articles:
                    break
                await pilot.pause(0.05)
            await settle(pilot)
            assert {a.source for a in app.articles} == {"City Desk"}
            view = app.query_one(ArticleView)
            assert view.article is not None and view.article.source == "City Desk"
            assert app.open_index == app.query_one(ArticleList).rows[0]


async def test_a_corrupt_library_is_reported_and_the_reader_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.articles  # the sample
        assert path.read_bytes() == b"garbage" * 1000


async def test_capital_f_lists_feeds_with_unread_counts_and_enter_narrows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.sqlite3"
    stored_library(path)
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        counts = dict(app.screen.counts)
        assert counts == {"Wire": 3, "Desk": 2}
        await pilot.press("enter")
        await settle(pilot)
        assert {a.source for a in app.query_one(ArticleList).shown} == {"Wire"}


async def test_the_stored_list_paints_first_and_feeds_refresh_in_the_background(
    tmp_path: Path,
) -> None:
    with serving(TEST_DATA / "feeds") as base_url:
        path = tmp_path / "library.sqlite3"
        ids = stored_library(path)
        with Library.open(path) as library:
            library.subscribe(f"{base_url}/rss20_content.xml")
            library.subscribe(f"{base_url}/gone.xml")
        app = make_app(library_path=path, refresh_on_start=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            for _ in range(100):
                if len(app.articles) > len(ids):
                    break
                await pilot.pause(0.05)
                await settle(pilot)
            assert {a.source for a in app.articles} == {"Wire", "Desk", "City Desk"}
            status = app.query_one("#status").message  # type: ignore[attr-defined]
            assert "2 feeds refreshed" in status and "1 failed" in status
            # R again: the unchanged feed answers 304 and nothing is stored twice.
            count = len(app.articles)
            await pilot.press("R")
            await settle(pilot)
            for _ in range(50):
                await pilot.pause(0.05)
                if "refreshed" in app.query_one("#status").message:  # type: ignore[attr-defined]
                    break
            await settle(pilot)
            assert len(app.articles) == count


async def test_capital_t_replaces_a_summary_with_the_pages_main_text(tmp_path: Path) -> None:
    from tui_fakes import FakeLibrary

    with serving(TEST_DATA / "pages") as base_url:
        summary = Article(
            "s",
            "Ferry pier reopens",
            ("A short summary.",),
            url=f"{base_url}/news_article.html",
        )
        app = make_app(["feed"], services=FakeLibrary([summary]).services())
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("enter", "T")
            view = app.query_one(ArticleView)
            for _ in range(100):
                await pilot.pause(0.05)
                if view.article is not None and len(view.article.paragraphs) > 1:
                    break
            assert view.article is not None
            text = " ".join(view.article.paragraphs)
            assert "The ferry pier at Marlow Bay reopened" in text
            assert "ADVERTISEMENT" not in text and "SCRIPT_MARKER" not in text


async def test_flags_of_articles_past_the_first_screenful_survive_the_full_listing(
    tmp_path: Path,
) -> None:
    from tui.library_actions import FIRST_SCREEN_ROWS

    path = tmp_path / "library.sqlite3"
    count = FIRST_SCREEN_ROWS + 40
    articles = [
        Article(f"b{index:04d}", f"Story {index}", (f"Only story {index} says this.",))
        for index in range(count)
    ]
    with Library.open(path) as library:
        library.store_articles(articles, origin="test")
        ids = [row.id for row in library.rows()]
        late = ids[FIRST_SCREEN_ROWS + 5 :]  # listed only after the first screenful
        library.set_flags(late[:10], read=True)
        library.set_flags(late[10:12], starred=True)
        library.set_flags(late[12:14], archived=True)
    app = library_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(app.articles) == count
        assert set(late[:10]) <= app.triage.read
        assert app.triage.starred == set(late[10:12])
        assert app.triage.archived == set(late[12:14])
        shown = {a.id for a in app.query_one(ArticleList).shown}
        assert shown.isdisjoint(late[12:14])
