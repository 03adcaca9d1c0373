"""Frozen value types shared by every part of the reader library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class Article:
    """One loaded article: its paragraphs exactly as the source gave them."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    source: str = ""
    """Outlet or feed name shown in the list; empty when unknown."""
    url: str = ""
    published: datetime | None = None
    origin: str = ""
    """Where it was loaded from (a path, ``-`` for stdin), for error messages."""


@dataclass(frozen=True, slots=True)
class LoadError:
    """A source that could not be read, with a one-line reason."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Everything a load produced: articles in load order and per-source errors."""

    articles: tuple[Article, ...]
    errors: tuple[LoadError, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class ParagraphRef:
    """A paragraph anywhere in the loaded corpus."""

    article_id: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Fold:
    """A paragraph hidden because it repeats an earlier one (``same_as``)."""

    paragraph: int
    same_as: ParagraphRef
    score: float
    """Similarity in percent (0-100), always at or above the plan's threshold."""


@dataclass(frozen=True)
class FoldPlan:
    """Every fold found in a corpus, grouped by the article it hides paragraphs of."""

    threshold: float
    by_article: Mapping[str, tuple[Fold, ...]] = field(default_factory=dict)

    def folds_for(self, article_id: str) -> tuple[Fold, ...]:
        """The article's folds in paragraph order (empty when nothing folded)."""
        return self.by_article.get(article_id, ())

    def folded_paragraphs(self, article_id: str) -> frozenset[int]:
        """Indices of the article's paragraphs that are folded away."""
        return frozenset(f.paragraph for f in self.folds_for(article_id))


EntityKind = Literal["person", "place"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of a paragraph naming an entity: ``paragraphs[paragraph][start:end] == text``."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or place under its canonical name, with every mention of it."""

    name: str
    kind: EntityKind
    count: int
    """Mentions outside folded paragraphs: what the reader actually sees."""
    mentions: tuple[Mention, ...]
    """Every mention, folded paragraphs included, in text order."""


@dataclass(frozen=True, slots=True)
class Entities:
    """The people and places of one article, each sorted by count then first mention."""

    people: tuple[Entity, ...] = ()
    places: tuple[Entity, ...] = ()
