"""Resolving folds on two processes decides exactly what one process decides."""

from __future__ import annotations

import os
import random
from collections.abc import Sequence

import pytest

import reader.fold_resolve as fold_resolve
from reader.fold_batch import fold_batch
from reader.fold_index import FoldIndex
from reader.fold_resolve import Resolution, Resolver
from reader.model import Article
from reader.two_processes import in_two_processes

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _corpus(seed: int) -> list[Article]:
    """Families of near-copies (a changed word, a dropped tail) among unrelated paragraphs."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(6)) for _ in range(400)]
    paragraphs: list[str] = []
    for _ in range(600):
        if paragraphs and rng.random() < 0.4:
            source = rng.choice(paragraphs).split()
            source[rng.randrange(len(source))] = rng.choice(words)
            if rng.random() < 0.3:
                source = source[: max(8, len(source) - 2)]
            paragraphs.append(" ".join(source))
        else:
            paragraphs.append(" ".join(rng.choice(words) for _ in range(rng.randint(12, 30))))
    return [Article(f"a{n}", "", tuple(paragraphs[n : n + 6])) for n in range(0, 600, 6)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_processes_fold_as_one_does(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = _corpus(seed)
    alone, _ = fold_batch(FoldIndex(85.0), articles, keep_index=False, parallel=False)
    monkeypatch.setattr(fold_resolve, "PARALLEL_MIN_UNITS", 1)
    monkeypatch.setattr(fold_resolve, "can_fork", lambda: True)
    original = Resolver.resolve_all
    splits: list[bool] = []

    def watched(self: Resolver, *, parallel: bool = True, min_units: int = 1) -> object:
        mine, theirs = self.halves(sorted(self.candidates))
        splits.append(bool(mine) and bool(theirs))
        return original(self, parallel=parallel, min_units=1)

    monkeypatch.setattr(Resolver, "resolve_all", watched)
    shared, _ = fold_batch(FoldIndex(85.0), articles, keep_index=False, parallel=True)
    assert splits == [True]  # both processes had work
    assert sum(len(f) for f in alone.by_article.values()) > 50
    assert dict(shared.by_article) == dict(alone.by_article)


def test_halves_keep_components_whole() -> None:
    # 10 <- 11 <- 12 form one component, 13 <- 14 another; 15 only refers to an old unit.
    candidates = {11: [10], 12: [11, 3], 14: [13], 15: [2], 10: [1], 13: [0]}
    resolver = Resolver(10, candidates, list(range(6)), lambda u: (u, u), lambda a, b: None)
    mine, theirs = resolver.halves(sorted(candidates))
    assert sorted(mine + theirs) == sorted(candidates)
    for side in (mine, theirs):
        assert side == sorted(side)
        if 10 in side:
            assert {11, 12} <= set(side)
        if 13 in side:
            assert 14 in side


def test_a_failed_child_leaves_its_share_to_the_parent() -> None:
    parent = os.getpid()

    def work(units: Sequence[int]) -> dict[int, Resolution]:
        if os.getpid() != parent:
            os._exit(3)  # the child dies without answering
        return {unit: (unit, 90.0) for unit in units}

    mine, theirs = in_two_processes(work, [1, 2], [3, 4])
    assert mine == {1: (1, 90.0), 2: (2, 90.0)}
    assert theirs == {3: (3, 90.0), 4: (4, 90.0)}
