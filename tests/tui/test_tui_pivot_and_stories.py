"""Mentions, pivots to every article naming someone, the library-wide panel, and story rows."""

from __future__ import annotations

from tui_fakes import FakeLibrary, make_article
from tui_helpers import lines_of, settle

from reader.model import Article
from tui.app import NewsfoldApp, make_app
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.entity_panel import EntityPanel

PEOPLE = ("Ada Lovelace", "Lovelace", "Charles Babbage")


def people_app() -> NewsfoldApp:
    articles = [
        make_article(0, ["Ada Lovelace wrote notes.", "Filler.", "Lovelace met Charles Babbage."]),
        make_article(1, ["Nobody is named here."]),
        make_article(2, ["Charles Babbage built engines."]),
        make_article(3, ["Later, Lovelace was celebrated."]),
    ]
    return make_app(["feed"], services=FakeLibrary(articles, people=PEOPLE).services())


def shown_ids(app: NewsfoldApp) -> list[str]:
    return [article.id for article in app.query_one(ArticleList).shown]


async def test_n_and_shift_n_jump_between_the_highlighted_mentions_and_wrap() -> None:
    app = people_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        panel = app.query_one(EntityPanel)
        view = app.query_one(ArticleView)
        panel.focus()
        await pilot.press("j")  # Lovelace, found alone in paragraphs 3
        assert panel.highlighted is not None
        name = panel.highlighted.name
        await pilot.press("enter")
        stops = sorted({m.paragraph for m in panel.highlighted.mentions})
        assert view.highlighted_paragraphs == set(stops)
        seen = []
        for _ in range(len(stops) + 1):
            await pilot.press("n")
            block = view.cursor_block
            assert block is not None
            seen.append(block.index)
        assert seen[-1] == seen[0] or len(stops) == 1  # wrapped around
        assert set(seen) == set(stops), name
        await pilot.press("N")
        assert view.cursor_block is not None and view.cursor_block.index == seen[-2]


async def test_n_without_a_highlight_says_how_to_get_one() -> None:
    app = people_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert "People & places" in app.query_one("#status").message  # type: ignore[attr-defined]


async def test_p_pivots_the_list_to_every_article_naming_the_person_and_escape_returns() -> None:
    app = people_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        panel = app.query_one(EntityPanel)
        panel.focus()
        names = [e.name for e in app.entity_panel.entities.people]  # type: ignore[union-attr]
        panel.move_cursor(names.index("Charles Babbage"))
        await pilot.press("p")
        await settle(pilot)
        assert shown_ids(app) == ["article-0", "article-2"]
        assert app.focused is app.query_one(ArticleList)
        assert "Charles Babbage" in app.query_one(ArticleList).border_title
        await pilot.press("escape")
        assert len(shown_ids(app)) == 4


async def test_a_surname_alone_in_another_article_joins_the_full_name_in_a_pivot() -> None:
    app = people_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        panel = app.query_one(EntityPanel)
        panel.focus()
        names = [e.name for e in app.entity_panel.entities.people]  # type: ignore[union-attr]
        panel.move_cursor(names.index("Ada Lovelace"))
        await pilot.press("p")
        await settle(pilot)
        # Article 3 says only "Lovelace": the library has one Lovelace, Ada.
        assert shown_ids(app) == ["article-0", "article-3"]


async def test_e_lists_the_most_mentioned_people_of_every_article_and_enter_pivots() -> None:
    app = people_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        panel = app.query_one(EntityPanel)
        panel.focus()
        await pilot.press("e")
        await settle(pilot)
        assert panel.library_view and panel.border_title == "All articles"
        text = "\n".join(lines_of(panel))
        assert "Ada Lovelace" in text and "Charles Babbage" in text
        top = panel.highlighted
        assert top is not None and top.name in ("Ada Lovelace", "Charles Babbage")
        await pilot.press("enter")
        await settle(pilot)
        assert len(shown_ids(app)) == 2
        panel.focus()
        await pilot.press("e")
        assert not panel.library_view and panel.border_title == "People & places"


WIRE = [
    "The central bank raised interest rates by half a point on Tuesday, its third rise this year.",
    "Officials said inflation had proved more stubborn than expected over the winter months.",
    "Markets had largely priced in the move, and shares were little changed by the close.",
]


def story_app(*, mark_story_read: bool = False) -> NewsfoldApp:
    articles = [
        Article("w1", "Bank raises rates", ("Reuters intro.", *WIRE), source="Reuters"),
        Article("x", "Unrelated", ("A different story entirely.",), source="Local"),
        Article("w2", "Rates up again", ("AP intro.", *WIRE), source="AP"),
        Article("w3", "Another rise", (*WIRE, "BBC analysis."), source="BBC"),
    ]
    services = FakeLibrary(articles).services()
    return make_app(["feed"], services=services, mark_story_read=mark_story_read)


async def test_a_story_is_one_row_with_its_outlets_and_expands_in_place() -> None:
    app = story_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article_list = app.query_one(ArticleList)
        assert shown_ids(app) == ["w1", "x"]
        assert "3 outlets" in lines_of(article_list)[1]
        await pilot.press("l")
        assert shown_ids(app) == ["w1", "w2", "w3", "x"]
        lines = lines_of(article_list)
        assert lines[2].index("Rates up") > lines[0].index("Bank raises")  # members indented
        await pilot.press("j", "enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        # The member shows its own intro, with the shared wire copy folded.
        assert view.article is not None and view.article.id == "w2"
        assert [run.start for run in view.runs] == [1]
        await pilot.press("escape", "h")
        assert shown_ids(app) == ["w1", "x"]


async def test_reading_one_member_marks_the_story_read_when_that_setting_is_on() -> None:
    app = story_app(mark_story_read=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.triage.read == {"w1", "w2", "w3"}
    app = story_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.triage.read == {"w1"}


async def test_a_fold_that_differs_from_its_twin_says_so_and_marks_the_changed_words() -> None:
    from story_snapshot_app import WIRE_STORY

    app = make_app([str(WIRE_STORY)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("l", "j", "enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        assert view.article is not None and view.article.id == "ap-rates"
        (run,) = view.runs
        assert "1 differs" in run.label
        changed = view.article.paragraphs[3]
        ((start, end),) = run.changes[3]
        assert changed[start:end] == "slightly higher"
        assert '"little changed" → "slightly higher"' in run.twins[3]
        assert run.twins[1].startswith("same as ¶2 of")
        assert set(run.changes) == {3}
