"""Library commands: add, remove, refresh, articles --json and export-opml, one-line errors."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from reader.library import Library
    from reader.refresh import FeedOutcome

LIBRARY_COMMANDS = ("add", "remove", "refresh", "articles", "export-opml")

EXIT_OK = 0
EXIT_FAILED = 1
"""add: some source could not be added; remove: some URL was not subscribed; refresh: nothing
could be attempted."""

SNIFF_BYTES = 4096
MAX_ADD_BYTES = 20 * 1024 * 1024


def library_parser(command: str, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"newsfold {command}", parents=[common])
    if command == "add":
        parser.add_argument(
            "sources",
            nargs="+",
            metavar="SOURCE",
            help="feed URL, feed file, OPML file (every feed in it), or articles to keep",
        )
        parser.add_argument("--no-fetch", action="store_true", help="subscribe without fetching")
    if command == "remove":
        parser.add_argument(
            "urls",
            nargs="+",
            metavar="URL",
            help="subscription to forget with its articles (starred ones are kept)",
        )
    if command in ("add", "refresh"):
        parser.add_argument("--timeout", type=float, default=15.0, help="seconds per feed")
    if command == "articles":
        parser.add_argument("--json", action="store_true", required=True, help="JSON Lines")
        parser.add_argument("--unread", action="store_true", help="only unread articles")
        parser.add_argument("--starred", action="store_true", help="only starred articles")
    return parser


def db_path(option: str | None) -> Path:
    from reader.db_path import default_db_path

    return Path(option).expanduser() if option else default_db_path(os.environ)


def run_library_command(command: str, args: argparse.Namespace, out: TextIO) -> int:
    from reader.library import Library
    from reader.library_schema import LibraryError

    try:
        with Library.open(db_path(args.db)) as library:
            if command == "add":
                return _add(library, args, fetch=not args.no_fetch)
            if command == "remove":
                return _remove(library, args.urls, out)
            if command == "refresh":
                return _refresh(library, timeout=args.timeout, threshold=args.threshold)
            if command == "articles":
                return _articles(library, out, unread=args.unread, starred=args.starred)
            return _export_opml(library, out)
    except LibraryError as error:
        _say(f"library: {error}")
        return EXIT_FAILED


_STDERR_LOCK = threading.Lock()
"""Progress arrives from fetch threads: one whole line at a time."""


def _say(text: str) -> None:
    from reader.sanitize import safe_text

    line = f"newsfold: {safe_text(' '.join(text.split()))}\n"
    with _STDERR_LOCK:
        sys.stderr.write(line)
        sys.stderr.flush()


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _add(library: Library, args: argparse.Namespace, *, fetch: bool) -> int:
    added: list[str] = []
    failed = 0
    kept = False
    for source in args.sources:
        try:
            feeds = _add_one(library, source)
            kept = kept or not feeds
            added += feeds
        except ValueError as error:
            _say(f"{source}: {error}")
            failed += 1
    if added:
        _say(f"subscribed to {len(added)} feed(s)")
    if added and fetch:
        _refresh(library, timeout=args.timeout, threshold=args.threshold, urls=added)
    elif kept:
        fold_stored(library, args.threshold)
    return EXIT_FAILED if failed else EXIT_OK


def _add_one(library: Library, source: str) -> list[str]:
    """Subscribe to a feed URL, a feed file or every feed of an OPML file; keep articles."""
    if _is_url(source):
        library.subscribe(source)
        return [source]
    path = Path(source).expanduser()
    if not path.is_file():
        raise ValueError("no such file, and not an http(s) URL")
    size = path.stat().st_size
    if size > MAX_ADD_BYTES:
        raise ValueError(f"too large ({size:,} bytes; limit {MAX_ADD_BYTES:,})")
    data = path.read_bytes()
    head = data[:SNIFF_BYTES].lower()
    if b"<opml" in head:
        return _add_opml(library, data, str(path))
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")) or b'"jsonfeed.org' in head:
        from reader.feeds import FeedError, parse_feed

        try:
            feed = parse_feed(data, source=str(path))
        except FeedError as error:
            raise ValueError(str(error)) from None
        location = str(path.resolve())
        library.subscribe(location, feed.title)
        return [location]
    return _keep_articles(library, str(path))


def _add_opml(library: Library, data: bytes, source: str) -> list[str]:
    from reader.opml import OpmlError, parse_opml

    try:
        feeds = parse_opml(data, source=source)
    except OpmlError as error:
        # The message names the file already.
        raise ValueError(str(error).removeprefix(f"{source}: ")) from None
    for feed in feeds:
        # An outline only ever becomes a row in the library: a URL or path, never a command.
        library.subscribe(feed.url, feed.title)
    return [feed.url for feed in feeds]


def _keep_articles(library: Library, source: str) -> list[str]:
    from dataclasses import replace

    from reader.load import load_sources

    result = load_sources([source])
    if result.errors:
        raise ValueError("; ".join(error.reason for error in result.errors))
    # The list shows a source under each title: a file's name when the article names none.
    named = [a if a.source else replace(a, source=Path(source).name) for a in result.articles]
    stored = library.store_articles(named, origin=source)
    _say(f"{source}: kept {len(stored.added)} new article(s) in the library")
    return []


def _remove(library: Library, urls: Sequence[str], out: TextIO) -> int:
    """Unsubscribe each URL, reporting each on its own line; the unknown ones are errors."""
    from reader.sanitize import safe_text

    unknown = 0
    for url in urls:
        feeds = {subscription.url: subscription for subscription in library.subscriptions()}
        # A feed file was subscribed under its absolute path: its relative path names it too.
        found = feeds.get(url) or (None if _is_url(url) else feeds.get(_absolute(url)))
        if found is None:
            _say(f"{url}: not subscribed")
            unknown += 1
            continue
        starred = library.rows(starred=True, include_archived=True, feed_id=found.id)
        removed = library.unsubscribe(found.url)
        kept = f", kept {len(starred)} starred" if starred else ""
        out.write(f"removed {safe_text(found.url)}: {removed} article(s) deleted{kept}\n")
    return EXIT_FAILED if unknown else EXIT_OK


def _absolute(source: str) -> str:
    try:
        return str(Path(source).expanduser().resolve())
    except (OSError, RuntimeError):
        return source


def _progress(outcome: FeedOutcome, done: int, total: int) -> None:
    _say(f"[{done}/{total}] {outcome.describe()}")


def fold_stored(library: Library, threshold: float | None) -> None:
    """Fold what the library has not folded yet, so the reader opens with folds at once."""
    from reader.fold import DEFAULT_THRESHOLD
    from reader.library_folds import fold_new_articles

    count = fold_new_articles(
        library, threshold=threshold or DEFAULT_THRESHOLD, on_progress=lambda text: None
    )
    if count:
        _say(f"folded {count} new article(s)")


def _refresh(
    library: Library,
    *,
    timeout: float,
    threshold: float | None,
    urls: Sequence[str] | None = None,
) -> int:
    from reader.refresh import refresh

    if not library.subscriptions():
        _say("no subscriptions to refresh (add one with: newsfold add URL)")
        return EXIT_FAILED
    report = refresh(library, urls=urls, timeout=timeout, on_outcome=_progress)
    _say(report.summary())
    fold_stored(library, threshold)
    # The run completed: feeds that failed were each reported above.
    return EXIT_OK


def _articles(library: Library, out: TextIO, *, unread: bool, starred: bool) -> int:
    from reader.library_rows import article_record

    for row in library.rows(unread=unread, starred=starred, include_archived=True):
        out.write(json.dumps(article_record(row)) + "\n")
    return EXIT_OK


def _export_opml(library: Library, out: TextIO) -> int:
    from reader.opml import OpmlFeed, to_opml

    feeds = [OpmlFeed(s.url, s.title) for s in library.subscriptions()]
    out.write(to_opml(feeds, title="newsfold subscriptions"))
    return EXIT_OK
