"""Derive word lexicons for reader/entities/ from a CoNLL-2003-style JSON Lines training file.

Each input line is ``{"id", "text", "entities": [{"start", "end", "type"}]}`` with types
``person`` / ``place``. Only word lists with counts are written (never any text):

- ``person_words.txt``: words that are mostly part of a person's name when capitalised;
- ``place_names.txt``: whole place names that are mostly labelled places where they occur;
- ``non_entity_words.txt``: capitalised words (mid-sentence) that are almost never people or places;
- ``common_words.txt``: words mostly in lower case, so a capital only marks a sentence start.

    python tools/build_conll_lexicons.py TRAIN.jsonl [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "reader" / "entities" / "data"
WORD = re.compile(r"[^\W\d_][\w'.\-]*")
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"(\-]\s*)$")


def _is_sentence_start(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return bool(SENTENCE_START.search(text[line_start:start].rstrip()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args(argv)

    person_word = Counter[str]()
    place_word = Counter[str]()
    cap_mid = Counter[str]()  # capitalised, not sentence-initial, not an all-caps line
    lower = Counter[str]()
    place_span = Counter[str]()
    with args.train.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    for doc in docs:
        text: str = doc["text"]
        owner: dict[int, str] = {}
        for ent in doc["entities"]:
            for i in range(ent["start"], ent["end"]):
                owner[i] = ent["type"]
            if ent["type"] == "place":
                place_span[text[ent["start"] : ent["end"]]] += 1
        for line_match in re.finditer(r"[^\n]+", text):
            line = line_match.group()
            letters = [c for c in line if c.isalpha()]
            shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
            for m in WORD.finditer(line):
                word = m.group().rstrip(".")
                pos = line_match.start() + m.start()
                if word[0].islower():
                    lower[word] += 1
                    continue
                if shouting or _is_sentence_start(text, pos):
                    continue
                cap_mid[word] += 1
                kind = owner.get(pos)
                if kind == "person":
                    person_word[word] += 1
                elif kind == "place":
                    place_word[word] += 1

    n = args.min_count
    person = sorted(
        w for w, c in person_word.items() if c >= n and c >= 0.6 * cap_mid[w] and w not in lower
    )
    places = []
    for name, c in place_span.items():
        total = len(re.findall(r"(?<![\w])" + re.escape(name) + r"(?![\w])", _corpus(docs)))
        if c >= n and c >= 0.6 * total and not name.isupper():
            places.append(name)
    non_entity = sorted(
        w
        for w, c in cap_mid.items()
        if c >= 3 and person_word[w] + place_word[w] <= 0.05 * c and len(w) > 1
    )
    common = sorted(w for w, c in lower.items() if c >= n and c >= cap_mid[w.capitalize()])
    for fname, words in (
        ("person_words.txt", person),
        ("place_names.txt", sorted(places)),
        ("non_entity_words.txt", non_entity),
        ("common_words.txt", common),
    ):
        (args.out / fname).write_text("\n".join(words) + "\n", encoding="utf-8")
        print(f"{fname}: {len(words)}")
    return 0


_CORPUS_CACHE: dict[int, str] = {}


def _corpus(docs: list[dict[str, object]]) -> str:
    key = id(docs)
    if key not in _CORPUS_CACHE:
        _CORPUS_CACHE[key] = "\n".join(str(d["text"]) for d in docs)
    return _CORPUS_CACHE[key]


if __name__ == "__main__":
    raise SystemExit(main())
