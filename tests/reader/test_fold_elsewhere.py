"""Folding in a second process gives the plan folding here gives, and entities count alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.entities import extract, extract_all
from reader.fold import fold
from reader.fold_elsewhere import folding_elsewhere
from reader.load import load_sources
from reader.model import Article

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def articles() -> tuple[Article, ...]:
    seed = load_sources([str(p) for p in sorted(SEEDS.iterdir()) if p.suffix == ".txt"]).articles
    wire = Article(
        id="wire",
        title="Copied",
        # The seed's second paragraph again, under another outlet's name: a cross-article fold.
        paragraphs=("An unrelated opening line about the weather in town.", seed[0].paragraphs[2]),
    )
    return (*seed, wire)


def test_the_plan_from_the_other_process_equals_folding_here(
    articles: tuple[Article, ...],
) -> None:
    with folding_elsewhere(articles, 85.0) as plan_when_ready:
        elsewhere = plan_when_ready()
        assert plan_when_ready() == elsewhere  # asking twice waits once
    here = fold(articles, threshold=85.0)
    assert dict(elsewhere.by_article) == dict(here.by_article)
    assert elsewhere.folded_paragraphs("wire") == frozenset({1})


def test_one_core_folds_in_process(
    articles: tuple[Article, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.fold_elsewhere.can_fork", lambda: False)
    with folding_elsewhere(articles, 85.0) as plan_when_ready:
        plan = plan_when_ready()
    assert dict(plan.by_article) == dict(fold(articles, threshold=85.0).by_article)


def test_extract_all_counts_as_extract_does(articles: tuple[Article, ...]) -> None:
    plan = fold(articles, threshold=85.0)
    asked: list[bool] = []

    def folded_of() -> Callable[[str], frozenset[int]]:
        asked.append(True)
        return plan.folded_paragraphs

    together = list(extract_all(articles, folded_of))
    one_by_one = [extract(a, folded=plan.folded_paragraphs(a.id)) for a in articles]
    assert together == one_by_one
    assert asked == [True]
    # The folded copies are left out of the counts: the seed prints its story twice.
    kerry = next(e for e in together[0].people if e.name == "John Kerry")
    assert kerry.count < len(kerry.mentions)
