"""Turn a corpus fold plan into what the article pane draws: one labelled line per run of folds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.model import FoldPlan


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


def present_folds(
    plan: FoldPlan, article_id: str, *, title_of: Callable[[str], str]
) -> tuple[RunDisplay, ...]:
    """The runs of one article's folds, labelled, in paragraph order."""
    if not plan.folds_for(article_id):
        return ()
    # Imported here so the app's first paint never waits for the folding library.
    from reader.fold_runs import describe_run, describe_twin, fold_runs

    runs: list[RunDisplay] = []
    for run in fold_runs(plan, article_id):
        twins = {
            fold.paragraph: describe_twin(fold, article_id=article_id, title_of=title_of)
            for fold in run.folds
        }
        label = describe_run(run, article_id=article_id, title_of=title_of)
        runs.append(RunDisplay(run.start, run.end, label, twins))
    return tuple(runs)
