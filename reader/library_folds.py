"""Folds and stories of the stored library, kept up to date one batch of new articles at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.library import Library
from reader.model import Article, Fold, FoldPlan, ParagraphRef
from reader.stories import Story, build_stories

INDEX_BLOB = "fold-index"
"""The folder's index of every folded article: new articles are folded against it alone."""
STORIES_BLOB = "stories"
FOLDS_KIND = "folds"
"""Cache rows holding one article's folds (keyed by article id, not content)."""


@dataclass(frozen=True, slots=True)
class LibraryFolds:
    """The whole library's folds and stories, as the app shows them."""

    plan: FoldPlan
    stories: tuple[Story, ...]


def _folds_json(folds: Sequence[Fold]) -> bytes:
    return json.dumps(
        [[f.paragraph, f.same_as.article_id, f.same_as.paragraph, f.score] for f in folds]
    ).encode()


def _folds_from_json(payload: bytes) -> tuple[Fold, ...]:
    return tuple(
        Fold(int(p), ParagraphRef(str(aid), int(q)), float(score))
        for p, aid, q, score in json.loads(payload)
    )


def fold_new_articles(
    library: Library,
    *,
    threshold: float,
    on_progress: Callable[[str], None] = lambda _: None,
) -> int:
    """Fold every stored article the index has not seen yet onto the rest; returns how many.

    Old articles are never re-folded: the cost is the new articles (plus writing the index).
    Articles stored but not folded before a crash are simply found again next time.
    """
    from reader.fold_batch import fold_new
    from reader.fold_index import FoldIndex

    blob = library.get_blob(INDEX_BLOB)
    index = FoldIndex.from_bytes(blob) if blob else None
    if index is not None and index.threshold != threshold:
        index = None  # folded at another threshold: start again, at the one asked for
    if index is None:
        index = FoldIndex(threshold)
        library.clear_cache(FOLDS_KIND)
    known = {article_id for chunk in index.article_ids for article_id in chunk}
    # Oldest first: a fold always points at where the text appeared first.
    rows = reversed(library.rows(include_archived=True))
    fresh = [row.id for row in rows if row.id not in known]
    if not fresh:
        return 0
    on_progress(f"Folding {len(fresh):,} new articles…")
    articles = list(library.articles(fresh))
    plan, index = fold_new(index, articles, threshold=threshold)
    library.cache_many(
        FOLDS_KIND,
        [
            (article_id, _folds_json(folds))
            for article_id, folds in plan.by_article.items()
            if folds
        ],
    )
    library.put_blob(INDEX_BLOB, index.to_bytes())
    on_progress("Finding stories…")
    _update_stories(library, plan)
    return len(fresh)


def library_plan(library: Library, threshold: float) -> FoldPlan:
    """Every stored article's folds."""
    return FoldPlan(
        threshold,
        {key: _folds_from_json(payload) for key, payload in library.cached_all(FOLDS_KIND)},
    )


def _update_stories(library: Library, new_plan: FoldPlan) -> None:
    """Re-cluster only the articles joined by cross-article folds (wire copy is a small share)."""
    plan = library_plan(library, new_plan.threshold)
    linked: set[str] = set()
    for article_id, folds in plan.by_article.items():
        for fold in folds:
            if fold.same_as.article_id != article_id:
                linked.update((article_id, fold.same_as.article_id))
    order = [row.id for row in reversed(library.rows(include_archived=True)) if row.id in linked]
    articles: list[Article] = list(library.articles(order))
    stories = build_stories(articles, plan)
    payload = [[s.number, list(s.article_ids), s.shared_paragraphs] for s in stories]
    library.put_blob(STORIES_BLOB, json.dumps(payload).encode())


def library_stories(library: Library) -> tuple[Story, ...]:
    blob = library.get_blob(STORIES_BLOB)
    if not blob:
        return ()
    return tuple(Story(int(n), tuple(ids), int(shared)) for n, ids, shared in json.loads(blob))


def library_folds(library: Library, threshold: float) -> LibraryFolds:
    return LibraryFolds(library_plan(library, threshold), library_stories(library))
