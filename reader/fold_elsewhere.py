"""Fold a corpus in a second process while the caller does other work with the same articles."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from reader.fold import fold
from reader.model import Article, FoldPlan
from reader.two_processes import can_fork


def _fold_plain(articles: Sequence[Article], threshold: float) -> FoldPlan:
    plan = fold(articles, threshold=threshold)
    # A plain dict crosses the process boundary (a read-only mapping view does not pickle).
    return FoldPlan(threshold=plan.threshold, by_article=dict(plan.by_article))


@contextmanager
def folding_elsewhere(
    articles: Sequence[Article], threshold: float
) -> Iterator[Callable[[], FoldPlan]]:
    """Start folding ``articles``; the yielded function waits for the plan and returns it.

    With a spare core, ``fork`` and no other thread (``reader.two_processes.can_fork``; the
    child inherits the articles and every loaded module, so nothing but the plan is copied),
    the fold runs in a child process and overlaps what the caller does meanwhile; otherwise the
    function folds when first called. Same plan either way.
    """
    if not can_fork():
        done: list[FoldPlan] = []

        def fold_now() -> FoldPlan:
            if not done:
                done.append(fold(articles, threshold=threshold))
            return done[0]

        yield fold_now
        return
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: Future[FoldPlan] = pool.submit(_fold_plain, articles, threshold)
        yield pending.result
