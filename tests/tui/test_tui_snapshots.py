"""Pictures of the app on the seed article; each docstring says what the picture must show."""

from __future__ import annotations

from tui_helpers import settle

SEED_APP = "snapshot_apps.py"


def test_seed_at_80x24(snap_compare) -> None:
    """80x24: the list (one row, marked ≈, bold title, file name under it) above the People (4) /
    Places (7) panel with counts, John Kerry first; the article on the right from its title and
    ¶1 (cursor on it); status "1 article · 8 paragraphs folded"; key hints for the list."""
    assert snap_compare(SEED_APP, terminal_size=(80, 24), run_before=settle)


def test_seed_fold_line_at_80x24(snap_compare) -> None:
    """80x24, article focused and scrolled to its end: ¶9, then ONE dim italic line
    "▸ 8 paragraphs repeated from ¶2-¶9 (100%)" under the cursor; key hints show z and esc."""
    assert snap_compare(SEED_APP, press=["tab", "G"], terminal_size=(80, 24), run_before=settle)


def test_seed_fold_expanded_at_80x24(snap_compare) -> None:
    """80x24 after z on the fold line: "▾ 8 paragraphs …" at the top, then ¶10, ¶11 … dimmed,
    each followed by "↳ same as ¶2 (100%)", "↳ same as ¶3 (100%)" …"""
    assert snap_compare(
        SEED_APP, press=["tab", "G", "z"], terminal_size=(80, 24), run_before=settle
    )


def test_seed_at_160x48(snap_compare) -> None:
    """160x48: three columns. The list, the whole article (¶1-¶9 numbered, then the fold line
    "▸ 8 paragraphs repeated from ¶2-¶9 (100%)"), and People (4) / Places (7) with counts."""
    assert snap_compare(SEED_APP, terminal_size=(160, 48), run_before=settle)


STORY_APP = "story_snapshot_app.py"


def test_story_cluster_at_80x24(snap_compare) -> None:
    """80x24: the wire story is one list row ("Reuters · ▸ 3 outlets") above the unrelated
    harbour article; the Reuters original is open with nothing folded."""
    assert snap_compare(STORY_APP, terminal_size=(80, 24), run_before=settle)


def test_story_member_with_a_changed_fold_at_120x36(snap_compare) -> None:
    """120x36: the story expanded (AP and BBC indented under Reuters), AP open with its shared
    paragraphs unfolded; the run line says "1 differs", and ¶4 shows "little changed" →
    "slightly higher" with the changed words highlighted."""
    assert snap_compare(
        STORY_APP,
        press=["l", "j", "enter", "j", "z", "j", "j", "j"],
        terminal_size=(120, 36),
        run_before=settle,
    )


TRIAGE_APP = "triage_snapshot_app.py"


def test_list_marks_under_the_unread_filter_at_80x24(snap_compare) -> None:
    """80x24: "Council" starred (★), "Storm" archived (gone), then under the Unread filter
    "Ferry" read with r (kept in place, dimmed, no •); the border says "Unread (5)", the
    bottom line "1 article marked read · u to undo" and "4 unread"."""
    assert snap_compare(
        TRIAGE_APP,
        press=["s", "j", "a", "f", "j", "r"],
        terminal_size=(80, 24),
        run_before=settle,
    )


def test_starred_filter_at_160x48(snap_compare) -> None:
    """160x48: the Starred filter after starring the first and last articles: two rows."""
    assert snap_compare(
        TRIAGE_APP,
        press=["s", "G", "s", "f", "f"],
        terminal_size=(160, 48),
        run_before=settle,
    )
