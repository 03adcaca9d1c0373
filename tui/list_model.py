"""Which articles the list shows, in what order: filter, pivot, search and story grouping."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

from tui.flag_masks import FlagMasks
from tui.flag_masks import mark as _mark

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


@dataclass(frozen=True)
class StoryMembers:
    """Every story member's entry index, ascending, beside its story number.

    Built once per stories and entries: grouping then reads the shown mask at these indices
    in one C-level pass instead of looking each member's id up in a 100k-entry dict.
    """

    indices: tuple[int, ...]
    stories: tuple[int, ...]
    rows_seen: dict[tuple[int, tuple[int, ...], bool], StoryRow] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Lead rows already made, by story, shown members and expansion: a filter that shows a
    story's same members again (every ``f`` cycle does) reuses its row."""

    @classmethod
    def build(cls, story_of: Mapping[str, int], index_of: Mapping[str, int]) -> StoryMembers:
        pairs = sorted(
            (index, story)
            for article_id, story in story_of.items()
            if (index := index_of.get(article_id)) is not None
        )
        return cls(tuple(index for index, _ in pairs), tuple(story for _, story in pairs))

    def shown(self, mask: Sequence[int]) -> list[tuple[int, int]]:
        """``(index, story)`` of the members ``mask`` shows, in entry order."""
        if len(self.indices) < 2:  # itemgetter of one index returns the item, not a tuple
            flags: Sequence[int] = [mask[index] for index in self.indices]
        else:
            flags = itemgetter(*self.indices)(mask)
        return list(compress(zip(self.indices, self.stories, strict=True), flags))


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
    masks: FlagMasks | None = None,
    members: StoryMembers | None = None,
) -> ListView:
    """The list's rows.

    ``ranked`` (search results, best first) replaces the natural order; ``only`` (a pivot to
    an entity) keeps just those ids; ``keep`` holds ids that stay although they no longer pass
    the filter (an article just read under the Unread filter does not vanish under the cursor).
    Stories are grouped only in the natural order: a search or pivot lists articles singly.
    ``ids`` (each entry's id, in order) and ``index_of`` (its inverse) spare rebuilding them on
    every call, and ``masks`` (kept between calls for the same entries) spares walking the
    flagged ids; ``members`` (built from ``story_of`` and ``index_of``) spares looking each
    story member up.
    """
    if ids is None:
        ids = [entry.id for entry in entries]
    if ranked is None and only is None:
        if index_of is None:
            index_of = {article_id: index for index, article_id in enumerate(ids)}
        masks = FlagMasks() if masks is None else masks
        shown = _shown_mask(len(ids), triage, flag_filter, keep, index_of, masks)
        if not story_of:
            return ListView(_ones(shown))
        if members is None:
            members = StoryMembers.build(story_of, index_of)
        return _group_stories(entries, shown, members, expanded)
    # A search or pivot lists its (few, ranked) articles singly, tested one by one.
    order: Sequence[int] = range(len(entries)) if ranked is None else ranked
    if flag_filter in ("starred", "archived"):
        wanted = triage.starred - triage.archived if flag_filter == "starred" else triage.archived
        listed = wanted | set(keep)
        rows = [i for i in order if ids[i] in listed and (only is None or ids[i] in only)]
        return ListView(rows)
    hidden = set(triage.archived)
    if flag_filter == "unread":
        hidden |= triage.read
    hidden -= set(keep)
    rows = [i for i in order if ids[i] not in hidden and (only is None or ids[i] in only)]
    return ListView(rows)


def _shown_mask(
    count: int,
    triage: Triage,
    flag_filter: ListFilter,
    keep: Collection[str],
    index_of: Mapping[str, int],
    masks: FlagMasks,
) -> bytearray:
    """One byte per entry, 1 where the filter shows it, from the flag masks combined bytewise
    as integers: never a test per row, nor (once ``masks`` is built) a walk of the flagged ids.
    The mask has a spare last byte where ids that are not listed land."""
    numbers = masks.numbers(triage, index_of, count)
    ones = int.from_bytes(b"\x01" * (count + 1), "little")
    archived = numbers["archived"]
    if flag_filter == "starred":
        value = numbers["starred"] & (ones ^ archived)
    elif flag_filter == "archived":
        value = archived
    elif flag_filter == "unread":
        value = ones ^ (archived | numbers["read"])
    else:
        value = ones ^ archived
    mask = bytearray(value.to_bytes(count + 1, "little"))
    _mark(mask, keep, index_of, 1)
    del mask[count]
    return mask


def _ones(mask: bytearray) -> list[int]:
    """The indices of the mask's non-zero bytes; a sparse mask (a filter to starred or archived
    articles) is searched byte by byte in C instead of walked whole."""
    if mask.count(0) * 8 < len(mask) * 7:
        return list(compress(range(len(mask)), mask))
    found: list[int] = []
    position = mask.find(1)
    while position >= 0:
        found.append(position)
        position = mask.find(1, position + 1)
    return found


def _group_stories(
    entries: Sequence[Article],
    shown: bytearray,
    members: StoryMembers,
    expanded: Collection[int],
) -> ListView:
    """Each story's members after its lead (expanded) or not at all (collapsed).

    Works from the story members (a few percent of a library), not from every row: the members
    a story hides are cleared from ``shown`` (which this changes) before the rows are listed.
    """
    if len(members.rows_seen) > 8 * len(members.indices):  # triage keeps making new groups
        members.rows_seen.clear()
    groups: dict[int, list[int]] = {}  # each in the entries' order: members come ascending
    for index, story in members.shown(shown):
        groups.setdefault(story, []).append(index)
    stories: dict[int, StoryRow] = {}
    after: dict[int, list[int]] = {}
    for story, group in groups.items():
        if len(group) < 2:
            continue
        is_open = story in expanded
        key = (story, tuple(group), is_open)
        lead_row = members.rows_seen.get(key)
        if lead_row is None:
            outlets = tuple(dict.fromkeys(entries[i].source for i in group if entries[i].source))
            lead_row = members.rows_seen[key] = StoryRow(story, True, len(group), outlets, is_open)
        lead, *rest = group
        stories[lead] = lead_row
        for member in rest:
            shown[member] = 0
        if is_open:
            after[lead] = rest
            member_row = StoryRow(story, False, len(group), lead_row.outlets, True)
            for member in rest:
                stories[member] = member_row
    rows = _ones(shown)
    # Later leads first: the rows before each insertion stay sorted for the next search.
    end = len(rows)
    for lead in sorted(after, reverse=True):
        place = bisect_left(rows, lead, 0, end)
        rows[place + 1 : place + 1] = after[lead]
        end = place
    return ListView(rows, stories)
