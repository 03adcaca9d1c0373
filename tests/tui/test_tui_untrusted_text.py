"""Titles and paragraphs are shown as text: markup, actions and escape sequences stay literal."""

from __future__ import annotations

from tui_fakes import FakeLibrary
from tui_helpers import lines_of, settle, text_of

from reader.model import Article
from tui.app import make_app
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel

HOSTILE_TITLE = "[bold]Loud[/bold] [@click=app.quit]click me[/]"
HOSTILE_PARAGRAPH = "Red \x1b[31malert\x1b[0m and a bell\x07 and \u202eevil."


async def test_markup_and_escapes_render_literally_and_do_nothing() -> None:
    article = Article(
        id="hostile",
        title=HOSTILE_TITLE,
        paragraphs=(HOSTILE_PARAGRAPH, "[link=https://example.com]x[/link] Kerry [b]"),
        source="[red]Wire[/red]",
        origin="/feeds/[i]odd[/i].txt",
    )
    library = FakeLibrary([article], people=["Kerry [b]"])
    app = make_app(["feed"], services=library.services(), threshold=90)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        list_text = text_of(app.query_one(ArticleList))
        assert "[bold]Loud[/bold]" in list_text
        assert "[red]Wire[/red]" in list_text
        view_text = text_of(app.query_one(ArticleView))
        assert HOSTILE_TITLE in view_text
        assert "[link=https://example.com]x[/link]" in view_text
        # Control characters show as visible symbols; nothing raw reaches the terminal.
        assert "Red ␛[31malert␛[0m and a bell␇ and" in view_text
        for widget in (app.query_one(ArticleList), app.query_one(ArticleView)):
            for y in range(widget.size.height):
                for segment in widget.render_line(y):
                    assert "\x1b" not in segment.text and "\u202e" not in segment.text
        assert "Kerry [b]" in text_of(app.query_one(EntityPanel))
        # Clicking the would-be "[@click=app.quit]" text must not quit the app.
        article_list = app.query_one(ArticleList)
        title_line = lines_of(article_list)[0]
        assert "[@click=" in title_line
        inset = article_list.content_region.offset - article_list.region.offset
        column = title_line.index("[@click=") + 3
        await pilot.click(ArticleList, offset=(inset.x + column, inset.y))
        await pilot.pause()
        assert app.is_running
        # The click landed on the row and did what a click on a row does: open the article.
        assert isinstance(app.focused, ArticleView)


async def test_a_badge_marks_articles_whose_text_carried_escapes_and_only_those() -> None:
    articles = [
        Article(id="clean", title="Plain title", paragraphs=("Plain text.",)),
        Article(id="title", title="Title \x1b]0;pwned\x07 here", paragraphs=("Fine.",)),
        Article(id="body", title="Body hides one", paragraphs=("Zero\u200bwidth \u202eflip",)),
    ]
    app = make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        rows = lines_of(app.query_one(ArticleList))
        assert "⚠" not in rows[0] and "⚠ Title ␛]0;pwned␇ here" in rows[2]
        assert "⚠" not in rows[4]  # the list checks titles; the open article checks it all
        view = app.query_one(ArticleView)
        assert not view.stripped and "⚠" not in text_of(view)
        for row, stripped in ((1, True), (2, True)):
            app.query_one(ArticleList).focus()
            app.query_one(ArticleList).move_cursor(row)
            await pilot.press("enter")
            await settle(pilot)
            assert view.stripped is stripped
            assert "⚠ this article held terminal escapes" in text_of(view)


async def test_a_source_name_with_markup_stays_literal_in_the_list_border() -> None:
    evil = "[@click=app.quit]Evil[/] [b]Feed"
    articles = [
        Article(id="a", title="One", paragraphs=("Text one.",), source=evil),
        Article(id="b", title="Two", paragraphs=("Text two.",), source="Calm"),
    ]
    app = make_app(["feed"], services=FakeLibrary(articles).services(), threshold=90)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.show_only_source(evil)
        await settle(pilot)
        border = app.query_one(ArticleList)._border_title
        assert border is not None and evil in border.plain
        assert [a.id for a in app.query_one(ArticleList).shown] == ["a"]
        assert app.is_running
