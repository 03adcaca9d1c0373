"""What the article pane is made of: blocks (paragraphs and fold lines) and their pieces of text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from reader.sanitize import safe_text
from tui.fold_display import RunDisplay

if TYPE_CHECKING:
    from reader.model import Article

Role = Literal["paragraph", "folded", "twin", "fold"]


@dataclass(frozen=True, slots=True)
class Block:
    """One stop of the cursor: a paragraph, or the single line standing for a run of folds."""

    kind: Literal["paragraph", "fold"]
    index: int
    """Paragraph index (0-based) for a paragraph, run index for a fold line."""
    folded: bool = False
    """A paragraph shown inside an expanded run: drawn dimmed, with its twin noted."""


class Piece(NamedTuple):
    """A run of text wrapped on its own, with the gutter label of its first line.

    A named tuple, not a dataclass: it is cheaper to create while the app starts.
    """

    text: str
    role: Role
    number: str = ""


def article_meta(article: Article) -> str:
    """The line under the title: source (or file name), date when known."""
    parts = [article.source or article.origin.replace("\\", "/").rsplit("/", 1)[-1]]
    if article.published is not None:
        parts.append(article.published.strftime("%Y-%m-%d"))
    return " · ".join(part for part in parts if part)


def build_blocks(
    paragraph_count: int, runs: Sequence[RunDisplay], expanded: frozenset[int] | set[int]
) -> Iterator[Block]:
    """Paragraphs in order; each run becomes one fold line, followed by its paragraphs if open."""
    run_starts = {run.start: index for index, run in enumerate(runs)}
    paragraph = 0
    while paragraph < paragraph_count:
        run_index = run_starts.get(paragraph)
        if run_index is None:
            yield Block("paragraph", paragraph)
            paragraph += 1
            continue
        run = runs[run_index]
        yield Block("fold", run_index)
        if run_index in expanded:
            for folded in range(run.start, min(run.end, paragraph_count - 1) + 1):
                yield Block("paragraph", folded, folded=True)
        paragraph = max(run.end + 1, paragraph + 1)


def block_pieces(
    article: Article, runs: Sequence[RunDisplay], expanded: frozenset[int] | set[int], block: Block
) -> tuple[Piece, ...]:
    """The sanitised text of a block: a paragraph (and its twin when folded) or a fold line."""
    if block.kind == "fold":
        arrow = "▾" if block.index in expanded else "▸"
        return (Piece(f"{arrow} {safe_text(runs[block.index].label)}", "fold"),)
    text = safe_text(article.paragraphs[block.index])
    number = str(block.index + 1)
    if not block.folded:
        return (Piece(text, "paragraph", number),)
    twin = next((run.twins.get(block.index, "") for run in runs if block.index in run), "")
    pieces = [Piece(text, "folded", number)]
    if twin:
        pieces.append(Piece(f"↳ {safe_text(twin)}", "twin"))
    return tuple(pieces)
