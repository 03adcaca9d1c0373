"""``newsfold remove URL...``: one line per feed removed, unknown URLs named on stderr, exit 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.library import Library, NewItem
from tui.cli import EXIT_OK, EXIT_SOURCE_FAILED, main

NEWS = "https://news.example/rss"
SPORTS = "https://sports.example/feed"


def item(key: str) -> NewItem:
    return NewItem(key, f"Title {key}", f"https://x.example/{key}", "", None, (f"Text {key}.",))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library with two feeds: three news articles (one starred) and two sports ones."""
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv("NEWSFOLD_DB", str(path))
    with Library.open(path) as library:
        for url, keys in ((NEWS, ["n1", "n2", "n3"]), (SPORTS, ["s1", "s2"])):
            library.subscribe(url)
            library.store_items(url, [item(key) for key in keys], etag="", last_modified="")
        starred = next(row.id for row in library.rows() if row.title == "Title n2")
        library.set_flags([starred], starred=True)
    return path


def stored(path: Path) -> tuple[list[str], list[str]]:
    """Subscribed URLs and stored article titles, read straight from the file."""
    with sqlite3.connect(path) as conn:
        feeds = [url for (url,) in conn.execute("SELECT url FROM feeds ORDER BY url")]
        titles = [title for (title,) in conn.execute("SELECT title FROM articles ORDER BY title")]
    return feeds, titles


def test_remove_reports_each_feed_and_keeps_starred_articles(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["remove", NEWS, SPORTS]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"removed {NEWS}: 2 article(s) deleted, kept 1 starred",
        f"removed {SPORTS}: 2 article(s) deleted",
    ]
    assert captured.err == ""
    assert stored(db) == ([], ["Title n2"])


def test_an_unknown_url_is_named_on_stderr_and_the_others_are_still_removed(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "https://never.example/rss"
    assert main(["remove", unknown, SPORTS, SPORTS]) == EXIT_SOURCE_FAILED
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"removed {SPORTS}: 2 article(s) deleted"]
    # The second SPORTS is unknown by then: it went with the first.
    assert captured.err.splitlines() == [
        f"newsfold: {unknown}: not subscribed",
        f"newsfold: {SPORTS}: not subscribed",
    ]
    feeds, titles = stored(db)
    assert feeds == [NEWS] and titles == ["Title n1", "Title n2", "Title n3"]


def test_a_feed_file_is_removed_by_the_path_it_was_added_with(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_file = tmp_path / "feeds" / "local.xml"
    feed_file.parent.mkdir()
    feed_file.write_text("<rss/>", encoding="utf-8")
    with Library.open(db) as library:
        library.subscribe(str(feed_file.resolve()))
    monkeypatch.chdir(tmp_path)
    assert main(["remove", "feeds/local.xml"]) == EXIT_OK
    assert capsys.readouterr().out == f"removed {feed_file.resolve()}: 0 article(s) deleted\n"
    assert stored(db)[0] == [NEWS, SPORTS]


def test_remove_needs_a_url(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["remove"])
    assert exited.value.code == 2
    assert "URL" in capsys.readouterr().err
