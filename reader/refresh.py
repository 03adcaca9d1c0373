"""Refresh subscriptions: fetch concurrently, then store each feed in its own transaction."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.fetch import FetchRequest, FetchResult, fetch_all
from reader.library import Library
from reader.library_rows import NewItem, Subscription
from reader.library_schema import LibraryError
from reader.paragraphs import derive_title

Fetcher = Callable[..., tuple[FetchResult, ...]]


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one feed's refresh did; ``error`` is one line, empty when it worked."""

    url: str
    title: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    not_modified: bool = False
    error: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        name = self.title or self.url
        if self.error:
            return f"{name}: {self.error}"
        if self.not_modified:
            return f"{name}: not modified"
        return f"{name}: {len(self.added)} new, {len(self.updated)} updated"


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """Every feed's outcome, in subscription order."""

    outcomes: tuple[FeedOutcome, ...] = ()

    @property
    def failed(self) -> tuple[FeedOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.error)

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(i for outcome in self.outcomes for i in outcome.added)

    def summary(self) -> str:
        feeds = len(self.outcomes)
        failed = len(self.failed)
        text = f"{feeds} feed{'s' if feeds != 1 else ''} refreshed, {len(self.added)} new articles"
        return text + (f", {failed} failed" if failed else "")


def _store(library: Library, feed: Subscription, result: FetchResult) -> FeedOutcome:
    """Parse and store one fetched feed; every failure becomes the outcome's one-line error."""
    from reader.feeds import FeedError, parse_feed

    if result.error:
        library.record_error(feed.url, result.error)
        return FeedOutcome(feed.url, feed.title, error=result.error, seconds=result.seconds)
    if result.not_modified or result.body is None:
        library.record_not_modified(feed.url)
        return FeedOutcome(feed.url, feed.title, not_modified=True, seconds=result.seconds)
    try:
        parsed = parse_feed(
            result.body, source=result.final_url or feed.url, content_type=result.content_type
        )
    except FeedError as error:
        library.record_error(feed.url, str(error))
        return FeedOutcome(feed.url, feed.title, error=str(error), seconds=result.seconds)
    items = [
        NewItem(
            i.key,
            i.title or derive_title(i.paragraphs),
            i.url,
            i.author,
            i.published,
            i.paragraphs,
            i.summary_only,
        )
        for i in parsed.items
    ]
    stored = library.store_items(
        feed.url,
        items,
        etag=result.etag,
        last_modified=result.last_modified,
        feed_title=feed.title or parsed.title,
    )
    return FeedOutcome(
        feed.url, feed.title or parsed.title, stored.added, stored.updated, seconds=result.seconds
    )


def refresh(
    library: Library,
    *,
    urls: Sequence[str] | None = None,
    timeout: float = 15.0,
    workers: int = 8,
    on_outcome: Callable[[FeedOutcome, int, int], None] | None = None,
    fetch: Fetcher = fetch_all,
) -> RefreshReport:
    """Fetch every subscription (or those in ``urls``) and store what each returned.

    Each feed is stored as soon as it arrives, in its own transaction, so a crash or a kill
    mid-refresh keeps every feed stored before it. Conditional requests use the validators of
    the last fetch. ``on_outcome(outcome, done, total)`` reports progress from worker threads.
    One feed's failure never stops the others; a library error (disk full, corrupt file) does.
    """
    feeds = [f for f in library.subscriptions() if urls is None or f.url in urls]
    by_url = {feed.url: feed for feed in feeds}
    outcomes: dict[str, FeedOutcome] = {}
    lock = threading.Lock()
    fatal: list[LibraryError] = []

    def arrived(result: FetchResult) -> None:
        feed = by_url[result.url]
        try:
            outcome = _store(library, feed, result)
        except LibraryError as error:
            fatal.append(error)
            outcome = FeedOutcome(feed.url, feed.title, error=str(error))
        except Exception as error:  # noqa: BLE001 - one feed's surprise must not stop the rest
            reason = f"could not be read ({type(error).__name__}: {error})"
            outcome = FeedOutcome(feed.url, feed.title, error=" ".join(reason.split())[:300])
        with lock:
            outcomes[feed.url] = outcome
            done = len(outcomes)
        if on_outcome is not None:
            on_outcome(outcome, done, len(feeds))

    requests = [FetchRequest(f.url, f.etag, f.last_modified) for f in feeds]
    fetch(requests, timeout=timeout, workers=workers, on_result=arrived)
    if fatal:
        raise fatal[0]
    return RefreshReport(tuple(outcomes[f.url] for f in feeds if f.url in outcomes))
