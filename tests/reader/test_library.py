"""The SQLite library: identity, flags and undo, transactions, locking and crash safety."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs
import pytest

import reader.library_rows
from reader.db_path import default_db_path
from reader.library import Library, LibraryError, NewItem, article_record
from reader.model import Article

FEED = "https://news.example/rss"
OTHER = "https://other.example/feed"


class Clock:
    """A clock that moves one minute each time it is read, so stored times differ."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def item(key: str, title: str = "", *paragraphs: str, published: datetime | None = None) -> NewItem:
    return NewItem(
        key=key,
        title=title or f"Title {key}",
        url=f"https://news.example/{key}",
        author="",
        published=published,
        paragraphs=paragraphs or (f"Text of {key}.",),
    )


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib.sqlite3", clock=Clock()) as lib:
        lib.subscribe(FEED, "News")
        yield lib


def flags(lib: Library) -> dict[str, tuple[bool, bool, bool, str | None]]:
    """Every article's flags and read time, read straight from the table."""
    with sqlite3.connect(lib.path) as conn:
        rows = conn.execute("SELECT id, read, starred, archived, read_at FROM articles").fetchall()
    return {row[0]: (bool(row[1]), bool(row[2]), bool(row[3]), row[4]) for row in rows}


def test_default_path_prefers_the_environment_and_creates_nothing(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "my.sqlite3"
    assert default_db_path({"NEWSFOLD_DB": str(chosen)}) == chosen
    fallback = default_db_path({"NEWSFOLD_DB": ""})
    assert fallback == platformdirs.user_data_path("newsfold", appauthor=False) / "library.sqlite3"
    assert not chosen.parent.exists()


def test_open_creates_the_folder_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "lib.sqlite3"
    with Library.open(path) as lib:
        lib.subscribe(FEED)
    assert path.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_storing_the_same_items_again_adds_nothing(library: Library) -> None:
    items = [item("a"), item("b"), item("c")]
    first = library.store_items(FEED, items, etag='"1"', last_modified="Mon")
    again = library.store_items(FEED, items, etag='"2"', last_modified="Tue")
    assert len(first.added) == 3 and first.updated == ()
    assert again.added == () and again.updated == ()
    assert sorted(r.id for r in library.rows()) == sorted(first.added)
    (feed,) = library.subscriptions()
    assert (feed.etag, feed.last_modified, feed.unread) == ('"2"', "Tue", 3)


def test_a_key_repeated_in_one_fetch_is_stored_once(library: Library) -> None:
    result = library.store_items(
        FEED, [item("a", "First"), item("a", "Second")], etag="", last_modified=""
    )
    assert len(result.added) == 1
    assert library.article(result.added[0]).title == "First"


def test_the_same_item_in_two_feeds_stays_two_articles(library: Library) -> None:
    library.subscribe(OTHER)
    one = library.store_items(FEED, [item("shared")], etag="", last_modified="")
    two = library.store_items(OTHER, [item("shared")], etag="", last_modified="")
    assert one.added != two.added
    assert {r.feed_id for r in library.rows()} == {s.id for s in library.subscriptions()}


def test_changed_content_updates_the_text_and_keeps_flags(library: Library) -> None:
    (article_id,) = library.store_items(
        FEED, [item("a", "Old", "old text")], etag="", last_modified=""
    ).added
    library.set_flags([article_id], read=True, starred=True)
    before = flags(library)[article_id]
    result = library.store_items(
        FEED, [item("a", "New", "new text", "more")], etag="", last_modified=""
    )
    assert result == type(result)(added=(), updated=(article_id,))
    article = library.article(article_id)
    assert (article.title, article.paragraphs) == ("New", ("new text", "more"))
    assert flags(library)[article_id] == before


def test_a_summary_never_replaces_a_full_text(library: Library) -> None:
    full = item("a", "Story", "full paragraph one", "full paragraph two")
    (article_id,) = library.store_items(FEED, [full], etag="", last_modified="").added
    summary = NewItem("a", "Story", full.url, "", None, ("short summary",), summary_only=True)
    assert library.store_items(FEED, [summary], etag="", last_modified="").updated == ()
    assert library.article(article_id).paragraphs == full.paragraphs


def test_rows_are_newest_first_by_published_else_fetched_time(library: Library) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    library.store_items(FEED, [item("dated", published=old)], etag="", last_modified="")
    library.store_items(FEED, [item("undated-1")], etag="", last_modified="")
    library.store_items(FEED, [item("undated-2")], etag="", last_modified="")
    future = datetime(2030, 1, 1, tzinfo=UTC)
    library.store_items(FEED, [item("future", published=future)], etag="", last_modified="")
    titles = [row.title for row in library.rows()]
    assert titles == ["Title future", "Title undated-2", "Title undated-1", "Title dated"]
    assert library.rows()[-1].published == old


def test_filters_select_unread_starred_archived_and_feed(library: Library) -> None:
    library.subscribe(OTHER)
    ids = library.store_items(FEED, [item(k) for k in "abcd"], etag="", last_modified="").added
    (other_id,) = library.store_items(OTHER, [item("x")], etag="", last_modified="").added
    library.set_flags(ids[:2], read=True)
    library.set_flags([ids[1], ids[2]], starred=True)
    library.set_flags([ids[3]], archived=True)
    feed_id = next(s.id for s in library.subscriptions() if s.url == FEED)

    def chosen(**kwargs: Any) -> set[str]:
        return {row.id for row in library.rows(**kwargs)}

    assert chosen() == {*ids[:3], other_id}
    assert chosen(include_archived=True) == {*ids, other_id}
    assert chosen(unread=True) == {ids[2], other_id}
    assert chosen(starred=True) == {ids[1], ids[2]}
    assert chosen(feed_id=feed_id) == set(ids[:3])
    unread = {s.url: s.unread for s in library.subscriptions()}
    assert unread == {FEED: 1, OTHER: 1}


def test_set_flags_records_only_what_changed_and_restore_puts_it_back(library: Library) -> None:
    ids = library.store_items(FEED, [item(k) for k in "abc"], etag="", last_modified="").added
    library.set_flags([ids[0]], read=True)
    original = flags(library)
    change = library.set_flags([*ids, "no-such-id"], read=True)
    assert set(change.ids) == {ids[1], ids[2]}
    assert all(state[0] and state[3] for state in flags(library).values())
    assert flags(library)[ids[0]] == original[ids[0]]  # its first read time is kept
    library.restore(change)
    assert flags(library) == original


def test_undo_walks_back_through_every_intermediate_state(library: Library) -> None:
    ids = library.store_items(FEED, [item(k) for k in "abcdef"], etag="", last_modified="").added
    steps = [
        (ids[:4], {"read": True}),
        (ids[2:], {"starred": True, "read": False}),
        (ids[1:3], {"archived": True, "read": True}),
        (ids, {"starred": False}),
    ]
    history = [flags(library)]
    changes = []
    for chosen, values in steps:
        changes.append(library.set_flags(chosen, **values))
        history.append(flags(library))
    assert len({json.dumps(sorted(state.items())) for state in history}) == len(history)
    for change, expected in zip(reversed(changes), reversed(history[:-1]), strict=True):
        library.restore(change)
        assert flags(library) == expected


def test_flags_on_more_ids_than_one_statement_takes(library: Library) -> None:
    items = [item(f"k{n}") for n in range(2500)]
    ids = library.store_items(FEED, items, etag="", last_modified="").added
    change = library.set_flags(ids, read=True)
    assert len(change.previous) == 2500 and library.rows(unread=True) == ()
    library.restore(change)
    assert len(library.rows(unread=True)) == 2500


def test_an_error_mid_store_rolls_back_the_whole_store(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.store_items(FEED, [item("kept")], etag='"before"', last_modified="")
    real = reader.library_rows.encode_paragraphs
    calls = []

    def failing(paragraphs: tuple[str, ...]) -> str:
        calls.append(paragraphs)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(paragraphs)

    monkeypatch.setattr(reader.library_rows, "encode_paragraphs", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        library.store_items(FEED, [item(k) for k in "abcde"], etag='"after"', last_modified="")
    assert len(calls) == 3  # two articles were written inside the transaction before it failed
    assert [row.title for row in library.rows()] == ["Title kept"]
    assert library.subscriptions()[0].etag == '"before"'
    monkeypatch.setattr(reader.library_rows, "encode_paragraphs", real)
    assert len(library.store_items(FEED, [item("f")], etag="", last_modified="").added) == 1


def test_loaded_articles_are_identified_by_their_text(library: Library) -> None:
    article = Article("a1", "Loaded", ("one", "two"), source="Wire", origin="a.txt")
    first = library.store_articles([article], origin="cli")
    again = library.store_articles([Article("other-id", "Loaded", ("one", "two"))], origin="cli")
    assert len(first.added) == 1 and again.added == ()
    stored = library.article(first.added[0])
    assert (stored.title, stored.paragraphs, stored.source, stored.origin) == (
        "Loaded",
        ("one", "two"),
        "Wire",
        "a.txt",
    )
    assert library.rows()[0].feed_id is None


def test_unsubscribe_removes_the_feed_but_keeps_starred_articles(library: Library) -> None:
    ids = library.store_items(FEED, [item(k) for k in "abc"], etag="", last_modified="").added
    library.set_flags([ids[1]], starred=True)
    assert library.unsubscribe(FEED) == 2
    assert library.subscriptions() == ()
    (kept,) = library.rows()
    assert (kept.id, kept.starred, kept.feed_id) == (ids[1], True, None)
    assert library.unsubscribe(FEED) == 0


def test_subscribe_is_idempotent_and_errors_are_recorded(library: Library) -> None:
    again = library.subscribe(FEED)
    assert again.title == "News" and len(library.subscriptions()) == 1
    library.record_error(FEED, "HTTP 500")
    assert library.subscriptions()[0].last_error == "HTTP 500"
    library.record_not_modified(FEED)
    (feed,) = library.subscriptions()
    assert feed.last_error == "" and feed.last_fetch_at is not None
    with pytest.raises(LibraryError, match="not subscribed"):
        library.store_items(OTHER, [item("a")], etag="", last_modified="")


def test_unknown_article_is_a_key_error_and_batches_keep_the_order(library: Library) -> None:
    with pytest.raises(KeyError):
        library.article("nope")
    ids = library.store_items(
        FEED, [item(f"k{n}") for n in range(1000)], etag="", last_modified=""
    ).added
    asked = [ids[999], "nope", ids[0], *ids[1:999]]
    assert [a.id for a in library.articles(asked)] == [ids[999], ids[0], *ids[1:999]]


def test_article_record_has_exactly_the_json_fields(library: Library) -> None:
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    (article_id,) = library.store_items(
        FEED, [item("a", published=when)], etag="", last_modified=""
    ).added
    library.set_flags([article_id], starred=True)
    record = article_record(library.rows()[0])
    assert record == {
        "id": article_id,
        "title": "Title a",
        "url": "https://news.example/a",
        "source": "News",
        "published": "2025-01-02T03:04:05+00:00",
        "read": False,
        "starred": True,
        "archived": False,
    }
    assert json.loads(json.dumps(record)) == record


def test_cache_and_blobs_round_trip_and_prune(library: Library) -> None:
    (article_id,) = library.store_items(FEED, [item("a")], etag="", last_modified="").added
    stored = library.article(article_id)
    digest = reader.library_rows.content_hash(stored.title, stored.paragraphs)
    assert library.cached("fold", digest) is None
    library.cache("fold", digest, b"\x00plan")
    library.cache("fold", "gone", b"old")
    library.cache("fold", digest, b"\x01plan")
    assert library.cached("fold", digest) == b"\x01plan"
    assert library.cached("entities", digest) is None
    library.cache("by-id", article_id, b"kept")
    assert library.prune_cache("fold") == 1
    assert library.cached("fold", "gone") is None
    assert library.cached("by-id", article_id) == b"kept"  # other kinds are left alone
    library.cache_many("by-id", [("x", b"1"), (article_id, b"2")])
    assert sorted(library.cached_all("by-id")) == [(article_id, b"2"), ("x", b"1")]
    assert library.clear_cache("by-id") == 2 and library.cached_all("by-id") == ()
    library.put_blob("fold-index", b"\xff" * 10)
    assert library.get_blob("fold-index") == b"\xff" * 10 and library.get_blob("x") is None


def test_a_writer_holding_the_lock_makes_writes_fail_as_busy(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Library.open(path, busy_timeout=0.2) as lib:
            started = time.monotonic()
            with pytest.raises(LibraryError, match="^library is busy: ") as caught:
                lib.subscribe(FEED)
            assert 0.15 <= time.monotonic() - started < 5
            assert "\n" not in str(caught.value)
            assert lib.subscriptions() == ()  # reading still works while another writes
    finally:
        holder.execute("ROLLBACK")
        holder.close()


WRITER = """
import sys
from reader.library import Library, NewItem
lib = Library.open(sys.argv[1])
lib.subscribe("https://news.example/rss")
for batch in range(100_000):
    items = [
        NewItem(f"{batch}:{n}", f"t{n}", "", "", None, ("x" * 200,) * 5) for n in range(50)
    ]
    lib.store_items("https://news.example/rss", items, etag=str(batch), last_modified="")
    print(batch, flush=True)
"""


def test_kill_9_mid_refresh_leaves_every_committed_batch_whole(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = [int(writer.stdout.readline()) for _ in range(8)]
    time.sleep(0.03)  # land somewhere inside a later batch's transaction
    writer.send_signal(signal.SIGKILL)
    committed += [int(line) for line in writer.stdout.read().split()]
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = [row[0] for row in conn.execute("SELECT key FROM articles")]
        etag = conn.execute("SELECT etag FROM feeds").fetchone()[0]
        bodies = conn.execute("SELECT count(*) FROM article_bodies").fetchone()[0]
    per_batch: dict[int, int] = {}
    for key in keys:
        batch = int(key.split(":")[0])
        per_batch[batch] = per_batch.get(batch, 0) + 1
    assert set(per_batch.values()) == {50}  # no partial batch
    assert sorted(per_batch) == list(range(len(per_batch)))  # no gap
    assert max(per_batch) >= max(committed)  # nothing acknowledged was lost
    assert etag == str(max(per_batch)) and bodies == len(keys)
