"""Small, predictable stand-ins for the reader library, so app tests control every result."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from reader.model import (
    Article,
    Entities,
    Entity,
    Fold,
    FoldPlan,
    LoadError,
    LoadResult,
    Mention,
    ParagraphRef,
)
from reader.stories import Story
from tui.services import ReaderServices


def make_article(index: int, paragraphs: Sequence[str], title: str = "") -> Article:
    return Article(
        id=f"article-{index}",
        title=title or f"Story number {index}",
        paragraphs=tuple(paragraphs),
        source="" if index % 2 else "Wire",
        origin=f"/feeds/story-{index}.txt",
    )


def fold_exact_repeats(articles: Sequence[Article], threshold: float) -> FoldPlan:
    """Fold every paragraph whose exact text appeared earlier in the corpus."""
    first_seen: dict[str, ParagraphRef] = {}
    by_article: dict[str, tuple[Fold, ...]] = {}
    for article in articles:
        folds = []
        for index, text in enumerate(article.paragraphs):
            if text in first_seen:
                folds.append(Fold(index, first_seen[text], 100.0))
            else:
                first_seen[text] = ParagraphRef(article.id, index)
        if folds:
            by_article[article.id] = tuple(folds)
    return FoldPlan(threshold, by_article)


def names_in(article: Article, names: Sequence[str], folded: frozenset[int]) -> Entities:
    """Every occurrence of the given people's names, counted outside folded paragraphs."""
    people = []
    for name in names:
        mentions = tuple(
            Mention(index, match.start(), match.end(), name)
            for index, text in enumerate(article.paragraphs)
            for match in re.finditer(re.escape(name), text)
        )
        if mentions:
            visible = sum(1 for mention in mentions if mention.paragraph not in folded)
            people.append(Entity(name, "person", visible, mentions))
    return Entities(people=tuple(people))


@dataclass
class FakeLibrary:
    """A corpus, optional load errors, and gates that hold a worker until a test opens them."""

    articles: Sequence[Article]
    errors: Sequence[LoadError] = ()
    people: Sequence[str] = ()
    load_gate: threading.Event | None = None
    fold_gate: threading.Event | None = None
    extract_error: Exception | None = None
    extracted: list[str] = field(default_factory=list)

    def load(self, sources: Sequence[str]) -> LoadResult:
        if self.load_gate is not None:
            self.load_gate.wait(timeout=10)
        return LoadResult(tuple(self.articles), tuple(self.errors))

    def fold(self, articles: Sequence[Article], threshold: float) -> FoldPlan:
        if self.fold_gate is not None:
            self.fold_gate.wait(timeout=10)
        return fold_exact_repeats(articles, threshold)

    def extract(self, article: Article, folded: frozenset[int]) -> Entities:
        self.extracted.append(article.id)
        if self.extract_error is not None:
            raise self.extract_error
        return names_in(article, self.people, folded)

    def services(self) -> ReaderServices:
        return ReaderServices(
            load=self.load, fold=self.fold, extract=self.extract, stories=stories_by_shared_folds
        )


def stories_by_shared_folds(articles: Sequence[Article], plan: FoldPlan) -> tuple[Story, ...]:
    """Articles joined by any cross-article fold form a story, numbered in corpus order."""
    group: dict[str, str] = {article.id: article.id for article in articles}

    def root(article_id: str) -> str:
        while group[article_id] != article_id:
            article_id = group[article_id]
        return article_id

    shared: dict[str, int] = {}
    for article_id, folds in plan.by_article.items():
        for fold in folds:
            if fold.same_as.article_id != article_id:
                group[root(article_id)] = root(fold.same_as.article_id)
                shared[article_id] = shared.get(article_id, 0) + 1
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(root(article.id), []).append(article.id)
    stories = [ids for ids in members.values() if len(ids) > 1]
    return tuple(
        Story(number, tuple(ids), sum(shared.get(i, 0) for i in ids))
        for number, ids in enumerate(stories, 1)
    )
