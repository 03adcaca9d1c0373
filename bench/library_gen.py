"""The generated library for the app benchmarks: seeded articles, stored, flagged and folded."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.model import Article

MARKER_TITLE = "Zanzibar ferry strike ends after nine days"
"""The newest article's title: the first row of the big library (no generated word is in it)."""

WORDS = (
    "the a of to in and for on with at by from after over new says said will could would as "
    "minister council harbour river election market storm court village bridge energy budget "
    "talks border museum festival strike vaccine railway drought summit treaty protest island "
    "university bank mayor airport coast factory hospital report police reform senate trade "
    "officials residents workers farmers teachers nurses voters investors prices wages rents "
    "rose fell climbed slipped warned agreed rejected approved delayed announced promised "
    "plans deal vote inquiry funding project contract tender shortage surplus deficit forecast "
    "north south east west central regional national local federal city rural coastal "
    "week month year morning evening night season quarter decade record highest lowest "
    "flood fire heat snow wind rain power water fuel grain fish timber steel copper gas oil "
    "school road port station tunnel ferry line service network grid plant mine farm clinic"
).split()
NAMES = (
    "Accra Ankara Berlin Dhaka Lagos Lima Lisbon Nairobi Oslo Perth Porto Quito Riga Sofia "
    "Tunis Valencia Warsaw Ahmed Garcia Kim Novak Okafor Petrov Silva Tanaka Dubois Jensen "
    "Moreau Rossi Haddad Mensah Nakamura Ortega Brennan Lindqvist"
).split()
AGENCIES = ("Reuters", "AP", "AFP")
OUTLET_WORDS = (
    "Northern Coastal Daily Evening Morning Valley Harbour Capital Western Eastern".split(),
    "Courier Ledger Herald Times Post".split(),
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    for _ in range(rng.randint(0, 2)):
        words[rng.randrange(len(words))] = rng.choice(NAMES)
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, 8, 16) + "." for _ in range(rng.randint(2, 4)))


def generate(count: int, sources: int, seed: int, batch: int = 5000) -> Iterator[list[Article]]:
    """Batches of articles, oldest first; the last one is the newest, titled ``MARKER_TITLE``."""
    rng = random.Random(seed)
    outlets = [f"{a} {b}" for b in OUTLET_WORDS[1] for a in OUTLET_WORDS[0]][:sources]
    wire = [tuple(_paragraph(rng) for _ in range(4)) for _ in range(max(1, count // 60))]
    start, step = datetime(2024, 1, 1, tzinfo=UTC), timedelta(days=200) / count
    articles: list[Article] = []
    for number in range(count):
        source = rng.choice(outlets)
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.1:
            # A wire story is picked up by several outlets within a day or so of each other.
            story = wire[
                min(len(wire) - 1, max(0, number * len(wire) // count + rng.randint(-1, 1)))
            ]
            taken = rng.randint(1, 3)
            first = rng.randint(0, len(story) - taken)
            copied = list(story[first : first + taken])
            if rng.random() < 0.3:
                copied[0] = f"{rng.choice(NAMES).upper()} ({rng.choice(AGENCIES)}) - {copied[0]}"
            paragraphs[1:1] = copied
            del paragraphs[6:]
        newest = number == count - 1
        articles.append(
            Article(
                id="",
                title=MARKER_TITLE if newest else _sentence(rng, 6, 10),
                paragraphs=tuple(paragraphs),
                source=source,
                url=f"https://{source.lower().replace(' ', '-')}.example/{number}",
                published=start + step * number + timedelta(seconds=rng.randrange(600)),
            )
        )
        if len(articles) == batch or newest:
            yield articles
            articles = []


def build(folder: Path, args: argparse.Namespace) -> Path:
    """The big library in ``folder`` (reused when built with the same arguments)."""
    from reader.fold import DEFAULT_THRESHOLD
    from reader.library import Library
    from reader.library_folds import fold_new_articles

    path, meta = folder / "library.sqlite3", folder / "meta.json"
    wanted = {k: vars(args)[k] for k in ("articles", "sources", "seed", "no_folds")}
    if path.exists() and meta.exists() and json.loads(meta.read_text()) == wanted:
        print(f"reusing {path}")
        return path
    for stale in folder.glob("library.sqlite3*"):
        stale.unlink()
    started = time.perf_counter()
    rng = random.Random(args.seed + 1)
    with Library.open(path) as library:
        for batch in generate(args.articles, args.sources, args.seed):
            library.store_articles(batch, origin="bench")
        stored = time.perf_counter()
        ids = [row.id for row in library.rows(include_archived=True)]
        others = ids[1:]  # the newest stays unread and listed
        library.set_flags(rng.sample(others, len(others) * 6 // 10), read=True)
        library.set_flags(rng.sample(others, len(others) * 3 // 100), starred=True)
        library.set_flags(rng.sample(others, len(others) * 2 // 100), archived=True)
        print(f"stored {len(ids):,} articles in {stored - started:.1f} s")
        if not args.no_folds:
            folding = time.perf_counter()
            fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
            print(f"folded them in {time.perf_counter() - folding:.1f} s")
    meta.write_text(json.dumps(wanted))
    return path


def working_copy(path: Path) -> Path:
    """A copy to triage in, so flags written by one run never change the next."""
    copy = path.with_name("work.sqlite3")
    for stale in path.parent.glob("work.sqlite3*"):
        stale.unlink()
    shutil.copyfile(path, copy)
    return copy
