"""newsfold add / refresh / articles / export-opml against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feed_server import RSS_ETAG, FeedServer

from reader.library import Library
from tui.cli import main

ARTICLE_KEYS = ["id", "title", "url", "source", "published", "read", "starred", "archived"]


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv("NEWSFOLD_DB", str(path))
    return path


def articles(capsys: pytest.CaptureFixture[str], *flags: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["articles", "--json", *flags]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_add_fetches_every_feed_and_refresh_reports_each_failure_on_one_line(
    server: FeedServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [server.url(path) for path in ("/rss.xml", "/atom.xml", "/feed.json", "/missing")]
    assert main(["add", *urls]) == 0
    err = capsys.readouterr().err
    assert "/missing: HTTP 404" in err
    assert "3 new" in err or "new" in err
    stored = articles(capsys)
    assert stored and all(list(record) == ARTICLE_KEYS for record in stored)
    sources = {record["source"] for record in stored}
    assert {"City Desk", "Mountain Post", "River Notes"} <= sources
    assert all(record["read"] is False for record in stored)
    # A refresh exits 0 although one feed failed, and stores nothing twice.
    assert main(["refresh"]) == 0
    err = capsys.readouterr().err
    assert err.count("HTTP 404") == 1 and "Traceback" not in err
    assert len(articles(capsys)) == len(stored)


def test_refresh_sends_the_validators_and_an_unchanged_feed_costs_a_304(
    server: FeedServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", server.url("/rss.xml")]) == 0
    assert main(["refresh"]) == 0
    assert "not modified" in capsys.readouterr().err
    second = server.request_headers["/rss.xml"][-1]
    assert second.get("if-none-match") == RSS_ETAG
    assert "newsfold/" in second.get("user-agent", "")


def test_a_slow_feed_times_out_while_the_others_are_stored(
    server: FeedServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "--no-fetch", server.url("/slow"), server.url("/feed.json")]) == 0
    assert main(["refresh", "--timeout", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "/slow: timed out" in err
    assert {record["source"] for record in articles(capsys)} == {"River Notes"}


def test_a_redirected_feed_is_stored_under_its_subscription(
    server: FeedServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", server.url("/moved")]) == 0
    assert {record["source"] for record in articles(capsys)} == {"City Desk"}


def test_opml_subscribes_every_feed_and_never_a_command(
    server: FeedServer, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="News"><outline text="Desk" xmlUrl="' + server.url("/rss.xml") + '"/>'
        '<outline text="Shell" xmlUrl="|touch pwned"/>'
        '<outline text="Script" xmlUrl="javascript:alert(1)"/></outline>'
        '<outline text="Json" xmlUrl="' + server.url("/feed.json") + '"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["add", "--no-fetch", str(opml)]) == 0
    with Library.open(db) as library:
        urls = [s.url for s in library.subscriptions()]
    assert sorted(urls) == sorted([server.url("/rss.xml"), server.url("/feed.json")])
    capsys.readouterr()
    assert main(["export-opml"]) == 0
    exported = capsys.readouterr().out
    assert exported.startswith("<?xml") and server.url("/rss.xml") in exported
    exported_file = tmp_path / "again.opml"
    exported_file.write_text(exported, encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    assert main(["add", "--no-fetch", "--db", str(other), str(exported_file)]) == 0
    with Library.open(other) as library:
        assert sorted(s.url for s in library.subscriptions()) == sorted(urls)


def test_articles_filters_unread_and_starred(
    server: FeedServer, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", server.url("/feed.json")]) == 0
    everything = articles(capsys)
    first, second = everything[0]["id"], everything[1]["id"]
    with Library.open(db) as library:
        library.set_flags([str(first)], read=True, starred=True)
        library.set_flags([str(second)], archived=True)
    assert [r["id"] for r in articles(capsys, "--starred")] == [first]
    assert first not in [r["id"] for r in articles(capsys, "--unread")]
    archived = [r for r in articles(capsys) if r["archived"]]
    assert [r["id"] for r in archived] == [second]


def test_refresh_with_nothing_subscribed_is_the_only_failure(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["refresh"]) == 1
    assert "no subscriptions" in capsys.readouterr().err


def test_add_keeps_plain_article_files_and_folds_them(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = Path(__file__).resolve().parents[2] / "seeds" / "000_65b293f206ed6792.txt"
    assert main(["add", str(seed)]) == 0
    assert main(["add", str(seed)]) == 0  # the same text again adds nothing
    (record,) = articles(capsys)
    assert record["title"].startswith("U.S. Secretary of State John Kerry")
    assert record["source"] == seed.name
    from reader.library_folds import library_plan

    with Library.open(db) as library:
        plan = library_plan(library, 85.0)
    assert len(plan.folds_for(str(record["id"]))) == 8


def test_an_unreadable_source_is_one_line_and_exit_1(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", str(tmp_path / "nope.xml")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.xml" in err


def test_a_corrupt_library_is_one_line_and_left_untouched(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_bytes(b"this is not a database" * 100)
    assert main(["articles", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a database" in err
    assert db.read_bytes() == b"this is not a database" * 100
