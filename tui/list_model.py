"""Which articles the list shows, in what order: filter, pivot, search and story grouping."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from reader.model import Article
    from tui.triage import Triage

ListFilter = Literal["all", "unread", "starred", "archived"]
FILTER_CYCLE: tuple[ListFilter, ...] = ("all", "unread", "starred", "archived")
FILTER_NAMES: Mapping[ListFilter, str] = {
    "all": "All",
    "unread": "Unread",
    "starred": "Starred",
    "archived": "Archived",
}


def next_filter(current: ListFilter) -> ListFilter:
    return FILTER_CYCLE[(FILTER_CYCLE.index(current) + 1) % len(FILTER_CYCLE)]


@dataclass(frozen=True, slots=True)
class StoryRow:
    """How a row of a story cluster is drawn: its lead stands for the whole story."""

    story: int
    lead: bool
    members: int
    """Members the current filter shows (the lead included)."""
    outlets: tuple[str, ...]
    """Distinct sources of those members, in list order."""
    expanded: bool


@dataclass(frozen=True)
class ListView:
    """The rows on show, as indices into the entries, and story details for story rows."""

    rows: Sequence[int]
    stories: Mapping[int, StoryRow] = field(default_factory=dict)


def passes(flag_filter: ListFilter, article_id: str, triage: Triage) -> bool:
    if flag_filter == "archived":
        return article_id in triage.archived
    if article_id in triage.archived:
        return False
    if flag_filter == "unread":
        return article_id not in triage.read
    if flag_filter == "starred":
        return article_id in triage.starred
    return True


def build_view(
    entries: Sequence[Article],
    triage: Triage,
    *,
    flag_filter: ListFilter = "all",
    only: Collection[str] | None = None,
    ranked: Sequence[int] | None = None,
    keep: Collection[str] = (),
    story_of: Mapping[str, int] | None = None,
    expanded: Collection[int] = (),
) -> ListView:
    """The list's rows.

    ``ranked`` (search results, best first) replaces the natural order; ``only`` (a pivot to
    an entity) keeps just those ids; ``keep`` holds ids that stay although they no longer pass
    the filter (an article just read under the Unread filter does not vanish under the cursor).
    Stories are grouped only in the natural order: a search or pivot lists articles singly.
    """
    order: Sequence[int] = range(len(entries)) if ranked is None else ranked
    rows = [
        index
        for index in order
        if (only is None or entries[index].id in only)
        and (passes(flag_filter, entries[index].id, triage) or entries[index].id in keep)
    ]
    if ranked is not None or only is not None or not story_of:
        return ListView(rows)
    return _group_stories(entries, rows, story_of, expanded)


def _group_stories(
    entries: Sequence[Article],
    rows: list[int],
    story_of: Mapping[str, int],
    expanded: Collection[int],
) -> ListView:
    members: dict[int, list[int]] = {}
    for index in rows:
        story = story_of.get(entries[index].id)
        if story is not None:
            members.setdefault(story, []).append(index)
    grouped: list[int] = []
    stories: dict[int, StoryRow] = {}
    for index in rows:
        story = story_of.get(entries[index].id)
        group = members.get(story) if story is not None else None
        if story is None or group is None or len(group) < 2:
            grouped.append(index)
            continue
        if group[0] != index:
            continue  # drawn under its lead
        outlets = tuple(dict.fromkeys(entries[i].source for i in group if entries[i].source))
        is_open = story in expanded
        for position, member in enumerate(group if is_open else group[:1]):
            grouped.append(member)
            stories[member] = StoryRow(story, position == 0, len(group), outlets, is_open)
    return ListView(grouped, stories)
