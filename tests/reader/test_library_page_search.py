"""Searching pages fetched with ``T``: found, ranked, replaced when fetched again, forgotten."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reader.full_text import CACHE_KIND, FullText, cached_full_text
from reader.library import BatchWrite, Library, NewItem
from reader.library_search import DEFAULT_LIMIT, TITLE_WEIGHT, match_expression

FEED = "https://news.example/rss"


def item(key: str, title: str, *paragraphs: str) -> NewItem:
    return NewItem(
        key=key,
        title=title,
        url=f"https://news.example/{key}",
        author="",
        published=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=len(key)),
        paragraphs=paragraphs,
        summary_only=True,
    )


def page(*paragraphs: str, url: str = "https://news.example/page") -> bytes:
    """A cache payload as ``T`` stores it."""
    record = {"url": url, "source_url": url, "title": "", "paragraphs": list(paragraphs)}
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def ids_by_key(lib: Library) -> dict[str, str]:
    """Article ids by key; a key kept after unsubscribing (feed url, newline, key) shortened."""
    rows = sql(lib.path, "SELECT key, id FROM articles")
    return {key.rsplit("\n", 1)[-1]: article_id for key, article_id in rows}


def found(lib: Library, query: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Keys of the articles a search finds, best first."""
    ids = lib.search_text(query, limit=limit)
    assert ids is not None
    keys = {article_id: key for key, article_id in ids_by_key(lib).items()}
    return [keys[article_id] for article_id in ids]


def expected_pages(conn: sqlite3.Connection) -> list[tuple[int, str | None]]:
    """What the page index should hold, worked out in Python from the cache and the articles."""
    seqs = dict(conn.execute("SELECT id, seq FROM articles"))
    expected: list[tuple[int, str | None]] = []
    for key, payload in conn.execute(
        "SELECT content_hash, payload FROM cache WHERE kind = ?", (CACHE_KIND,)
    ):
        if key not in seqs:
            continue
        try:
            record = json.loads(bytes(payload).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if not isinstance(record, dict) or not isinstance(record.get("paragraphs"), list):
            continue
        texts = [p for p in record["paragraphs"] if isinstance(p, str)]
        expected.append((seqs[key], "\n".join(texts) if texts else None))
    return sorted(expected)


def assert_page_index_matches_cache(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        kept = conn.execute("SELECT rowid, page FROM page_search ORDER BY rowid").fetchall()
        assert kept == expected_pages(conn)
    conn.close()


def sql(path: Path, statement: str, parameters: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on the file (committed), as another program touching it would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        return conn.execute(statement, parameters).fetchall()
    finally:
        conn.close()


def stocked(path: Path) -> Library:
    """A library with three summary-only articles and no page fetched yet."""
    lib = Library.open(path)
    lib.subscribe(FEED, "News")
    lib.store_items(
        FEED,
        [
            item("pier", "Pier reopens", "A short summary."),
            item("vote", "Budget vote", "The council voted on the harbour budget."),
            item("rain", "Weather", "Rain later."),
        ],
        etag="",
        last_modified="",
    )
    return lib


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with stocked(tmp_path / "lib.sqlite3") as lib:
        yield lib


def fetch_with_t(lib: Library, key: str, *paragraphs: str) -> None:
    """What pressing ``T`` does: the page fetched (here made up) and cached under the article."""
    url = f"https://news.example/{key}"

    def fetch_text(asked: str) -> FullText:
        return FullText(paragraphs=paragraphs, title="", source_url=asked)

    cached_full_text(lib, ids_by_key(lib)[key], url, fetch_text=fetch_text)


def test_a_word_only_in_a_fetched_page_is_found(library: Library) -> None:
    assert found(library, "lighthouse") == []
    fetch_with_t(library, "pier", "The lighthouse keeper watched.", "Gulls circled the pier.")
    assert found(library, "lighthouse") == ["pier"]
    assert found(library, "lighthouse gulls") == ["pier"]  # words from two paragraphs
    assert found(library, "LIGHTHOU") == ["pier"]  # case folded, last word as a prefix
    assert found(library, "summary") == ["pier"]  # the stored summary is still searched
    assert_page_index_matches_cache(library.path)


def test_fetching_again_replaces_the_indexed_text(library: Library) -> None:
    article_id = ids_by_key(library)["pier"]
    library.cache(CACHE_KIND, article_id, page("The ferry was late."))
    assert found(library, "ferry") == ["pier"]
    library.cache(CACHE_KIND, article_id, page("The tram was early."))
    assert found(library, "ferry") == []
    assert found(library, "tram") == ["pier"]
    # Written as INSERT OR REPLACE, which fires no delete trigger, or updated in place.
    sql(
        library.path,
        "INSERT OR REPLACE INTO cache (kind, content_hash, payload, stored_at) "
        "VALUES (?, ?, ?, 'now')",
        (CACHE_KIND, article_id, page("A glacier melted.")),
    )
    assert found(library, "tram") == [] and found(library, "glacier") == ["pier"]
    sql(library.path, "UPDATE cache SET payload = ? WHERE kind = ?", (page("Dunes."), CACHE_KIND))
    assert found(library, "glacier") == [] and found(library, "dunes") == ["pier"]
    assert_page_index_matches_cache(library.path)


def test_a_row_leaving_the_kind_or_moving_key_moves_its_page(library: Library) -> None:
    keys = ids_by_key(library)
    library.cache(CACHE_KIND, keys["pier"], page("Orchids bloom."))
    library.cache(CACHE_KIND, keys["rain"], page("Tulips bloom."))
    sql(
        library.path,
        "UPDATE cache SET content_hash = ? WHERE content_hash = ?",
        (keys["vote"], keys["pier"]),
    )
    assert found(library, "orchids") == ["vote"]
    # Into another kind and onto the key of an article with its own page: that page stays.
    sql(
        library.path,
        "UPDATE cache SET kind = 'other', content_hash = ? WHERE content_hash = ?",
        (keys["rain"], keys["vote"]),
    )
    assert found(library, "orchids") == []
    assert found(library, "tulips") == ["rain"]
    assert_page_index_matches_cache(library.path)


def test_clearing_pruning_or_deleting_takes_pages_out(library: Library) -> None:
    keys = ids_by_key(library)
    for key, word in [("pier", "anchor"), ("vote", "ballot"), ("rain", "drizzle")]:
        library.cache(CACHE_KIND, keys[key], page(f"About the {word}."))
    library.cache("fold", keys["pier"], b"not a page, not even JSON")
    assert found(library, "anchor") == ["pier"]
    assert library.clear_cache("fold") == 1  # another kind leaves the pages alone
    assert found(library, "anchor") == ["pier"]
    assert library.write_batch(BatchWrite(delete_cache=((CACHE_KIND, keys["pier"]),)))
    assert found(library, "anchor") == []
    sql(library.path, "DELETE FROM articles WHERE id = ?", (keys["vote"],))
    assert found(library, "ballot") == []
    assert_page_index_matches_cache(library.path)
    # Pages are keyed by article id, not by content hash, so pruning drops every one of them
    # (the deleted article's and the live one's) and the index follows.
    assert library.prune_cache(CACHE_KIND) == 2
    assert found(library, "drizzle") == []
    library.cache(CACHE_KIND, keys["rain"], page("About the drizzle."))
    assert found(library, "drizzle") == ["rain"]
    assert library.clear_cache(CACHE_KIND) == 1
    assert found(library, "drizzle") == []
    assert_page_index_matches_cache(library.path)


def test_unsubscribing_takes_the_pages_of_removed_articles_out(library: Library) -> None:
    keys = ids_by_key(library)
    library.cache(CACHE_KIND, keys["pier"], page("Barnacles everywhere."))
    library.cache(CACHE_KIND, keys["rain"], page("Barnacles too."))
    library.set_flags([keys["rain"]], starred=True)
    assert library.unsubscribe(FEED) == 2
    assert found(library, "barnacles") == ["rain"]  # starred: kept, page and all
    # The feed again: the article is stored anew (same id) and finds its page still cached.
    library.subscribe(FEED)
    library.store_items(FEED, [item("pier", "Pier reopens", "Again.")], etag="", last_modified="")
    assert sorted(found(library, "barnacles")) == ["pier", "rain"]
    assert_page_index_matches_cache(library.path)


def test_a_reused_seq_does_not_inherit_a_page(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        lib.subscribe(FEED)
        lib.store_items(FEED, [item("old", "Old", "Old.")], etag="", last_modified="")
        lib.cache(CACHE_KIND, ids_by_key(lib)["old"], page("Walrus sighting."))
        lib.unsubscribe(FEED)
        lib.subscribe(FEED)
        lib.store_items(FEED, [item("new", "New", "New.")], etag="", last_modified="")
        assert sql(lib.path, "SELECT seq FROM articles") == [(1,)]  # the seq is reused
        assert found(lib, "walrus") == []
        assert_page_index_matches_cache(lib.path)


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b'{"paragraphs": ["unterminated',
        b"\xff\xfe\x00 not UTF-8",
        b"[1, 2, 3]",
        b'{"paragraphs": "a string, not a list"}',
        b'{"paragraphs": {"0": "an object"}}',
        b'{"url": "no paragraphs"}',
        b"",
    ],
)
def test_a_malformed_payload_is_stored_and_simply_not_indexed(
    library: Library, payload: bytes
) -> None:
    article_id = ids_by_key(library)["pier"]
    library.cache(CACHE_KIND, article_id, page("Seahorses."))
    library.cache(CACHE_KIND, article_id, payload)  # replaces the good page
    assert library.cached(CACHE_KIND, article_id) == payload
    assert found(library, "seahorses") == []
    for word in ["json", "string", "object", "paragraphs", "unterminated"]:
        assert found(library, word) == []
    assert found(library, "pier") == ["pier"]
    assert_page_index_matches_cache(library.path)


def test_only_text_paragraphs_are_indexed(library: Library) -> None:
    article_id = ids_by_key(library)["pier"]
    payload = b'{"paragraphs": ["Kelp forest.", 42, {"x": "octopus"}, null, ["squid"]]}'
    library.cache(CACHE_KIND, article_id, payload)
    assert found(library, "kelp") == ["pier"]
    assert found(library, "octopus") == found(library, "squid") == found(library, "42") == []
    assert_page_index_matches_cache(library.path)


def test_matching_in_both_ranks_first_and_no_article_comes_twice(library: Library) -> None:
    keys = ids_by_key(library)
    library.cache(CACHE_KIND, keys["vote"], page("The harbour budget, line by line."))
    library.cache(CACHE_KIND, keys["rain"], page("Rain over the harbour."))
    assert found(library, "harbour") == ["vote", "rain"]  # body and page, then page alone
    ids = library.search_text("harbour", limit=1)
    assert ids == (keys["vote"],)


def summed_scores(path: Path, query: str) -> dict[str, float]:
    """Every match's title and body bm25 plus its page bm25, with no limit: the reference the
    limited, merged search must agree with."""
    expression = match_expression(query)
    with sqlite3.connect(path) as conn:
        keys = {seq: key for seq, key in conn.execute("SELECT seq, key FROM articles")}
        text = conn.execute(
            "SELECT rowid, bm25(article_search, ?, 1.0) FROM article_search "
            "WHERE article_search MATCH ?",
            (TITLE_WEIGHT, expression),
        ).fetchall()
        pages = conn.execute(
            "SELECT rowid, bm25(page_search) FROM page_search WHERE page_search MATCH ?",
            (expression,),
        ).fetchall()
    conn.close()
    summed: dict[str, float] = {}
    for seq, score in [*text, *pages]:
        summed[keys[seq]] = summed.get(keys[seq], 0.0) + score
    return summed


def test_a_page_match_beyond_the_cut_gets_its_title_score_too(tmp_path: Path) -> None:
    # Seven articles match "comet" in their body, "weak" (the longest body) last. Its page
    # alone would score below some of the others, its page and body together above them: it
    # comes first even when the limit cuts the body matches well before reaching it.
    words = [f"word{n}" for n in range(120)]
    bodies = [item(f"body{n}", "Sky", " ".join(words[: 5 + 3 * n]) + " comet") for n in range(6)]
    weak = item("weak", "Sky", " ".join(words) + " comet")
    paged = [item(f"paged{n}", f"Paged {n}", "Nothing here.") for n in range(10)]
    plain = [item(f"plain{n}", f"Plain {n}", "Nothing here either.") for n in range(40)]
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        lib.subscribe(FEED)
        lib.store_items(FEED, [*bodies, weak, *paged, *plain], etag="", last_modified="")
        keys = ids_by_key(lib)
        assert found(lib, "comet")[-1] == "weak"
        # Pages without the word too, so that it is rare among pages as among bodies.
        for other in paged:
            lib.cache(CACHE_KIND, keys[other.key], page("Weather report."))
        lib.cache(CACHE_KIND, keys["weak"], page("Comet comet comet, the comet."))
        lib.cache(CACHE_KIND, keys["paged0"], page("A comet, once, in passing."))
        summed = summed_scores(lib.path, "comet")
        assert len(set(summed.values())) == len(summed)  # no ties: one right order
        expected = sorted(summed, key=summed.__getitem__)
        assert expected[0] == "weak" and "paged0" in expected
        [(page_alone,)] = sql(
            lib.path,
            "SELECT bm25(page_search) FROM page_search WHERE page_search MATCH 'comet' "
            "AND rowid = (SELECT seq FROM articles WHERE key = 'weak')",
        )
        assert any(summed["weak"] < summed[other.key] < page_alone for other in bodies)
        for limit in range(1, len(expected) + 2):
            assert found(lib, "comet", limit) == expected[:limit]


def test_words_split_between_body_and_page_do_not_match(library: Library) -> None:
    # The known limit: one of the two texts must hold every word.
    library.cache(CACHE_KIND, ids_by_key(library)["vote"], page("Seagulls."))
    assert found(library, "council seagulls") == []
    assert found(library, "seagulls") == ["vote"]
