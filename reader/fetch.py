"""Download many feeds at once over HTTP(S) or from local files, each within a hard time limit."""

from __future__ import annotations

import email.utils
import functools
import http.client
import os
import re
import socket
import ssl
import stat
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "FetchRequest",
    "FetchResult",
    "default_user_agent",
    "fetch_all",
    "fetch_one",
]

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
PROJECT_URL = "https://pypi.org/project/newsfold/"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
_CHUNK = 64 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_GZIP_MAGIC = b"\x1f\x8b"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_MAX_ERROR_LENGTH = 200


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """A feed to download, with the validators of the copy already held (for a conditional GET)."""

    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one download gave; ``error`` is "" on success and a one-line reason otherwise."""

    url: str
    status: int
    """The HTTP status (200 or 304 for a local file), 0 when no response arrived."""
    body: bytes | None
    """The (decompressed) body; None when not modified or on error."""
    etag: str
    last_modified: str
    final_url: str
    """The URL after redirects."""
    content_type: str
    error: str
    seconds: float

    @property
    def not_modified(self) -> bool:
        """The server (or file) says the copy held is still current."""
        return self.status == 304 and not self.error

    @property
    def ok(self) -> bool:
        return not self.error


class _FetchFailed(Exception):
    """A failure whose message is already the one-line reason to report."""


@functools.cache
def default_user_agent() -> str:
    """``newsfold/<version> (+<project url>)``, the version read from the installed package."""
    try:
        version = metadata.version("newsfold")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"newsfold/{version} (+{PROJECT_URL})"


def fetch_all(
    requests: Sequence[FetchRequest],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = 8,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user_agent: str | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
) -> tuple[FetchResult, ...]:
    """Fetch every request concurrently; results come back in request order.

    ``timeout`` bounds each download from connect to last byte (name resolution aside).
    ``on_result`` is called with each result as it finishes, from a worker thread. A failing
    feed never raises: its result carries the error.
    """
    if not requests:
        return ()

    def fetch(request: FetchRequest) -> FetchResult:
        result = fetch_one(request, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
        if on_result is not None:
            on_result(result)
        return result

    pool_size = max(1, min(workers, len(requests)))
    with ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="newsfold-fetch") as pool:
        return tuple(pool.map(fetch, requests))


def fetch_one(
    request: FetchRequest | str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user_agent: str | None = None,
) -> FetchResult:
    """Fetch one feed: an http(s) URL, a ``file://`` URL or a local path. Never raises."""
    if isinstance(request, str):
        request = FetchRequest(request)
    started = time.monotonic()
    url = request.url.strip()
    scheme_match = _SCHEME.match(url)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    try:
        if scheme in ("http", "https"):
            return _fetch_http(request, url, started, timeout, max_bytes, user_agent)
        if scheme in ("", "file") or len(scheme) == 1:
            return _read_local(request, url, started, max_bytes)
        raise _FetchFailed(f"unsupported URL scheme {scheme!r}")
    except _FetchFailed as failure:
        return _failed(request, started, str(failure))
    except Exception as error:  # a per-feed failure must never escape
        return _failed(request, started, _describe(error, timeout))


def _fetch_http(
    request: FetchRequest,
    url: str,
    started: float,
    timeout: float,
    max_bytes: int,
    user_agent: str | None,
) -> FetchResult:
    headers = {
        "User-Agent": user_agent or default_user_agent(),
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    watchdog = _Watchdog()
    opener = urllib.request.build_opener(
        _TrackedHTTPHandler(watchdog), _TrackedHTTPSHandler(watchdog), _HttpOnlyRedirects()
    )
    deadline = started + timeout
    try:
        with watchdog.armed(timeout):
            try:
                response = opener.open(
                    urllib.request.Request(url, headers=headers), timeout=timeout
                )
            except urllib.error.HTTPError as error:
                with error:
                    if error.code == 304:
                        return _not_modified(request, error.headers, error.geturl(), started)
                    reason = _describe(error, timeout)
                    return _result(
                        request, started, status=error.code, final_url=error.geturl(), error=reason
                    )
            with response:
                if response.status == 304:
                    return _not_modified(request, response.headers, response.geturl(), started)
                body = _read_body(response, max_bytes, deadline, watchdog)
                return _result(
                    request,
                    started,
                    status=response.status,
                    body=body,
                    etag=response.headers.get("ETag", ""),
                    last_modified=response.headers.get("Last-Modified", ""),
                    final_url=response.geturl(),
                    content_type=response.headers.get("Content-Type", ""),
                )
    except Exception:
        if watchdog.expired:
            raise _FetchFailed(_timed_out(timeout)) from None
        raise


def _not_modified(
    request: FetchRequest, headers: Any, final_url: str, started: float
) -> FetchResult:
    return _result(
        request,
        started,
        status=304,
        etag=headers.get("ETag", "") or request.etag,
        last_modified=headers.get("Last-Modified", "") or request.last_modified,
        final_url=final_url,
    )


def _result(
    request: FetchRequest,
    started: float,
    *,
    status: int = 0,
    body: bytes | None = None,
    etag: str = "",
    last_modified: str = "",
    final_url: str = "",
    content_type: str = "",
    error: str = "",
) -> FetchResult:
    return FetchResult(
        url=request.url,
        status=status,
        body=body,
        etag=etag,
        last_modified=last_modified,
        final_url=final_url or request.url,
        content_type=content_type,
        error=_one_line(error),
        seconds=time.monotonic() - started,
    )


def _read_body(
    response: http.client.HTTPResponse, max_bytes: int, deadline: float, watchdog: _Watchdog
) -> bytes:
    """The body, decompressed, refusing more than ``max_bytes`` on the wire or once inflated."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        inflate = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflate = _Inflater(gzip=encoding != "deflate", max_bytes=max_bytes)
    else:
        raise _FetchFailed(f"unsupported Content-Encoding {encoding[:40]!r}")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _FetchFailed(_too_large(max_bytes))
    received = 0
    parts: list[bytes] = []
    while True:
        # read1 returns as soon as some bytes arrive, so a trickling server meets the deadline.
        chunk = response.read1(_CHUNK)
        if watchdog.expired or time.monotonic() > deadline:
            raise TimeoutError
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise _FetchFailed(_too_large(max_bytes))
        parts.append(inflate.feed(chunk) if inflate else chunk)
    if inflate is not None:
        parts.append(inflate.finish())
    return b"".join(parts)


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


def _read_local(request: FetchRequest, url: str, started: float, max_bytes: int) -> FetchResult:
    path = _local_path(url)
    try:
        # Non-blocking open, then only regular files: a FIFO or device could block or never end.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _FetchFailed("not a regular file")
            if info.st_size > max_bytes:
                raise _FetchFailed(_too_large(max_bytes))
            modified = email.utils.formatdate(info.st_mtime, usegmt=True)
            if request.last_modified and request.last_modified == modified:
                body = None
            else:
                body = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise _FetchFailed("file not found") from None
    except IsADirectoryError:
        raise _FetchFailed("is a directory") from None
    except PermissionError:
        raise _FetchFailed("permission denied") from None
    if body is not None and len(body) > max_bytes:
        raise _FetchFailed(_too_large(max_bytes))
    status = 200 if body is not None else 304
    return _result(request, started, status=status, body=body, last_modified=modified)


def _local_path(url: str) -> str:
    if not url.lower().startswith("file:"):
        return os.path.expanduser(url)
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise _FetchFailed(f"file URL on another host: {parts.netloc[:60]}")
    return urllib.request.url2pathname(parts.path)


def _failed(request: FetchRequest, started: float, reason: str) -> FetchResult:
    return _result(request, started, error=_one_line(reason) or "failed")


def _describe(error: BaseException, timeout: float) -> str:
    """A one-line reason for a failed download."""
    if isinstance(error, urllib.error.HTTPError):
        reason = str(error.reason or "") or http.client.responses.get(error.code, "")
        return f"HTTP {error.code} {reason}".strip()
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        return _describe(error.reason, timeout)
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    if isinstance(error, TimeoutError | socket.timeout):
        return _timed_out(timeout)
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(error, socket.gaierror):
        return f"host not found ({error.strerror or error})"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {error.verify_message or error}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed before the whole body arrived"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response ({type(error).__name__}: {error})"
    if isinstance(error, zlib.error):
        return "the compressed body is corrupt"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    if isinstance(error, ValueError):
        return f"invalid URL ({error})"
    return f"{type(error).__name__}: {error}"


def _timed_out(timeout: float) -> str:
    return f"timed out after {timeout:g} s"


def _too_large(max_bytes: int) -> str:
    return f"larger than {max_bytes:,} bytes"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_ERROR_LENGTH else line[: _MAX_ERROR_LENGTH - 1] + "\u2026"
