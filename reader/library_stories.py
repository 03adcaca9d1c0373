"""The stored library's stories, updated for a batch of newly folded articles alone."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reader.library import Library
from reader.model import Article, Fold, FoldPlan, ParagraphRef
from reader.normalize import strip_dateline
from reader.stories import MIN_LINK_WORDS, Story, build_stories
from reader.union_find import UnionFind

ROOTS_KIND = "fold-roots"
"""Per folded article: ``[paragraph, root article, root paragraph, long]`` for each fold, where
the root is the first paragraph of the fold's chain and long means it has ``MIN_LINK_WORDS``."""
PART_KIND = "story-part"
"""Per part (keyed by its earliest member): its members and their stories."""
PART_OF_KIND = "story-part-of"
"""Per article in a part: the part's key."""
LEGACY_STORIES_BLOB = "stories"
"""Where stories were kept, rebuilt whole, before parts: read until the first update."""
STORY_KINDS = (ROOTS_KIND, PART_KIND, PART_OF_KIND)

# Why parts: ``build_stories`` only ever relates articles that share a paragraph group whose
# first paragraph is long enough to link (shorter groups only add to ``shared_paragraphs``,
# which needs nothing but the story's own members). So articles joined, directly or not, by
# folds onto such long roots form "parts" that ``build_stories`` treats independently: a batch
# re-runs it on the parts its new folds reach and leaves every other story (and number) alone.
# Folds are re-pointed at their roots so that a short group still joins the members of a part
# when the chain runs through an article outside it.

_Roots = dict[int, tuple[ParagraphRef, bool]]


@dataclass(frozen=True, slots=True)
class StoryUpdate:
    """What to write so the stored stories include a batch; ``next_story`` numbers new ones."""

    put_cache: tuple[tuple[str, str, bytes], ...]
    delete_cache: tuple[tuple[str, str], ...]
    delete_blobs: tuple[str, ...]
    next_story: int


@dataclass(frozen=True, slots=True)
class _Part:
    members: tuple[str, ...]
    stories: tuple[Story, ...]


def _part_json(part: _Part) -> bytes:
    stories = [[s.number, list(s.article_ids), s.shared_paragraphs] for s in part.stories]
    return json.dumps({"members": list(part.members), "stories": stories}).encode()


def _part_from_json(payload: bytes) -> _Part:
    data = json.loads(payload)
    return _Part(
        tuple(str(m) for m in data["members"]),
        tuple(Story(int(n), tuple(ids), int(shared)) for n, ids, shared in data["stories"]),
    )


def _roots_json(roots: _Roots) -> bytes:
    return json.dumps(
        [[p, ref.article_id, ref.paragraph, int(long)] for p, (ref, long) in roots.items()]
    ).encode()


def _roots_from_json(payload: bytes) -> _Roots:
    return {
        int(p): (ParagraphRef(str(aid), int(q)), bool(long))
        for p, aid, q, long in json.loads(payload)
    }


class _Articles:
    """Articles loaded once each, from the batch in memory or else the library."""

    def __init__(self, library: Library, known: Mapping[str, Article]) -> None:
        self._library = library
        self._known = dict(known)

    def get(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(ids))
        missing = [aid for aid in wanted if aid not in self._known]
        self._known.update((a.id, a) for a in self._library.articles(missing))
        return {aid: self._known[aid] for aid in wanted if aid in self._known}


def _batch_roots(
    library: Library, plan: FoldPlan, batch: Sequence[str], articles: _Articles
) -> dict[str, _Roots]:
    """Each batch fold's root (chains end in one step: every stored article knows its roots)."""
    in_batch = set(batch)
    targets = {
        f.same_as.article_id
        for aid in batch
        for f in plan.folds_for(aid)
        if f.same_as.article_id not in in_batch
    }
    stored = {
        aid: _roots_from_json(payload)
        for aid, payload in library.cached_many(ROOTS_KIND, sorted(targets)).items()
    }
    refs: dict[str, dict[int, ParagraphRef]] = {}
    for aid in batch:  # folding order: a fold's target is always earlier
        mine = refs[aid] = {}
        for fold in sorted(plan.folds_for(aid), key=lambda f: f.paragraph):
            target = fold.same_as
            known = refs.get(target.article_id)
            if known is None:
                found = stored.get(target.article_id, {}).get(target.paragraph)
                root = target if found is None else found[0]
            else:
                root = known.get(target.paragraph, target)
            mine[fold.paragraph] = root
    paragraphs = articles.get(
        sorted({root.article_id for mine in refs.values() for root in mine.values()})
    )

    def long(root: ParagraphRef) -> bool:
        article = paragraphs.get(root.article_id)
        if article is None or not 0 <= root.paragraph < len(article.paragraphs):
            return False
        text = strip_dateline(article.paragraphs[root.paragraph])
        return len(text.split()) >= MIN_LINK_WORDS

    return {
        aid: {p: (root, long(root)) for p, root in mine.items()}
        for aid, mine in refs.items()
        if mine
    }


def _numbered(
    stories: Sequence[Story], old_number: Mapping[str, int], next_story: int
) -> tuple[list[Story], int]:
    """Renumber fresh stories: each keeps the smallest number free among its members' old
    stories (so a story a batch only grew keeps its number), else gets the next new one."""
    taken: set[int] = set()
    out: list[Story] = []
    for story in stories:
        options = sorted({old_number[a] for a in story.article_ids if a in old_number} - taken)
        if options:
            number = options[0]
        else:
            number, next_story = next_story, next_story + 1
        taken.add(number)
        out.append(Story(number, story.article_ids, story.shared_paragraphs))
    return out, next_story


def update_stories(
    library: Library,
    plan: FoldPlan,
    batch: Sequence[str],
    places: Mapping[str, int],
    next_story: int,
    *,
    known: Mapping[str, Article] | None = None,
) -> StoryUpdate:
    """The writes that bring the stored stories up to date with a folded batch.

    ``batch`` is the batch's article ids in folding order, ``plan`` its folds, ``places`` their
    places in the folding order (not stored yet); ``known`` articles already in memory. Reads
    only the batch, its folds' roots and the parts those reach.
    """
    articles = _Articles(library, known or {})
    roots = _batch_roots(library, plan, batch, articles)
    joined: UnionFind[str] = UnionFind()
    reached: set[str] = set()
    for aid, mine in roots.items():
        for root, long in mine.values():
            if long and root.article_id != aid:
                joined.union(root.article_id, aid)
                reached.update((aid, root.article_id))
    put: list[tuple[str, str, bytes]] = [
        (ROOTS_KIND, aid, _roots_json(r)) for aid, r in roots.items()
    ]
    if not reached:
        return StoryUpdate(tuple(put), (), (LEGACY_STORIES_BLOB,), next_story)

    part_of = {
        aid: key.decode() for aid, key in library.cached_many(PART_OF_KIND, sorted(reached)).items()
    }
    old_parts = {
        key: _part_from_json(payload)
        for key, payload in library.cached_many(PART_KIND, sorted(set(part_of.values()))).items()
    }
    for key, part in old_parts.items():
        for member in part.members:
            joined.union(key, member)
            part_of[member] = key
    members: dict[str, set[str]] = {}
    for aid in reached.union(*(p.members for p in old_parts.values())):
        members.setdefault(joined.find(aid), set()).add(aid)
    everyone = sorted(set().union(*members.values()))

    # The parts' folds, re-pointed at their roots, and every article those name.
    all_roots = dict(roots)
    stored = library.cached_many(ROOTS_KIND, [aid for aid in everyone if aid not in roots])
    all_roots.update((aid, _roots_from_json(payload)) for aid, payload in stored.items())
    collapsed = FoldPlan(
        plan.threshold,
        {
            aid: tuple(Fold(p, root, 100.0) for p, (root, _) in sorted(all_roots[aid].items()))
            for aid in everyone
            if aid in all_roots
        },
    )
    named = set(everyone).union(
        *({root.article_id for root, _ in all_roots[aid].values()} for aid in collapsed.by_article)
    )
    place = dict(places)
    place.update(library.fold_places([aid for aid in named if aid not in place]))
    loaded = articles.get(sorted((aid for aid in named if aid in place), key=place.__getitem__))
    fresh = build_stories(list(loaded.values()), collapsed)

    old_number = {
        aid: story.number
        for part in old_parts.values()
        for story in part.stories
        for aid in story.article_ids
    }
    numbered, next_story = _numbered(fresh, old_number, next_story)
    delete: set[tuple[str, str]] = {(PART_KIND, key) for key in old_parts}
    for group in members.values():
        ordered = sorted(group, key=lambda aid: (place.get(aid, 0), aid))
        key = ordered[0]
        inside = set(group)
        stories = tuple(s for s in numbered if s.article_ids[0] in inside)
        put.append((PART_KIND, key, _part_json(_Part(tuple(ordered), stories))))
        delete.discard((PART_KIND, key))
        put.extend((PART_OF_KIND, aid, key.encode()) for aid in ordered if part_of.get(aid) != key)
    return StoryUpdate(tuple(put), tuple(sorted(delete)), (LEGACY_STORIES_BLOB,), next_story)


def library_stories(library: Library) -> tuple[Story, ...]:
    """Every story of the library, by number."""
    parts = library.cached_all(PART_KIND)
    if not parts:
        blob = library.get_blob(LEGACY_STORIES_BLOB)
        if not blob:
            return ()
        return tuple(Story(int(n), tuple(ids), int(s)) for n, ids, s in json.loads(blob))
    stories = [story for _, payload in parts for story in _part_from_json(payload).stories]
    return tuple(sorted(stories, key=lambda s: s.number))
