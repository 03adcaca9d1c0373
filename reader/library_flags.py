"""Article flags (read, starred, archived): setting them on many articles and putting them back."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.library_rows import FlagChange, PreviousFlags, chunks, marks

# Where each flag sits in a ``PreviousFlags`` entry.
_FLAG_COLUMNS = {"read": 2, "starred": 3, "archived": 4}
_READ_AT_COLUMN = 5


def set_flags(
    conn: sqlite3.Connection,
    ids: Sequence[str],
    *,
    read: bool | None,
    starred: bool | None,
    archived: bool | None,
    now: str,
) -> FlagChange:
    """Set flags on many articles inside the caller's transaction; unknown ids are ignored.

    ``now`` is the time a newly read article is stamped with."""
    wanted = zip(_FLAG_COLUMNS, (read, starred, archived), strict=True)
    changes = [(name, int(value)) for name, value in wanted if value is not None]
    if not changes or not ids:
        return FlagChange()
    differs = " OR ".join(f"{name} <> {value}" for name, value in changes)
    assignments = [f"{name} = {value}" for name, value in changes]
    if read is not None:
        # read_at is when it was first marked read, cleared when marked unread again.
        assignments.append(
            "read_at = CASE WHEN read = 0 THEN ? ELSE read_at END" if read else "read_at = NULL"
        )
    stamp = [now] if read else []
    previous: list[PreviousFlags] = []
    # Visiting the rows in table order rather than id (hash) order keeps each page
    # read and dirtied once: marking 100k articles read is several times faster.
    seqs: list[int] = []
    for chunk in chunks(list(dict.fromkeys(ids))):
        found = conn.execute(f"SELECT seq FROM articles WHERE id IN ({marks(len(chunk))})", chunk)
        seqs.extend(row[0] for row in found)
    seqs.sort()
    for seq_chunk in chunks(seqs):
        match = f"seq IN ({marks(len(seq_chunk))}) AND ({differs})"
        previous.extend(
            conn.execute(
                f"SELECT seq, id, read, starred, archived, read_at FROM articles WHERE {match}",
                seq_chunk,
            )
        )
        conn.execute(
            f"UPDATE articles SET {', '.join(assignments)} WHERE {match}",
            [*stamp, *seq_chunk],
        )
    return FlagChange(fields=tuple(name for name, _ in changes), previous=tuple(previous))


def restore(conn: sqlite3.Connection, change: FlagChange) -> None:
    """Put back the flags a ``set_flags`` call changed, exactly as they were before it."""
    if not change.fields or not change.previous:
        return
    assignments = [f"{name} = ?" for name in change.fields]
    picks = [_FLAG_COLUMNS[name] for name in change.fields]
    if "read" in change.fields:
        assignments.append("read_at = ?")
        picks.append(_READ_AT_COLUMN)
    # The id check guards against a row number reused by an article stored since.
    statement = f"UPDATE articles SET {', '.join(assignments)} WHERE seq = ? AND id = ?"
    conn.executemany(
        statement,
        ([*(entry[i] for i in picks), entry[0], entry[1]] for entry in change.previous),
    )
