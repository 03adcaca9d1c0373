"""Group an article's folds into runs of consecutive paragraphs and label each run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reader.model import Fold, FoldPlan, ParagraphRef
from reader.sanitize import safe_text

_TITLE_CHARS = 48
"""Longer twin-article titles are cut so the label stays one line."""


@dataclass(frozen=True, slots=True)
class FoldRun:
    """A maximal run of consecutive folded paragraphs of one article."""

    start: int
    """First folded paragraph (0-based)."""
    end: int
    """Last folded paragraph, inclusive."""
    folds: tuple[Fold, ...]

    @property
    def count(self) -> int:
        return len(self.folds)

    @property
    def min_score(self) -> float:
        return min(f.score for f in self.folds)

    @property
    def max_score(self) -> float:
        return max(f.score for f in self.folds)

    @property
    def twins(self) -> tuple[ParagraphRef, ...]:
        """The paragraphs these fold onto, in run order, without repeats."""
        return tuple(dict.fromkeys(f.same_as for f in self.folds))

    @property
    def twin_article_ids(self) -> tuple[str, ...]:
        """Articles holding the twins, in order of first appearance."""
        return tuple(dict.fromkeys(ref.article_id for ref in self.twins))

    def __contains__(self, paragraph: object) -> bool:
        return isinstance(paragraph, int) and self.start <= paragraph <= self.end


def fold_runs(plan: FoldPlan, article_id: str) -> tuple[FoldRun, ...]:
    """The article's folded paragraphs grouped into maximal runs of consecutive indices."""
    runs: list[FoldRun] = []
    current: list[Fold] = []
    for fold in sorted(plan.folds_for(article_id), key=lambda f: f.paragraph):
        if current and fold.paragraph != current[-1].paragraph + 1:
            runs.append(_run(current))
            current = []
        current.append(fold)
    if current:
        runs.append(_run(current))
    return tuple(runs)


def _run(folds: list[Fold]) -> FoldRun:
    return FoldRun(start=folds[0].paragraph, end=folds[-1].paragraph, folds=tuple(folds))


def _paragraph_ranges(paragraphs: list[int]) -> str:
    """1-based "¶2-¶4, ¶8" for 0-based [1, 2, 3, 7]; only ascending steps of one join a range."""
    parts: list[str] = []
    first = last = paragraphs[0]
    for paragraph in paragraphs[1:]:
        if paragraph == last + 1:
            last = paragraph
            continue
        parts.append(_span(first, last))
        first = last = paragraph
    parts.append(_span(first, last))
    return ", ".join(parts)


def _span(first: int, last: int) -> str:
    return f"¶{first + 1}" if first == last else f"¶{first + 1}-¶{last + 1}"


def _quoted_title(title: str) -> str:
    title = " ".join(safe_text(title).split())
    if not title:
        return "another article"
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS - 1].rstrip() + "…"
    return f'"{title}"'


def _percent(score: float) -> int:
    # Rounded down so "100%" only ever means the normalised texts are identical.
    return math.floor(score)


def describe_twin(fold: Fold, *, article_id: str, title_of: Callable[[str], str]) -> str:
    """Where one folded paragraph's twin is, e.g. "same as ¶2 (100%)" or
    'same as ¶5 of "Other title" (91%)' (1-based numbers)."""
    where = f"¶{fold.same_as.paragraph + 1}"
    if fold.same_as.article_id != article_id:
        where = f"{where} of {_quoted_title(title_of(fold.same_as.article_id))}"
    return f"same as {where} ({_percent(fold.score)}%)"


def describe_run(run: FoldRun, *, article_id: str, title_of: Callable[[str], str]) -> str:
    """The one line shown in place of a folded run, e.g. "8 paragraphs repeated from ¶2-¶9
    (100%)" or '1 paragraph repeated from "Other title" ¶3 (93-95%)' (1-based numbers)."""
    by_article: dict[str, list[int]] = {article_id: []}
    for ref in run.twins:
        by_article.setdefault(ref.article_id, []).append(ref.paragraph)
    # This article's own twins come first, so a bare "¶n" never follows another title.
    places = ", ".join(
        _paragraph_ranges(sorted(paragraphs))
        if twin_article == article_id
        else f"{_quoted_title(title_of(twin_article))} {_paragraph_ranges(sorted(paragraphs))}"
        for twin_article, paragraphs in by_article.items()
        if paragraphs
    )
    low, high = _percent(run.min_score), _percent(run.max_score)
    scores = f"{low}%" if low == high else f"{low}-{high}%"
    noun = "paragraph" if run.count == 1 else "paragraphs"
    return f"{run.count} {noun} repeated from {places} ({scores})"
