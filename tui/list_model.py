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
    ids: Sequence[str] | None = None,
    index_of: Mapping[str, int] | None = None,
) -> ListView:
    """The list's rows.

    ``ranked`` (search results, best first) replaces the natural order; ``only`` (a pivot to
    an entity) keeps just those ids; ``keep`` holds ids that stay although they no longer pass
    the filter (an article just read under the Unread filter does not vanish under the cursor).
    Stories are grouped only in the natural order: a search or pivot lists articles singly.
    ``ids`` (each entry's id, in order) and ``index_of`` (its inverse) spare rebuilding them on
    every call.
    """
    if ids is None:
        ids = [entry.id for entry in entries]
    order: Sequence[int] = range(len(entries)) if ranked is None else ranked
    hidden = _hidden(flag_filter, triage, ids)
    if keep:
        hidden = hidden - set(keep)
    if only is None:
        rows = [i for i in order if ids[i] not in hidden]
    else:
        rows = [i for i in order if ids[i] in only and ids[i] not in hidden]
    if ranked is not None or only is not None or not story_of:
        return ListView(rows)
    return _group_stories(entries, rows, story_of, expanded, ids, index_of, hidden)


def _hidden(flag_filter: ListFilter, triage: Triage, ids: Sequence[str]) -> set[str]:
    """Ids the filter leaves out, as one set: membership tests are the whole cost at 100k."""
    if flag_filter == "all":
        return set(triage.archived)
    if flag_filter == "unread":
        return triage.read | triage.archived
    wanted = triage.starred - triage.archived if flag_filter == "starred" else triage.archived
    return {article_id for article_id in ids if article_id not in wanted}


def _group_stories(
    entries: Sequence[Article],
    rows: list[int],
    story_of: Mapping[str, int],
    expanded: Collection[int],
    ids: Sequence[str],
    index_of: Mapping[str, int] | None,
    hidden_ids: Collection[str],
) -> ListView:
    """Each story's members after its lead (expanded) or not at all (collapsed).

    Works from the story members (a few percent of a library), not from every row: one pass
    over the rows drops the members a collapsed story hides.
    """
    if index_of is None:
        index_of = {article_id: index for index, article_id in enumerate(ids)}
    groups: dict[int, list[int]] = {}
    for article_id, story in story_of.items():
        index = index_of.get(article_id)
        # In the natural order a row is shown exactly when the filter does not hide it.
        if index is not None and article_id not in hidden_ids:
            groups.setdefault(story, []).append(index)
    stories: dict[int, StoryRow] = {}
    hidden: set[int] = set()
    after: dict[int, list[int]] = {}
    for story, group in groups.items():
        if len(group) < 2:
            continue
        group.sort()  # the natural order is the entries' order
        outlets = tuple(dict.fromkeys(entries[i].source for i in group if entries[i].source))
        is_open = story in expanded
        lead, *rest = group
        stories[lead] = StoryRow(story, True, len(group), outlets, is_open)
        hidden.update(rest)
        if is_open:
            after[lead] = rest
            for member in rest:
                stories[member] = StoryRow(story, False, len(group), outlets, True)
    if not stories:
        return ListView(rows)
    grouped = [index for index in rows if index not in hidden]
    if after:
        grouped = [member for index in grouped for member in (index, *after.get(index, ()))]
    return ListView(grouped, stories)
