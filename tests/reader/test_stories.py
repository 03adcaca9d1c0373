"""Story clusters: articles that reuse each other's paragraphs, and boilerplate that must not."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.fold import fold
from reader.model import Article, Fold, FoldPlan, ParagraphRef
from reader.stories import MIN_LINK_WORDS, Story, StoryIndex, build_stories, story_index

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_65b293f206ed6792.txt"

WIRE = (
    "The European Central Bank held its main interest rate at 4 percent on Thursday, "
    "saying inflation in the euro zone was still too high to consider cutting borrowing costs.",
    "ECB President Christine Lagarde told reporters in Frankfurt that the governing council "
    "had not discussed rate cuts and that policy would stay restrictive for as long as needed.",
    "Markets had priced in several cuts for next year after consumer prices rose more slowly "
    "than expected in October, the third monthly slowdown in a row.",
    "The euro slipped against the dollar after the decision, while yields on German "
    "government bonds edged lower in afternoon trading.",
    "Economists polled before the meeting expected the bank to keep rates on hold until at "
    "least the second quarter, with wage growth remaining the main worry for policymakers.",
)
CREDIT = "Reporting by Jane Doe; Editing by Mark Heinrich"
FOLLOW = "Follow us on Twitter for the latest news."
NEWSLETTER = (
    "Sign up for our morning newsletter to get the day's most important business stories "
    "delivered to your inbox before the markets open."
)
FOOTER = (
    "The Daily Ledger is an independent newspaper that has been published every weekday in "
    "the city since 1893 and is owned by a charitable trust.",
    "Our journalists follow a published code of conduct; corrections and complaints can be "
    "sent to the readers' editor at any time of the day or night.",
)


def article(article_id: str, *paragraphs: str) -> Article:
    return Article(id=article_id, title=f"Title {article_id}", paragraphs=paragraphs)


def local_story(topic: str, count: int) -> tuple[str, ...]:
    """Paragraphs an outlet wrote itself: varied words and figures, so nothing folds by accident."""
    rng = random.Random(topic)
    who = ("Councillors", "Residents", "The mayor", "Shop owners", "Engineers", "Volunteers")
    did = ("inspected", "argued about", "repainted", "voted to close", "photographed", "mapped")
    what = ("harbour wall", "old library", "bus depot", "river path", "north stand", "car park")
    when = ("on Monday", "at dawn", "after a long delay", "despite the rain", "for a third time")
    return tuple(
        f"{rng.choice(who)} {rng.choice(did)} the {topic} {rng.choice(what)} "
        f"{rng.choice(when)}, {rng.randint(2, 900)} people watched and "
        f"{rng.choice(who).lower()} {rng.choice(did)} {rng.randint(2, 90)} more."
        for _ in range(count)
    )


def wire_outlets() -> list[Article]:
    return [
        article("wire", *WIRE, CREDIT),
        article(
            "daily",
            "Savers will have to wait a little longer for relief, according to the latest "
            "decision from Frankfurt.",
            "FRANKFURT (Reuters) - " + WIRE[0],
            *WIRE[1:4],
            FOLLOW,
        ),
        article(
            "herald",
            "Our business editor looks at what the decision means for mortgages in the region.",
            "FRANKFURT, Germany \u2014 " + WIRE[0].replace("4 percent", "4%"),
            *WIRE[1:],
            NEWSLETTER,
        ),
    ]


def test_three_outlets_printing_one_wire_story_form_one_story() -> None:
    articles = wire_outlets()
    plan = fold(articles)
    (story,) = build_stories(articles, plan)
    assert story.number == 1
    assert story.article_ids == ("wire", "daily", "herald")
    cross = sum(
        1
        for a in articles
        for f in plan.folds_for(a.id)
        if f.same_as.article_id != a.id and f.same_as.article_id in story.article_ids
    )
    assert story.shared_paragraphs == cross == 4 + 5


def test_sharing_only_a_short_boilerplate_line_is_no_link() -> None:
    unrelated = [
        article("harbour", *local_story("harbour", 4), CREDIT),
        article("follow", *local_story("bridge works", 2), FOLLOW),
    ]
    articles = [*wire_outlets(), *unrelated]
    plan = fold(articles)
    # The lines really are folded across articles; they just do not make a story.
    assert {f.same_as.article_id for f in plan.folds_for("harbour")} == {"wire"}
    assert {f.same_as.article_id for f in plan.folds_for("follow")} == {"daily"}
    (story,) = build_stories(articles, plan)
    assert story.article_ids == ("wire", "daily", "herald")


def test_one_shared_long_line_is_no_link_but_two_real_paragraphs_are() -> None:
    shares_pitch = article("pitch", *local_story("budget", 3), NEWSLETTER)
    quotes_one = article("quote", *local_story("pension", 6), WIRE[1])
    shares_two = article("excerpt", "A short intro of our own.", WIRE[0], WIRE[1])
    articles = [*wire_outlets(), shares_pitch, quotes_one, shares_two]
    assert len(NEWSLETTER.split()) >= MIN_LINK_WORDS
    (story,) = build_stories(articles, fold(articles))
    # A paragraph quoted by an outsider still links the articles that share more than it.
    assert story.article_ids == ("wire", "daily", "herald", "excerpt")


def test_a_footer_that_is_a_small_part_of_each_article_links_nothing() -> None:
    first = article("first", *local_story("harbour", 10), *FOOTER)
    second = article("second", *local_story("elections", 10), *FOOTER)
    plan = fold([first, second])
    assert len(plan.folds_for("second")) == 2  # both footer lines fold
    assert build_stories([first, second], plan) == ()
    # A short article made mostly of the same footer does belong with a long one...
    stub = article("stub", "Page not found.", *FOOTER)
    assert build_stories([first, stub], fold([first, stub])) != ()
    # ...but cannot chain two long ones through itself into one story.
    articles = [first, stub, second]
    stories = build_stories(articles, fold(articles))
    assert not any({"first", "second"} <= set(s.article_ids) for s in stories)


def test_the_seed_printing_itself_twice_is_no_story() -> None:
    seed = article("seed", *SEED.read_text(encoding="utf-8").splitlines())
    plan = fold([seed])
    assert len(plan.folds_for("seed")) == 8
    assert build_stories([seed], plan) == ()


def test_a_reprinted_brief_needs_min_shared_of_one() -> None:
    brief = article("brief", WIRE[2])
    reprint = article("reprint", "Our markets reporter adds context below.", WIRE[2])
    articles = [brief, reprint]
    plan = fold(articles)
    assert build_stories(articles, plan) == ()
    (story,) = build_stories(articles, plan, min_shared=1)
    assert story.article_ids == ("brief", "reprint") and story.shared_paragraphs == 1


def test_stories_are_numbered_by_first_article_and_indexed() -> None:
    other_wire = local_story("rail strike", 4)
    articles = [
        article("lonely", *local_story("zoo", 3)),
        article("rail-1", *other_wire),
        *wire_outlets(),
        article("rail-2", "The union's view, below.", *other_wire[:3]),
    ]
    plan = fold(articles)
    stories = build_stories(articles, plan)
    assert [(s.number, s.article_ids) for s in stories] == [
        (1, ("rail-1", "rail-2")),
        (2, ("wire", "daily", "herald")),
    ]
    index = story_index(articles, plan)
    assert index == StoryIndex(stories)
    assert index.story_of("herald") == stories[1]
    assert index.story_of("rail-2") == stories[0]
    assert index.story_of("lonely") is None and index.story_of("missing") is None
    assert list(index) == list(stories) and len(index) == 2


def test_copies_spread_across_earlier_articles_still_link() -> None:
    # "late" takes two wire paragraphs, each first printed by a different outlet.
    articles = [
        article("early", WIRE[0], WIRE[1]),
        article("middle", WIRE[2], WIRE[3], WIRE[1]),
        article("late", WIRE[0], WIRE[3]),
    ]
    plan = fold(articles)
    assert {f.same_as.article_id for f in plan.folds_for("late")} == {"early", "middle"}
    (story,) = build_stories(articles, plan, min_shared=1)
    assert story.article_ids == ("early", "middle", "late")
    assert build_stories(articles, plan, min_shared=2) == ()


def test_folds_pointing_outside_the_corpus_are_ignored() -> None:
    articles = [article("a", *WIRE), article("b", *WIRE)]
    folds = tuple(Fold(p, ParagraphRef("a", p), 100.0) for p in range(5))
    plan = FoldPlan(
        threshold=85.0,
        by_article={
            "b": (*folds, Fold(9, ParagraphRef("a", 0), 100.0)),
            "gone": (Fold(0, ParagraphRef("a", 0), 100.0),),
        },
    )
    (story,) = build_stories(articles, plan)
    assert story == Story(number=1, article_ids=("a", "b"), shared_paragraphs=5)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Article], FoldPlan]:
    count = draw(st.integers(1, 7))
    sizes = draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    articles = [article(f"a{i}", *WIRE[:size]) for i, size in enumerate(sizes)]
    by_article: dict[str, tuple[Fold, ...]] = {}
    for later in range(1, count):
        refs = draw(
            st.lists(st.tuples(st.integers(0, later - 1), st.integers(0, 4)), max_size=sizes[later])
        )
        folds = [
            Fold(p, ParagraphRef(f"a{earlier}", min(t, sizes[earlier] - 1)), 100.0)
            for p, (earlier, t) in enumerate(refs)
        ]
        if folds:
            by_article[f"a{later}"] = tuple(folds)
    return articles, FoldPlan(threshold=85.0, by_article=by_article)


@settings(max_examples=200, deadline=None)
@given(corpora(), st.integers(1, 3))
def test_stories_partition_articles_in_corpus_order(
    corpus: tuple[list[Article], FoldPlan], min_shared: int
) -> None:
    articles, plan = corpus
    order = [a.id for a in articles]
    stories = build_stories(articles, plan, min_shared=min_shared)
    assert [s.number for s in stories] == list(range(1, len(stories) + 1))
    members = [aid for s in stories for aid in s.article_ids]
    assert len(members) == len(set(members))
    assert all(len(s.article_ids) >= 2 for s in stories)
    assert all(list(s.article_ids) == sorted(s.article_ids, key=order.index) for s in stories)
    firsts = [order.index(s.article_ids[0]) for s in stories]
    assert firsts == sorted(firsts)
    # Some pair in each story shares at least min_shared texts, all repeated by its later member.
    assert all(s.shared_paragraphs >= min_shared for s in stories)
    assert build_stories(articles, plan, min_shared=min_shared) == stories
