"""Read, starred and archived flags of every listed article, with an undo history."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Flag = Literal["read", "starred", "archived"]
FLAGS: tuple[Flag, ...] = ("read", "starred", "archived")

UNDO_LEVELS = 100
"""Enough for a long triage session; each level holds only the ids it touched."""
RECENT_CHANGES = 64


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One triage action: ``flag`` set to ``value`` on the ids whose value was different."""

    flag: Flag
    value: bool
    ids: frozenset[str]
    label: str


Saver = Callable[[Flag, Collection[str], bool], None]
"""Writes a change through to storage; called with only the ids that changed."""


def _describe(flag: Flag, value: bool, count: int) -> str:
    noun = "article" if count == 1 else "articles"
    words = {
        ("read", True): "marked read",
        ("read", False): "marked unread",
        ("starred", True): "starred",
        ("starred", False): "unstarred",
        ("archived", True): "archived",
        ("archived", False): "unarchived",
    }[(flag, value)]
    return f"{count:,} {noun} {words}"


@dataclass
class Triage:
    """The flags as sets of article ids, so a 100k-article list looks one up in constant time.

    Every change is written through ``save`` (a no-op for files opened without a library) and
    pushed on the undo stack; ``undo`` puts the exact previous values back.
    """

    read: set[str] = field(default_factory=set)
    starred: set[str] = field(default_factory=set)
    archived: set[str] = field(default_factory=set)
    save: Saver | None = None
    history: list[FlagChange] = field(default_factory=list)
    version: int = field(default=0, compare=False)
    """Counts the changes made through ``set`` and ``undo``."""
    recent: deque[tuple[int, Flag, frozenset[str], bool]] = field(
        default_factory=lambda: deque(maxlen=RECENT_CHANGES), compare=False, repr=False
    )
    """The last changes as (version, flag, ids, value): what a copy of the flags that is a few
    versions old (the list's masks) replays to catch up."""

    @classmethod
    def from_flags(
        cls, flags: Iterable[tuple[str, bool, bool, bool]], *, save: Saver | None = None
    ) -> Triage:
        """Build from ``(id, read, starred, archived)`` rows as storage returns them."""
        triage = cls(save=save)
        for article_id, read, starred, archived in flags:
            if read:
                triage.read.add(article_id)
            if starred:
                triage.starred.add(article_id)
            if archived:
                triage.archived.add(article_id)
        return triage

    def ids_with(self, flag: Flag) -> set[str]:
        return {"read": self.read, "starred": self.starred, "archived": self.archived}[flag]

    def has(self, flag: Flag, article_id: str) -> bool:
        return article_id in self.ids_with(flag)

    def set(
        self, flag: Flag, article_ids: Iterable[str], value: bool, *, undoable: bool = True
    ) -> FlagChange | None:
        """Set ``flag`` on every id; returns the change, or None when nothing changed."""
        ids = self.ids_with(flag)
        changed = frozenset(i for i in article_ids if (i in ids) != value)
        if not changed:
            return None
        self._apply(flag, changed, value)
        change = FlagChange(flag, value, changed, _describe(flag, value, len(changed)))
        if undoable:
            self.history.append(change)
            del self.history[:-UNDO_LEVELS]
        return change

    def toggle(self, flag: Flag, article_ids: Collection[str]) -> FlagChange | None:
        """Flip ``flag`` for the ids together: set it unless every one already has it."""
        ids = self.ids_with(flag)
        value = not all(i in ids for i in article_ids)
        return self.set(flag, article_ids, value)

    def undo(self) -> FlagChange | None:
        """Revert the most recent change; returns it (None when there is nothing to undo)."""
        if not self.history:
            return None
        change = self.history.pop()
        self._apply(change.flag, change.ids, not change.value)
        return change

    def _apply(self, flag: Flag, ids: frozenset[str], value: bool) -> None:
        target = self.ids_with(flag)
        if value:
            target |= ids
        else:
            target -= ids
        self.version += 1
        self.recent.append((self.version, flag, ids, value))
        if self.save is not None:
            self.save(flag, ids, value)


def unread_counts(sources: Mapping[str, Collection[str]], triage: Triage) -> dict[str, int]:
    """Unread, unarchived articles per source name."""
    return {
        source: sum(1 for i in ids if i not in triage.read and i not in triage.archived)
        for source, ids in sources.items()
    }
