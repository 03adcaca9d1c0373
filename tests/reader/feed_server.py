"""A real local HTTP server with one route per download scenario, for the fetch and feed tests."""

from __future__ import annotations

import functools
import gzip
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "data" / "feeds"

RSS_ETAG = '"rss-v1"'
RSS_LAST_MODIFIED = "Tue, 05 Mar 2024 14:00:00 GMT"
SLOW_SECONDS = 3.0
TRICKLE_INTERVAL = 0.02
BOMB_INFLATED_BYTES = 64 * 1024 * 1024


class FeedServer:
    """Serves fixture feeds and misbehaving routes on 127.0.0.1 (a free port) from a thread.

    Routes: /rss.xml (ETag + Last-Modified, 304 on a matching conditional request),
    /atom.xml (gzip), /feed.json, /deflate.xml (raw deflate), /missing (404), /moved (301 to
    /rss.xml), /to-ftp and /to-file (redirects that must be refused), /slow (answers after
    ``SLOW_SECONDS``), /slow-headers (headers one byte at a time), /trickle (a body one byte at
    a time), /gzip-bomb (64 MB of zeros in about 300 KB) and /huge (announces a 1 GB body).
    Any other path is a 404, still counted in ``hits``, so a test can tell whether anything
    fetched, say, an external entity.
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.request_headers: dict[str, list[dict[str, str]]] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.request_headers.setdefault(path, []).append(headers)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()


@functools.cache
def gzip_bomb() -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(BOMB_INFLATED_BYTES // len(block))]
    return b"".join(parts) + compressor.flush()


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests assert on what the server recorded instead."""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.record(path, {name.lower(): value for name, value in self.headers.items()})
            try:
                _ROUTES.get(path, Handler.send_missing)(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as the timeout tests expect

        def send_body(self, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def send_rss(self) -> None:
            matches_etag = self.headers.get("If-None-Match") == RSS_ETAG
            matches_date = self.headers.get("If-Modified-Since") == RSS_LAST_MODIFIED
            if matches_etag or matches_date:
                self.send_response(304)
                self.send_header("ETag", RSS_ETAG)
                self.end_headers()
                return
            body = (FEEDS / "rss20_content.xml").read_bytes()
            self.send_body(
                body,
                "application/rss+xml; charset=utf-8",
                ETag=RSS_ETAG,
                Last_Modified=RSS_LAST_MODIFIED,
            )

        def send_atom(self) -> None:
            body = gzip.compress((FEEDS / "atom_xhtml.xml").read_bytes())
            self.send_body(body, "application/atom+xml", Content_Encoding="gzip")

        def send_json(self) -> None:
            body = (FEEDS / "jsonfeed11.json").read_bytes()
            self.send_body(body, "application/feed+json")

        def send_deflate(self) -> None:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            raw = (FEEDS / "rss091.xml").read_bytes()
            body = compressor.compress(raw) + compressor.flush()
            self.send_body(body, "text/xml", Content_Encoding="deflate")

        def send_missing(self) -> None:
            self.send_error(404, "Not Found")

        def send_redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def send_moved(self) -> None:
            self.send_redirect("/rss.xml")

        def send_to_ftp(self) -> None:
            self.send_redirect("ftp://127.0.0.1/feed.xml")

        def send_to_file(self) -> None:
            self.send_redirect("file:///etc/passwd")

        def send_slow(self) -> None:
            if not server.stopping.wait(SLOW_SECONDS):
                self.send_json()

        def send_slow_headers(self) -> None:
            for byte in b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n" * 100:
                if server.stopping.wait(TRICKLE_INTERVAL):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def send_trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            deadline = time.monotonic() + 2 * SLOW_SECONDS
            while time.monotonic() < deadline and not server.stopping.wait(TRICKLE_INTERVAL):
                self.wfile.write(b" ")
                self.wfile.flush()

        def send_gzip_bomb(self) -> None:
            self.send_body(gzip_bomb(), "application/rss+xml", Content_Encoding="gzip")

        def send_huge(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(b"<rss>")

    _ROUTES = {
        "/rss.xml": Handler.send_rss,
        "/atom.xml": Handler.send_atom,
        "/feed.json": Handler.send_json,
        "/deflate.xml": Handler.send_deflate,
        "/missing": Handler.send_missing,
        "/moved": Handler.send_moved,
        "/to-ftp": Handler.send_to_ftp,
        "/to-file": Handler.send_to_file,
        "/slow": Handler.send_slow,
        "/slow-headers": Handler.send_slow_headers,
        "/trickle": Handler.send_trickle,
        "/gzip-bomb": Handler.send_gzip_bomb,
        "/huge": Handler.send_huge,
    }
    return Handler
