"""People and places named in an article, found with rules and gazetteers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from reader.entities.canonical import merge
from reader.entities.lexicon import load_lexicon
from reader.entities.resolve import find_candidates
from reader.model import Article, Entities

__all__ = ["extract", "extract_all"]


def extract(article: Article, *, folded: frozenset[int] = frozenset()) -> Entities:
    """People and places of ``article``; ``count`` leaves out mentions in ``folded`` paragraphs."""
    lex = load_lexicon()
    found = find_candidates(lex, article.paragraphs)
    people, places = merge(lex, article.paragraphs, found, folded)
    return Entities(people=people, places=places)


def extract_all(
    articles: Sequence[Article], folded_of: Callable[[], Callable[[str], frozenset[int]]]
) -> Iterator[Entities]:
    """``extract`` for every article, in order.

    Finding mentions needs no fold, only counting them does: ``folded_of`` is called once,
    after every article's mentions are found, for the lookup of folded paragraphs by article
    id. A fold running elsewhere meanwhile (``reader.fold_elsewhere``) is thus never waited on
    before it must be.
    """
    lex = load_lexicon()
    found = [find_candidates(lex, article.paragraphs) for article in articles]
    folded = folded_of()
    for article, candidates in zip(articles, found, strict=True):
        people, places = merge(lex, article.paragraphs, candidates, folded(article.id))
        yield Entities(people=people, places=places)
