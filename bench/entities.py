"""Speed and memory of reader.entities on a JSON Lines text set, and its share of the CLI.

    python bench/entities.py TEXTS.jsonl [--runs 5] [--command]

TEXTS.jsonl holds one document a line, either ``{"id", "text"}`` (non-empty lines become
paragraphs, as in the CoNLL-style gold files) or ``{"id", "paragraphs": [...]}``.

Printed (medians over ``--runs``):

- extraction throughput, warm, in this process: documents/s and KB/s of paragraph text;
- cold start in a fresh interpreter: ``import reader.entities`` plus lexicon load, and the
  extra resident memory after loading and extracting everything (RSS after minus before);
- with ``--command``: wall time of ``newsfold entities --json`` on the set as given (its own
  loader splits the paragraphs), including process start, alone and pinned to one core, next
  to the time a fresh interpreter spends importing + loading + extracting
  entities and the time ``reader.fold.fold`` takes, so the rest is visible.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs in a fresh interpreter; prints one JSON object with its measurements.
_CHILD = r"""
import json, sys, time
from pathlib import Path

def rss_kb():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from reader.model import Article
docs = [json.loads(line) for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()]
articles = [Article(id=d["id"], title="", paragraphs=tuple(d["paragraphs"])) for d in docs]
before = rss_kb()
t0 = time.perf_counter()
from reader.entities import extract
from reader.entities.lexicon import load_lexicon
t1 = time.perf_counter()
load_lexicon()
t2 = time.perf_counter()
for a in articles:
    extract(a)
t3 = time.perf_counter()
after = rss_kb()
from reader.fold import fold
t4 = time.perf_counter()
fold(articles)
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "extract": t3 - t2,
                  "extra_kb": after - before, "fold": t5 - t4}))
"""


def read_documents(path: Path) -> list[dict[str, object]]:
    """Documents as ``{"id", "paragraphs"}`` whatever the input layout."""
    out: list[dict[str, object]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        if "paragraphs" in doc:
            paragraphs = list(doc["paragraphs"])
        else:
            paragraphs = [p for p in str(doc["text"]).split("\n") if p.strip()]
        out.append({"id": str(doc["id"]), "paragraphs": paragraphs})
    return out


def warm_throughput(docs: list[dict[str, object]], runs: int) -> tuple[float, float]:
    """Median seconds to extract every document, and the text size in KB."""
    from reader.entities import extract
    from reader.entities.lexicon import load_lexicon
    from reader.model import Article

    load_lexicon()
    articles = [
        Article(id=str(d["id"]), title="", paragraphs=tuple(d["paragraphs"]))  # type: ignore[arg-type]
        for d in docs
    ]
    kb = sum(len(p.encode("utf-8")) for a in articles for p in a.paragraphs) / 1024
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for a in articles:
            extract(a)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), kb


def child_runs(article_file: Path, runs: int) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(article_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout))
    return results


def wall(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _newsfold() -> list[str]:
    script = Path(sys.executable).with_name("newsfold")
    found = str(script) if script.exists() else shutil.which("newsfold")
    return [found] if found else [sys.executable, "-m", "tui.cli"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--command", action="store_true", help="also time newsfold entities --json")
    args = ap.parse_args(argv)

    docs = read_documents(args.texts)
    with tempfile.TemporaryDirectory() as tmp:
        article_file = Path(tmp) / "articles.jsonl"
        article_file.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        cold = child_runs(article_file, args.runs)

        def med(key: str) -> float:
            return statistics.median(r[key] for r in cold)

        seconds, kb = warm_throughput(docs, args.runs)
        print(f"documents={len(docs)} text_kb={kb:.0f} runs={args.runs} (medians)")
        print(
            f"warm extract: {seconds:.3f} s  {len(docs) / seconds:.0f} docs/s"
            f"  {kb / seconds:.0f} KB/s"
        )
        print(
            f"cold: import {med('import'):.3f} s  lexicon load {med('load'):.3f} s"
            f"  extract {med('extract'):.3f} s  extra RSS {med('extra_kb') / 1024:.1f} MB"
        )
        if args.command:
            entities = med("import") + med("load") + med("extract")
            bare = wall([sys.executable, "-c", "pass"], args.runs)
            # The set as given: the command's own loader decides what a paragraph is.
            command = wall([*_newsfold(), "entities", "--json", str(args.texts)], args.runs)
            single = (
                wall(
                    ["taskset", "-c", "0", *_newsfold(), "entities", "--json", str(args.texts)],
                    args.runs,
                )
                if shutil.which("taskset")
                else float("nan")
            )
            rest = command - entities - med("fold")
            print(
                f"newsfold entities --json: {command:.3f} s wall"
                f"  = entities (import+load+extract) {entities:.3f} s"
                f" + fold {med('fold'):.3f} s + rest {rest:.3f} s"
                f" (bare interpreter start {bare:.3f} s)"
            )
            print(
                f"  on one core (taskset -c 0, so the fold cannot overlap): {single:.3f} s wall,"
                f" {single / command:.2f}x the two-core time"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
