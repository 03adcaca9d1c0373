"""People and places cached in the library: found once per text, reused after a restart."""

from __future__ import annotations

from pathlib import Path

from reader.entities import extract
from reader.entity_cache import cached_entities, entities_key, library_entities
from reader.library import Library
from reader.model import Article, Entities, FoldPlan

ARTICLE = Article(
    "a",
    "Kerry in Amman",
    ("John Kerry flew to Amman on Thursday.", "Kerry met King Abdullah in Amman."),
)


def counting(calls: list[str]):
    def extractor(article: Article, folded: frozenset[int]) -> Entities:
        calls.append(article.id)
        return extract(article, folded=folded)

    return extractor


def test_the_second_lookup_of_the_same_text_extracts_nothing(tmp_path: Path) -> None:
    calls: list[str] = []
    with Library.open(tmp_path / "lib.sqlite3") as library:
        first = cached_entities(library, ARTICLE, frozenset(), counting(calls))
    with Library.open(tmp_path / "lib.sqlite3") as library:
        again = cached_entities(library, ARTICLE, frozenset(), counting(calls))
    assert calls == ["a"]
    assert again == first
    assert [e.name for e in first.people] == ["John Kerry", "King Abdullah"]


def test_other_folds_or_other_text_are_other_entries() -> None:
    edited = Article("a", ARTICLE.title, (ARTICLE.paragraphs[0], "Kerry left."))
    keys = {
        entities_key(ARTICLE, frozenset()),
        entities_key(ARTICLE, frozenset({1})),
        entities_key(edited, frozenset()),
    }
    assert len(keys) == 3


def test_library_entities_covers_every_id_in_batches_and_caches_them(tmp_path: Path) -> None:
    articles = [
        Article(f"x{i}", f"Story {i}", (f"Angela Merkel visited Paris, day {i}.",))
        for i in range(1203)
    ]
    calls: list[str] = []
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.store_articles(articles, origin="test")
        ids = [row.id for row in library.rows()]
        plan = FoldPlan(85.0)
        found = dict(library_entities(library, ids, plan, counting(calls)))
        assert set(found) == set(ids) and len(calls) == 1203
        again = dict(library_entities(library, ids, plan, counting(calls)))
    assert len(calls) == 1203 and again == found
    assert all(e.places[0].name == "Paris" for e in found.values())
