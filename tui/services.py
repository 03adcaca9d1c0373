"""The library functions the app calls, bundled so tests can inject their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.model import Article, Entities, FoldPlan, LoadResult

if TYPE_CHECKING:
    from reader.stories import Story

Loader = Callable[[Sequence[str]], LoadResult]
Folder = Callable[[Sequence[Article], float], FoldPlan]
Extractor = Callable[[Article, frozenset[int]], Entities]
StoryFinder = Callable[[Sequence[Article], FoldPlan], "tuple[Story, ...]"]


@dataclass(frozen=True)
class ReaderServices:
    """What the app needs from ``reader``: load sources, fold a corpus, extract entities,
    group articles that share paragraphs into stories."""

    load: Loader
    fold: Folder
    extract: Extractor
    stories: StoryFinder = lambda articles, plan: ()


# Each service imports its module on first call: the app paints before rapidfuzz or the
# entity lexicons are loaded, and loading does not wait for either.


def _load(sources: Sequence[str]) -> LoadResult:
    from reader.load import load_sources

    return load_sources(sources)


def _fold(articles: Sequence[Article], threshold: float) -> FoldPlan:
    from reader.fold import fold

    return fold(articles, threshold=threshold)


def _extract(article: Article, folded: frozenset[int]) -> Entities:
    from reader.entities import extract

    return extract(article, folded=folded)


def _stories(articles: Sequence[Article], plan: FoldPlan) -> tuple[Story, ...]:
    from reader.stories import build_stories

    return build_stories(articles, plan)


def default_services() -> ReaderServices:
    """The real library, imported lazily."""
    return ReaderServices(load=_load, fold=_fold, extract=_extract, stories=_stories)
