"""Fold a batch of articles onto themselves and onto an index of everything folded before."""

from __future__ import annotations

import gc
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import accumulate

import numpy as np

from reader.fold import check_threshold, verification_tools, verified_score
from reader.fold_index import FoldDelta, FoldIndex, article_id_at, encode_texts
from reader.fold_resolve import Resolver
from reader.fold_units import find_candidates
from reader.model import Article, Fold, FoldPlan, ParagraphRef


def fold_batch(
    index: FoldIndex,
    articles: Sequence[Article],
    *,
    keep_index: bool = True,
    parallel: bool = True,
) -> tuple[FoldPlan, FoldIndex]:
    """Fold ``articles`` (coming after everything in ``index``) onto themselves and the index.
    Returns their plan and, when ``keep_index``, the index grown by them (else ``index``).

    The cyclic garbage collector is paused meanwhile: the batch makes millions of small
    objects and none of them cycles, so its passes would only cost time (a fifth at 1M)."""
    with _collector_paused():
        plan, delta = _fold_batch(index, articles, keep_index=keep_index, parallel=parallel)
    return plan, index if delta is None else index.extended(delta)


@contextmanager
def _collector_paused() -> Iterator[None]:
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _fold_batch(
    index: FoldIndex, articles: Sequence[Article], *, keep_index: bool, parallel: bool
) -> tuple[FoldPlan, FoldDelta | None]:
    """The batch's plan and, when ``keep_index``, what it adds to the index."""
    threshold = index.threshold
    paragraphs = [p for article in articles for p in article.paragraphs]
    found = find_candidates(index, paragraphs, parallel=parallel)
    del paragraphs
    if not keep_index:  # the postings (8 bytes a fingerprint) only ever go into the index
        found = replace(found, codes=np.zeros(0, dtype=np.uint64))
    units, raw_ids, unit_of = found.units, found.raw_ids, found.unit_of
    tools = verification_tools()

    def score(later: int, earlier: int) -> float | None:
        a, b = units.match(later), units.match(earlier)
        if a.key == b.key:
            return 100.0 if a.key else None
        return verified_score(a, b, threshold, a_first=False, tools=tools)

    # Old units this batch refers to: their first places and resolutions.
    referred = {u for u in unit_of if 0 <= u < units.base}
    referred.update(v for options in found.candidates.values() for v in options if v < units.base)
    old_ids = np.array(sorted(referred), dtype=np.int64)
    old = {
        u: (seen, kept, place, score)
        for u, seen, kept, place, score in zip(
            old_ids.tolist(),
            index.first_seen.take(old_ids).tolist(),
            index.first_kept.take(old_ids).tolist(),
            index.fold_place.take(old_ids).tolist(),
            index.fold_score.take(old_ids).tolist(),
            strict=True,
        )
    }
    count = len(units.texts)
    # Machine integers, not int objects: a forked resolver reading them copies no pages.
    seen_new = array("q", [-1]) * count
    place = index.places
    for raw in raw_ids:
        unit = unit_of[raw]
        if unit >= units.base and seen_new[unit - units.base] < 0:
            seen_new[unit - units.base] = place
        place += 1

    def old_places(unit: int) -> tuple[int, int]:
        seen, kept, _, _ = old[unit]
        return seen, kept

    resolver = Resolver(units.base, found.candidates, seen_new, old_places, score)
    resolved = resolver.resolve_all(parallel=parallel)
    kept_new = [-1] * count
    place_new = [-1] * count
    score_new = [0.0] * count
    for j in range(count):
        resolution = resolved.get(units.base + j)
        if resolution is None:
            kept_new[j] = seen_new[j]
        else:
            place_new[j], score_new[j] = resolution

    folds: list[tuple[int, int, int, float]] = []  # article, paragraph, target place, score
    place = index.places
    position = 0
    for article_number, article in enumerate(articles):
        for paragraph in range(len(article.paragraphs)):
            unit = unit_of[raw_ids[position]]
            position += 1
            place += 1
            if unit < 0:
                continue
            if unit >= units.base:
                j = unit - units.base
                if kept_new[j] >= 0:
                    if kept_new[j] == place - 1:
                        continue  # the unit's first appearance, kept
                    target = (kept_new[j], 100.0)
                else:
                    target = (place_new[j], score_new[j])
            else:
                _, kept_old, place_old, score_old = old[unit]
                target = (kept_old, 100.0) if kept_old >= 0 else (place_old, score_old)
            folds.append((article_number, paragraph, target[0], target[1]))

    plan = _plan(index, articles, folds)
    if not keep_index:
        return plan, None
    starts = index.places + np.cumsum([0] + [len(a.paragraphs) for a in articles[:-1]])
    keys = np.array(found.new_keys, dtype=np.uint64)
    key_order = np.argsort(keys, kind="stable")
    text_data, text_ends = encode_texts(units.texts)
    delta = FoldDelta(
        threshold=threshold,
        base_articles=index.articles,
        base_units=index.units,
        base_places=index.places,
        article_ids=tuple(a.id for a in articles),
        article_starts=np.asarray(starts if articles else (), dtype=np.int64),
        places=place,
        first_seen=np.array(seen_new, dtype=np.int64),
        first_kept=np.array(kept_new, dtype=np.int64),
        fold_place=np.array(place_new, dtype=np.int64),
        fold_score=np.array(score_new, dtype=np.float64),
        cheap_length=np.array(units.lengths, dtype=np.int64),
        text_data=text_data,
        text_ends=text_ends,
        exact_keys=keys[key_order],
        exact_owners=np.array(found.new_owners, dtype=np.uint32)[key_order],
        postings=np.asarray(found.codes, dtype=np.uint64),
        extra_units=tuple(sorted((u, tuple(o)) for u, o in found.extra.items())),
    )
    return plan, delta


def _plan(
    index: FoldIndex, articles: Sequence[Article], folds: list[tuple[int, int, int, float]]
) -> FoldPlan:
    starts = list(accumulate((len(a.paragraphs) for a in articles), initial=index.places))
    by_article: dict[str, list[Fold]] = {}
    for number, paragraph, target, score in folds:
        if target >= index.places:
            owner = bisect_right(starts, target) - 1
            ref = ParagraphRef(articles[owner].id, target - starts[owner])
        else:
            owner = index.article_starts.last_at_most(target)
            first = int(index.article_starts.take(np.array([owner]))[0])
            ref = ParagraphRef(article_id_at(index.article_ids, owner), target - first)
        by_article.setdefault(articles[number].id, []).append(
            Fold(paragraph=paragraph, same_as=ref, score=score)
        )
    return FoldPlan(
        threshold=index.threshold,
        by_article={aid: tuple(folds) for aid, folds in by_article.items()},
    )


def fold_new(
    index: FoldIndex, new_articles: Sequence[Article], *, threshold: float | None = None
) -> tuple[FoldPlan, FoldIndex]:
    """Fold ``new_articles`` onto the library ``index`` describes and onto each other.

    Returns the plan for the new articles only and the index grown by them; earlier folds never
    change. ``threshold`` must be the index's own (it shaped the folds already made)."""

    if threshold is not None and threshold != index.threshold:
        raise ValueError(f"the index was built at threshold {index.threshold}, not {threshold}")
    check_threshold(index.threshold)
    return fold_batch(index, new_articles)


def fold_new_delta(
    index: FoldIndex, new_articles: Sequence[Article], *, threshold: float | None = None
) -> tuple[FoldPlan, FoldIndex, FoldDelta]:
    """``fold_new``, plus what the new articles added to the index (to save just that)."""
    if threshold is not None and threshold != index.threshold:
        raise ValueError(f"the index was built at threshold {index.threshold}, not {threshold}")
    check_threshold(index.threshold)
    with _collector_paused():
        plan, delta = _fold_batch(index, new_articles, keep_index=True, parallel=True)
    assert delta is not None  # keep_index=True always makes one
    return plan, index.extended(delta), delta
