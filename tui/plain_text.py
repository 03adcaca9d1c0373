"""The folded article as plain text, for ``newsfold show`` in pipes and quick looks over SSH."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from reader.fold_runs import describe_run, fold_runs
from reader.model import Article, Entities, Entity, FoldPlan
from reader.sanitize import safe_text

_GUTTER = 5


def render_article(
    article: Article,
    plan: FoldPlan,
    entities: Entities,
    *,
    width: int,
    title_of: Callable[[str], str | None],
) -> str:
    """The article's title, paragraphs (each folded run as one bracketed line) and entities."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=max(width, _GUTTER + 20),
        color_system=None,
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    _print_wrapped(console, "", article.title, gutter=0)
    _print_wrapped(console, "", _meta_line(article, plan), gutter=0)
    console.print()
    runs = {run.start: run for run in fold_runs(plan, article.id)}
    index = 0
    while index < len(article.paragraphs):
        run = runs.get(index)
        if run is None:
            _print_paragraph(console, f"¶{index + 1}", article.paragraphs[index])
            index += 1
            continue
        label = describe_run(run, article_id=article.id, title_of=lambda i: title_of(i) or i)
        _print_paragraph(console, _run_numbers(run.start, run.end), f"[{label}]")
        index = run.end + 1
    for heading, found in (("People", entities.people), ("Places", entities.places)):
        if found:
            _print_wrapped(console, "", f"{heading}: {_entity_list(found)}", gutter=0)
    console.print()
    return buffer.getvalue()


def _meta_line(article: Article, plan: FoldPlan) -> str:
    parts = [article.source or article.origin.rsplit("/", 1)[-1] or article.id]
    if article.published is not None:
        parts.append(article.published.strftime("%Y-%m-%d %H:%M"))
    folded = len(plan.folds_for(article.id))
    count = len(article.paragraphs)
    parts.append(f"{count} paragraph{'s' if count != 1 else ''}, {folded} folded")
    if article.url:
        parts.append(article.url)
    return " · ".join(parts)


def _run_numbers(start: int, end: int) -> str:
    return f"¶{start + 1}" if start == end else f"¶{start + 1}-{end + 1}"


def _print_paragraph(console: Console, number: str, text: str) -> None:
    _print_wrapped(console, number, text, gutter=max(_GUTTER, len(number) + 1))
    console.print()


def _print_wrapped(console: Console, number: str, text: str, *, gutter: int) -> None:
    """Print ``text`` wrapped to the console, ``number`` in a hanging gutter, no trailing spaces."""
    body = Text(safe_text(text))
    lines = body.wrap(console, console.width - gutter)
    for position, line in enumerate(lines):
        line.rstrip()
        prefix = number.ljust(gutter) if position == 0 else " " * gutter
        console.print(Text(prefix) + line, no_wrap=True, overflow="ignore")


def _entity_list(found: tuple[Entity, ...]) -> str:
    return " · ".join(f"{entity.name} {entity.count}" for entity in found)
