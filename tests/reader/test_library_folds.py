"""Folding a stored library batch by batch: same folds and stories as folding it all at once."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader import library_cache
from reader.fold import DEFAULT_THRESHOLD, fold
from reader.fold_batch import fold_new, fold_new_delta
from reader.fold_index import FoldDelta, FoldIndex
from reader.library import BatchWrite, Library
from reader.library_folds import (
    INDEX_BLOB,
    MAX_DELTAS,
    STATE_BLOB,
    FoldMemo,
    fold_new_articles,
    library_plan,
    library_stories,
)
from reader.library_rows import Entry, content_hash, store_entries
from reader.library_schema import apply_migrations
from reader.model import Article
from reader.stories import build_stories

WORDS = (
    "council harbour river election market storm court village bridge energy budget talks "
    "border museum festival strike vaccine railway drought summit treaty protest island "
    "minister officials residents workers farmers prices wages rose fell warned agreed"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def corpus(count: int, seed: int) -> list[Article]:
    """Articles of their own text, some carrying wire copy (long paragraphs, sometimes
    reworded), outlet footers (one short, one long) and a few near-empty scrapes."""
    rng = random.Random(seed)
    wire = [[_sentence(rng, rng.randint(12, 30)) for _ in range(4)] for _ in range(count // 6 + 1)]
    footers = ["Reporting by Jane Doe.", _sentence(rng, 14)]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for n in range(count):
        paragraphs = [_sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.6:
            story = wire[min(len(wire) - 1, n // 6 + rng.randint(-1, 1))]
            first = rng.randrange(4)
            copied = story[first : first + rng.randint(1, 3)]
            if copied and rng.random() < 0.3:
                words = copied[0].split()
                words[rng.randrange(len(words))] = "reworded"
                copied = [" ".join(words), *copied[1:]]
            paragraphs[1:1] = copied
        if rng.random() < 0.3:
            paragraphs += footers[: rng.randint(1, 2)]
        if rng.random() < 0.05:
            paragraphs = footers[:]
        out.append(
            Article(
                id="",
                title=f"Article {n} {rng.random():.6f}",
                paragraphs=tuple(paragraphs),
                # Out of order now and then: folding order is not the list's order.
                published=start + timedelta(hours=n + rng.choice((0, 0, 0, -30))),
            )
        )
    return out


def drifting_corpus(count: int, seed: int) -> list[Article]:
    """Copies of a few long paragraphs, each copy one word further from the first: later
    copies fold onto earlier copies that folded themselves (chains of folds)."""
    rng = random.Random(seed)
    lines = [_sentence(rng, 30).split() for _ in range(3)]
    out = []
    for n in range(count):
        paragraphs = [_sentence(rng, rng.randint(8, 20))]
        for words in lines:
            if rng.random() < 0.7:
                words[rng.randrange(len(words))] = rng.choice(WORDS) + "s"
                paragraphs.append(" ".join(words))
        out.append(Article(id="", title=f"Drift {n}", paragraphs=tuple(paragraphs)))
    return out


def folded_in_order(library: Library) -> list[Article]:
    ids = [row.id for row in library.rows(include_archived=True)]
    places = library.fold_places(ids)
    assert len(places) == len(ids), "every stored article is folded"
    assert sorted(places.values()) == list(range(1, len(ids) + 1))
    return list(library.articles(sorted(ids, key=places.__getitem__)))


def stored_index(library: Library) -> FoldIndex:
    index = FoldIndex.from_bytes(library.get_blob(INDEX_BLOB) or b"")
    state = json.loads(library.get_blob(STATE_BLOB) or b"{}")
    for number, _ in state["deltas"]:
        index = index.extended(FoldDelta.from_bytes(library.get_blob(f"{INDEX_BLOB}.{number}")))
    return index


def assert_same_as_at_once(library: Library, threshold: float = DEFAULT_THRESHOLD) -> None:
    articles = folded_in_order(library)
    whole = fold(articles, threshold=threshold)
    plan = library_plan(library, threshold)
    assert dict(plan.by_article) == {
        a.id: whole.folds_for(a.id) for a in articles if whole.folds_for(a.id)
    }
    _, index = fold_new(FoldIndex(threshold), articles)
    assert stored_index(library).to_bytes() == index.to_bytes()
    expected = build_stories(articles, plan)
    stories = library_stories(library)
    assert sorted((s.article_ids, s.shared_paragraphs) for s in stories) == sorted(
        (s.article_ids, s.shared_paragraphs) for s in expected
    )
    numbers = [s.number for s in stories]
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_folding_batch_by_batch_equals_folding_everything_at_once(
    tmp_path: Path, seed: int
) -> None:
    articles = corpus(150, seed)
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(articles)), 6))
    with Library.open(tmp_path / "lib.sqlite3") as library:
        for start, end in zip([0, *cuts], [*cuts, len(articles)], strict=True):
            library.store_articles(articles[start:end], origin="test")
            assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == end - start
            assert library.unfolded_ids() == ()
            assert_same_as_at_once(library)
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 0
        assert len(library_stories(library)) >= 3  # the corpus does make stories


def test_a_memo_spares_reading_the_index_and_folds_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = corpus(90, 4)
    memo = FoldMemo()
    reads: list[str] = []
    original = Library.get_blob

    def counted(self: Library, name: str) -> bytes | None:
        reads.append(name)
        return original(self, name)

    monkeypatch.setattr(Library, "get_blob", counted)
    with Library.open(tmp_path / "lib.sqlite3") as library:
        for start in range(0, 90, 30):
            library.store_articles(articles[start : start + 30], origin="test")
            reads.clear()
            assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD, memo=memo) == 30
            if start:  # the index this process wrote last time is the stored one
                assert [name for name in reads if name.startswith(INDEX_BLOB)] == []
        assert_same_as_at_once(library)
        # Another writer (here: a fold without the memo) changes the state: the memo reloads.
        library.store_articles(corpus(10, 5), origin="test")
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 10
        library.store_articles(corpus(10, 6), origin="test")
        reads.clear()
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD, memo=memo) == 10
        assert INDEX_BLOB in reads
        assert_same_as_at_once(library)


def test_folds_onto_folded_paragraphs_count_as_the_same_text(tmp_path: Path) -> None:
    articles = drifting_corpus(60, seed=4)
    with Library.open(tmp_path / "lib.sqlite3") as library:
        for start in range(0, 60, 7):
            library.store_articles(articles[start : start + 7], origin="test")
            fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
            assert_same_as_at_once(library)
        plan = library_plan(library, DEFAULT_THRESHOLD)
    folded = {(aid, f.paragraph) for aid, folds in plan.by_article.items() for f in folds}
    chained = [
        f for folds in plan.by_article.values() for f in folds if astuple(f.same_as) in folded
    ]
    assert chained  # what this test is about


def test_stories_a_batch_does_not_reach_keep_their_numbers(tmp_path: Path) -> None:
    articles = corpus(120, seed=5)
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.store_articles(articles[:100], origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        before = {s.article_ids: s.number for s in library_stories(library)}
        library.store_articles(articles[100:], origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        after = {s.article_ids: s.number for s in library_stories(library)}
    kept = before.keys() & after.keys()
    assert kept and all(before[ids] == after[ids] for ids in kept)
    grown = [ids for ids in after if ids not in before]
    assert grown, "the late articles joined or made stories"


def test_small_batches_append_deltas_and_compact_now_and_then(tmp_path: Path) -> None:
    articles = corpus(160, seed=7)
    counts = []
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.store_articles(articles[:100], origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        base = library.get_blob(INDEX_BLOB)
        for start in range(100, 160, 2):
            library.store_articles(articles[start : start + 2], origin="test")
            stats: dict[str, float] = {}
            fold_new_articles(library, threshold=DEFAULT_THRESHOLD, stats=stats)
            assert stats["bytes"] > 0 and set(stats) >= {"load", "find", "fold", "stories", "write"}
            state = json.loads(library.get_blob(STATE_BLOB) or b"")
            counts.append(len(state["deltas"]))
            assert len(state["deltas"]) <= MAX_DELTAS
            assert sum(size for _, size in state["deltas"]) * 2 <= state["base_bytes"]
        assert_same_as_at_once(library)
        assert library.get_blob(INDEX_BLOB) != base  # compacted at least once
    assert max(counts) >= 2  # and appended deltas in between


def test_a_delta_chain_merges_into_one_delta(tmp_path: Path) -> None:
    articles = corpus(60, seed=8)
    for a_n, article in enumerate(articles):
        articles[a_n] = Article(f"a{a_n}", article.title, article.paragraphs)
    _, base = fold_new(FoldIndex(DEFAULT_THRESHOLD), articles[:30])
    _, middle, first = fold_new_delta(base, articles[30:45])
    _, end, second = fold_new_delta(middle, articles[45:])
    merged = FoldDelta.from_bytes(first.then(second).to_bytes())
    assert base.extended(merged).to_bytes() == end.to_bytes()
    assert FoldIndex.from_bytes(base.to_bytes()).extended(first).to_bytes() == middle.to_bytes()
    with pytest.raises(ValueError):
        second.then(first)
    with pytest.raises(ValueError):
        base.extended(second)


def test_a_failure_while_writing_leaves_the_batch_unfolded_and_it_folds_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = corpus(80, seed=9)
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.store_articles(articles[:60], origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        library.store_articles(articles[60:], origin="test")
        state = library.get_blob(STATE_BLOB)
        plan = library_plan(library, DEFAULT_THRESHOLD)
        stories = library_stories(library)
        real_put_blob = library_cache.put_blob

        def failing(conn: sqlite3.Connection, name: str, data: bytes, stored_at: str) -> None:
            real_put_blob(conn, name, data, stored_at)
            if name == STATE_BLOB:  # the delta and folds are written by now
                raise OSError("disk gone")

        monkeypatch.setattr(library_cache, "put_blob", failing)
        with pytest.raises(OSError):
            fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        monkeypatch.undo()
        assert library.get_blob(STATE_BLOB) == state
        assert library_plan(library, DEFAULT_THRESHOLD) == plan
        assert library_stories(library) == stories
        assert len(library.unfolded_ids()) == 20
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 20
        assert stored_index(library).articles == 80
        assert_same_as_at_once(library)


def test_a_batch_is_not_written_over_another_process_batch(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.put_blob(STATE_BLOB, b"theirs")
        assert not library.write_batch(
            BatchWrite(expect_blob=(STATE_BLOB, b"mine"), put_blobs=(("x", b"1"),))
        )
        assert library.get_blob("x") is None
        assert library.write_batch(
            BatchWrite(expect_blob=(STATE_BLOB, b"theirs"), put_blobs=(("x", b"1"),))
        )
        assert library.get_blob("x") == b"1"


def test_unfolded_articles_come_from_an_index_and_a_reused_row_number_is_found(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.sqlite3"
    articles = corpus(30, seed=10)
    with Library.open(path) as library:
        library.store_articles(articles[:20], origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
    with sqlite3.connect(path) as conn:
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        library_cache.unfolded_ids(conn)
        (plan,) = (conn.execute(f"EXPLAIN QUERY PLAN {s}").fetchall() for s in statements)
        assert any("articles_unfolded" in row[-1] for row in plan)
        assert not any("SCAN articles USING INDEX articles_by_time" in row[-1] for row in plan)
        conn.set_trace_callback(None)
        conn.execute("PRAGMA foreign_keys = ON")
        (last,) = conn.execute("SELECT max(seq) FROM articles").fetchone()
        conn.execute("DELETE FROM articles WHERE seq = ?", (last,))
    with Library.open(path) as library:
        library.store_articles(articles[20:], origin="test")
        with sqlite3.connect(path) as conn:  # the deleted article's row number, used again
            assert conn.execute(
                "SELECT folded FROM articles WHERE seq = ?", (last,)
            ).fetchone() == (0,)
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 10
        assert library.unfolded_ids() == ()


def test_another_threshold_folds_everything_again(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.store_articles(corpus(40, seed=11), origin="test")
        fold_new_articles(library, threshold=DEFAULT_THRESHOLD)
        assert fold_new_articles(library, threshold=75.0) == 40
        assert_same_as_at_once(library, threshold=75.0)


def make_v3_folded_library(path: Path, articles: list[Article]) -> list[str]:
    """A library as version 3 left it: one whole index blob, fold rows and a stories blob."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn, target=3) == 3
    entries = [
        Entry(
            content_hash(a.title, a.paragraphs),
            a.title,
            "",
            "",
            "",
            a.published,
            a.paragraphs,
            False,
            "t",
        )
        for a in articles
    ]
    conn.execute("BEGIN")
    store_entries(conn, None, "\n", entries, datetime(2024, 1, 1, tzinfo=UTC))
    conn.execute("COMMIT")
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY sort_at, seq")]
    titles = dict(conn.execute("SELECT id, title FROM articles"))
    by_title = {a.title: a for a in articles}
    stored = [Article(i, titles[i], by_title[titles[i]].paragraphs) for i in ids]
    plan, index = fold_new(FoldIndex(DEFAULT_THRESHOLD), stored)
    conn.execute("INSERT INTO blobs VALUES ('fold-index', ?, 'then')", (index.to_bytes(),))
    conn.execute("INSERT INTO blobs VALUES ('stories', '[]', 'then')")
    for aid, folds in plan.by_article.items():
        payload = json.dumps(
            [[f.paragraph, f.same_as.article_id, f.same_as.paragraph, f.score] for f in folds]
        )
        conn.execute("INSERT INTO cache VALUES ('folds', ?, ?, 'then')", (aid, payload.encode()))
    conn.close()
    return ids


def test_a_library_folded_before_version_4_keeps_its_index_and_folds_only_new_articles(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.sqlite3"
    articles = corpus(90, seed=12)
    ids = make_v3_folded_library(path, articles[:70])
    with Library.open(path) as library:
        places = library.fold_places(ids)
        assert [places[i] for i in ids] == list(range(1, 71))
        assert library.unfolded_ids() == ()
        library.store_articles(articles[70:], origin="test")
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 20
        assert library.get_blob("stories") is None
        assert_same_as_at_once(library)


def test_stories_saved_before_version_4_are_dropped_even_when_nothing_links(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.sqlite3"
    rng = random.Random(13)
    lonely = [
        Article("", f"Lonely {n}", tuple(_sentence(rng, 15) for _ in range(3))) for n in range(12)
    ]
    make_v3_folded_library(path, lonely[:10])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE blobs SET data = '[[1, [\"x\", \"y\"], 2]]' WHERE name = 'stories'")
    with Library.open(path) as library:
        assert len(library_stories(library)) == 1  # read until the first refresh
        library.store_articles(lonely[10:], origin="test")
        assert fold_new_articles(library, threshold=DEFAULT_THRESHOLD) == 2
        assert library_stories(library) == ()
        assert_same_as_at_once(library)
