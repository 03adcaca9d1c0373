"""The library's value types, and how articles are written to and read from their table rows."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from reader.library_schema import LibraryError

__all__ = [
    "ArticleRow",
    "Entry",
    "FlagChange",
    "NewItem",
    "PreviousFlags",
    "StoreResult",
    "Subscription",
    "article_record",
    "chunks",
    "content_hash",
    "marks",
    "row_from_db",
    "store_entries",
]

# (id, title, url, source, published ISO text or None, read, starred, archived, feed_id): the
# list query's row exactly as SQLite returns it, so building a row costs one call, no parsing.
_RawRow = tuple[str, str, str, str, str | None, int, int, int, int | None]
# (row number, id, read, starred, archived, read_at) of one article before a flag change.
PreviousFlags = tuple[int, str, int, int, int, str | None]

_T = TypeVar("_T")
# SQLite allows 999 host parameters in old builds; stay under it for IN (...) lists.
_CHUNK = 900
_ID_LENGTHS = (12, 16, 24, 32)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscribed feed with its fetch state and how many of its articles are unread."""

    id: int
    url: str
    title: str
    etag: str
    last_modified: str
    last_error: str
    unread: int
    last_fetch_at: datetime | None = None


@dataclass(frozen=True, slots=True, init=False, repr=False)
class ArticleRow:
    """One line of the article list (no text): a lean tuple read through properties.

    ``published`` is parsed only when asked for, so listing 100,000 articles builds no datetimes.
    """

    raw: _RawRow

    def __init__(
        self,
        id: str,
        title: str,
        url: str,
        source: str,
        published: datetime | None,
        read: bool,
        starred: bool,
        archived: bool,
        feed_id: int | None,
    ) -> None:
        published_text = None if published is None else aware(published).isoformat()
        raw = (id, title, url, source, published_text, int(read), int(starred), int(archived))
        object.__setattr__(self, "raw", (*raw, feed_id))

    @property
    def id(self) -> str:
        return self.raw[0]

    @property
    def title(self) -> str:
        return self.raw[1]

    @property
    def url(self) -> str:
        return self.raw[2]

    @property
    def source(self) -> str:
        return self.raw[3]

    @property
    def published(self) -> datetime | None:
        text = self.raw[4]
        return None if text is None else datetime.fromisoformat(text)

    @property
    def read(self) -> bool:
        return self.raw[5] == 1

    @property
    def starred(self) -> bool:
        return self.raw[6] == 1

    @property
    def archived(self) -> bool:
        return self.raw[7] == 1

    @property
    def feed_id(self) -> int | None:
        return self.raw[8]

    def __repr__(self) -> str:
        names = ("id", "title", "url", "source", "published", "read", "starred", "archived")
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in (*names, "feed_id"))
        return f"ArticleRow({shown})"


def row_from_db(
    raw: _RawRow, _new: Any = object.__new__, _set: Any = object.__setattr__
) -> ArticleRow:
    row: ArticleRow = _new(ArticleRow)
    _set(row, "raw", raw)
    return row


@dataclass(frozen=True, slots=True)
class NewItem:
    """One feed entry to store; ``key`` is its identity within the feed (GUID, link or hash)."""

    key: str
    title: str
    url: str
    author: str
    published: datetime | None
    paragraphs: tuple[str, ...]
    summary_only: bool = False


@dataclass(frozen=True, slots=True)
class StoreResult:
    """Ids of the articles a store added and of those whose content it changed."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FlagChange:
    """What ``set_flags`` changed: the flags it set and every changed article's prior state.

    Only articles whose flags actually changed are recorded, so ``Library.restore`` puts back
    exactly what was there; restore changes in reverse order, like an undo stack.
    """

    fields: tuple[str, ...] = ()
    previous: tuple[PreviousFlags, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(entry[1] for entry in self.previous)


def content_hash(title: str, paragraphs: Sequence[str]) -> str:
    """A stable hex digest of an article's text, the key of the fold and entity caches."""
    text = json.dumps([title, *paragraphs], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def article_record(row: ArticleRow) -> dict[str, object]:
    """The JSON object ``newsfold articles --json`` prints for one row."""
    return {
        "id": row.id,
        "title": row.title,
        "url": row.url,
        "source": row.source,
        "published": row.raw[4],
        "read": row.read,
        "starred": row.starred,
        "archived": row.archived,
    }


def aware(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC, so every stored time sorts on one clock."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def encode_paragraphs(paragraphs: Sequence[str]) -> str:
    return json.dumps(list(paragraphs), ensure_ascii=False)


def chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def marks(count: int) -> str:
    return ",".join("?" * count)


@dataclass(frozen=True, slots=True)
class Entry:
    """An article about to be stored, from a feed item or a loaded file alike."""

    key: str
    title: str
    url: str
    source: str
    author: str
    published: datetime | None
    paragraphs: Sequence[str]
    summary_only: bool
    origin: str


def store_entries(
    conn: sqlite3.Connection,
    feed_id: int | None,
    id_prefix: str,
    entries: Sequence[Entry],
    now: datetime,
) -> StoreResult:
    """Insert new entries and update changed ones; the caller owns the transaction.

    Identity is (feed, key). A changed entry keeps its flags; a summary never replaces a full
    text stored earlier. Ids are digests of ``id_prefix + key``.
    """
    fetched_at = now.isoformat()
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry)  # a key repeated within one fetch: first wins
    existing = _existing(conn, feed_id, list(unique))
    added: list[str] = []
    updated: list[str] = []
    for entry in unique.values():
        published = None if entry.published is None else aware(entry.published)
        published_text = None if published is None else published.isoformat()
        digest = content_hash(entry.title, entry.paragraphs)
        details = (entry.title, entry.url, entry.author, published_text, digest)
        summary_only = int(entry.summary_only)
        old = existing.get(entry.key)
        if old is None:
            article_id = _free_id(conn, id_prefix + entry.key)
            cursor = conn.execute(
                "INSERT INTO articles (id, feed_id, key, title, url, source, author, "
                "published, sort_at, content_hash, summary_only, origin, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    feed_id,
                    entry.key,
                    entry.title,
                    entry.url,
                    entry.source,
                    entry.author,
                    published_text,
                    (published or now).timestamp(),
                    digest,
                    summary_only,
                    entry.origin,
                    fetched_at,
                ),
            )
            conn.execute(
                "INSERT INTO article_bodies (seq, paragraphs) VALUES (?, ?)",
                (cursor.lastrowid, encode_paragraphs(entry.paragraphs)),
            )
            added.append(article_id)
            continue
        seq, article_id, old_details, old_summary_only = old
        if (details, summary_only) == (old_details, old_summary_only):
            continue
        if summary_only and not old_summary_only:
            continue  # keep the full text fetched earlier over the feed's summary
        conn.execute(
            "UPDATE articles SET title = ?, url = ?, author = ?, published = ?, "
            "sort_at = coalesce(?, sort_at), content_hash = ?, summary_only = ?, "
            "updated_at = ? WHERE seq = ?",
            (
                *details[:4],
                None if published is None else published.timestamp(),
                digest,
                summary_only,
                fetched_at,
                seq,
            ),
        )
        conn.execute(
            "UPDATE article_bodies SET paragraphs = ? WHERE seq = ?",
            (encode_paragraphs(entry.paragraphs), seq),
        )
        updated.append(article_id)
    return StoreResult(added=tuple(added), updated=tuple(updated))


def _existing(
    conn: sqlite3.Connection, feed_id: int | None, keys: Sequence[str]
) -> dict[str, tuple[int, str, tuple[str, str, str, str | None, str], int]]:
    owner = "feed_id IS NULL" if feed_id is None else "feed_id = ?"
    found = {}
    for chunk in chunks(keys):
        params = list(chunk) if feed_id is None else [feed_id, *chunk]
        for row in conn.execute(
            "SELECT key, seq, id, title, url, author, published, content_hash, summary_only "
            f"FROM articles WHERE {owner} AND key IN ({marks(len(chunk))})",
            params,
        ):
            found[row[0]] = (row[1], row[2], (row[3], row[4], row[5], row[6], row[7]), row[8])
    return found


def _free_id(conn: sqlite3.Connection, identity: str) -> str:
    """The article's short id: a digest of its identity, lengthened on the rare collision."""
    digest = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    for length in _ID_LENGTHS:
        candidate = digest[:length]
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone() is None:
            return candidate
    raise LibraryError(f"cannot give a unique id to {identity!r}")
