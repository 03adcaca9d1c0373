"""Load articles from files, directories and standard input into one ``LoadResult``."""

from __future__ import annotations

import codecs
import dataclasses
import os
import stat
import sys
from collections.abc import Sequence
from typing import BinaryIO

from reader.formats import (
    JSONL_SUFFIXES,
    MARKDOWN_SUFFIXES,
    TEXT_SUFFIXES,
    detect_format,
    parse_jsonl,
    parse_markdown,
    parse_text,
)
from reader.model import Article, LoadError, LoadResult
from reader.paragraphs import derive_title, normalise_newlines

__all__ = ["DEFAULT_MAX_BYTES", "STDIN_ORIGIN", "derive_title", "load_sources"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
STDIN_SOURCE = "-"
STDIN_ORIGIN = "<stdin>"
STDIN_ARTICLE_ID = "stdin"

# Inside a directory only files named like articles are read; a file named on the command line
# is read whatever its name.
_DIRECTORY_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | JSONL_SUFFIXES | {""}
_BINARY_SNIFF_BYTES = 8192
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_REPLACEMENT = "\ufffd"


class _Unreadable(Exception):
    """A source that gives no text; its message is the one-line reason shown to the reader."""


def load_sources(
    sources: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadResult:
    """Load every source in order: files, directories (recursively, sorted) and ``-`` for stdin.

    Never raises for bad input: each unreadable source or bad JSON line becomes a ``LoadError``
    and everything else still loads. Article ids are made unique in load order (``id~2``...).
    """
    load = _Load(max_bytes=max(max_bytes, 0))
    stdin_read = False
    for source in sources:
        if source == STDIN_SOURCE:
            if stdin_read:
                load.error(STDIN_ORIGIN, "standard input was already read")
                continue
            stdin_read = True
            load.read_stdin(stdin)
        else:
            load.read_path(source)
    return LoadResult(articles=tuple(load.articles), errors=tuple(load.errors))


class _Load:
    """What one ``load_sources`` call has gathered so far."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.articles: list[Article] = []
        self.errors: list[LoadError] = []
        self._taken_ids: set[str] = set()
        self._next_suffix: dict[str, int] = {}

    def error(self, source: str, reason: str) -> None:
        self.errors.append(LoadError(source, reason))

    def add(self, article: Article) -> None:
        unique = self._unique_id(article.id)
        self.articles.append(
            article if unique == article.id else dataclasses.replace(article, id=unique)
        )

    def _unique_id(self, wanted: str) -> str:
        if wanted not in self._taken_ids:
            self._taken_ids.add(wanted)
            return wanted
        number = self._next_suffix.get(wanted, 2)
        while f"{wanted}~{number}" in self._taken_ids:
            number += 1
        self._next_suffix[wanted] = number + 1
        unique = f"{wanted}~{number}"
        self._taken_ids.add(unique)
        return unique

    def read_stdin(self, stdin: BinaryIO | None) -> None:
        stream = stdin if stdin is not None else _default_stdin()
        if stream is None:
            self.error(STDIN_ORIGIN, "there is no standard input")
            return
        try:
            data = _read_limited(stream, self.max_bytes, size=None)
        except _Unreadable as exc:
            self.error(STDIN_ORIGIN, str(exc))
            return
        self.parse(data, origin=STDIN_ORIGIN, article_id=STDIN_ARTICLE_ID, suffix="")

    def read_path(self, path: str) -> None:
        try:
            info = os.stat(path)
        except (OSError, ValueError) as exc:
            self.error(path or "''", _os_reason(exc))
            return
        if stat.S_ISDIR(info.st_mode):
            self.read_directory(path)
        else:
            self.read_file(path)

    def read_directory(self, root: str) -> None:
        """Depth first, entries sorted by name, hidden ones skipped, loops reported."""
        # Each directory remembers its ancestors' (device, inode) so a symlink cycle is caught.
        pending: list[tuple[str, bool, frozenset[tuple[int, int]]]] = [(root, True, frozenset())]
        files_seen = 0
        while pending:
            path, is_directory, ancestors = pending.pop()
            if not is_directory:
                files_seen += 1
                self.read_file(path)
                continue
            try:
                info = os.stat(path)
                key = (info.st_dev, info.st_ino)
                if key in ancestors:
                    self.error(path, "directory loop: it links back to a directory above it")
                    continue
                entries = sorted(_article_entries(path), reverse=True)
            except OSError as exc:
                self.error(path, _os_reason(exc))
                continue
            inside = ancestors | {key}
            pending.extend((child, child_is_dir, inside) for _, child, child_is_dir in entries)
        if files_seen == 0:
            self.error(root, "no article files in this directory")

    def read_file(self, path: str) -> None:
        try:
            with open(path, "rb") as handle:
                info = os.fstat(handle.fileno())
                size = info.st_size if stat.S_ISREG(info.st_mode) else None
                data = _read_limited(handle, self.max_bytes, size=size)
        except OSError as exc:
            self.error(path, _os_reason(exc))
            return
        except _Unreadable as exc:
            self.error(path, str(exc))
            return
        name = os.path.basename(path)
        stem, suffix = os.path.splitext(name)
        self.parse(data, origin=path, article_id=stem or name, suffix=suffix)

    def parse(self, data: bytes, *, origin: str, article_id: str, suffix: str) -> None:
        if not data:
            self.error(origin, "empty input" if origin == STDIN_ORIGIN else "empty file")
            return
        text = decode_bytes(data)
        if text is None:
            self.error(origin, "binary file, not text")
            return
        text = normalise_newlines(text)
        found = detect_format(text, suffix)
        if found == "jsonl":
            articles, errors = parse_jsonl(text, origin)
            for article in articles:
                self.add(article)
            self.errors.extend(errors)
            return
        parse = parse_markdown if found == "markdown" else parse_text
        outcome = parse(text, origin, article_id)
        if isinstance(outcome, LoadError):
            self.errors.append(outcome)
        else:
            self.add(outcome)


def _article_entries(directory: str) -> list[tuple[str, str, bool]]:
    """(name, path, is a directory) for the visible entries worth loading."""
    found: list[tuple[str, str, bool]] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_directory = entry.is_dir()
                # Sockets and FIFOs are skipped (reading one could block); broken links are kept
                # so that opening them reports the problem.
                is_file = entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
            except OSError:
                is_directory, is_file = False, True
            suffix = os.path.splitext(entry.name)[1].lower()
            if is_directory:
                found.append((entry.name, entry.path, True))
            elif is_file and suffix in _DIRECTORY_SUFFIXES:
                found.append((entry.name, entry.path, False))
    return found


def _default_stdin() -> BinaryIO | None:
    stream = sys.stdin
    return getattr(stream, "buffer", None) if stream is not None else None


def _read_limited(stream: BinaryIO, max_bytes: int, *, size: int | None) -> bytes:
    """At most ``max_bytes`` from ``stream``; a larger source is refused without reading it all."""
    if size is not None and size > max_bytes:
        raise _Unreadable(f"too big: {_human_size(size)}, the limit is {_human_size(max_bytes)}")
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise _Unreadable(_os_reason(exc)) from None
    except ValueError:
        raise _Unreadable("cannot be read (the stream is closed)") from None
    if data is None:
        return b""
    if isinstance(data, str):
        # A text stream passed where bytes were expected: read it anyway.
        data = data.encode("utf-8", "replace")
    if len(data) > max_bytes:
        raise _Unreadable(f"too big: more than the limit of {_human_size(max_bytes)}")
    return data


def decode_bytes(data: bytes) -> str | None:
    """Text from ``data``, or None when it looks binary.

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are honoured; other bytes that are not
    UTF-8 are read as Windows-1252. Undecodable bytes become U+FFFD, so this never fails.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if data.startswith(_UTF32_BOMS):
        return data.decode("utf-32", "replace")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", "replace")
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Legacy 8-bit text almost never holds a well-formed multi-byte UTF-8 sequence, so text with
    # more good sequences than broken ones is UTF-8 with a few damaged bytes.
    as_utf8 = data.decode("utf-8", "replace")
    broken = as_utf8.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode())
    ascii_count = len(data.translate(None, _HIGH_BYTES))
    well_formed = len(as_utf8) - ascii_count - broken
    if well_formed > broken:
        return as_utf8
    return data.decode("cp1252", "replace")


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"


def _os_reason(exc: Exception) -> str:
    """A short lower-case reason such as "no such file or directory"."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    if isinstance(exc, ValueError):
        return "not a valid path"
    return "cannot be read"
