"""Measure reader.entities on gold JSON Lines (CoNLL-2003 style): P/R/F1, speed, load time.

Each document's non-empty lines of ``text`` become the paragraphs of an article; every
mention found maps back to an offset range of ``text``. Scores match the conventions of the
data set's ``score.py``: (a) mention level, exact (start, end, type); (b) document level,
unique (type, normalised surface) per document, summed over documents.

    python bench/entities_quality.py GOLD.jsonl [--pred-out PRED.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

TYPES = ("person", "place")


def paragraphs_with_offsets(text: str) -> list[tuple[int, str]]:
    """Non-empty lines of ``text`` with the offset where each starts."""
    return [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def normalise(surface: str) -> str:
    s = re.sub(r"\s+", " ", surface).strip().casefold()
    return s[4:] if s.startswith("the ") else s


def prf(c: Counter[str]) -> tuple[float, float, float]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--pred-out", type=Path, help="write predictions as JSON Lines here")
    ap.add_argument("--errors", type=int, default=0, help="print this many error examples")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from reader.entities import extract
    from reader.entities.lexicon import load_lexicon
    from reader.model import Article

    load_lexicon()
    load_seconds = time.perf_counter() - t0

    with args.gold.open(encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    articles = []
    for doc in gold:
        parts = paragraphs_with_offsets(doc["text"])
        articles.append(
            (Article(id=doc["id"], title="", paragraphs=tuple(p for _, p in parts)), parts)
        )
    t1 = time.perf_counter()
    results = [extract(article) for article, _ in articles]
    run_seconds = time.perf_counter() - t1

    mention = {t: Counter[str]() for t in TYPES}
    document = {t: Counter[str]() for t in TYPES}
    predictions: list[dict[str, object]] = []
    errors: list[str] = []
    for doc, (_, parts), entities in zip(gold, articles, results, strict=True):
        text: str = doc["text"]
        pred: list[tuple[int, int, str, str]] = []
        for entity in (*entities.people, *entities.places):
            for m in entity.mentions:
                offset = parts[m.paragraph][0]
                pred.append((offset + m.start, offset + m.end, entity.kind, m.text))
        predictions.append(
            {
                "id": doc["id"],
                "entities": [{"start": a, "end": b, "type": k, "text": x} for a, b, k, x in pred],
            }
        )
        gold_spans = {(int(e["start"]), int(e["end"]), str(e["type"])) for e in doc["entities"]}
        pred_spans = {(a, b, k) for a, b, k, _ in pred}
        for t in TYPES:
            g = {s for s in gold_spans if s[2] == t}
            p = {s for s in pred_spans if s[2] == t}
            mention[t]["tp"] += len(g & p)
            mention[t]["fp"] += len(p - g)
            mention[t]["fn"] += len(g - p)
            gn = {normalise(text[s[0] : s[1]]) for s in g} - {""}
            pn = {normalise(text[s[0] : s[1]]) for s in p} - {""}
            document[t]["tp"] += len(gn & pn)
            document[t]["fp"] += len(pn - gn)
            document[t]["fn"] += len(gn - pn)
        if args.errors:
            for tag, spans in (("FP", pred_spans - gold_spans), ("FN", gold_spans - pred_spans)):
                for a, b, kind in sorted(spans):
                    context = text[max(0, a - 40) : b + 30]
                    errors.append(f"{tag} {kind:6s} {text[a:b]!r}  ..{context!r}")

    for level, counts in (("mention (exact span)", mention), ("document (unique names)", document)):
        print(level)
        print(f"  {'type':8s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>6s} {'fp':>6s} {'fn':>6s}")
        total = Counter[str]()
        for t in TYPES:
            total.update(counts[t])
        for t, c in (*counts.items(), ("micro", total)):
            precision, recall, f1 = prf(c)
            print(
                f"  {t:8s} {precision:6.3f} {recall:6.3f} {f1:6.3f}"
                f" {c['tp']:6d} {c['fp']:6d} {c['fn']:6d}"
            )
    print(
        f"docs={len(gold)} extract_seconds={run_seconds:.3f} "
        f"docs_per_second={len(gold) / run_seconds:.0f} load_seconds={load_seconds:.3f}"
    )
    if args.pred_out:
        with args.pred_out.open("w", encoding="utf-8") as fh:
            for rec in predictions:
                fh.write(json.dumps(rec) + "\n")
    for line in errors[: args.errors]:
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
