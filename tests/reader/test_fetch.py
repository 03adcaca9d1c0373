"""Concurrent downloads against a real local server: caching, redirects, limits, timeouts, files."""

from __future__ import annotations

import gzip
import os
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import FEEDS, RSS_ETAG, RSS_LAST_MODIFIED, FeedServer

from reader.feeds import parse_feed
from reader.fetch import (
    FetchRequest,
    FetchResult,
    _Inflater,
    default_user_agent,
    fetch_all,
    fetch_one,
)

TIMEOUT = 0.5


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    # A proxy configured in the environment must not intercept requests to the test server.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FeedServer() as running:
        yield running


def test_fetch_all_returns_results_in_request_order_while_one_feed_times_out(
    server: FeedServer,
) -> None:
    paths = ["/slow", "/rss.xml", "/atom.xml", "/feed.json", "/missing", "/moved"]
    finished: list[str] = []
    lock = threading.Lock()

    def record(result: FetchResult) -> None:
        with lock:
            finished.append(result.url)

    started = time.monotonic()
    results = fetch_all(
        [FetchRequest(server.url(path)) for path in paths], timeout=TIMEOUT, on_result=record
    )
    elapsed = time.monotonic() - started

    assert [result.url for result in results] == [server.url(path) for path in paths]
    assert sorted(finished) == sorted(server.url(path) for path in paths)
    # The slow feed was requested first yet reported last: results arrive as they finish.
    assert finished[-1] == server.url("/slow")
    assert elapsed < TIMEOUT + 0.5

    slow, rss, atom, json_feed, missing, moved = results
    assert (slow.status, slow.body, slow.error) == (0, None, f"timed out after {TIMEOUT:g} s")
    assert TIMEOUT <= slow.seconds < TIMEOUT + 0.3
    assert rss.ok and rss.status == 200
    assert rss.body == (FEEDS / "rss20_content.xml").read_bytes()
    assert (rss.etag, rss.last_modified) == (RSS_ETAG, RSS_LAST_MODIFIED)
    assert rss.content_type.startswith("application/rss+xml")
    assert atom.body == (FEEDS / "atom_xhtml.xml").read_bytes()
    assert parse_feed(json_feed.body or b"", source=json_feed.url).kind == "json11"
    assert (missing.status, missing.body, missing.error) == (404, None, "HTTP 404 Not Found")
    assert moved.ok and moved.final_url == server.url("/rss.xml")
    assert moved.body == rss.body


def test_conditional_requests_get_304_without_a_body(server: FeedServer) -> None:
    first = fetch_one(server.url("/rss.xml"), timeout=TIMEOUT)
    by_etag = fetch_one(FetchRequest(server.url("/rss.xml"), etag=first.etag), timeout=TIMEOUT)
    by_date = fetch_one(
        FetchRequest(server.url("/rss.xml"), last_modified=first.last_modified), timeout=TIMEOUT
    )
    stale = fetch_one(FetchRequest(server.url("/rss.xml"), etag='"old"'), timeout=TIMEOUT)

    assert not first.not_modified and first.body
    for result in (by_etag, by_date):
        assert result.not_modified and result.ok
        assert (result.status, result.body) == (304, None)
        assert result.etag == RSS_ETAG
    assert by_date.last_modified == RSS_LAST_MODIFIED
    assert stale.status == 200 and stale.body == first.body
    assert server.hits["/rss.xml"] == 4
    sent = server.request_headers["/rss.xml"]
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == RSS_ETAG
    assert sent[2]["if-modified-since"] == RSS_LAST_MODIFIED


def test_requests_identify_newsfold_and_accept_compression(server: FeedServer) -> None:
    fetch_one(server.url("/rss.xml"), timeout=TIMEOUT)
    headers = server.request_headers["/rss.xml"][0]
    assert headers["user-agent"] == default_user_agent()
    assert headers["user-agent"].startswith("newsfold/")
    assert "(+https://" in headers["user-agent"]
    assert "gzip" in headers["accept-encoding"]
    custom = fetch_one(server.url("/atom.xml"), timeout=TIMEOUT, user_agent="probe/1")
    assert custom.ok and server.request_headers["/atom.xml"][0]["user-agent"] == "probe/1"


def test_raw_deflate_bodies_are_decoded(server: FeedServer) -> None:
    result = fetch_one(server.url("/deflate.xml"), timeout=TIMEOUT)
    assert result.body == (FEEDS / "rss091.xml").read_bytes()


def test_a_gzip_bomb_stops_at_max_bytes(server: FeedServer) -> None:
    started = time.monotonic()
    result = fetch_one(server.url("/gzip-bomb"), timeout=5, max_bytes=1_000_000)
    assert time.monotonic() - started < 2
    assert result.body is None
    assert result.error == "larger than 1,000,000 bytes once decompressed"


_TEXT = b"hello world " * 1000


@pytest.mark.parametrize(
    ("encoded", "is_gzip"),
    [
        (gzip.compress(_TEXT), True),
        (gzip.compress(_TEXT[:6000]) + gzip.compress(_TEXT[6000:]), True),
        (gzip.compress(_TEXT) + bytes(64), True),
        (zlib.compress(_TEXT), False),
        (zlib.compress(_TEXT)[2:-4], False),
        (zlib.compress(_TEXT) + b"junk", False),
    ],
    ids=["gzip", "two-members", "zero-padding", "zlib", "raw-deflate", "trailing-junk"],
)
@pytest.mark.parametrize("chunk", [1, 7, 65536])
def test_bodies_decompress_whatever_the_chunk_boundaries(
    encoded: bytes, is_gzip: bool, chunk: int
) -> None:
    inflater = _Inflater(gzip=is_gzip, max_bytes=len(_TEXT))
    pieces = [inflater.feed(encoded[at : at + chunk]) for at in range(0, len(encoded), chunk)]
    assert b"".join(pieces) + inflater.finish() == _TEXT


def test_an_announced_oversized_body_is_refused_before_reading(server: FeedServer) -> None:
    result = fetch_one(server.url("/huge"), timeout=TIMEOUT, max_bytes=1_000_000)
    assert (result.body, result.error) == (None, "larger than 1,000,000 bytes")


def test_the_timeout_bounds_the_whole_download_of_a_trickling_server(server: FeedServer) -> None:
    started = time.monotonic()
    results = fetch_all(
        [FetchRequest(server.url("/trickle")), FetchRequest(server.url("/slow-headers"))],
        timeout=TIMEOUT,
    )
    elapsed = time.monotonic() - started
    for result in results:
        assert result.error == f"timed out after {TIMEOUT:g} s"
        assert result.body is None
    assert elapsed < TIMEOUT + 0.3
    # Both servers were still sending when the client gave up.
    assert server.hits["/trickle"] == server.hits["/slow-headers"] == 1


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_redirects_away_from_http_are_refused(server: FeedServer, path: str) -> None:
    result = fetch_one(server.url(path), timeout=TIMEOUT)
    assert result.body is None
    assert result.error.startswith("redirect to a non-HTTP URL refused: ")


def test_https_to_a_server_that_speaks_plain_http_is_a_tls_error(server: FeedServer) -> None:
    result = fetch_one(server.url("/rss.xml").replace("http://", "https://"), timeout=TIMEOUT)
    assert result.error.startswith("TLS error: ")
    assert (result.status, result.body) == (0, None)


def test_connection_refused_and_bad_urls_are_reported_not_raised() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    results = fetch_all(
        [
            FetchRequest(f"http://127.0.0.1:{closed_port}/feed"),
            FetchRequest("http://[::1/feed"),
            FetchRequest("gopher://old.example/feed"),
            FetchRequest("http:///no-host"),
        ],
        timeout=TIMEOUT,
    )
    refused, bad_ipv6, gopher, no_host = results
    assert refused.error == "connection refused"
    assert bad_ipv6.error.startswith("invalid URL")
    assert gopher.error == "unsupported URL scheme 'gopher'"
    assert no_host.error
    for result in results:
        assert (result.status, result.body) == (0, None)
        assert "\n" not in result.error


def test_local_paths_and_file_urls_read_like_downloads(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((FEEDS / "rss10.rdf").read_bytes())
    by_path, by_url = fetch_all([FetchRequest(str(feed)), FetchRequest(feed.as_uri())])
    for result in (by_path, by_url):
        assert result.ok and result.status == 200
        assert result.body == feed.read_bytes()
        assert result.last_modified
    unchanged = fetch_one(FetchRequest(str(feed), last_modified=by_path.last_modified))
    assert unchanged.not_modified and unchanged.body is None


def test_local_failures(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2000)
    missing, directory, too_big = fetch_all(
        [
            FetchRequest(str(tmp_path / "absent.xml")),
            FetchRequest(str(tmp_path)),
            FetchRequest(str(big)),
        ],
        max_bytes=1000,
    )
    assert missing.error == "file not found"
    assert directory.error == "is a directory"
    assert too_big.error == "larger than 1,000 bytes"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    started = time.monotonic()
    assert fetch_one(str(pipe)).error == "not a regular file"
    assert time.monotonic() - started < 1


def test_no_requests_no_results() -> None:
    assert fetch_all([]) == ()
