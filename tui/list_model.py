"""Which articles the list shows, in what order: filter, pivot, search and story grouping."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
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
    hidden: Collection[str]
    if flag_filter in ("starred", "archived"):
        # Few articles pass: list them from their ids rather than testing every row.
        wanted = triage.starred - triage.archived if flag_filter == "starred" else triage.archived
        shown = wanted | set(keep)
        hidden = _Outside(shown)
        if ranked is None and only is None:
            if index_of is None:
                index_of = {article_id: index for index, article_id in enumerate(ids)}
            places = (index_of.get(article_id) for article_id in shown)
            rows = sorted(index for index in places if index is not None)
        else:
            rows = [i for i in order if ids[i] in shown and (only is None or ids[i] in only)]
    else:
        # Membership in one set is the whole cost per row at 100k rows.
        hidden_set = set(triage.archived)
        if flag_filter == "unread":
            hidden_set |= triage.read
        if keep:
            hidden_set -= set(keep)
        hidden = hidden_set
        if only is None:
            rows = [i for i in order if ids[i] not in hidden_set]
        else:
            rows = [i for i in order if ids[i] in only and ids[i] not in hidden_set]
    if ranked is not None or only is not None or not story_of:
        return ListView(rows)
    return _group_stories(entries, rows, story_of, expanded, ids, index_of, hidden)


class _Outside(Collection[str]):
    """Everything not in ``shown``: the hidden ids of a filter that shows few articles."""

    def __init__(self, shown: set[str]) -> None:
        self._shown = shown

    def __contains__(self, item: object) -> bool:
        return item not in self._shown

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the complement of a set cannot be listed")

    def __len__(self) -> int:
        raise TypeError("the complement of a set has no size")


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
