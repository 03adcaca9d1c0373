"""Pages fetched with ``T`` across upgrades: from version 4, and through builds without FTS5."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_library_page_search import (
    FEED,
    assert_page_index_matches_cache,
    fetch_with_t,
    found,
    ids_by_key,
    item,
    page,
    sql,
    stocked,
)

from reader import library_schema
from reader.full_text import CACHE_KIND
from reader.library import Library
from reader.library_schema import LATEST_VERSION, apply_migrations, schema_version
from reader.library_search import page_search_ready, search_article_ids, text_search_ready


def without_fts5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_schema, "full_text_search_available", lambda conn: False)


def make_v4_with_pages(path: Path) -> None:
    """A library as version 4 left it, with two articles, one page cached and an orphan page."""
    with sqlite3.connect(path, isolation_level=None) as conn:
        assert apply_migrations(conn, target=4) == 4
        conn.execute("INSERT INTO feeds (url, title, added_at) VALUES (?, 'Old', '2024')", (FEED,))
        for seq in (1, 2):
            conn.execute(
                "INSERT INTO articles (seq, id, feed_id, key, title, sort_at, content_hash, "
                "fetched_at) VALUES (?, ?, 1, ?, 'Old story', 0, 'h', '2024')",
                (seq, f"id{seq}", f"k{seq}"),
            )
            conn.execute(
                "INSERT INTO article_bodies (seq, paragraphs) VALUES (?, '[\"Sum.\"]')", (seq,)
            )
        for key, payload in [
            ("id1", page("Avalanche warning.", "Snow.")),
            ("id2", b"{broken"),
            ("gone", page("Avalanche elsewhere.")),
        ]:
            conn.execute(
                "INSERT INTO cache (kind, content_hash, payload, stored_at) VALUES (?, ?, ?, '')",
                (CACHE_KIND, key, payload),
            )
    conn.close()


def test_a_v4_library_with_cached_pages_finds_them_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    make_v4_with_pages(path)
    with Library.open(path) as lib:
        assert lib.search_text("avalanche") == ("id1",)
        assert lib.search_text("avalanche snow") == ("id1",)
        assert sorted(lib.search_text("old story") or ()) == ["id1", "id2"]
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert page_search_ready(conn)
    conn.close()
    assert_page_index_matches_cache(path)


def test_without_fts5_full_text_is_cached_and_read_and_search_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite3"
    without_fts5(monkeypatch)
    with Library.open(path) as lib:
        lib.subscribe(FEED)
        lib.store_items(FEED, [item("pier", "Pier", "Short.")], etag="", last_modified="")
        fetch_with_t(lib, "pier", "Pelicans nest here.")
        fetch_with_t(lib, "pier", "Pelicans nest here.")  # read back from the cache
        article_id = ids_by_key(lib)["pier"]
        assert lib.cached(CACHE_KIND, article_id) == page(
            "Pelicans nest here.", url="https://news.example/pier"
        )
        lib.cache(CACHE_KIND, article_id, page("Replaced."))
        assert lib.clear_cache(CACHE_KIND) == 1
        lib.cache(CACHE_KIND, article_id, page("Cormorants dive."))
        assert lib.search_text("cormorants") is None
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert not text_search_ready(conn) and not page_search_ready(conn)
        assert search_article_ids(conn, "cormorants") is None
    conn.close()
    monkeypatch.undo()
    # The first build with FTS5 builds both indexes, pages cached meanwhile included.
    with Library.open(path) as lib:
        assert found(lib, "cormorants") == ["pier"]
        assert found(lib, "pelicans") == []
    assert_page_index_matches_cache(path)


def test_an_old_library_opened_without_fts5_then_with_it_gets_a_whole_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite3"
    make_v4_with_pages(path)
    without_fts5(monkeypatch)
    with Library.open(path) as lib:  # migrates to 5 without the page index, drops triggers
        assert lib.search_text("avalanche") is None
        lib.cache(CACHE_KIND, "id2", page("Blizzard."))  # replaces the broken page
        lib.cache(CACHE_KIND, "id1", page("Thaw."))
        sql(path, "DELETE FROM cache WHERE content_hash = 'gone'")
    monkeypatch.undo()
    with Library.open(path) as lib:
        assert lib.search_text("blizzard") == ("id2",)
        assert lib.search_text("thaw") == ("id1",)
        assert lib.search_text("avalanche") == ()
    assert_page_index_matches_cache(path)


def test_a_build_without_fts5_drops_page_triggers_and_a_later_one_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite3"
    with stocked(path) as library:
        keys = ids_by_key(library)
        library.cache(CACHE_KIND, keys["pier"], page("Puffins."))
    without_fts5(monkeypatch)
    with Library.open(path) as lib:
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'page%'"
        assert sql(path, triggers) == []
        lib.cache(CACHE_KIND, keys["vote"], page("Otters."))
        assert lib.clear_cache("fold") == 0
        lib.cache(CACHE_KIND, keys["pier"], page("Seals."))
    monkeypatch.undo()
    with Library.open(path) as lib:
        assert found(lib, "otters") == ["vote"]
        assert found(lib, "seals") == ["pier"] and found(lib, "puffins") == []
    assert_page_index_matches_cache(path)


def test_a_lost_page_index_is_rebuilt_and_search_meanwhile_keeps_to_titles(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.sqlite3"
    with stocked(path) as library:
        keys = ids_by_key(library)
        library.cache(CACHE_KIND, keys["pier"], page("Jellyfish."))
        with sqlite3.connect(path, isolation_level=None) as conn:
            conn.execute("DROP TRIGGER page_search_cache_deleted")
            assert text_search_ready(conn) and not page_search_ready(conn)
            assert search_article_ids(conn, "jellyfish") == ()
            assert search_article_ids(conn, "budget") == (keys["vote"],)
        conn.close()
        library.clear_cache(CACHE_KIND)  # unseen by the index without its trigger
        library.cache(CACHE_KIND, keys["rain"], page("Starfish."))
    with Library.open(path) as again:
        assert found(again, "jellyfish") == []
        assert found(again, "starfish") == ["rain"]
    assert_page_index_matches_cache(path)
