"""Opening without upgrading: quick when the library is current, refused untouched otherwise."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from test_library_page_search_upgrades import make_v4_with_pages

from reader.library import Library, LibraryError, LibraryNeedsUpgrade
from reader.library_schema import LATEST_VERSION, schema_version
from reader.model import Article


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_current_library_opens_without_upgrading_and_reads(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        library.store_articles([Article("a", "Harbour news", ("The pier reopened.",))], origin="t")
    with Library.open(path, upgrade=False) as library:
        assert [row.title for row in library.rows()] == ["Harbour news"]
        assert library.search_text("pier") is not None


def test_a_missing_library_is_created_without_upgrading(tmp_path: Path) -> None:
    path = tmp_path / "new" / "lib.sqlite3"
    with Library.open(path, upgrade=False) as library:
        assert library.rows() == ()
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
    conn.close()


def test_an_old_library_is_refused_untouched_and_migrates_when_upgrading(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    make_v4_with_pages(path)
    before = digest(path)
    with pytest.raises(LibraryNeedsUpgrade, match="migration from schema v4"):
        Library.open(path, upgrade=False)
    assert digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["lib.sqlite3"]  # no backup taken either
    with Library.open(path) as library:  # the ordinary open still migrates it
        assert library.search_text("avalanche") == ("id1",)


def test_a_library_missing_its_search_index_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        library.store_articles([Article("a", "Harbour news", ("The pier reopened.",))], origin="t")
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("DROP TRIGGER page_search_cache_deleted")
    conn.close()
    with pytest.raises(LibraryNeedsUpgrade, match="search index"):
        Library.open(path, upgrade=False)
    with sqlite3.connect(path) as conn:
        triggers = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "page_search_cache_deleted" not in triggers
    with Library.open(path) as library:
        assert library.search_text("pier") == tuple(row.id for row in library.rows())


def test_a_corrupt_file_is_refused_without_a_copy_until_an_ordinary_open(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(LibraryNeedsUpgrade, match="not a database"):
        Library.open(path, upgrade=False)
    assert [p.name for p in tmp_path.iterdir()] == ["lib.sqlite3"]
    with pytest.raises(LibraryError, match="a copy was kept"):
        Library.open(path)
    assert len(list(tmp_path.iterdir())) == 2


def test_needing_an_upgrade_is_a_library_error(tmp_path: Path) -> None:
    # Callers that only know LibraryError still catch it.
    assert issubclass(LibraryNeedsUpgrade, LibraryError)
