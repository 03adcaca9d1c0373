"""The library functions the app calls, bundled so tests can inject their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.model import Article, Entities, FoldPlan, LoadResult

Loader = Callable[[Sequence[str]], LoadResult]
Folder = Callable[[Sequence[Article], float], FoldPlan]
Extractor = Callable[[Article, frozenset[int]], Entities]


@dataclass(frozen=True)
class ReaderServices:
    """What the app needs from ``reader``: load sources, fold a corpus, extract entities."""

    load: Loader
    fold: Folder
    extract: Extractor


def default_services() -> ReaderServices:
    """The real library. Imported on first call so the app paints before rapidfuzz loads."""
    from reader.entities import extract
    from reader.fold import fold
    from reader.load import load_sources

    return ReaderServices(
        load=load_sources,
        fold=lambda articles, threshold: fold(articles, threshold=threshold),
        extract=lambda article, folded: extract(article, folded=folded),
    )
