"""Time newsfold's folder against exhaustive rapidfuzz comparison at 10k, 100k and 1M paragraphs.

    python bench/fold.py [--corpus PATH] [--sizes 10k,100k,1M] [--threshold T] [--seed S]
                         [--sample 20000] [--runs 1]

Paragraphs are generated deterministically from real text: ``--corpus`` names a JSONL file with
a "paragraphs" list per line or a plain text file (one paragraph per line); without it the bundled
seed articles are used. Unrelated paragraphs come from corpus paragraphs with most longer words
swapped for words of a large made-up vocabulary (so there are enough distinct paragraphs for 1M);
near-duplicates copy an earlier paragraph with word edits, typos, truncation, datelines, quote and
spacing changes; a few "price bot" lines repeat one template with other figures.

Each size runs in a fresh subprocess so its peak RSS (ru_maxrss) is its own. The folder runs first
on all n paragraphs; the exhaustive comparison (``rapidfuzz.process.cdist``, fuzz.ratio,
score_cutoff=threshold, workers=-1, on the same normalised strings) runs on all of them when n is
at most --sample, else on a sample of whole duplicate families of about --sample paragraphs, and
recall is the share of the exhaustive pairs that the folder's candidate stage also found.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fold_corpus import Generated, generate, load_paragraphs


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _sizes(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        out.append(int(float(part.rstrip("km")) * scale))
    return out


def _sample(generated: Generated, target: int) -> list[int]:
    """Paragraph numbers of whole families (a paragraph and all its copies), about ``target``."""
    total = len(generated.family)
    if total <= target:
        return list(range(total))
    modulus = -(-total // target)
    # A multiplicative hash spreads family ids so the sample is not one stretch of the corpus.
    return [n for n, f in enumerate(generated.family) if (f * 2654435761) % 2**32 % modulus == 0]


def _key_pairs(
    pairs: Sequence[tuple[str, str]], key_of: dict[str, str], keep: set[str]
) -> set[tuple[str, str]]:
    out = set()
    for later, earlier in pairs:
        a, b = key_of.get(later), key_of.get(earlier)
        if a and b and a != b and a in keep and b in keep:
            out.add((a, b) if a < b else (b, a))
    return out


def _pss_mb() -> float:
    """Proportional set size: shared pages count once across the processes sharing them."""
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def _pss_of_both_processes() -> Iterator[list[float]]:
    """While the folder shares work with a forked child: parent + child PSS as each share
    ends (their total memory then; RSS would count the shared pages twice)."""
    import reader.fold_resolve
    import reader.fold_units
    from reader import two_processes

    original = two_processes.in_two_processes
    totals: list[float] = []

    def measured(work: Callable[[Any], Any], mine: Any, theirs: Any) -> tuple[Any, Any]:
        def measured_work(part: Any) -> tuple[Any, float]:
            return work(part), _pss_mb()

        (done, here), (done_there, there) = original(measured_work, mine, theirs)
        totals.append(here + there)
        return done, done_there

    modules = (reader.fold_resolve, reader.fold_units)
    for module in modules:
        module.in_two_processes = measured  # type: ignore[attr-defined]
    try:
        yield totals
    finally:
        for module in modules:
            module.in_two_processes = original  # type: ignore[attr-defined]


def child(
    corpus: Path | None, size: int, threshold: float, seed: int, sample: int
) -> dict[str, float]:
    """One size, measured in this (fresh) process; returns the figures as a flat dict."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from reader.fold import fold, verification_tools, verified_score
    from reader.fold_units import candidate_pairs
    from reader.normalize import MatchText, MatchTexts

    generated = generate(load_paragraphs(corpus), size, seed)
    rss_before = _current_rss_mb()
    start = time.perf_counter()
    with _pss_of_both_processes() as pss:
        plan = fold(generated.articles, threshold=threshold)
    fold_s = time.perf_counter() - start
    peak = _peak_rss_mb()
    # The folder shares big batches with a forked child (reader.two_processes): its peak too.
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    folds = sum(len(f) for f in plan.by_article.values())

    # Recall: exhaustive search on (a sample of) the same normalised strings.
    texts = [p for a in generated.articles for p in a.paragraphs]
    chosen = [texts[n] for n in _sample(generated, sample)]
    normalise = MatchTexts()
    match = {t: normalise(t) for t in dict.fromkeys(chosen)}
    key_of = {t: m.key for t, m in match.items()}
    first_text: dict[str, MatchText] = {}
    for m in match.values():
        first_text.setdefault(m.key, m)
    keys = [k for k in first_text if len(k) >= 20]
    start = time.perf_counter()
    scores = process.cdist(
        keys, keys, scorer=fuzz.ratio, score_cutoff=threshold, workers=-1, dtype=np.uint8
    )
    exhaustive_s = time.perf_counter() - start
    rows, cols = np.nonzero(np.triu(scores, 1))
    del scores
    exhaustive = {
        (keys[i], keys[j]) if keys[i] < keys[j] else (keys[j], keys[i])
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    }
    tools = verification_tools()
    folding = {
        (a, b)
        for a, b in exhaustive
        if verified_score(first_text[a], first_text[b], threshold, a_first=True, tools=tools)
        is not None
    }
    start = time.perf_counter()
    candidates = candidate_pairs(texts, threshold=threshold)
    candidates_s = time.perf_counter() - start
    found = _key_pairs(candidates, key_of, set(keys))
    found = {p for p in found if fuzz.ratio(*p) >= threshold}
    templated_keys = {
        key_of[texts[n]] for n in _sample(generated, sample) if generated.templated[n]
    }
    plain = {p for p in exhaustive if not templated_keys.intersection(p)}
    distinct = len(set(texts))
    return {
        "n": size,
        "articles": len(generated.articles),
        "fold_s": fold_s,
        "rss_before_mb": rss_before,
        "peak_mb": peak,
        "child_peak_mb": child_peak,
        "shared_pss_mb": max(pss, default=0.0),
        "folds": folds,
        "candidates": len(candidates),
        "candidates_s": candidates_s,
        "sample": len(chosen),
        "sample_keys": len(keys),
        "exhaustive_s": exhaustive_s,
        "exhaustive_est_s": exhaustive_s * (distinct / max(1, len(keys))) ** 2,
        "exhaustive_pairs": len(exhaustive),
        "found_pairs": len(found & exhaustive),
        "recall": len(found & exhaustive) / max(1, len(exhaustive)),
        "plain_pairs": len(plain),
        "recall_plain": len(found & plain) / max(1, len(plain)),
        "folding_pairs": len(folding),
        "recall_folding": len(found & folding) / max(1, len(folding)),
        "peak_after_exhaustive_mb": _peak_rss_mb(),
    }


def _table(rows: Sequence[dict[str, float]]) -> str:
    head = (
        f"{'n':>9} {'fold s':>7} {'RSS MB':>7} {'+fold MB':>8} {'child MB':>8} {'both MB':>8} "
        f"{'folds':>8} "
        f"{'cands':>9} "
        f"{'sample':>7} {'exh s':>7} {'exh est s':>10} {'exh pairs':>9} {'recall':>7} "
        f"{'untempl':>8} "
        f"{'fold pairs':>10} {'recall':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{int(r['n']):>9,} {r['fold_s']:>7.2f} {r['peak_mb']:>7.0f} "
            f"{r['peak_mb'] - r['rss_before_mb']:>8.0f} {r.get('child_peak_mb', 0.0):>8.0f} "
            f"{r.get('shared_pss_mb', 0.0):>8.0f} "
            f"{int(r['folds']):>8,} "
            f"{int(r['candidates']):>9,} {int(r['sample']):>7,} {r['exhaustive_s']:>7.1f} "
            f"{r['exhaustive_est_s']:>10.0f} {int(r['exhaustive_pairs']):>9,} "
            f"{r['recall']:>7.4f} {r.get('recall_plain', float('nan')):>8.4f} "
            f"{int(r['folding_pairs']):>10,} {r['recall_folding']:>7.4f}"
        )
    return "\n".join(lines)


LEGEND = """\
n          paragraphs folded (generated; see the module docstring)
fold s     wall time of reader.fold.fold on all n (median over --runs fresh processes)
RSS MB     peak resident memory of the process after folding (ru_maxrss; includes the corpus)
+fold MB   that peak minus the resident memory just before folding
child MB   peak resident memory of the forked child that shares a big batch's work (0: none);
           its pages are shared copy-on-write with the parent, so RSS + child overstates
both MB    parent + child proportional set size (shared pages once) when their shares end
folds      folds in the plan
cands      candidate unit pairs verified (fingerprints, past the cheap prefilter)
sample     paragraphs the exhaustive search ran on (all when n <= --sample; else whole families)
exh s      rapidfuzz.process.cdist(fuzz.ratio, score_cutoff, workers=-1) on the sample's keys
exh est s  that time scaled by (distinct paragraphs / sample keys)^2: exhaustive on all n
exh pairs  pairs of distinct normalised keys (>= 20 chars) the exhaustive search finds
recall     share of those the candidate stage also produced (pairs of templated lines with
           other figures, which verification rejects, are capped on purpose: see fold_units)
untempl    that recall over the pairs where neither side is a templated line or its copy
fold pairs exhaustive pairs that verification accepts (figures agree, no contradiction): what
           the exhaustive method folds when it makes newsfold's decision on every pair
recall     share of those the candidate stage produced: the folds that could be missed"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="JSONL (paragraphs lists) or text file")
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma list, e.g. 10k,100k,1M")
    parser.add_argument("--threshold", type=float, default=85.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=20_000, help="exhaustive sample size")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per size")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        figures = child(args.corpus, args.child, args.threshold, args.seed, args.sample)
        print(json.dumps(figures))
        return 0
    rows = []
    for size in _sizes(args.sizes):
        runs = []
        for _ in range(args.runs):
            command = [sys.executable, __file__, "--child", str(size)]
            command += ["--threshold", str(args.threshold), "--seed", str(args.seed)]
            command += ["--sample", str(args.sample)]
            if args.corpus:
                command += ["--corpus", str(args.corpus)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.stderr.write(done.stderr)
                return done.returncode
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row = dict(runs[0])
        medians = ("fold_s", "exhaustive_s", "exhaustive_est_s", "peak_mb", "rss_before_mb")
        for name in (*medians, "child_peak_mb", "shared_pss_mb"):
            row[name] = statistics.median(r[name] for r in runs)
        rows.append(row)
        print(_table(rows[-1:]).splitlines()[-1] if len(rows) > 1 else _table(rows), flush=True)
    print()
    print(LEGEND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
