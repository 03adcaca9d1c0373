"""Full-text search of a stored library: migration cost, index size, query times vs titles only.

Usage: python bench/library_search.py LIBRARY [--runs 5] [--queries 5] [--seed 1] [--keep DIR]

Copies LIBRARY (never written to, nor opened in place) to a scratch folder without its search
indexes (titles and bodies; fetched pages), times building them (the migrations for a library
older than v3, else the rebuild that puts back a missing index) and the file's growth, then times
``search_articles`` on the whole list as the app runs it in library mode: text-less articles,
titles only (the baseline, what ``/`` did before) and with the index matching the text. Queries
of 1, 2 and 3 words are taken from stored bodies (seeded); each query runs ``--runs`` times,
interleaved with its baseline, and medians are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from reader.library import Library
from reader.library_schema import apply_migrations, schema_version
from reader.library_search import MIN_PREFIX, ensure_search_index
from reader.model import Article
from reader.search import search_articles


def scratch_copy(source: Path, folder: Path) -> Path:
    """A copy of the library: consistent (WAL included), its search indexes removed if any."""
    target = folder / "library.sqlite3"
    if source.with_name(source.name + "-wal").exists():
        # Someone has it open: SQLite's backup API copies what is committed, WAL included.
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        with closing(reader), closing(sqlite3.connect(target)) as copy:
            reader.backup(copy)
    else:
        # A plain copy: opening even read-only would leave -wal and -shm files beside it.
        shutil.copyfile(source, target)
    copy = sqlite3.connect(target, isolation_level=None)
    try:
        if schema_version(copy) >= 3:
            # Triggers first, as they name the tables; a virtual table takes its shadow tables.
            objects = copy.execute(
                "SELECT type, name FROM sqlite_master "
                "WHERE (name LIKE 'article_search%' OR name LIKE 'page_search%') "
                "AND (type IN ('trigger', 'view') OR sql LIKE 'CREATE VIRTUAL TABLE%') "
                "ORDER BY type = 'trigger' DESC"
            ).fetchall()
            for kind, name in objects:
                copy.execute(f'DROP {kind.upper()} "{name}"')
            copy.execute("VACUUM")
    finally:
        copy.close()
    return target


def file_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def migrate(path: Path) -> tuple[float, int, int]:
    """Seconds the migrations to the latest schema and the index rebuild took, file bytes
    before and after."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # The pragmas the library opens with, so the migration runs as it would for a reader.
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            conn.execute(f"PRAGMA {pragma}").fetchall()
        conn.execute("PRAGMA cache_size = -32768")
        before = file_bytes(path)
        start = time.perf_counter()
        apply_migrations(conn)
        ensure_search_index(conn)
        seconds = time.perf_counter() - start
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return seconds, before, file_bytes(path)
    finally:
        conn.close()


def listing(library: Library) -> tuple[Article, ...]:
    """The list as the app holds it in library mode: articles without their text."""
    return tuple(
        Article(row.id, row.title, (), row.source, row.url)
        for row in library.rows(include_archived=True)
    )


def sample_queries(path: Path, words: int, count: int, rng: random.Random) -> list[str]:
    """``count`` runs of ``words`` consecutive words from random stored paragraphs."""
    with sqlite3.connect(path) as conn:
        (top,) = conn.execute("SELECT max(seq) FROM article_bodies").fetchone()
        queries: list[str] = []
        while len(queries) < count:
            row = conn.execute(
                "SELECT paragraphs FROM article_bodies WHERE seq >= ? LIMIT 1",
                (rng.randint(1, top),),
            ).fetchone()
            text = " ".join(json.loads(row[0])) if row else ""
            tokens = [t.strip(".,;:!?\"'()") for t in text.split()]
            tokens = [t for t in tokens if len(t) >= MIN_PREFIX and t.isalpha()]
            if len(tokens) >= words:
                start = rng.randrange(len(tokens) - words + 1)
                queries.append(" ".join(tokens[start : start + words]))
    return queries


def compare(
    articles: Sequence[Article], library: Library, queries: Sequence[str], runs: int
) -> dict[str, float]:
    """Median seconds of each way to search, and median hit counts, over queries and runs."""

    def matcher(words: Sequence[str]) -> Sequence[str]:
        return library.search_text(" ".join(words)) or ()

    times: dict[str, list[float]] = {"titles": [], "text": [], "index": []}
    hits: dict[str, list[int]] = {"titles": [], "text": []}
    for query in queries:
        for _ in range(runs):
            start = time.perf_counter()
            baseline = search_articles(query, articles)
            middle = time.perf_counter()
            full = search_articles(query, articles, text_ids=matcher)
            end = time.perf_counter()
            library.search_text(query)
            times["titles"].append(middle - start)
            times["text"].append(end - middle)
            times["index"].append(time.perf_counter() - end)
        hits["titles"].append(len(baseline))
        hits["text"].append(len(full))
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians.update({f"{name}_hits": float(statistics.median(n)) for name, n in hits.items()})
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="library file to copy and measure")
    parser.add_argument("--runs", type=int, default=5, help="runs of each query")
    parser.add_argument("--queries", type=int, default=5, help="queries of each length")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="copy into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfold-search-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = scratch_copy(args.library, folder)
        seconds, before, after = migrate(path)
        growth = after - before
        print(f"migration to the search index: {seconds:.2f} s")
        print(
            f"file size: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB "
            f"(+{growth / 1e6:.1f} MB, +{100 * growth / before:.1f}%)"
        )
        rng = random.Random(args.seed)
        with Library.open(path) as library:
            articles = listing(library)
            print(
                f"{len(articles):,} articles; medians of {args.runs} runs x {args.queries} queries"
            )
            print("words  titles only   with text   index alone   ratio  title hits  all hits")
            for words in (1, 2, 3):
                queries = sample_queries(path, words, args.queries, rng)
                result = compare(articles, library, queries, args.runs)
                ratio = result["text"] / result["titles"]
                print(
                    f"{words:>5}  {result['titles'] * 1000:>8.1f} ms  "
                    f"{result['text'] * 1000:>7.1f} ms  {result['index'] * 1000:>8.1f} ms  "
                    f"{ratio:>6.2f}  {result['titles_hits']:>10,.0f}  {result['text_hits']:>8,.0f}"
                )


if __name__ == "__main__":
    main()
