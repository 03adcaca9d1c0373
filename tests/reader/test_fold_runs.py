"""Runs of folded paragraphs and the one-line label shown in their place."""

from __future__ import annotations

from reader.fold_runs import FoldRun, describe_run, describe_twin, fold_runs
from reader.model import Fold, FoldPlan, ParagraphRef

TITLES = {"me": "This story", "other": "Other title", "third": "Third story"}


def f(paragraph: int, twin: int, score: float = 100.0, article: str = "me") -> Fold:
    return Fold(paragraph=paragraph, same_as=ParagraphRef(article, twin), score=score)


def plan_of(*folds: Fold, article: str = "me") -> FoldPlan:
    return FoldPlan(threshold=85.0, by_article={article: tuple(folds)})


def labels(plan: FoldPlan, article: str = "me") -> list[str]:
    return [
        describe_run(run, article_id=article, title_of=TITLES.__getitem__)
        for run in fold_runs(plan, article)
    ]


def test_runs_are_maximal_stretches_of_consecutive_paragraphs() -> None:
    plan = plan_of(f(3, 0), f(4, 1), f(5, 2), f(8, 0), f(10, 1), f(11, 2))
    runs = fold_runs(plan, "me")
    assert [(r.start, r.end, r.count) for r in runs] == [(3, 5, 3), (8, 8, 1), (10, 11, 2)]
    assert [f.paragraph for r in runs for f in r.folds] == [3, 4, 5, 8, 10, 11]
    assert 4 in runs[0] and 6 not in runs[0]


def test_runs_come_out_in_paragraph_order_whatever_the_plan_order() -> None:
    plan = plan_of(f(6, 1), f(2, 0), f(5, 0))
    assert [(r.start, r.end) for r in fold_runs(plan, "me")] == [(2, 2), (5, 6)]


def test_no_folds_no_runs() -> None:
    assert fold_runs(plan_of(f(1, 0)), "someone-else") == ()
    assert fold_runs(FoldPlan(threshold=85.0), "me") == ()


def test_seed_label_consecutive_twins() -> None:
    plan = plan_of(*(f(i, i - 8) for i in range(9, 17)))
    assert labels(plan) == ["8 paragraphs repeated from ¶2-¶9 (100%)"]


def test_single_paragraph_label_is_singular() -> None:
    assert labels(plan_of(f(7, 3, 93.4))) == ["1 paragraph repeated from ¶4 (93%)"]


def test_gapped_twins_are_listed_and_mixed_scores_show_a_range() -> None:
    plan = plan_of(f(10, 1, 95.2), f(11, 4, 100.0), f(12, 6, 97.0))
    assert labels(plan) == ["3 paragraphs repeated from ¶2, ¶5, ¶7 (95-100%)"]


def test_ranges_and_singles_mix() -> None:
    plan = plan_of(f(10, 1), f(11, 2), f(12, 3), f(13, 7))
    assert labels(plan) == ["4 paragraphs repeated from ¶2-¶4, ¶8 (100%)"]


def test_twin_in_another_article_names_it() -> None:
    plan = plan_of(f(0, 2, article="other"), f(1, 3, article="other"))
    assert labels(plan) == ['2 paragraphs repeated from "Other title" ¶3-¶4 (100%)']


def test_twins_in_several_articles_name_each() -> None:
    plan = plan_of(f(4, 0, 90.0), f(5, 1, 99.9, article="other"), f(6, 5, 88.0, article="third"))
    assert labels(plan) == [
        '3 paragraphs repeated from ¶1, "Other title" ¶2, "Third story" ¶6 (88-99%)'
    ]


def test_own_twins_come_before_other_articles() -> None:
    plan = plan_of(f(4, 0), f(5, 1, article="other"), f(6, 2), f(7, 3, article="other"))
    assert labels(plan) == ['4 paragraphs repeated from ¶1, ¶3, "Other title" ¶2, ¶4 (100%)']


def test_several_folds_onto_one_twin_name_it_once() -> None:
    plan = plan_of(f(3, 0), f(4, 0))
    assert labels(plan) == ["2 paragraphs repeated from ¶1 (100%)"]


def test_scores_never_round_up_to_a_perfect_match() -> None:
    run = fold_runs(plan_of(f(2, 0, 99.7)), "me")[0]
    assert run.min_score == run.max_score == 99.7
    assert describe_run(run, article_id="me", title_of=TITLES.__getitem__).endswith("(99%)")


def test_unsafe_or_long_titles_are_tamed() -> None:
    run = FoldRun(start=0, end=0, folds=(f(0, 0, article="x"),))
    hostile = describe_run(run, article_id="me", title_of=lambda _: "Evil\x1b[2J\ntitle")
    assert "\x1b" not in hostile and "\n" not in hostile
    long = describe_run(run, article_id="me", title_of=lambda _: "word " * 40)
    assert len(long) < 100 and "…" in long
    blank = describe_run(run, article_id="me", title_of=lambda _: "  ")
    assert blank == "1 paragraph repeated from another article ¶1 (100%)"


def test_run_exposes_twin_articles() -> None:
    run = fold_runs(plan_of(f(4, 0), f(5, 1, article="other"), f(6, 2)), "me")[0]
    assert run.twin_article_ids == ("me", "other")
    assert run.twins == (
        ParagraphRef("me", 0),
        ParagraphRef("other", 1),
        ParagraphRef("me", 2),
    )


def test_describe_twin_names_the_paragraph_and_other_articles_by_title() -> None:
    titles = {
        "b": "Another [bold]story\x1b[0m with a title far longer than any list row could show"
    }
    here = Fold(4, ParagraphRef("a", 1), 99.7)
    there = Fold(5, ParagraphRef("b", 2), 91.0)
    assert describe_twin(here, article_id="a", title_of=titles.__getitem__) == "same as ¶2 (99%)"
    note = describe_twin(there, article_id="a", title_of=titles.__getitem__)
    assert note.startswith('same as ¶3 of "Another [bold]story') and note.endswith('…" (91%)')
    assert "\x1b" not in note
