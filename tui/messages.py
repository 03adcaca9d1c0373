"""App-wide messages: results of the background workers, posted back to the UI thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.entity_index import EntityIndex
    from reader.library_folds import LibraryFolds
    from reader.model import Entities, FoldPlan, LoadResult
    from reader.refresh import RefreshReport
    from reader.stories import Story
    from tui.library_session import LibraryListing, LibrarySession


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


@dataclass
class LibraryOpened(Message):
    """The stored library's list, flags, folds and stories, read in a worker."""

    session: LibrarySession
    listing: LibraryListing
    folds: LibraryFolds
    keep_cursor: bool = False
    painted: threading.Event | None = None
    """Set once this (first, partial) listing is on screen."""


@dataclass
class LibraryFailed(Message):
    """The library could not be opened; ``reason`` is one line."""

    reason: str


@dataclass
class LibraryRefreshed(Message):
    """Every feed was fetched and stored (or failed, each with its reason)."""

    report: RefreshReport
