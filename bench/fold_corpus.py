"""A deterministic corpus of paragraphs with known near-duplicate families, for fold benchmarks.

Unrelated paragraphs come from real paragraphs with most longer words swapped for words of a large
made-up vocabulary (so there are enough distinct paragraphs for 1M); near-duplicates copy an
earlier paragraph with word edits, typos, truncation, datelines, quote and spacing changes; a few
"price bot" lines repeat one template with other figures.
"""

from __future__ import annotations

import json
import random
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
    templated: list[bool]
    """Per paragraph: a price-bot line or a copy of one (one template, other figures)."""


def generate(paragraphs: Sequence[str], count: int, seed: int = 0) -> Generated:
    """``count`` paragraphs in articles of 4..16: unrelated ones, copies, templated lines."""
    rng = random.Random(seed)
    vocab = _vocabulary(paragraphs, 100_000, rng)
    templates = _templates(paragraphs)
    texts: list[str] = []
    family: list[int] = []
    templated: list[bool] = []
    for n in range(count):
        roll = rng.random()
        if texts and roll < COPY_SHARE:
            # Most copies are of recent paragraphs (same news day), some of much older ones.
            back = rng.randint(1, min(len(texts), 3000)) if rng.random() < 0.7 else None
            source = len(texts) - back if back else rng.randrange(len(texts))
            texts.append(_copy(texts[source], vocab, rng))
            family.append(family[source])
            templated.append(templated[source])
        elif roll < COPY_SHARE + TEMPLATE_SHARE:
            texts.append(_price_line(rng))
            family.append(n)
            templated.append(True)
        else:
            template = templates[int(rng.random() * len(templates))]
            texts.append(_unrelated(template, vocab, rng))
            family.append(n)
            templated.append(False)
    articles = []
    start = 0
    while start < count:
        size = rng.randint(*PARAGRAPHS_PER_ARTICLE)
        body = tuple(texts[start : start + size])
        articles.append(Article(id=f"g{len(articles):07d}", title="", paragraphs=body))
        start += size
    return Generated(articles, family, templated)
