"""Group articles that reuse each other's paragraphs (wire copy in several outlets) into stories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType

from reader.model import Article, FoldPlan, ParagraphRef
from reader.normalize import strip_dateline
from reader.union_find import UnionFind

DEFAULT_MIN_SHARED = 2
"""Shared paragraphs two articles need to be linked: one paragraph in common is too often a
coincidence (a quoted statement, a stock background line) to call two articles one story."""

DEFAULT_MIN_SHARE = 0.25
"""Part of an article's text (in characters) the shared paragraphs must make up."""

MIN_LINK_WORDS = 10
"""Shorter paragraphs ("Reporting by Jane Doe; Editing by Mark Heinrich", "Follow us on Twitter",
"(c) 2024 Reuters") are an outlet's furniture, not its story, and never link two articles."""

_MAX_PAIRED_ARTICLES = 64
"""A paragraph copied into more articles than this links each copy to the first one only, so a
widely reused line costs linear rather than quadratic time."""


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that carry the same text: one story told by several outlets (or feeds)."""

    number: int
    """1-based, in the corpus order of each story's first article."""
    article_ids: tuple[str, ...]
    """Members in corpus order; the first is where the shared text first appeared."""
    shared_paragraphs: int
    """Paragraphs of members repeating text an earlier member printed (on ``fold``'s plans: the
    cross-article folds between members), which a reader of the whole story is spared."""


@dataclass(frozen=True)
class StoryIndex:
    """Stories, and which story each article belongs to."""

    stories: tuple[Story, ...] = ()
    _by_article: Mapping[str, Story] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_article = {aid: story for story in self.stories for aid in story.article_ids}
        object.__setattr__(self, "_by_article", MappingProxyType(by_article))

    def story_of(self, article_id: str) -> Story | None:
        """The story the article belongs to, or None when it shares no text with another."""
        return self._by_article.get(article_id)

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories)


@dataclass(slots=True)
class _PairTally:
    """What two articles share: paragraph groups, and the characters those cover in each."""

    first: str
    second: str
    groups: list[int] = field(default_factory=list)
    """Indices of the shared texts (paragraph groups)."""
    chars_first: int = 0
    chars_second: int = 0


def _words(paragraph: str) -> int:
    return len(strip_dateline(paragraph).split())


def _paragraph_groups(
    plan: FoldPlan, paragraphs_of: Mapping[str, tuple[str, ...]]
) -> list[list[ParagraphRef]]:
    """Copies of one text, across the corpus: folds chained onto their first occurrence."""

    def valid(ref: ParagraphRef) -> bool:
        paragraphs = paragraphs_of.get(ref.article_id)
        return paragraphs is not None and 0 <= ref.paragraph < len(paragraphs)

    copies: UnionFind[ParagraphRef] = UnionFind()
    for article_id, folds in plan.by_article.items():
        for fold in folds:
            ref = ParagraphRef(article_id, fold.paragraph)
            if valid(ref) and valid(fold.same_as):
                copies.union(fold.same_as, ref)
    groups: dict[ParagraphRef, list[ParagraphRef]] = {}
    for ref in copies:
        groups.setdefault(copies.find(ref), []).append(ref)
    return list(groups.values())


def _tally_pairs(
    groups: Sequence[list[ParagraphRef]],
    paragraphs_of: Mapping[str, tuple[str, ...]],
    position: Mapping[str, int],
) -> dict[tuple[str, str], _PairTally]:
    tallies: dict[tuple[str, str], _PairTally] = {}
    for group, refs in enumerate(groups):
        origin = min(refs, key=lambda ref: (position[ref.article_id], ref.paragraph))
        chars: dict[str, int] = {}
        for ref in refs:
            chars[ref.article_id] = chars.get(ref.article_id, 0) + len(
                paragraphs_of[ref.article_id][ref.paragraph]
            )
        if len(chars) < 2 or _words(paragraphs_of[origin.article_id][origin.paragraph]) < (
            MIN_LINK_WORDS
        ):
            continue
        members = sorted(chars, key=position.__getitem__)
        if len(members) <= _MAX_PAIRED_ARTICLES:
            pairs: Iterator[tuple[str, str]] = combinations(members, 2)
        else:
            pairs = ((members[0], other) for other in members[1:])
        for first, second in pairs:
            tally = tallies.get((first, second))
            if tally is None:
                tally = tallies[first, second] = _PairTally(first, second)
            tally.groups.append(group)
            tally.chars_first += chars[first]
            tally.chars_second += chars[second]
    return tallies


def build_stories(
    articles: Sequence[Article],
    plan: FoldPlan,
    *,
    min_shared: int = DEFAULT_MIN_SHARED,
    min_share: float = DEFAULT_MIN_SHARE,
) -> tuple[Story, ...]:
    """Cluster articles linked by shared (folded) paragraphs into stories of two or more.

    Every fold joins a paragraph to its twin; a chain of folds is one shared text. Two articles
    are *linked* when the texts they both carry, counting only texts of at least
    ``MIN_LINK_WORDS`` words:

    * number at least ``min_shared`` (default 2),
    * make up at least ``min_share`` (default a quarter) of one of the two articles' characters,
    * and include a text that no two *unlinked* articles both carry.

    Stories are the connected groups of linked articles. The rule keeps boilerplate from
    chaining unrelated articles into one giant story: a credit line, a social-media plug or a
    copyright notice is too short to count; a longer newsletter pitch shared alone is one
    paragraph; an outlet's footer of several long lines is a small part of each real article.
    The last condition stops a short article that is mostly such a footer (a failed scrape)
    from bridging two stories: the footer is also shared by two articles it does not link, so
    it vouches for no link. Three outlets printing one wire story with their own intros and
    datelines share most of their text and form one story. Paragraphs an article repeats of
    itself link nothing.

    Articles are taken in corpus order (``articles``); a repeated id counts once, at its first
    place. The result depends only on the articles and the plan.
    """
    position: dict[str, int] = {}
    paragraphs_of: dict[str, tuple[str, ...]] = {}
    for index, article in enumerate(articles):
        if article.id not in position:
            position[article.id] = index
            paragraphs_of[article.id] = article.paragraphs

    groups = _paragraph_groups(plan, paragraphs_of)
    tallies = _tally_pairs(groups, paragraphs_of, position)
    strong: list[_PairTally] = []
    disputed: set[int] = set()
    for (first, second), tally in tallies.items():
        share = max(
            tally.chars_first / max(1, sum(map(len, paragraphs_of[first]))),
            tally.chars_second / max(1, sum(map(len, paragraphs_of[second]))),
        )
        if len(tally.groups) >= max(1, min_shared) and share >= min_share:
            strong.append(tally)
        else:
            disputed.update(tally.groups)
    linked: UnionFind[str] = UnionFind()
    for tally in strong:
        if not disputed.issuperset(tally.groups):
            linked.union(tally.first, tally.second)

    clusters: dict[str, list[str]] = {}
    for article_id in linked:
        clusters.setdefault(linked.find(article_id), []).append(article_id)
    ordered = sorted(
        (sorted(members, key=position.__getitem__) for members in clusters.values()),
        key=lambda members: position[members[0]],
    )
    story_of = {aid: number for number, members in enumerate(ordered) for aid in members}
    repeats = _repeats_per_story(groups, story_of, position)
    return tuple(
        Story(number=number + 1, article_ids=tuple(members), shared_paragraphs=repeats[number])
        for number, members in enumerate(ordered)
    )


def _repeats_per_story(
    groups: Sequence[list[ParagraphRef]], story_of: Mapping[str, int], position: Mapping[str, int]
) -> dict[int, int]:
    """Per story: paragraphs of its members that repeat text an earlier member printed first.

    On ``fold``'s plans these are exactly the cross-article folds between members, since a copy
    folds onto the earliest occurrence; counted from the copies so a story whose articles both
    quote an outsider's paragraphs still counts them.
    """
    repeats = dict.fromkeys(story_of.values(), 0)
    for refs in groups:
        first_holder: dict[int, int] = {}
        for ref in refs:
            story = story_of.get(ref.article_id)
            if story is not None:
                held = first_holder.get(story, position[ref.article_id])
                first_holder[story] = min(held, position[ref.article_id])
        for ref in refs:
            story = story_of.get(ref.article_id)
            if story is not None and position[ref.article_id] != first_holder[story]:
                repeats[story] += 1
    return repeats


def story_index(
    articles: Sequence[Article],
    plan: FoldPlan,
    *,
    min_shared: int = DEFAULT_MIN_SHARED,
    min_share: float = DEFAULT_MIN_SHARE,
) -> StoryIndex:
    """``build_stories`` wrapped for looking up an article's story."""
    return StoryIndex(build_stories(articles, plan, min_shared=min_shared, min_share=min_share))
