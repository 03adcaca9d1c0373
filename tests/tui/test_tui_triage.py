"""Keyboard triage: every key changes the state it names, and undo puts it back exactly."""

from __future__ import annotations

from tui_fakes import FakeLibrary, make_article
from tui_helpers import lines_of, settle

from reader.model import Article
from tui.app import NewsfoldApp, make_app
from tui.widgets.article_list import ArticleList
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import UnreadCount


def triage_app(count: int = 6) -> NewsfoldApp:
    articles = [
        make_article(index, [f"Paragraph one of story {index}.", f"Closing words {index}."])
        for index in range(count)
    ]
    articles[3] = make_article(3, ["The harbour bridge reopened after repairs."], "Bridge news")
    return make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)


def shown_ids(app: NewsfoldApp) -> list[str]:
    return [article.id for article in app.query_one(ArticleList).shown]


async def test_opening_marks_read_but_the_first_article_shown_at_start_stays_unread() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.triage.read == set()
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.triage.read == {"article-1"}
        # Opening is not a triage action: undo has nothing to take back.
        await pilot.press("escape", "u")
        assert app.triage.read == {"article-1"}


async def test_r_s_a_change_their_flag_and_undo_reverts_them_in_order() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        await pilot.press("r")  # marks article-0 read and moves to the next
        assert app.triage.read == {"article-0"} and article_list.cursor == 1
        await pilot.press("s")
        assert app.triage.starred == {"article-1"}
        await pilot.press("a")
        assert app.triage.archived == {"article-1"}
        assert "article-1" not in shown_ids(app)
        assert article_list.highlighted is not None
        assert article_list.highlighted.id == "article-2"
        await pilot.press("u")
        assert app.triage.archived == set() and "article-1" in shown_ids(app)
        await pilot.press("u")
        assert app.triage.starred == set()
        await pilot.press("u")
        assert app.triage.read == set()
        await pilot.press("u")
        assert "Nothing to undo" in app.query_one("#status").message  # type: ignore[attr-defined]


async def test_r_toggles_back_to_unread_and_the_list_draws_the_marks() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        first_line = lines_of(article_list)[0]
        assert first_line.startswith("•   Story")  # unread mark, no star, no fold
        await pilot.press("s")
        assert lines_of(article_list)[0].startswith("•★")
        await pilot.press("r", "k", "r")
        assert app.triage.read == set()


async def test_f_cycles_the_filter_and_a_row_read_under_unread_stays_until_the_next_cycle() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # star article-0
        await pilot.press("f")
        assert app.list_filter == "unread"
        assert len(shown_ids(app)) == 6
        await pilot.press("r")
        assert "article-0" in shown_ids(app)  # kept under the cursor
        await pilot.press("f")
        assert app.list_filter == "starred"
        assert shown_ids(app) == ["article-0"]
        await pilot.press("f", "f", "f")  # archived, all, unread
        assert app.list_filter == "unread"
        assert "article-0" not in shown_ids(app)
        assert app.query_one(ArticleList).border_title.startswith("Unread (5)")


async def test_capital_a_marks_every_shown_article_read_in_one_undoable_step() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        assert app.triage.read == {f"article-{i}" for i in range(6)}
        assert app.query_one(UnreadCount).count == 0
        await pilot.press("u")
        assert app.triage.read == set()


async def test_archived_articles_only_show_under_the_archived_filter() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", "a")
        assert app.triage.archived == {"article-0", "article-1"}
        await pilot.press("f", "f", "f")
        assert app.list_filter == "archived"
        assert shown_ids(app) == ["article-0", "article-1"]
        await pilot.press("a")  # unarchive from the archive
        assert app.triage.archived == {"article-1"}


async def test_slash_searches_titles_and_text_incrementally_and_escape_restores() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        await pilot.press(*"harbour")
        await settle(pilot)
        assert shown_ids(app) == ["article-3"]
        for _ in "harbour":
            await pilot.press("backspace")
        await pilot.press(*"repairs REOPENED")  # words of the text, any order and case
        await settle(pilot)
        assert shown_ids(app) == ["article-3"]
        await pilot.press("enter")
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert len(shown_ids(app)) == 6
        assert not app.query_one(SearchBar).has_class("-shown")


async def test_search_forgives_a_typo_in_a_title() -> None:
    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"brigde news")
        await settle(pilot)
        assert shown_ids(app)[0] == "article-3"


async def test_links_only_open_for_safe_schemes() -> None:
    from tui.triage_actions import safe_link

    assert safe_link("https://example.com/a?b=c") == "https://example.com/a?b=c"
    assert safe_link("mailto:desk@example.com") == "mailto:desk@example.com"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link("https://example.com/\x1b]52;c;AAAA\x07") is None
    assert safe_link("https://exa mple.com") is None


async def test_y_copies_the_link_and_refuses_other_schemes(monkeypatch) -> None:
    articles = [
        Article(id="a", title="Linked", paragraphs=("Body.",), url="https://example.com/story"),
        Article(id="b", title="Script", paragraphs=("Other.",), url="javascript:alert(1)"),
    ]
    app = make_app(["feed"], services=FakeLibrary(articles).services())
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("y", "j", "y")
        assert copied == ["https://example.com/story"]


async def test_o_runs_browser_from_argv_without_a_shell(monkeypatch) -> None:
    import subprocess

    article = Article(
        id="a", title="Linked", paragraphs=("Body.",), url="https://example.com/a;$(reboot)&b=`id`"
    )
    app = make_app(["feed"], services=FakeLibrary([article]).services())
    calls: list[list[str]] = []
    monkeypatch.setenv("BROWSER", "lynx -dump")
    monkeypatch.setattr(subprocess, "run", lambda argv, **options: calls.append(argv))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert calls == [["lynx", "-dump", "https://example.com/a;$(reboot)&b=`id`"]]


async def test_the_command_palette_offers_every_key_action() -> None:
    from tui.palette import palette_commands
    from tui.screens.help import describe_action
    from tui.widgets.key_hints import bindings_of

    app = triage_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = {command.title for command in palette_commands(app)}
        for binding in bindings_of(app):
            if binding.action in ("quit", "show_help") or binding.system:
                continue
            assert describe_action(binding) in titles, binding.action
        assert "List: Open" in titles and "People & places: Articles naming" in titles
        # Running one from the palette does what its key does.
        (star,) = [c for c in palette_commands(app) if c.title == "Star"]
        await star.callback()
        assert app.triage.starred == {"article-0"}


async def test_archive_and_undo_edit_the_rows_exactly_as_a_rebuild_would() -> None:
    app = triage_app(count=12)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        await pilot.press("j", "j", "a", "j", "a", "f", "j", "r", "a")
        patched = list(article_list.rows)
        cursor = article_list.highlighted
        app.refresh_list(keep_cursor=True)
        assert list(article_list.rows) == patched
        assert article_list.highlighted == cursor
        await pilot.press("u", "u", "u", "u")  # archive, read, archive, archive
        patched = list(article_list.rows)
        app.refresh_list(keep_cursor=True)
        assert list(article_list.rows) == patched
        assert app.triage.archived == set()
