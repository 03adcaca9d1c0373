"""Guards for one HTTP download: sockets cut at the deadline, capped inflating, safe redirects."""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin, urlsplit

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_ERROR_LENGTH = 200


class _FetchFailed(Exception):
    """A failure whose message is already the one-line reason to report."""


class _Inflater:
    """Incremental gzip/deflate decoding that stops as soon as the output passes a size cap."""

    def __init__(self, *, gzip: bool, max_bytes: int) -> None:
        self._gzip = gzip
        self._max_bytes = max_bytes
        self._produced = 0
        self._finished = False
        self._head = b""
        self._decoder = zlib.decompressobj(_GZIP_WBITS) if gzip else None

    def feed(self, data: bytes) -> bytes:
        if self._decoder is None:
            # Servers send "deflate" with and without the zlib header: look at its two bytes.
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            zlib_header = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        return self._inflate(data)

    def finish(self) -> bytes:
        if self._decoder is None:  # under two bytes in all: no zlib header
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        rest = self._inflate(b"")
        tail = self._decoder.flush()
        self._count(tail)
        return rest + tail

    def _inflate(self, data: bytes) -> bytes:
        assert self._decoder is not None
        output: list[bytes] = []
        pending = self._head + data
        self._head = b""
        while pending and not self._finished:
            if self._decoder.eof:
                if len(pending) < len(_GZIP_MAGIC) and _GZIP_MAGIC.startswith(pending):
                    self._head = pending  # perhaps the start of another gzip member
                    break
                if not (self._gzip and pending.startswith(_GZIP_MAGIC)):
                    self._finished = True  # padding after the stream is ignored
                    break
                self._decoder = zlib.decompressobj(_GZIP_WBITS)  # concatenated gzip members
            piece = self._decoder.decompress(pending, self._max_bytes - self._produced + 1)
            self._count(piece)
            output.append(piece)
            pending = self._decoder.unconsumed_tail
            if self._decoder.eof:
                pending = self._decoder.unused_data + pending
        return b"".join(output)

    def _count(self, piece: bytes) -> None:
        self._produced += len(piece)
        if self._produced > self._max_bytes:
            raise _FetchFailed(_too_large(self._max_bytes) + " once decompressed")


class _Watchdog:
    """Shuts down a download's sockets when its time is up, unblocking any read or write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    @contextmanager
    def armed(self, seconds: float) -> Iterator[None]:
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _tracked(connection_class: type[http.client.HTTPConnection], watchdog: _Watchdog) -> Any:
    """A factory for ``connection_class`` whose sockets (TLS handshake included) are watched."""

    def create_connection(*args: Any, **kwargs: Any) -> socket.socket:
        sock = socket.create_connection(*args, **kwargs)
        watchdog.track(sock)
        return sock

    def connection(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        made = connection_class(*args, **kwargs)
        # http.client opens every socket, proxy tunnels included, through this hook.
        made._create_connection = create_connection  # type: ignore[attr-defined]
        return made

    return connection


class _TrackedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_tracked(http.client.HTTPConnection, self._watchdog), req)


class _TrackedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_tracked(http.client.HTTPSConnection, self._watchdog), req)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only (urllib alone would also follow one to ftp)."""

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        target = headers.get("Location") or headers.get("URI") or ""
        try:
            absolute = urljoin(req.full_url, target.strip())
        except ValueError:
            absolute = target
        if target and urlsplit(absolute).scheme.lower() not in ("http", "https"):
            raise _FetchFailed(f"redirect to a non-HTTP URL refused: {_one_line(target)}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _too_large(max_bytes: int) -> str:
    return f"larger than {max_bytes:,} bytes"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_ERROR_LENGTH else line[: _MAX_ERROR_LENGTH - 1] + "\u2026"
