"""The library's read queries: subscriptions with unread counts, article rows, full articles."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from reader.library_rows import ArticleRow, Subscription, chunks, marks, row_from_db
from reader.model import Article

__all__ = ["article_rows", "articles", "subscriptions"]


def subscriptions(conn: sqlite3.Connection) -> tuple[Subscription, ...]:
    rows = conn.execute(
        "SELECT f.id, f.url, f.title, f.etag, f.last_modified, f.last_error, "
        "coalesce(u.unread, 0), f.last_fetch_at FROM feeds f LEFT JOIN ("
        "  SELECT feed_id, count(*) AS unread FROM articles"
        "  WHERE read = 0 AND archived = 0 GROUP BY feed_id"
        ") u ON u.feed_id = f.id ORDER BY f.title COLLATE NOCASE, f.url"
    ).fetchall()
    return tuple(
        Subscription(
            id=row[0],
            url=row[1],
            title=row[2],
            etag=row[3],
            last_modified=row[4],
            last_error=row[5],
            unread=row[6],
            last_fetch_at=None if row[7] is None else datetime.fromisoformat(row[7]),
        )
        for row in rows
    )


def article_rows(
    conn: sqlite3.Connection,
    *,
    unread: bool,
    starred: bool,
    include_archived: bool,
    feed_id: int | None,
    limit: int | None = None,
) -> tuple[ArticleRow, ...]:
    where: list[str] = []
    params: list[object] = []
    if unread:
        where.append("read = 0")
    if starred:
        where.append("starred = 1")
    if not include_archived:
        where.append("archived = 0")
    if feed_id is not None:
        where.append("feed_id = ?")
        params.append(feed_id)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    if limit is not None:
        clause_limit = " LIMIT ?"
        params.append(limit)
    else:
        clause_limit = ""
    cursor = conn.execute(
        "SELECT id, title, url, source, published, read, starred, archived, feed_id "
        f"FROM articles {clause}ORDER BY sort_at DESC, seq DESC{clause_limit}",
        params,
    )
    return tuple(map(row_from_db, cursor))


def articles(conn: sqlite3.Connection, ids: Sequence[str]) -> tuple[Article, ...]:
    by_id: dict[str, Article] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        for row in conn.execute(
            "SELECT a.id, a.title, b.paragraphs, a.source, a.url, a.published, a.origin "
            "FROM articles a JOIN article_bodies b ON b.seq = a.seq "
            f"WHERE a.id IN ({marks(len(chunk))})",
            chunk,
        ):
            published = None if row[5] is None else datetime.fromisoformat(row[5])
            paragraphs = tuple(json.loads(row[2]))
            by_id[row[0]] = Article(row[0], row[1], paragraphs, row[3], row[4], published, row[6])
    return tuple(by_id[article_id] for article_id in ids if article_id in by_id)
