"""Folds and stories of the stored library, kept up to date one batch of new articles at a time."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.library import BatchWrite, Library, LibraryError
from reader.library_stories import (
    LEGACY_STORIES_BLOB,
    STORY_KINDS,
    library_stories,
    update_stories,
)
from reader.model import Fold, FoldPlan, ParagraphRef
from reader.stories import Story

__all__ = [
    "FOLDS_KIND",
    "INDEX_BLOB",
    "FoldMemo",
    "STATE_BLOB",
    "LibraryFolds",
    "fold_new_articles",
    "library_folds",
    "library_plan",
    "library_stories",
]

INDEX_BLOB = "fold-index"
"""The folder's index of every folded article as of the last compaction; what batches added
since is in deltas ``fold-index.1``, ``fold-index.2``... (see ``STATE_BLOB``)."""
STATE_BLOB = "fold-state"
"""JSON: the base index's size, the deltas (number, size) in order, the next story number and a
generation that every batch changes (two folders at once: the second one to write starts over)."""
FOLDS_KIND = "folds"
"""Cache rows holding one article's folds (keyed by article id, not content)."""

MAX_DELTAS = 16
"""More deltas than this are merged into one: each costs a blob read when the index loads."""
_ATTEMPTS = 3

if TYPE_CHECKING:  # numpy-backed: loaded when folding, not on import
    from reader.fold_index import FoldDelta, FoldIndex


@dataclass(frozen=True, slots=True)
class LibraryFolds:
    """The whole library's folds and stories, as the app shows them."""

    plan: FoldPlan
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class _Stored:
    """The saved index as loaded, and the state it was loaded under."""

    index: FoldIndex
    state: bytes | None
    base_bytes: int
    deltas: tuple[tuple[int, FoldDelta, int], ...]
    """(number, delta, bytes) in order."""
    next_story: int
    generation: int


def _folds_json(folds: Sequence[Fold]) -> bytes:
    return json.dumps(
        [[f.paragraph, f.same_as.article_id, f.same_as.paragraph, f.score] for f in folds]
    ).encode()


def _folds_from_json(payload: bytes) -> tuple[Fold, ...]:
    return tuple(
        Fold(int(p), ParagraphRef(str(aid), int(q)), float(score))
        for p, aid, q, score in json.loads(payload)
    )


def _delta_blob(number: int) -> str:
    return f"{INDEX_BLOB}.{number}"


def _start_again(library: Library, state: bytes | None) -> bool:
    """Forget the index, folds and stories (every article is folded again next)."""
    names = [INDEX_BLOB, STATE_BLOB, LEGACY_STORIES_BLOB]
    if state:
        names += [_delta_blob(n) for n, _ in json.loads(state)["deltas"]]
    return library.write_batch(
        BatchWrite(
            expect_blob=(STATE_BLOB, state),
            reset_folded=True,
            clear_kinds=(FOLDS_KIND, *STORY_KINDS),
            delete_blobs=tuple(names),
        )
    )


@dataclass
class FoldMemo:
    """The fold index as this process last loaded or wrote it, for a caller that folds again
    and again (the app's refreshes): while the stored state is the one it holds, the index is
    not read again, so a refresh costs only its new articles."""

    stored: _Stored | None = None


def _load(library: Library, threshold: float, memo: FoldMemo) -> _Stored | None:
    """The saved index (base + deltas); an empty one after starting again when there is none,
    it cannot be read or was made at another threshold. None when another process wrote
    meanwhile (load again)."""
    from reader.fold_index import FoldDelta, FoldIndex

    state = library.get_blob(STATE_BLOB)
    known = memo.stored
    if known is not None and state is not None and known.state == state:
        if known.index.threshold == threshold:
            return known
    base = library.get_blob(INDEX_BLOB)
    meta: dict[str, Any] = (
        json.loads(state) if state else {"deltas": [], "next_story": 1, "generation": 0}
    )
    deltas: list[tuple[int, FoldDelta, int]] = []
    index: FoldIndex | None = None
    try:
        if base is not None:
            index = FoldIndex.from_bytes(base)
            for number, size in meta["deltas"]:
                blob = library.get_blob(_delta_blob(number))
                if blob is None:
                    raise ValueError(f"fold index delta {number} is missing")
                delta = FoldDelta.from_bytes(blob)
                index = index.extended(delta)
                deltas.append((int(number), delta, int(size)))
    except ValueError:
        index = None
    if base is None or index is None or index.threshold != threshold:
        if not _start_again(library, state):
            return None
        return _Stored(FoldIndex(threshold), None, 0, (), 1, 0)
    if state is None:
        state = _adopt_stories(library, index)
        if state is None:
            return None
        meta = json.loads(state)
    memo.stored = _Stored(
        index,
        state,
        int(meta.get("base_bytes", len(base))),
        tuple(deltas),
        int(meta["next_story"]),
        int(meta["generation"]),
    )
    return memo.stored


def _state(
    base_bytes: int, deltas: Sequence[tuple[int, int]], next_story: int, generation: int
) -> bytes:
    return json.dumps(
        {
            "base_bytes": base_bytes,
            "deltas": [list(d) for d in deltas],
            "next_story": next_story,
            "generation": generation,
        }
    ).encode()


def _adopt_stories(library: Library, index: FoldIndex) -> bytes | None:
    """Stories of a library folded before stories were kept in parts: built once, whole,
    with the index saved again in the current layout (read in place, not copied). Returns the
    state saved with them (None when another process saved one first)."""
    ids = [aid for chunk in index.article_ids for aid in chunk]
    plan = library_plan(library, index.threshold)
    places = library.fold_places(ids)
    batch = sorted((aid for aid in plan.by_article if aid in places), key=places.__getitem__)
    update = update_stories(library, plan, batch, places, 1)
    base = index.to_bytes()
    state = _state(len(base), [], update.next_story, 1)
    saved = library.write_batch(
        BatchWrite(
            expect_blob=(STATE_BLOB, None),
            clear_kinds=STORY_KINDS,
            delete_blobs=update.delete_blobs,
            put_blobs=((INDEX_BLOB, base), (STATE_BLOB, state)),
            put_cache=update.put_cache,
        )
    )
    return state if saved else None


def _index_writes(
    stored: _Stored, grown: FoldIndex, delta: FoldDelta
) -> tuple[tuple[tuple[str, bytes], ...], tuple[str, ...], int, list[tuple[int, FoldDelta, int]]]:
    """Blobs to put and delete for the grown index: the batch's delta, merged with the last
    ones while they are no bigger than twice it (so each byte is rewritten a logarithmic
    number of times), or the whole index once the deltas pass half of it.

    Returns (puts, deletes, base bytes, deltas as (number, delta, size))."""
    blob = delta.to_bytes()
    number = stored.deltas[-1][0] + 1 if stored.deltas else 1
    chain = [*stored.deltas, (number, delta, len(blob))]
    if sum(size for _, _, size in chain) * 2 > stored.base_bytes:
        base = grown.to_bytes()
        gone = tuple(_delta_blob(n) for n, _, _ in stored.deltas)
        return ((INDEX_BLOB, base),), gone, len(base), []
    written = {number: blob}
    deleted: list[int] = []
    while len(chain) > 1 and (chain[-2][2] <= 2 * chain[-1][2] or len(chain) > MAX_DELTAS):
        (later_number, later, _), (earlier_number, earlier, _) = chain.pop(), chain.pop()
        merged = earlier.then(later)
        written.pop(later_number, None)
        deleted.append(later_number)
        written[earlier_number] = merged_blob = merged.to_bytes()
        chain.append((earlier_number, merged, len(merged_blob)))
    puts = tuple((_delta_blob(n), data) for n, data in sorted(written.items()))
    gone = tuple(_delta_blob(n) for n in deleted if n != number)
    return puts, gone, stored.base_bytes, chain


def fold_new_articles(
    library: Library,
    *,
    threshold: float,
    on_progress: Callable[[str], None] = lambda _: None,
    stats: MutableMapping[str, float] | None = None,
    memo: FoldMemo | None = None,
) -> int:
    """Fold every stored article not folded yet onto the rest; returns how many.

    Old articles are never re-folded, and the cost follows the new articles: they are found by
    an index, only what they add to the fold index is written, and only the stories they
    reach are rebuilt. The batch (index, folds, stories, folded marks) is one transaction, so
    a crash leaves it wholly unfolded and it is simply folded next time. ``stats``, when given,
    gets the seconds spent in ``load``, ``find``, ``fold``, ``stories``, ``write`` and the
    ``bytes`` written. A ``memo`` kept between calls spares reading the index again.
    """
    from reader.fold_batch import fold_new_delta

    timings: MutableMapping[str, float] = {} if stats is None else stats
    memo = FoldMemo() if memo is None else memo
    for _ in range(_ATTEMPTS):
        started = time.perf_counter()
        stored = _load(library, threshold, memo)
        if stored is None:
            continue
        loaded = time.perf_counter()
        fresh = library.unfolded_ids()
        found = time.perf_counter()
        timings.update(load=loaded - started, find=found - loaded)
        if not fresh:
            timings.update(fold=0.0, stories=0.0, write=0.0, bytes=0)
            return 0
        on_progress(f"Folding {len(fresh):,} new articles…")
        articles = library.articles(fresh)
        plan, grown, delta = fold_new_delta(stored.index, articles, threshold=threshold)
        folded = time.perf_counter()
        on_progress("Finding stories…")
        places = {a.id: stored.index.articles + n for n, a in enumerate(articles, start=1)}
        update = update_stories(
            library,
            plan,
            [a.id for a in articles],
            places,
            stored.next_story,
            known={a.id: a for a in articles},
        )
        storied = time.perf_counter()
        puts, gone, base_bytes, chain = _index_writes(stored, grown, delta)
        deltas = [(number, size) for number, _, size in chain]
        state = _state(base_bytes, deltas, update.next_story, stored.generation + 1)
        batch = BatchWrite(
            expect_blob=(STATE_BLOB, stored.state),
            delete_blobs=(*gone, *update.delete_blobs),
            put_blobs=(*puts, (STATE_BLOB, state)),
            delete_cache=update.delete_cache,
            put_cache=(
                *(
                    (FOLDS_KIND, aid, _folds_json(folds))
                    for aid, folds in plan.by_article.items()
                    if folds
                ),
                *update.put_cache,
            ),
            folded=tuple(places.items()),
        )
        written = library.write_batch(batch)
        timings.update(
            fold=folded - found,
            stories=storied - folded,
            write=time.perf_counter() - storied,
            bytes=batch.size,
        )
        if written:
            memo.stored = _Stored(
                grown, state, base_bytes, tuple(chain), update.next_story, stored.generation + 1
            )
            return len(articles)
        memo.stored = None
    raise LibraryError("another newsfold kept folding this library at the same time; try again")


def library_plan(library: Library, threshold: float) -> FoldPlan:
    """Every stored article's folds."""
    return FoldPlan(
        threshold,
        {key: _folds_from_json(payload) for key, payload in library.cached_all(FOLDS_KIND)},
    )


def library_folds(library: Library, threshold: float) -> LibraryFolds:
    return LibraryFolds(library_plan(library, threshold), library_stories(library))
