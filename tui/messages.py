"""App-wide messages: results of the background workers, posted back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.entity_index import EntityIndex
    from reader.model import Entities, FoldPlan, LoadResult
    from reader.stories import Story


@dataclass
class SourcesLoaded(Message):
    """Every source was read (or failed); articles and errors arrive together."""

    result: LoadResult


@dataclass
class CorpusFolded(Message):
    """The whole corpus was folded: every article's folds, found in one pass."""

    plan: FoldPlan
    stories: tuple[Story, ...] = ()
    """Articles that share folded paragraphs, grouped."""


@dataclass
class EntitiesFound(Message):
    """People and places of one article, computed with its folded paragraphs known."""

    article_id: str
    entities: Entities


@dataclass
class SearchDone(Message):
    """Ranked results of one search: indices into the app's articles, best first."""

    query: str
    indices: list[int]


@dataclass
class EntityIndexBuilt(Message):
    """Every article's people and places, merged across the corpus."""

    index: EntityIndex
