"""Flag masks and story members kept between list rebuilds give the rows a fresh build gives,
change after change."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_tui_repaint_cost import reference_rows

from reader.model import Article
from tui.flag_masks import FlagMasks
from tui.list_model import ListFilter, StoryMembers, _ones, build_view
from tui.triage import RECENT_CHANGES, Triage

FILTERS: list[ListFilter] = ["all", "unread", "starred", "archived"]
STEP = st.tuples(
    st.sampled_from(["read", "starred", "archived", "undo"]),
    st.sets(st.integers(0, 24), max_size=6),
    st.booleans(),
    st.sampled_from(FILTERS),
    st.sets(st.integers(0, 3), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(STEP, max_size=25), st.sets(st.integers(0, 24), max_size=3))
def test_kept_masks_follow_every_change(
    steps: list[tuple[str, set[int], bool, ListFilter, set[int]]], kept: set[int]
) -> None:
    articles = [Article(f"a{index}", f"Title {index}", ("Text.",)) for index in range(25)]
    ids = [article.id for article in articles]
    index_of = {article_id: index for index, article_id in enumerate(ids)}
    triage = Triage()
    masks = FlagMasks()
    keep = {ids[index] for index in kept}
    story_of = {ids[index]: index % 4 for index in range(0, 25, 3)}
    members = StoryMembers.build(story_of, index_of)
    for action, chosen, value, flag_filter, expanded in steps:
        if action == "undo":
            triage.undo()
        else:
            triage.set(action, [ids[index] for index in chosen], value)  # type: ignore[arg-type]
        view = build_view(
            articles,
            triage,
            flag_filter=flag_filter,
            keep=keep,
            story_of=story_of,
            ids=ids,
            index_of=index_of,
            masks=masks,
            expanded=expanded,
            members=members,
        )
        expected = reference_rows(ids, triage, flag_filter, keep, story_of, expanded)
        assert list(view.rows) == expected
        fresh = build_view(
            articles,
            triage,
            flag_filter=flag_filter,
            keep=keep,
            story_of=story_of,
            expanded=expanded,
        )
        assert view.stories == fresh.stories


def test_masks_too_far_behind_are_built_again() -> None:
    articles = [Article(f"a{index}", "", ("Text.",)) for index in range(10)]
    ids = [article.id for article in articles]
    index_of = {article_id: index for index, article_id in enumerate(ids)}
    triage = Triage()
    masks = FlagMasks()
    build_view(articles, triage, flag_filter="unread", ids=ids, index_of=index_of, masks=masks)
    for turn in range(RECENT_CHANGES + 5):  # more changes than the triage remembers
        triage.set("read", [ids[turn % 10]], turn % 2 == 0)
    view = build_view(
        articles, triage, flag_filter="unread", ids=ids, index_of=index_of, masks=masks
    )
    assert list(view.rows) == [i for i, a in enumerate(ids) if a not in triage.read]
    # Another triage object (a new listing) is never mistaken for the old one.
    other = Triage(read={ids[0]})
    view = build_view(
        articles, other, flag_filter="unread", ids=ids, index_of=index_of, masks=masks
    )
    assert list(view.rows) == list(range(1, 10))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=300), st.floats(0.0, 1.0))
def test_ones_lists_the_set_bytes_of_sparse_and_dense_masks(
    pattern: list[bool], density: float
) -> None:
    # Both ways of listing (searched when sparse, walked when dense) from the same patterns.
    cutoff = int(len(pattern) * density)
    mask = bytearray(1 if bit and place <= cutoff else 0 for place, bit in enumerate(pattern))
    assert _ones(mask) == [place for place, byte in enumerate(mask) if byte]
