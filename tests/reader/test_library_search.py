"""Full-text search of the library: matching, hostile queries, the index following every change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import library_schema
from reader.library import Library, NewItem
from reader.library_schema import LATEST_VERSION, apply_migrations, schema_version
from reader.library_search import match_expression, search_article_ids, text_search_ready
from reader.model import Article
from reader.search import TEXT_SCORE, search_articles

FEED = "https://news.example/rss"
OTHER = "https://other.example/feed"
HOSTILE = [
    '"',
    '""',
    '"unterminated',
    "NEAR(harbour ferry)",
    "NEAR",
    "harbour NEAR/2 ferry",
    "*",
    "harbour*",
    "*harbour",
    "-",
    "-harbour",
    "harbour -ferry",
    ":",
    "title:harbour",
    "body : ferry",
    "(",
    ")",
    "(harbour OR ferry)",
    "AND",
    "harbour AND",
    "OR NOT",
    "^harbour",
    "+",
    "{title body}: harbour",
    "\0harbour\0",
    'harbour\0"',
    "\ud800harbour",
    "'; DROP TABLE articles; --",
    "\u0301\u0301",
    "é" * 5000,
]


def item(key: str, title: str, *paragraphs: str, summary_only: bool = False) -> NewItem:
    return NewItem(
        key=key,
        title=title,
        url=f"https://news.example/{key}",
        author="",
        published=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=len(key)),
        paragraphs=paragraphs,
        summary_only=summary_only,
    )


def ids_by_key(lib: Library) -> dict[str, str]:
    with sqlite3.connect(lib.path) as conn:
        return dict(conn.execute("SELECT key, id FROM articles"))


def found(lib: Library, query: str) -> set[str]:
    """Keys of the articles a search finds (keys read better than digests in a test)."""
    ids = lib.search_text(query)
    assert ids is not None
    keys = {article_id: key for key, article_id in ids_by_key(lib).items()}
    return {keys[article_id].rsplit("\n", 1)[-1] for article_id in ids}


def assert_index_matches_text(path: Path) -> None:
    """The index holds exactly the tokens of the text as it is now: every term, article, column
    and position, compared with an index built afresh from the stored titles and bodies."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE temp.fresh USING fts5(title, body, content = '', "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        conn.execute(
            "INSERT INTO temp.fresh (rowid, title, body) SELECT * FROM main.article_search_text"
        )
        conn.execute(
            "CREATE VIRTUAL TABLE temp.kept USING fts5vocab(main, article_search, instance)"
        )
        conn.execute("CREATE VIRTUAL TABLE temp.made USING fts5vocab(temp, fresh, instance)")
        kept = conn.execute("SELECT * FROM temp.kept ORDER BY 1, 2, 3, 4").fetchall()
        made = conn.execute("SELECT * FROM temp.made ORDER BY 1, 2, 3, 4").fetchall()
    finally:
        conn.close()
    assert kept == made


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        lib.subscribe(FEED, "News")
        lib.store_items(
            FEED,
            [
                item("ferry", "Harbour news", "The ferry to Skye was delayed by storms."),
                item("bridge", "Council meets", "Repairs on the bridge reopened the harbour."),
                item("cafe", "Café owners protest", "A café in Zürich raised its prices."),
            ],
            etag="",
            last_modified="",
        )
        yield lib


def test_a_word_only_in_the_body_is_found(library: Library) -> None:
    assert found(library, "storms") == {"ferry"}
    assert found(library, "reopened") == {"bridge"}
    assert found(library, "nothing-like-this") == set()


def test_every_word_is_required_and_title_and_body_words_combine(library: Library) -> None:
    assert found(library, "harbour") == {"ferry", "bridge"}
    assert found(library, "harbour ferry") == {"ferry"}
    assert found(library, "council harbour") == {"bridge"}  # title word and body word
    assert found(library, "harbour zürich") == set()


def test_case_and_accents_do_not_matter(library: Library) -> None:
    assert found(library, "CAFE zurich") == {"cafe"}
    assert found(library, "Skye") == found(library, "skye") == {"ferry"}


def test_the_last_word_is_a_prefix_once_it_has_three_letters(library: Library) -> None:
    assert found(library, "stor") == {"ferry"}
    assert found(library, "ferry stor") == {"ferry"}
    assert found(library, "stor ferry") == set()  # only the word being typed is a prefix
    assert found(library, "st") == set()  # too short to expand to every word starting so
    assert match_expression("harbour fe") == '"harbour" "fe"'
    assert match_expression("harbour fer") == '"harbour" "fer"*'


def test_results_are_ranked_and_limited(tmp_path: Path) -> None:
    filler = " ".join(f"word{n}" for n in range(200))
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        lib.subscribe(FEED)
        lib.store_items(
            FEED,
            [
                item("deep", "Other things", filler, f"{filler} lighthouse {filler}"),
                item("titled", "Lighthouse keeper", "The lighthouse stood alone."),
            ],
            etag="",
            last_modified="",
        )
        keys = {article_id: key for key, article_id in ids_by_key(lib).items()}
        ranked = lib.search_text("lighthouse")
        assert ranked is not None and [keys[i] for i in ranked] == ["titled", "deep"]
        assert lib.search_text("lighthouse", limit=1) == ranked[:1]
        assert lib.search_text("lighthouse", limit=0) == ()


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(library: Library, query: str) -> None:
    assert isinstance(library.search_text(query), tuple)


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ('"harbour"', {"ferry", "bridge"}),
        ("harbour*", {"ferry", "bridge"}),
        ("harbour -ferry", {"ferry"}),  # not an exclusion: "ferry" is required
        ("storms AND ferry", set()),  # "and" is a word the text lacks, not an operator
        ("(harbour OR storms)", set()),  # likewise "or"
        ("body:storms", set()),  # not a column filter: "body" next to "storms"
        ("NEAR(harbour storms)", set()),
    ],
)
def test_query_syntax_in_what_is_typed_is_searched_as_words(
    library: Library, query: str, keys: set[str]
) -> None:
    assert found(library, query) == keys


@settings(max_examples=300, deadline=None)
@given(
    query=st.text(st.sampled_from("\"*-:()^+{},.'\0 ") | st.characters(), max_size=40)
    | st.lists(
        st.sampled_from(["NEAR", "AND", "OR", "NOT", '"', "*", "(", ")", "-", ":", "x"])
    ).map(" ".join)
)
def test_no_typed_text_makes_the_query_fail(query: str) -> None:
    with sqlite3.connect(":memory:", isolation_level=None) as conn:
        apply_migrations(conn)
        assert search_article_ids(conn, query) == ()


def test_storing_updating_and_unsubscribing_keep_the_index_in_step(library: Library) -> None:
    library.subscribe(OTHER, "Other")
    library.store_items(
        OTHER, [item("o1", "Mountain pass", "Snow closed the pass.")], etag="", last_modified=""
    )
    assert found(library, "snow") == {"o1"}
    # A changed item: the old words leave the index with the old text, the new ones arrive.
    library.store_items(
        FEED,
        [item("ferry", "Harbour news", "The ferry sailed at dawn.")],
        etag="",
        last_modified="",
    )
    assert found(library, "storms") == set()
    assert found(library, "dawn") == {"ferry"}
    # A summary, then the full text replacing it: the body is searched as it is now.
    library.store_items(
        FEED, [item("short", "Brief", "A summary.", summary_only=True)], etag="", last_modified=""
    )
    library.store_items(
        FEED,
        [item("short", "Brief", "The whole story about the lighthouse.")],
        etag="",
        last_modified="",
    )
    assert found(library, "lighthouse") == {"short"}
    assert found(library, "summary") == set()
    # A new title alone, then articles kept from a file.
    library.store_items(
        FEED,
        [item("bridge", "Council votes", "Repairs on the bridge reopened the harbour.")],
        etag="",
        last_modified="",
    )
    assert found(library, "votes") == {"bridge"} and found(library, "meets") == set()
    library.store_articles([Article("x", "Loaded file", ("Glacier melt sped up.",))], origin="f")
    assert found(library, "glacier") == {found_key(library, "Loaded file")}
    assert_index_matches_text(library.path)
    # Unsubscribing: the feed's articles leave the index, a starred one stays findable.
    keys = ids_by_key(library)
    library.set_flags([keys["ferry"]], starred=True)
    assert library.unsubscribe(FEED) == 3
    assert found(library, "harbour") == {"ferry"}
    assert found(library, "lighthouse") == found(library, "café") == set()
    assert found(library, "snow") == {"o1"}
    assert_index_matches_text(library.path)


def found_key(lib: Library, title: str) -> str:
    with sqlite3.connect(lib.path) as conn:
        (key,) = conn.execute("SELECT key FROM articles WHERE title = ?", (title,)).fetchone()
    return str(key)


def test_deleting_rows_directly_also_leaves_the_index_whole(library: Library) -> None:
    conn = sqlite3.connect(library.path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM article_bodies WHERE seq = (SELECT min(seq) FROM articles)")
    conn.execute("DELETE FROM articles WHERE seq = (SELECT max(seq) FROM articles)")
    conn.close()
    assert found(library, "storms") == found(library, "café") == set()
    assert found(library, "reopened") == {"bridge"}
    assert_index_matches_text(library.path)


def test_a_v2_library_migrates_keeping_its_data_and_fills_the_index(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        assert apply_migrations(conn, target=2) == 2
        conn.execute("INSERT INTO feeds (url, title, added_at) VALUES (?, 'Old', '2024')", (FEED,))
        for seq, (title, body) in enumerate(
            [
                ("Old harbour", '["Gulls over the pier."]'),
                ("Old bridge", '["Rust, and \\"paint\\"."]'),
            ],
            start=1,
        ):
            conn.execute(
                "INSERT INTO articles (seq, id, feed_id, key, title, sort_at, content_hash, "
                "fetched_at, starred) VALUES (?, ?, 1, ?, ?, 0, 'h', '2024', ?)",
                (seq, f"id{seq}", f"k{seq}", title, seq - 1),
            )
            conn.execute("INSERT INTO article_bodies (seq, paragraphs) VALUES (?, ?)", (seq, body))
    conn.close()
    with Library.open(path) as lib:
        assert sorted((row.id, row.title, row.starred) for row in lib.rows()) == [
            ("id1", "Old harbour", False),
            ("id2", "Old bridge", True),
        ]
        assert lib.search_text("gulls pier") == ("id1",)
        assert lib.search_text("paint") == ("id2",)
        assert sorted(lib.search_text("old") or ()) == ["id1", "id2"]
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
    assert list(tmp_path.glob("lib.sqlite3.v2-backup-*"))
    assert_index_matches_text(path)


def without_fts5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_schema, "full_text_search_available", lambda conn: False)


def test_without_fts5_the_library_opens_and_stores_and_search_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.sqlite3"
    without_fts5(monkeypatch)
    with Library.open(path) as lib:
        lib.subscribe(FEED)
        lib.store_items(FEED, [item("a", "Tide", "Low tide.")], etag="", last_modified="")
        assert lib.search_text("tide") is None
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert not text_search_ready(conn)
    monkeypatch.undo()
    # The first build with FTS5 builds the index, text stored meanwhile included.
    with Library.open(path) as lib:
        assert found(lib, "low") == {"a"}
    assert_index_matches_text(path)


def test_a_build_without_fts5_drops_the_triggers_and_a_later_one_rebuilds(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = library.path
    without_fts5(monkeypatch)
    with Library.open(path) as lib:
        assert lib.search_text("storms") is None
        lib.store_items(
            FEED, [item("new", "Eclipse", "The moon hid the sun.")], etag="", last_modified=""
        )
        lib.unsubscribe(FEED)
    monkeypatch.undo()
    with Library.open(path) as lib:
        assert found(lib, "eclipse") == found(lib, "storms") == set()
        lib.subscribe(FEED)
        lib.store_items(FEED, [item("again", "Eclipse", "Moon.")], etag="", last_modified="")
        assert found(lib, "eclipse moon") == {"again"}
    assert_index_matches_text(path)


def test_search_articles_takes_text_matches_from_the_injected_matcher() -> None:
    articles = [
        Article("a", "Harbour reopens", ()),
        Article("b", "Budget vote", ()),
        Article("c", "Weather", ("The harbour flooded.",)),  # text not scanned: not matched
        Article("d", "Sports", ()),
    ]
    asked: list[list[str]] = []

    def matcher(words: Sequence[str]) -> list[str]:
        asked.append(list(words))
        return ["d", "gone", "a", "b", "d"]

    hits = search_articles("Harbour Reopens", articles, text_ids=matcher)
    assert asked == [["harbour", "reopens"]]
    assert hits[0].index == 0 and hits[0].score > TEXT_SCORE  # the title match first
    assert [(hit.index, hit.score) for hit in hits[1:]] == [(3, TEXT_SCORE), (1, TEXT_SCORE)]
    assert [hit.index for hit in search_articles("harbour", articles)] == [0, 2]
