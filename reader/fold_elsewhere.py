"""Fold a corpus in a second process while the caller does other work with the same articles."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from reader.fold import fold
from reader.model import Article, FoldPlan


def spare_cores() -> int:
    """Cores this process may run on, besides the one it is on."""
    try:
        return len(os.sched_getaffinity(0)) - 1
    except AttributeError:  # not on Linux
        return (os.cpu_count() or 1) - 1


def _fold_plain(articles: Sequence[Article], threshold: float) -> FoldPlan:
    plan = fold(articles, threshold=threshold)
    # A plain dict crosses the process boundary (a read-only mapping view does not pickle).
    return FoldPlan(threshold=plan.threshold, by_article=dict(plan.by_article))


@contextmanager
def folding_elsewhere(
    articles: Sequence[Article], threshold: float
) -> Iterator[Callable[[], FoldPlan]]:
    """Start folding ``articles``; the yielded function waits for the plan and returns it.

    With a spare core and ``fork`` (the child inherits the articles and every loaded module,
    so nothing but the plan is copied), the fold runs in a child process and overlaps what the
    caller does meanwhile; otherwise the function folds when first called. Same plan either way.
    """
    if spare_cores() < 1 or "fork" not in multiprocessing.get_all_start_methods():
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
