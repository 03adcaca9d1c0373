"""People and places named in an article, found with rules and gazetteers."""

from __future__ import annotations

from reader.entities.canonical import merge
from reader.entities.lexicon import load_lexicon
from reader.entities.resolve import find_candidates
from reader.model import Article, Entities

__all__ = ["extract"]


def extract(article: Article, *, folded: frozenset[int] = frozenset()) -> Entities:
    """People and places of ``article``; ``count`` leaves out mentions in ``folded`` paragraphs."""
    lex = load_lexicon()
    found = find_candidates(lex, article.paragraphs)
    people, places = merge(lex, article.paragraphs, found, folded)
    return Entities(people=people, places=places)
