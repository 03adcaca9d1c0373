"""Opening library files: migrations with backups, newer and corrupt files refused untouched."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from reader.library import Library, LibraryError
from reader.library_schema import LATEST_VERSION, MIGRATIONS, apply_migrations, schema_version

FEED = "https://news.example/rss"


def schema_of(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        return sorted((name, " ".join(sql.split())) for name, sql in rows)


def make_v1(path: Path) -> None:
    """A library as the first release left it, with one feed and one article."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn, target=1) == 1
    conn.execute(
        "INSERT INTO feeds (url, title, added_at) VALUES (?, 'Old', '2024-01-01')", (FEED,)
    )
    conn.execute(
        "INSERT INTO articles (id, feed_id, key, title, sort_at, content_hash, fetched_at, read) "
        "VALUES ('abc123', 1, 'k', 'Kept title', 0, 'h', '2024-01-01', 1)"
    )
    conn.execute("INSERT INTO article_bodies (seq, paragraphs) VALUES (1, '[\"para\"]')")
    conn.close()


def test_migrations_are_numbered_one_by_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION == len(MIGRATIONS) >= 2


def test_a_new_file_gets_the_latest_schema_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []


def test_a_v1_library_migrates_to_the_latest_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    make_v1(path)
    with Library.open(path) as lib:
        (row,) = lib.rows()
        assert (row.id, row.title, row.read) == ("abc123", "Kept title", True)
        assert lib.article("abc123").paragraphs == ("para",)
        lib.cache("fold", "h", b"works")  # a table the migration added
        assert lib.subscriptions()[0].unread == 0
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
    (backup,) = tmp_path.glob("lib.sqlite3.v1-backup-*")
    with sqlite3.connect(backup) as conn:
        assert schema_version(conn) == 1
        assert conn.execute("SELECT title FROM articles").fetchall() == [("Kept title",)]
    fresh = tmp_path / "fresh.sqlite3"
    Library.open(fresh).close()
    assert schema_of(path) == schema_of(fresh)  # upgrading ends where a new library starts


def test_a_library_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer newsfold") as caught:
        Library.open(path)
    assert f"v{LATEST_VERSION + 1}" in str(caught.value)
    assert path.read_bytes() == before


def test_a_corrupt_file_is_refused_and_copied_aside_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    garbage = b"this is not sqlite at all\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(LibraryError, match=r"^library\.sqlite3 is not a database \(corrupt\?\)"):
        Library.open(path)
    assert path.read_bytes() == garbage
    (copy,) = tmp_path.glob("library.sqlite3.corrupt-*")
    assert copy.read_bytes() == garbage
    with pytest.raises(LibraryError, match=re.escape(copy.name)):
        Library.open(path)  # the same damaged file is not copied twice
    assert len(list(tmp_path.glob("library.sqlite3.corrupt-*"))) == 1


def test_a_folder_that_cannot_be_created_is_a_library_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot create"):
        Library.open(blocker / "lib.sqlite3")


def test_migrating_a_library_another_process_just_migrated_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, isolation_level=None, timeout=5)
    assert schema_version(second) == 0
    assert apply_migrations(first) == LATEST_VERSION
    before = schema_of(path)
    assert apply_migrations(second) == LATEST_VERSION
    first.close()
    second.close()
    assert schema_of(path) == before
