"""Measure paragraph folding against a gold file of duplicate pairs and hard negatives.

    python bench/fold_quality.py GOLD.jsonl [--threshold T] [--sweep] [--timing]
                                 [--incremental N] [--pred-out PRED.jsonl]

GOLD lines look like {"id", "paragraphs", "dups", "dup_tags", "hard_negatives"}; only "id" and
"paragraphs" reach the folder. Every fold becomes a pair (paragraph, twin); the transitive closure
of those pairs is compared with the gold pairs (what a folding reader shows as one group).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.fold import DEFAULT_THRESHOLD, fold
from reader.fold_batch import fold_new
from reader.fold_index import FoldIndex
from reader.model import Article, Fold, FoldPlan

SWEEP = (70.0, 74.0, 78.0, 80.0, 82.0, 84.0, 86.0, 88.0, 90.0, 92.0, 94.0, 96.0, 98.0)

Place = tuple[str, int]
Pair = tuple[Place, Place]


@dataclass(frozen=True)
class Gold:
    articles: tuple[Article, ...]
    pairs: dict[Pair, tuple[str, ...]]
    """Gold duplicate pairs and their tags."""
    negatives: dict[Pair, str]
    """Pairs that must not fold, with their kind."""


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted: int
    recall_by_tag: dict[str, tuple[float, int]]
    negative_rate: dict[str, tuple[float, int]]
    negative_rate_all: float


def _pair(a: Place, b: Place) -> Pair:
    return (a, b) if a <= b else (b, a)


def _ref(article_id: str, ref: int | list[object]) -> Place:
    if isinstance(ref, list):
        return (str(ref[0]), int(str(ref[1])))
    return (article_id, int(ref))


def load_gold(path: Path) -> Gold:
    articles: list[Article] = []
    pairs: dict[Pair, tuple[str, ...]] = {}
    negatives: dict[Pair, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            aid = str(record["id"])
            articles.append(Article(id=aid, title=aid, paragraphs=tuple(record["paragraphs"])))
            tags = record.get("dup_tags") or [[] for _ in record.get("dups", [])]
            for (i, ref), tag in zip(record.get("dups", []), tags, strict=True):
                pairs[_pair((aid, int(i)), _ref(aid, ref))] = tuple(tag)
            for i, ref, kind in record.get("hard_negatives", []):
                negatives[_pair((aid, int(i)), _ref(aid, ref))] = str(kind)
    return Gold(tuple(articles), pairs, negatives)


def predicted_pairs(plan: FoldPlan) -> set[Pair]:
    return {
        _pair((aid, f.paragraph), (f.same_as.article_id, f.same_as.paragraph))
        for aid, folds in plan.by_article.items()
        for f in folds
    }


def closure(pairs: Iterable[Pair]) -> set[Pair]:
    """All pairs within each connected group of ``pairs``."""
    parent: dict[Place, Place] = {}

    def root(x: Place) -> Place:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[Place, list[Place]] = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    out: set[Pair] = set()
    for members in groups.values():
        members.sort()
        out.update(
            (members[i], members[j])
            for i in range(len(members))
            for j in range(i + 1, len(members))
        )
    return out


def score(gold: Gold, predicted: set[Pair]) -> Scores:
    shown = closure(predicted)
    hits = sum(1 for p in shown if p in gold.pairs)
    precision = hits / len(shown) if shown else 0.0
    recall = hits / len(gold.pairs) if gold.pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p, tags in gold.pairs.items():
        for tag in tags:
            by_tag[tag][0] += p in shown
            by_tag[tag][1] += 1
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p, kind in gold.negatives.items():
        by_kind[kind][0] += p in shown
        by_kind[kind][1] += 1
    folded_negatives = sum(h for h, _ in by_kind.values())
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        predicted=len(shown),
        recall_by_tag={t: (h / n, n) for t, (h, n) in sorted(by_tag.items())},
        negative_rate={k: (h / n, n) for k, (h, n) in sorted(by_kind.items())},
        negative_rate_all=folded_negatives / max(1, len(gold.negatives)),
    )


def report(scores: Scores) -> str:
    tags = ", ".join(f"{t}={r:.2f}/{n}" for t, (r, n) in scores.recall_by_tag.items())
    kinds = ", ".join(f"{k}={r:.2f}/{n}" for k, (r, n) in scores.negative_rate.items())
    return "\n".join(
        (
            f"P={scores.precision:.3f} R={scores.recall:.3f} F1={scores.f1:.3f} "
            f"(predicted pairs after closure={scores.predicted})",
            f"recall by tag: {tags}",
            f"hard-negative fold rate: all={scores.negative_rate_all:.3f}; {kinds}",
        )
    )


def write_predictions(plan: FoldPlan, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for aid, folds in plan.by_article.items():
            dups = [[f.paragraph, [f.same_as.article_id, f.same_as.paragraph]] for f in folds]
            out.write(json.dumps({"id": aid, "dups": dups}) + "\n")


def sweep(gold: Gold, thresholds: Sequence[float]) -> str:
    rows = ["threshold   P      R      F1     hard-neg  " + "  ".join(_kinds(gold))]
    for threshold in thresholds:
        s = score(gold, predicted_pairs(fold(gold.articles, threshold=threshold)))
        kinds = "  ".join(
            f"{s.negative_rate.get(k, (0.0, 0))[0]:>{len(k)}.2f}" for k in _kinds(gold)
        )
        rows.append(
            f"{threshold:>9.1f}  {s.precision:.3f}  {s.recall:.3f}  {s.f1:.3f}  "
            f"{s.negative_rate_all:>8.3f}  {kinds}"
        )
    return "\n".join(rows)


def _kinds(gold: Gold) -> list[str]:
    return sorted(set(gold.negatives.values()))


def _edited(text: str, rng: random.Random) -> str:
    """A light random edit: a dropped word, a doubled letter or an added space."""
    words = text.split()
    if len(words) > 3:
        choice = rng.randrange(3)
        at = rng.randrange(len(words))
        if choice == 0:
            del words[at]
        elif choice == 1 and words[at]:
            k = rng.randrange(len(words[at]))
            words[at] = words[at][:k] + words[at][k] + words[at][k:]
        else:
            words[at] = words[at] + " "
    return " ".join(words)


def replicated(articles: Sequence[Article], paragraphs: int, seed: int = 0) -> list[Article]:
    """Copies of ``articles`` with small random edits until ``paragraphs`` paragraphs exist."""
    rng = random.Random(seed)
    out: list[Article] = []
    total = 0
    copy = 0
    while total < paragraphs:
        for article in articles:
            if total >= paragraphs:
                break
            keep = article.paragraphs[: paragraphs - total]
            edited = tuple(_edited(p, rng) if copy else p for p in keep)
            out.append(Article(id=f"{article.id}~{copy}", title=article.title, paragraphs=edited))
            total += len(edited)
        copy += 1
    return out


def folded_in_steps(articles: Sequence[Article], steps: int, threshold: float) -> FoldPlan:
    """The plan ``fold_new`` builds when the articles arrive in ``steps`` batches, the index
    going through ``to_bytes``/``from_bytes`` between batches as a stored library's would."""
    index = FoldIndex(threshold)
    merged: dict[str, tuple[Fold, ...]] = {}
    size = -(-len(articles) // max(1, steps))
    for start in range(0, len(articles), size):
        plan, index = fold_new(
            FoldIndex.from_bytes(index.to_bytes()), articles[start : start + size]
        )
        merged.update(plan.by_article)
    return FoldPlan(threshold=threshold, by_article=merged)


def median_seconds(articles: Sequence[Article], threshold: float, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fold(articles, threshold=threshold)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="figures for a range of thresholds")
    parser.add_argument("--timing", action="store_true", help="median of 3 runs, file and 10k")
    parser.add_argument("--pred-out", type=Path, help="write folds as prediction JSONL here")
    parser.add_argument(
        "--incremental",
        type=int,
        metavar="N",
        help="also fold the file in N batches with fold_new and check the plan is the same",
    )
    args = parser.parse_args(argv)

    gold = load_gold(args.gold)
    plan = fold(gold.articles, threshold=args.threshold)
    paragraphs = sum(len(a.paragraphs) for a in gold.articles)
    print(f"{len(gold.articles)} articles, {paragraphs} paragraphs, threshold {args.threshold}")
    print(report(score(gold, predicted_pairs(plan))))
    if args.pred_out:
        write_predictions(plan, args.pred_out)
    if args.incremental:
        stepped = folded_in_steps(gold.articles, args.incremental, args.threshold)
        same = stepped.by_article == plan.by_article
        verdict = "same plan" if same else "DIFFERENT plan"
        print(f"folded in {args.incremental} batches with fold_new: {verdict}")
        if not same:
            return 1
    if args.sweep:
        print()
        print(sweep(gold, sorted({*SWEEP, args.threshold})))
    if args.timing:
        print()
        print(
            f"fold, whole file ({paragraphs} paragraphs): "
            f"{median_seconds(gold.articles, args.threshold):.2f} s (median of 3)"
        )
        big = replicated(gold.articles, 10_000)
        print(
            f"fold, 10,000 paragraphs (edited copies): "
            f"{median_seconds(big, args.threshold):.2f} s (median of 3)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
