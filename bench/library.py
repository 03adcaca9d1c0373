"""Timings of the SQLite library on a generated 100,000-article library, with same-run baselines.

Usage: python bench/library.py [--articles 100000] [--feeds 100] [--rounds 20] [--paragraphs 4]
                               [--runs 7] [--seed 1] [--keep DIR]

Builds a temporary library from seeded random feed items (through ``Library.store_items``, in
refresh rounds), marks some read, starred and archived, then prints the median of
``--runs`` runs of each operation. ``rows()`` is compared, in interleaved runs, with the bare SQL
query it runs (``fetchall`` of plain tuples on a second connection) and with building
conventional eager frozen dataclasses from those tuples: the ratios show what row objects cost.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.library import Library, NewItem

WORDS = (
    "minister council harbour river election market storm court village bridge energy budget "
    "talks border museum festival strike vaccine railway drought summit treaty protest island "
    "university bank mayor airport coast factory hospital report police reform senate trade"
).split()
LIST_QUERY = (
    "SELECT id, title, url, source, published, read, starred, archived, feed_id "
    "FROM articles WHERE archived = 0 ORDER BY sort_at DESC, seq DESC"
)


@dataclass(frozen=True, slots=True)
class EagerRow:
    """The conventional row a list could use: every field built and parsed up front."""

    id: str
    title: str
    url: str
    source: str
    published: datetime | None
    read: bool
    starred: bool
    archived: bool
    feed_id: int | None


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_items(
    rng: random.Random, feed: int, numbers: range, paragraphs: int, around: datetime
) -> list[NewItem]:
    """Items numbered ``numbers`` of one feed, published in the day before ``around``."""
    items = []
    for number in numbers:
        published = around - timedelta(minutes=rng.randrange(24 * 60))
        items.append(
            NewItem(
                key=f"https://feed{feed}.example/{number}",
                title=sentence(rng, 8),
                url=f"https://feed{feed}.example/story/{number}",
                author=sentence(rng, 2),
                published=None if rng.random() < 0.05 else published,
                paragraphs=tuple(sentence(rng, 40) for _ in range(paragraphs)),
            )
        )
    return items


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Median seconds of each action, run in turn so that background load hits all alike."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def report(label: str, seconds: float, baseline: float | None = None) -> None:
    ratio = f"  ({seconds / baseline:.2f}x baseline)" if baseline else ""
    print(f"  {label:<48} {seconds * 1000:9.2f} ms{ratio}")


def build(path: Path, args: argparse.Namespace, rng: random.Random) -> None:
    """Fill the library the way refreshes do: rounds in which every feed brings its new items.

    Items arrive roughly in time order, as they do in use, so the table's order is close to the
    list's; published times within a round are shuffled over a day.
    """
    per_round = max(1, args.articles // (args.feeds * args.rounds))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    stored = 0
    with Library.open(path) as library:
        for feed in range(args.feeds):
            library.subscribe(f"https://feed{feed}.example/rss", f"Feed {feed}")
        for round_number in range(args.rounds):
            around = start + timedelta(days=round_number)
            for feed in range(args.feeds):
                numbers = range(stored // args.feeds, stored // args.feeds + per_round)
                items = make_items(rng, feed, numbers, args.paragraphs, around)
                library.store_items(
                    f"https://feed{feed}.example/rss",
                    items,
                    etag=f'"{round_number}"',
                    last_modified="",
                )
            stored += per_round * args.feeds
        ids = [row.id for row in library.rows(include_archived=True)]
        library.set_flags(rng.sample(ids, len(ids) // 5), read=True)
        library.set_flags(rng.sample(ids, len(ids) // 20), starred=True)
        library.set_flags(rng.sample(ids, len(ids) // 50), archived=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20, help="refresh rounds to build with")
    parser.add_argument("--paragraphs", type=int, default=4)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the library in this folder and keep it")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.sqlite3"
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        build(path, args, rng)
        print(f"built {args.articles} articles in {time.perf_counter() - started:.1f} s")
        measure(path, args, rng)
        print(f"file size: {path.stat().st_size / 1e6:.1f} MB (after checkpoint)")


def measure(path: Path, args: argparse.Namespace, rng: random.Random) -> None:
    runs = args.runs
    print(f"medians of {runs} runs:")
    report(
        "Library.open (existing library)", median_seconds(lambda: Library.open(path).close(), runs)
    )
    bare = sqlite3.connect(path)
    bare.execute("PRAGMA cache_size = -32768")  # the same page cache the library sets
    library = Library.open(path)
    try:

        def eager() -> list[EagerRow]:
            parse = datetime.fromisoformat
            return [
                EagerRow(i, t, u, s, None if p is None else parse(p), r == 1, st == 1, a == 1, f)
                for i, t, u, s, p, r, st, a, f in bare.execute(LIST_QUERY)
            ]

        baseline, lean, eager_time = interleaved(
            [lambda: bare.execute(LIST_QUERY).fetchall(), library.rows, eager], runs
        )
        report(f"baseline: bare SELECT fetchall ({len(library.rows())} rows)", baseline)
        report("rows() -> ArticleRow", lean, baseline)
        report("reference: same query into eager dataclasses", eager_time, baseline)
        report("rows(unread=True)", median_seconds(lambda: library.rows(unread=True), runs))
        report("rows(starred=True)", median_seconds(lambda: library.rows(starred=True), runs))
        report("rows(feed_id=1)", median_seconds(lambda: library.rows(feed_id=1), runs))
        report("subscriptions() with unread counts", median_seconds(library.subscriptions, runs))
        ids = [row.id for row in library.rows(include_archived=True)]
        report(
            "article(id), random ids",
            median_seconds(lambda: library.article(rng.choice(ids)), runs),
        )
        measure_flags(library, ids, runs, rng)
        measure_store(library, args, runs, rng)
        library.put_blob("bench", b"x")  # a write, so the checkpoint below has work to finish
    finally:
        library.close()
        bare.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bare.close()


def measure_flags(library: Library, ids: list[str], runs: int, rng: random.Random) -> None:
    def toggle_one() -> None:
        article_id = rng.choice(ids)
        library.restore(library.set_flags([article_id], starred=True))

    one = median_seconds(lambda: library.set_flags([rng.choice(ids)], read=True), runs * 3)
    report("set_flags, one id", one)
    report("set_flags + restore, one id", median_seconds(toggle_one, runs * 3))
    all_times, restore_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        change = library.set_flags(ids, read=True)
        all_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        library.restore(change)
        restore_times.append(time.perf_counter() - started)
    report(f"set_flags, all {len(ids)} ids (mark all read)", statistics.median(all_times))
    report(f"  restore of it ({len(change.previous)} changed)", statistics.median(restore_times))


def measure_store(
    library: Library, args: argparse.Namespace, runs: int, rng: random.Random
) -> None:
    new_times, same_times, changed_times = [], [], []
    for run in range(runs):
        url = f"https://extra{run}.example/rss"
        library.subscribe(url)
        items = make_items(rng, args.feeds + run, range(1000), args.paragraphs, datetime.now(UTC))
        started = time.perf_counter()
        library.store_items(url, items, etag="", last_modified="")
        new_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        library.store_items(url, items, etag="", last_modified="")
        same_times.append(time.perf_counter() - started)
        changed = [
            NewItem(i.key, i.title + " (updated)", i.url, i.author, i.published, i.paragraphs)
            for i in items
        ]
        started = time.perf_counter()
        library.store_items(url, changed, etag="", last_modified="")
        changed_times.append(time.perf_counter() - started)
    report("store_items, 1000 new items", statistics.median(new_times))
    report("store_items, the same 1000 again (no change)", statistics.median(same_times))
    report("store_items, 1000 changed items", statistics.median(changed_times))


if __name__ == "__main__":
    main()
