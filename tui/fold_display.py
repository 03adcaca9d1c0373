"""Turn a corpus fold plan into what the article pane draws: one labelled line per run of folds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.model import FoldPlan, ParagraphRef

Span = tuple[int, int]


@dataclass(frozen=True)
class RunDisplay:
    """A run of consecutive folded paragraphs (``start``..``end``, 0-based, inclusive)."""

    start: int
    end: int
    label: str
    """The dim line shown instead of the run, e.g. "8 paragraphs repeated from ¶2-¶9 (100%)"."""
    twins: Mapping[int, str] = field(default_factory=dict)
    """For each folded paragraph, where its twin is, e.g. "same as ¶2 (100%)", or how it
    differs from it: 'differs from ¶2 (96%): "Tuesday" → "Wednesday"'."""
    changes: Mapping[int, tuple[Span, ...]] = field(default_factory=dict)
    """For each folded paragraph that differs from its twin, the character spans that differ."""

    def __contains__(self, paragraph: object) -> bool:
        return isinstance(paragraph, int) and self.start <= paragraph <= self.end


def present_folds(
    plan: FoldPlan,
    article_id: str,
    *,
    title_of: Callable[[str], str],
    paragraphs: Sequence[str] = (),
    text_of: Callable[[ParagraphRef], str | None] | None = None,
) -> tuple[RunDisplay, ...]:
    """The runs of one article's folds, labelled, in paragraph order.

    Given the article's ``paragraphs`` and a way to read each twin (``text_of``), a fold whose
    text differs from its twin is labelled with the difference, never as "the same", and the
    run's line says how many of its paragraphs differ.
    """
    if not plan.folds_for(article_id):
        return ()
    # Imported here so the app's first paint never waits for the folding library.
    from reader.fold_runs import describe_run, describe_twin, fold_runs
    from reader.twin_diff import describe_changes, twin_diff

    runs: list[RunDisplay] = []
    for run in fold_runs(plan, article_id):
        twins: dict[int, str] = {}
        changes: dict[int, tuple[Span, ...]] = {}
        for fold in run.folds:
            note = describe_twin(fold, article_id=article_id, title_of=title_of)
            twin = text_of(fold.same_as) if text_of is not None else None
            if twin is not None and fold.paragraph < len(paragraphs):
                ours = paragraphs[fold.paragraph]
                diff = twin_diff(ours, twin)
                if not diff.identical():
                    changes[fold.paragraph] = tuple((s.start, s.end) for s in diff.ours)
                    what = describe_changes(ours, twin, diff)
                    note = note.replace("same as", "differs from", 1) + f": {what}"
            twins[fold.paragraph] = note
        label = describe_run(run, article_id=article_id, title_of=title_of)
        if changes:
            differ = len(changes)
            label += f" · {differ} differ{'s' if differ == 1 else ''}, z to see"
        runs.append(RunDisplay(run.start, run.end, label, twins, changes))
    return tuple(runs)
