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
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from reader.http_guard import (
    _FetchFailed,
    _HttpOnlyRedirects,
    _Inflater,
    _one_line,
    _too_large,
    _TrackedHTTPHandler,
    _TrackedHTTPSHandler,
    _Watchdog,
)

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
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


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
