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
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.model import Article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DATELINES = (
    "LONDON (Reuters) - ",
    "WASHINGTON (AP) \u2014 ",
    "PARIS, France \u2014 ",
    "(AFP) - ",
    "NEW YORK, Dec 3 (Reuters) - ",
    "By Sarah Morris, Reuters: ",
)
COPY_SHARE = 0.3
"""Share of generated paragraphs that copy an earlier one."""
TEMPLATE_SHARE = 0.005
"""Share of generated paragraphs that are templated price-bot lines."""
PARAGRAPHS_PER_ARTICLE = (4, 16)
SWAP_SHARE = 0.9
"""Share of words (three letters or more) an unrelated paragraph swaps for made-up ones."""


def load_paragraphs(path: Path | None) -> list[str]:
    """Paragraphs of a JSONL file ("paragraphs" lists) or a text file, or the bundled seeds."""
    files = [path] if path else sorted(SEEDS.glob("*.txt"))
    out: list[str] = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".jsonl":
            for line in text.splitlines():
                if line.strip():
                    out.extend(str(p) for p in json.loads(line).get("paragraphs", []))
        else:
            out.extend(text.splitlines())
    unique = list(dict.fromkeys(p.strip() for p in out if len(p.split()) >= 4))
    if not unique:
        raise SystemExit("the corpus has no paragraphs of four words or more")
    return unique


def _vocabulary(paragraphs: Sequence[str], size: int, rng: random.Random) -> list[str]:
    """Made-up words glued from pieces of real ones: realistic letters, rarely real words."""
    words = {w.strip(".,;:'\"()!?").lower() for p in paragraphs for w in p.split()}
    pieces = sorted({w[i : i + 3] for w in words if w.isalpha() for i in range(0, len(w), 3)})
    pieces = pieces or ["ka", "lo", "mer"]
    out: set[str] = set()
    while len(out) < size:
        out.add("".join(pieces[int(rng.random() * len(pieces))] for _ in range(rng.randint(2, 4))))
    vocab = sorted(out)
    rng.shuffle(vocab)  # frequency must not follow the alphabet
    return vocab


@dataclass(frozen=True)
class _Template:
    tokens: tuple[str, ...]
    content: tuple[tuple[int, str], ...]
    """Positions of the longer words that may be swapped, with the word itself."""


def _templates(paragraphs: Sequence[str]) -> list[_Template]:
    out = []
    for paragraph in paragraphs:
        tokens = tuple(paragraph.split())
        content = tuple(
            (i, core)
            for i, token in enumerate(tokens)
            if len(core := token.strip(".,;:'\"()!?")) >= 3 and core.isalpha()
        )
        out.append(_Template(tokens, content))
    return out


def _zipf_word(rng: random.Random, vocab: Sequence[str]) -> str:
    # random()**3 skews towards the front: a few common words, a long tail of rare ones.
    return vocab[int(len(vocab) * rng.random() ** 3)]


def _recase(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def _unrelated(template: _Template, vocab: Sequence[str], rng: random.Random) -> str:
    tokens = list(template.tokens)
    for i, core in template.content:
        if rng.random() < SWAP_SHARE:
            tokens[i] = tokens[i].replace(core, _recase(_zipf_word(rng, vocab), core), 1)
    return " ".join(tokens)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == 1:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def _copy(source: str, vocab: Sequence[str], rng: random.Random) -> str:
    """A syndicated or repeated copy: each kind of change applied with some probability."""
    words = source.split()
    if rng.random() < 0.35:
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(words))
            kind = rng.randrange(3)
            if kind == 0 and len(words) > 4:
                del words[at]
            elif kind == 1:
                words.insert(at, _zipf_word(rng, vocab))
            else:
                words[at] = _recase(_zipf_word(rng, vocab), words[at])
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(words))
            words[at] = _typo(words[at], rng)
    if rng.random() < 0.15 and len(words) > 8:
        words = words[: max(6, int(len(words) * rng.uniform(0.5, 0.9)))]
        if rng.random() < 0.5:
            words[-1] = words[-1] + "..."
    text = " ".join(words)
    if rng.random() < 0.15:
        text = rng.choice(DATELINES) + text
    if rng.random() < 0.2:
        text = text.replace("'", "\u2019").replace(' "', " \u201c")
    if rng.random() < 0.1:
        text = text.replace(", ", " , ").replace(". ", ".  ")
    return text


def _price_line(rng: random.Random) -> str:
    coin = rng.choice(("Bitcoin", "Ether", "Gold", "Brent crude", "The FTSE 100"))
    move = rng.choice(("up", "down"))
    return (
        f"{coin} traded at ${rng.randint(100, 90000):,}.{rng.randint(0, 99):02d} at "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT, {move} "
        f"{rng.randint(0, 9)}.{rng.randint(0, 9)}% on the day, the price bot reports."
    )


@dataclass(frozen=True)
class Generated:
    articles: list[Article]
    family: list[int]
    """Per paragraph in corpus order: the id of the generated paragraph it descends from."""


def generate(paragraphs: Sequence[str], count: int, seed: int = 0) -> Generated:
    """``count`` paragraphs in articles of 4..16: unrelated ones, copies, templated lines."""
    rng = random.Random(seed)
    vocab = _vocabulary(paragraphs, 100_000, rng)
    templates = _templates(paragraphs)
    texts: list[str] = []
    family: list[int] = []
    for n in range(count):
        roll = rng.random()
        if texts and roll < COPY_SHARE:
            # Most copies are of recent paragraphs (same news day), some of much older ones.
            back = rng.randint(1, min(len(texts), 3000)) if rng.random() < 0.7 else None
            source = len(texts) - back if back else rng.randrange(len(texts))
            texts.append(_copy(texts[source], vocab, rng))
            family.append(family[source])
        elif roll < COPY_SHARE + TEMPLATE_SHARE:
            texts.append(_price_line(rng))
            family.append(n)
        else:
            template = templates[int(rng.random() * len(templates))]
            texts.append(_unrelated(template, vocab, rng))
            family.append(n)
    articles = []
    start = 0
    while start < count:
        size = rng.randint(*PARAGRAPHS_PER_ARTICLE)
        body = tuple(texts[start : start + size])
        articles.append(Article(id=f"g{len(articles):07d}", title="", paragraphs=body))
        start += size
    return Generated(articles, family)


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
    distinct = len(set(texts))
    return {
        "n": size,
        "articles": len(generated.articles),
        "fold_s": fold_s,
        "rss_before_mb": rss_before,
        "peak_mb": peak,
        "child_peak_mb": child_peak,
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
        "folding_pairs": len(folding),
        "recall_folding": len(found & folding) / max(1, len(folding)),
        "peak_after_exhaustive_mb": _peak_rss_mb(),
    }


def _table(rows: Sequence[dict[str, float]]) -> str:
    head = (
        f"{'n':>9} {'fold s':>7} {'RSS MB':>7} {'+fold MB':>8} {'child MB':>8} {'folds':>8} "
        f"{'cands':>9} "
        f"{'sample':>7} {'exh s':>7} {'exh est s':>10} {'exh pairs':>9} {'recall':>7} "
        f"{'fold pairs':>10} {'recall':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{int(r['n']):>9,} {r['fold_s']:>7.2f} {r['peak_mb']:>7.0f} "
            f"{r['peak_mb'] - r['rss_before_mb']:>8.0f} {r.get('child_peak_mb', 0.0):>8.0f} "
            f"{int(r['folds']):>8,} "
            f"{int(r['candidates']):>9,} {int(r['sample']):>7,} {r['exhaustive_s']:>7.1f} "
            f"{r['exhaustive_est_s']:>10.0f} {int(r['exhaustive_pairs']):>9,} "
            f"{r['recall']:>7.4f} {int(r['folding_pairs']):>10,} {r['recall_folding']:>7.4f}"
        )
    return "\n".join(lines)


LEGEND = """\
n          paragraphs folded (generated; see the module docstring)
fold s     wall time of reader.fold.fold on all n (median over --runs fresh processes)
RSS MB     peak resident memory of the process after folding (ru_maxrss; includes the corpus)
+fold MB   that peak minus the resident memory just before folding
child MB   peak resident memory of the forked child that shares a big batch's work (0: none);
           its pages are shared copy-on-write with the parent, so RSS + child overstates
folds      folds in the plan
cands      candidate unit pairs verified (fingerprints, past the cheap prefilter)
sample     paragraphs the exhaustive search ran on (all when n <= --sample; else whole families)
exh s      rapidfuzz.process.cdist(fuzz.ratio, score_cutoff, workers=-1) on the sample's keys
exh est s  that time scaled by (distinct paragraphs / sample keys)^2: exhaustive on all n
exh pairs  pairs of distinct normalised keys (>= 20 chars) the exhaustive search finds
recall     share of those the candidate stage also produced (pairs of templated lines with
           other figures, which verification rejects, are capped on purpose: see fold_units)
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
        for name in (*medians, "child_peak_mb"):
            row[name] = statistics.median(r[name] for r in runs)
        rows.append(row)
        print(_table(rows[-1:]).splitlines()[-1] if len(rows) > 1 else _table(rows), flush=True)
    print()
    print(LEGEND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
