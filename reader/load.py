"""Load articles from files, directories and standard input into one ``LoadResult``."""

from __future__ import annotations

import codecs
import dataclasses
import itertools
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from reader.decode import (
    _BINARY_SNIFF_BYTES,
    _UTF16_BOMS,
    _UTF32_BOMS,
    decode_8bit,
    decode_bytes,
    looks_binary,
)
from reader.formats import (
    JSONL_SUFFIXES,
    MARKDOWN_SUFFIXES,
    TEXT_SUFFIXES,
    detect_format,
    looks_like_jsonl_lines,
    parse_json_lines,
    parse_jsonl,
    parse_markdown,
    parse_text,
)
from reader.model import Article, LoadError, LoadResult
from reader.paragraphs import derive_title, normalise_newlines

__all__ = [
    "DEFAULT_MAX_BYTES",
    "STDIN_ORIGIN",
    "decode_bytes",
    "derive_title",
    "load_sources",
    "looks_binary",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
STDIN_SOURCE = "-"
STDIN_ORIGIN = "<stdin>"
STDIN_ARTICLE_ID = "stdin"

# Inside a directory only files named like articles are read; a file named on the command line
# is read whatever its name.
_DIRECTORY_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | JSONL_SUFFIXES | {""}
# Pipes and devices are read in pieces, so endless input is refused once past the limit.
_READ_CHUNK = 1024 * 1024
_SNIFF_JSON_LINES = 5
# A first line holding nothing but an Emacs or Vim coding declaration (see reader.decode) is
# for the editor, not the reader.
_EDITOR_CODING_LINE = re.compile(
    r"\A[^\S\n]*[#;%/!<-]*[^\S\n]*(?:-\*-[^\n]*\bcoding[:=][^\n]*-\*-|vim?:[^\n]*"
    r"\b(?:fileencoding|fenc)=[^\n]*)[^\S\n]*(?:-->)?[^\S\n]*(?:\n|\Z)"
)


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
        name = os.path.basename(path)
        stem, suffix = os.path.splitext(name)
        try:
            with _open_without_waiting(path) as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode):
                    data = _read_limited(handle, self.max_bytes, size=None)
                elif info.st_size > self.max_bytes:
                    raise _Unreadable(_too_big(info.st_size, self.max_bytes))
                elif self._streamed_json_lines(handle, path, suffix):
                    return
                else:
                    data = _read_limited(handle, self.max_bytes, size=info.st_size)
        except OSError as exc:
            self.error(path, _os_reason(exc))
            return
        except _Unreadable as exc:
            self.error(path, str(exc))
            return
        self.parse(data, origin=path, article_id=stem or name, suffix=suffix)

    def _streamed_json_lines(self, handle: BinaryIO, origin: str, suffix: str) -> bool:
        """Load a regular JSON Lines file line by line; False (and rewound) when it is not one.

        Only one line is held at a time, so a big feed needs the memory of its articles, not
        several copies of the file.
        """
        head = handle.read(_BINARY_SNIFF_BYTES)
        handle.seek(0)
        if looks_binary(head):
            raise _Unreadable("binary file, not text")
        if not head or head.startswith((*_UTF16_BOMS, *_UTF32_BOMS)) or b"\x00" in head:
            return False
        lines = _numbered_file_lines(handle, self.max_bytes)
        sniffed: list[tuple[int, str]] = []
        nonblank: list[str] = []
        for numbered in lines:
            sniffed.append(numbered)
            if numbered[1].strip():
                nonblank.append(numbered[1].strip())
                if len(nonblank) == _SNIFF_JSON_LINES:
                    break
        if suffix.lower() not in JSONL_SUFFIXES and not looks_like_jsonl_lines(nonblank):
            handle.seek(0)
            return False
        articles, errors = parse_json_lines(itertools.chain(sniffed, lines), origin)
        for article in articles:
            self.add(article)
        self.errors.extend(errors)
        return True

    def parse(self, data: bytes, *, origin: str, article_id: str, suffix: str) -> None:
        if not data:
            self.error(origin, "empty input" if origin == STDIN_ORIGIN else "empty file")
            return
        text = decode_bytes(data)
        if text is None:
            self.error(origin, "binary file, not text")
            return
        text = _EDITOR_CODING_LINE.sub("", normalise_newlines(text), count=1)
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


def _open_without_waiting(path: str) -> BinaryIO:
    """Open ``path`` for reading without hanging on a FIFO that nobody writes to.

    With O_NONBLOCK the open returns at once; reads then block again, and a FIFO without a
    writer reads as empty. O_NOCTTY keeps a terminal named as a source from becoming ours.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_RDONLY | nonblocking | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        if nonblocking:
            os.set_blocking(descriptor, True)
        return open(descriptor, "rb")  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(descriptor)
        raise


def _read_limited(stream: BinaryIO, max_bytes: int, *, size: int | None) -> bytes:
    """At most ``max_bytes`` from ``stream``; a larger or binary source is refused early.

    With ``size`` (a regular file) the file is read at once; otherwise the stream is read in
    pieces, so endless input (``/dev/zero``, ``yes |``) is refused without waiting for
    its end and binary input after its first piece.
    """
    if size is not None and size > max_bytes:
        raise _Unreadable(_too_big(size, max_bytes))
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        # Asking for more than will come still allocates it, so a file gets its own size (plus
        # one byte, to notice growth); anything else, and a file that grew, comes in pieces.
        if size is not None and total == 0:
            wanted = size + 1
        else:
            wanted = min(_READ_CHUNK, max_bytes + 1 - total)
        try:
            chunk = stream.read(wanted)
        except OSError as exc:
            raise _Unreadable(_os_reason(exc)) from None
        except ValueError:
            raise _Unreadable("cannot be read (the stream is closed)") from None
        if not chunk:
            break
        if isinstance(chunk, str):
            # A text stream passed where bytes were expected: read it anyway.
            chunk = chunk.encode("utf-8", "replace")
        if not chunks and looks_binary(chunk):
            raise _Unreadable("binary file, not text")
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        raise _Unreadable(f"too big: more than the limit of {_human_size(max_bytes)}")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _numbered_file_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str]]:
    """(line number, text) for every line, numbered as if the whole file had been decoded."""
    number = 0
    total = 0
    for raw in handle:
        total += len(raw)
        if total > max_bytes:
            # The file grew while it was read.
            raise _Unreadable(f"too big: more than the limit of {_human_size(max_bytes)}")
        if number == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw
        # Old Mac line ends inside the line still end lines.
        for line in normalise_newlines(decode_8bit(raw)).split("\n"):
            number += 1
            yield number, line


def _too_big(size: int, max_bytes: int) -> str:
    return f"too big: {_human_size(size)}, the limit is {_human_size(max_bytes)}"


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
