"""App-wide messages: results of the background workers, posted back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.model import Entities, FoldPlan, LoadResult


@dataclass
class SourcesLoaded(Message):
    """Every source was read (or failed); articles and errors arrive together."""

    result: LoadResult


@dataclass
class CorpusFolded(Message):
    """The whole corpus was folded: every article's folds, found in one pass."""

    plan: FoldPlan


@dataclass
class EntitiesFound(Message):
    """People and places of one article, computed with its folded paragraphs known."""

    article_id: str
    entities: Entities
