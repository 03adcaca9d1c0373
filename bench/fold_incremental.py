"""Folding new articles into an already-folded library: time and bytes against the old way.

For each library size and batch size, every run starts from a fresh copy of the folded
library, stores the batch (not timed; about a tenth of it copies paragraphs of stories already
stored) and times ``fold_new_articles`` split into load / find new / fold / stories / write,
and the bytes it wrote; then the same for the old whole-library refresh (kept below as
``baseline``) on another copy. Medians of ``--runs`` runs; ``sequence`` lines fold
``--sequence`` batches one after the other on one copy (and again keeping the index in memory
between batches, as the app does; the first batch, which loads it, is left out), to show what
delta merging and compaction cost on average.

    .venv/bin/python bench/fold_incremental.py --keep DIR [--library 100000=PATH] ...

``--keep DIR`` keeps the prepared libraries there for later runs; ``--library SIZE=PATH`` uses a
copy of an existing folded library (never modified) instead of generating one of that size.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from library_gen import build, generate  # noqa: E402

from reader.fold import DEFAULT_THRESHOLD  # noqa: E402
from reader.library import Library  # noqa: E402
from reader.library_folds import (  # noqa: E402
    FoldMemo,
    _folds_json,
    fold_new_articles,
    library_plan,
    library_stories,
)
from reader.model import Article  # noqa: E402
from reader.stories import build_stories  # noqa: E402

PHASES = ("load", "find", "fold", "stories", "write")


def baseline(library: Library, stats: dict[str, float]) -> int:
    """The refresh as it was: whole index read and rewritten, every row listed, stories
    rebuilt from every fold."""
    from reader.fold_batch import fold_new
    from reader.fold_index import FoldIndex

    started = time.perf_counter()
    blob = library.get_blob("fold-index")
    index = FoldIndex.from_bytes(blob) if blob else FoldIndex(DEFAULT_THRESHOLD)
    loaded = time.perf_counter()
    known = {article_id for chunk in index.article_ids for article_id in chunk}
    fresh = [row.id for row in reversed(library.rows(include_archived=True)) if row.id not in known]
    found = time.perf_counter()
    plan, index = fold_new(index, list(library.articles(fresh)), threshold=DEFAULT_THRESHOLD)
    folded = time.perf_counter()
    rows = [(aid, _folds_json(folds)) for aid, folds in plan.by_article.items() if folds]
    library.cache_many("folds", rows)
    data = index.to_bytes()
    library.put_blob("fold-index", data)
    written = time.perf_counter()
    whole = library_plan(library, DEFAULT_THRESHOLD)
    linked: set[str] = set()
    for article_id, folds in whole.by_article.items():
        for fold in folds:
            if fold.same_as.article_id != article_id:
                linked.update((article_id, fold.same_as.article_id))
    order = [row.id for row in reversed(library.rows(include_archived=True)) if row.id in linked]
    stories = build_stories(list(library.articles(order)), whole)
    payload = json.dumps([[s.number, list(s.article_ids), s.shared_paragraphs] for s in stories])
    library.put_blob("stories", payload.encode())
    stats.update(
        load=loaded - started,
        find=found - loaded,
        fold=folded - found,
        write=written - folded,
        stories=time.perf_counter() - written,
        bytes=len(data) + sum(len(p) for _, p in rows) + len(payload),
    )
    return len(fresh)


def new_articles(library: Library, count: int, seed: int) -> list[Article]:
    """``count`` new articles; about one in ten reprints two paragraphs of a stored story."""
    rng = random.Random(seed)
    fresh = [a for batch in generate(count, 20, seed, batch=count) for a in batch]
    stories = library_stories(library)
    sources = [rng.choice(s.article_ids) for s in rng.sample(stories, min(len(stories), count))]
    copied = {a.id: a for a in library.articles(sources)}
    out = []
    for n, article in enumerate(fresh):
        paragraphs = list(article.paragraphs)
        if copied and n % 10 == 0:
            source = copied[sources[n // 10 % len(sources)]]
            paragraphs[1:1] = source.paragraphs[:2]
        out.append(
            Article(
                "",
                f"{article.title} {seed}",
                tuple(paragraphs),
                source=article.source,
                published=article.published,
            )
        )
    return out


def prepared(keep: Path, size: int, given: Path | None) -> Path:
    """A folded library of ``size`` articles, upgraded and with nothing left to fold."""
    folder = keep / f"library-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    ready = folder / "ready.sqlite3"
    if ready.exists():
        return ready
    if given is not None:
        shutil.copyfile(given, folder / "copy.sqlite3")
        source = folder / "copy.sqlite3"
    else:
        args = argparse.Namespace(articles=size, sources=50, seed=1, no_folds=False)
        source = build(folder, args)
    started = time.perf_counter()
    with Library.open(source) as library:
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
    print(f"prepared {size:,} articles in {time.perf_counter() - started:.1f} s", flush=True)
    source.rename(ready)
    for extra in folder.glob("*backup*"):
        extra.unlink()
    return ready


def one_run(
    ready: Path, work: Path, batches: Sequence[list[Article]], fold: Callable[..., int]
) -> list[dict[str, float]]:
    for stale in work.parent.glob(work.name + "*"):
        stale.unlink()
    shutil.copyfile(ready, work)
    out = []
    with Library.open(work) as library:
        for batch in batches:
            library.store_articles(batch, origin="bench")
            stats: dict[str, float] = {}
            started = time.perf_counter()
            assert fold(library, stats) == len(batch)
            stats["total"] = time.perf_counter() - started
            out.append(stats)
    return out


def remembered(memo: FoldMemo, library: Library, stats: dict[str, float]) -> int:
    return fold_new_articles(library, threshold=DEFAULT_THRESHOLD, stats=stats, memo=memo)


def incremental(library: Library, stats: dict[str, float]) -> int:
    return fold_new_articles(library, threshold=DEFAULT_THRESHOLD, stats=stats)


def line(label: str, runs: Sequence[dict[str, float]]) -> str:
    parts = [f"{name} {statistics.median(r[name] for r in runs) * 1000:7.0f}" for name in PHASES]
    total = statistics.median(r["total"] for r in runs) * 1000
    written = statistics.median(r["bytes"] for r in runs) / 1e6
    return f"{label:<34} total {total:7.0f} ms | {' | '.join(parts)} | {written:8.2f} MB written"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep prepared libraries in")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--batches", default="100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sequence", type=int, default=10, help="batches in a sequence run")
    parser.add_argument("--library", action="append", default=[], metavar="SIZE=PATH")
    args = parser.parse_args()
    given = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.library)}
    keep = args.keep or Path(tempfile.mkdtemp(prefix="fold-incremental-"))
    print("times are medians in ms: total | load | find new | fold | stories | write")
    for size in (int(s) for s in args.sizes.split(",")):
        ready = prepared(keep, size, given.get(size))
        work = keep / f"library-{size}" / "work.sqlite3"
        for count in (int(c) for c in args.batches.split(",")):
            with Library.open(ready) as library:
                runs = [new_articles(library, count, seed=100 + r) for r in range(args.runs)]
            new_runs = []
            old_runs = []
            for batch in runs:  # interleaved: the machine's load hits both alike
                new_runs += one_run(ready, work, [batch], incremental)
                old_runs += one_run(ready, work, [batch], baseline)
            print(line(f"{size:>7,} + {count:>5,} incremental", new_runs), flush=True)
            print(line(f"{size:>7,} + {count:>5,} baseline", old_runs), flush=True)
            ratio = statistics.median(r["total"] for r in old_runs) / statistics.median(
                r["total"] for r in new_runs
            )
            print(f"{'':<34} baseline / incremental: {ratio:.1f}x", flush=True)
        with Library.open(ready) as library:
            batches = [new_articles(library, 100, seed=500 + r) for r in range(args.sequence)]
        sequence = one_run(ready, work, batches, incremental)
        mean_bytes = statistics.mean(r["bytes"] for r in sequence) / 1e6
        print(
            line(f"{size:>7,} + {args.sequence}x100 in sequence", sequence)
            + f" (mean {mean_bytes:.2f} MB)",
            flush=True,
        )
        # As the app refreshes: one process keeps the index it wrote (FoldMemo).
        kept = one_run(ready, work, batches, functools.partial(remembered, FoldMemo()))
        print(line(f"{size:>7,} + {args.sequence}x100, index kept", kept[1:]), flush=True)
        for stale in work.parent.glob(work.name + "*"):
            stale.unlink()


if __name__ == "__main__":
    main()
