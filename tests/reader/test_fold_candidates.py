"""Candidate generation for folding: cheap keys, fingerprints, windowed buckets, recall."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from reader.fold import DEFAULT_THRESHOLD, verification_tools, verified_score
from reader.fold_candidates import GRAM_BYTES, WINNOW_WINDOW, cheap_keys, sketch
from reader.fold_postings import ExactStore, PostingStore, posting_codes, window_pairs
from reader.fold_units import candidate_pairs
from reader.normalize import match_text

BODY = (
    "Secretary Kerry is shuttling between Jerusalem and Jordan's capital, Amman, in hopes of "
    "jumpstarting Middle East peace talks, which have been at an impasse in recent years."
)


def texts(paragraphs: list[str]) -> list[str]:
    keys = cheap_keys(paragraphs)
    return [keys.text(i) for i in range(len(keys))]


def test_cheap_keys_erase_what_syndication_changes() -> None:
    variants = [
        BODY,
        "LONDON (Reuters) - " + BODY.replace("'", "\u2019"),
        BODY.replace(" ", "  ").replace(",", " ,"),
        "\u201c" + BODY + "\u201d",
    ]
    assert len(set(texts(variants))) == 1
    assert (
        texts(["The organisation's defence programme", "The organization's defense program"])[0]
        == texts(["The organization's defense program"])[0]
    )


def test_cheap_keys_keep_paragraphs_apart() -> None:
    paragraphs = ["First one.", "", "...", "Second\nwith a line break", "x\x00y"]
    keys = texts(paragraphs)
    assert len(keys) == len(paragraphs)
    assert keys[0] == "first one" and keys[1] == keys[2] == ""
    assert keys[3] == "second with a line break"


def test_a_paragraph_sketches_the_same_wherever_it_stands() -> None:
    rng = random.Random(7)
    words = BODY.split()
    others = [" ".join(rng.sample(words, len(words))) for _ in range(40)]
    alone = sketch([BODY])
    among = sketch([*others[:25], BODY, *others[25:]], chunk=16)
    assert among.whole[25] == alone.whole[0]
    assert sorted(among.values[among.owners == 25]) == sorted(alone.values)


def test_every_long_enough_shared_run_shares_a_fingerprint() -> None:
    rng = random.Random(3)
    for _ in range(50):
        run = "".join(rng.choice("abcdefgh ") for _ in range(GRAM_BYTES + WINNOW_WINDOW - 1))
        run = "q" + run.strip().replace("  ", " ") + "q"
        a = "".join(rng.choice("xyz ") for _ in range(30)) + " " + run + " tail one"
        b = "lead " + run + " " + "".join(rng.choice("uvw ") for _ in range(30))
        sk = sketch([a, b])
        assert set(sk.values[sk.owners == 0].tolist()) & set(sk.values[sk.owners == 1].tolist())


def test_exact_store_finds_only_what_it_holds() -> None:
    store = ExactStore().with_new(np.array([5, 9], np.uint64), np.array([0, 1], np.uint32))
    store = store.with_new(np.array([7], np.uint64), np.array([2], np.uint32))
    found = store.lookup(np.array([9, 4, 7, 5], np.uint64))
    assert found.tolist() == [1, -1, 2, 0]


def _split_codes(codes: np.ndarray, owners_below: int) -> tuple[np.ndarray, np.ndarray]:
    owners = codes & np.uint64(0xFFFFFFFF)
    return codes[owners < owners_below], codes[owners >= owners_below]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 40)), min_size=1, max_size=120),
    st.integers(1, 40),
    st.integers(1, 5),
)
def test_window_pairs_agree_between_batch_and_increments(
    postings: list[tuple[int, int]], cut: int, window: int
) -> None:
    values = np.array([v for v, _ in postings], np.uint32)
    owners = np.array([o for _, o in postings], np.uint32)
    codes = posting_codes(values, owners)
    batch = window_pairs(PostingStore(), codes, window)
    old, new = _split_codes(codes, cut)
    store = PostingStore()
    for part in np.array_split(old, 3):  # several segments
        store = store.with_new(part)
    increment = window_pairs(store, new, window)
    in_old = window_pairs(PostingStore(), old, window)
    merged: dict[int, int] = {}
    for pairs, counts in (in_old, increment):
        for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True):
            merged[pair] = merged.get(pair, 0) + count
    assert merged == dict(zip(batch[0].tolist(), batch[1].tolist(), strict=True))
    # Each owner pairs with at most ``window`` earlier owners per fingerprint.
    per_later: dict[int, int] = {}
    for pair, count in merged.items():
        assert pair >> 32 > pair & 0xFFFFFFFF
        per_later[pair >> 32] = per_later.get(pair >> 32, 0) + count
    per_print = {o: int((owners == o).sum()) for o in set(owners.tolist())}
    assert all(n <= window * per_print[o] for o, n in per_later.items())


def _generated(count: int, seed: int) -> list[str]:
    """Sentences and copies of them with word edits, typos, datelines and cuts."""
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choice("bcdfghklmnprstvw") + rng.choice("aeiou") for _ in range(3))
        for _ in range(400)
    ]
    out: list[str] = []
    for _ in range(count):
        if out and rng.random() < 0.4:
            words = rng.choice(out).split()
            for _ in range(rng.randint(0, 3)):
                at = rng.randrange(len(words))
                words[at] = rng.choice((rng.choice(vocabulary), words[at][1:], words[at] * 2))
            if rng.random() < 0.2:
                words = words[: len(words) * 3 // 4] + ["..."]
            text = " ".join(words)
            out.append(("PARIS (AFP) - " if rng.random() < 0.2 else "") + text)
        else:
            out.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 30))) + ".")
    return out


def test_candidates_find_what_exhaustive_comparison_folds() -> None:
    paragraphs = _generated(600, seed=11)
    texts_of_key: dict[str, str] = {}
    for p in paragraphs:
        texts_of_key.setdefault(match_text(p).key, p)
    keys = [k for k in texts_of_key if len(k) >= 20]
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=DEFAULT_THRESHOLD)
    rows, cols = np.nonzero(np.triu(scores, 1))
    tools = verification_tools()
    folding = {
        frozenset((keys[i], keys[j]))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        if verified_score(
            match_text(texts_of_key[keys[i]]),
            match_text(texts_of_key[keys[j]]),
            DEFAULT_THRESHOLD,
            a_first=True,
            tools=tools,
        )
        is not None
    }
    found = {
        frozenset((match_text(a).key, match_text(b).key)) for a, b in candidate_pairs(paragraphs)
    }
    assert len(folding) > 50
    assert len(folding & found) / len(folding) >= 0.97
    # Candidates stay few: far fewer than all pairs.
    assert len(found) < 10 * len(paragraphs)


@pytest.mark.parametrize("size", [3000])
def test_templated_lines_make_few_candidates(size: int) -> None:
    rng = random.Random(5)
    lines = [
        f"Bitcoin traded at ${rng.randint(100, 90000):,}.{rng.randint(0, 99):02d} at "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT, up {rng.randint(0, 9)}.1% "
        "on the day, the price bot reports."
        for _ in range(size)
    ]
    assert len(candidate_pairs(lines)) <= 20 * size
