"""Turn a corpus fold plan into what the article pane draws: one labelled line per run of folds."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.model import Fold, FoldPlan


@dataclass(frozen=True)
class RunDisplay:
    """A run of consecutive folded paragraphs (``start``..``end``, 0-based, inclusive)."""

    start: int
    end: int
    label: str
    """The dim line shown instead of the run, e.g. "8 paragraphs repeated from ¶2-¶9 (100%)"."""
    twins: Mapping[int, str] = field(default_factory=dict)
    """For each folded paragraph, where its twin is, e.g. "same as ¶2 (100%)"."""

    def __contains__(self, paragraph: object) -> bool:
        return isinstance(paragraph, int) and self.start <= paragraph <= self.end


def twin_note(fold: Fold, *, article_id: str, title_of: Callable[[str], str]) -> str:
    """Name the paragraph a fold repeats, with the article's title when it is another one."""
    where = f"¶{fold.same_as.paragraph + 1}"
    if fold.same_as.article_id != article_id:
        where = f'{where} of "{title_of(fold.same_as.article_id)}"'
    # Rounded down, as the run's label does: "100%" only for identical paragraphs.
    return f"same as {where} ({math.floor(fold.score)}%)"


def present_folds(
    plan: FoldPlan, article_id: str, *, title_of: Callable[[str], str]
) -> tuple[RunDisplay, ...]:
    """The runs of one article's folds, labelled, in paragraph order."""
    folds = plan.folds_for(article_id)
    if not folds:
        return ()
    # Imported here so the app's first paint never waits for the folding library.
    from reader.fold_runs import describe_run, fold_runs

    by_paragraph = {fold.paragraph: fold for fold in folds}
    runs: list[RunDisplay] = []
    for run in fold_runs(plan, article_id):
        twins = {
            paragraph: twin_note(by_paragraph[paragraph], article_id=article_id, title_of=title_of)
            for paragraph in range(run.start, run.end + 1)
            if paragraph in by_paragraph
        }
        label = describe_run(run, article_id=article_id, title_of=title_of)
        runs.append(RunDisplay(run.start, run.end, label, twins))
    return tuple(runs)
