"""Fuzzy search over article titles and text, ranked best first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.model import Article

TITLE_CUTOFF = 75.0
"""Title similarity (rapidfuzz WRatio, percent) at or above which a title matches."""

TEXT_SCORE = 50.0
"""Rank of an article whose text (not its title) has every word of the query."""

TextMatcher = Callable[[Sequence[str]], Sequence[str]]
"""Ids of the articles whose text has every one of the query's words, best first: an index
(the library's) standing in for scanning paragraphs that are not loaded."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """Article ``index`` of the searched sequence, and how well it matched (0-100)."""

    index: int
    score: float


def _words(query: str) -> list[str]:
    return [word for word in query.casefold().split() if word]


def search_articles(
    query: str,
    articles: Sequence[Article],
    *,
    cancelled: Callable[[], bool] = lambda: False,
    text_ids: TextMatcher | None = None,
) -> list[SearchHit]:
    """Articles whose title fuzzily matches ``query`` or whose text contains all its words.

    Titles are scored with rapidfuzz (typos and word order forgiven); the text is matched
    word by word, case-insensitively, so a long body costs one scan per word. Title matches
    rank first, by score; then text matches in the articles' own order. ``cancelled`` is
    polled between articles so a newer keystroke can abandon a stale search.

    With ``text_ids`` the text is not scanned: the articles it names match, in its order.
    """
    words = _words(query)
    if not words:
        return []
    from rapidfuzz import fuzz, process, utils

    needle = " ".join(words)
    titles = [article.title for article in articles]
    scored = process.extract(
        needle,
        titles,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=TITLE_CUTOFF,
        limit=None,
    )
    hits = [SearchHit(index, float(score)) for _, score, index in scored]
    hits.sort(key=lambda hit: (-hit.score, hit.index))
    seen = {hit.index for hit in hits}
    if text_ids is not None:
        return hits + _indexed_text_hits(text_ids(words), articles, seen, cancelled)
    for index, article in enumerate(articles):
        if index in seen:
            continue
        if index % 1024 == 0 and cancelled():
            break
        if _has_every_word(article, words):
            hits.append(SearchHit(index, TEXT_SCORE))
    return hits


def _has_every_word(article: Article, words: Sequence[str]) -> bool:
    remaining = list(words)
    for paragraph in article.paragraphs:
        folded = paragraph.casefold()
        remaining = [word for word in remaining if word not in folded]
        if not remaining:
            return True
    return False


def _indexed_text_hits(
    ids: Sequence[str],
    articles: Sequence[Article],
    seen: set[int],
    cancelled: Callable[[], bool],
) -> list[SearchHit]:
    if not ids or cancelled():
        return []
    wanted = set(ids)
    position = {article.id: index for index, article in enumerate(articles) if article.id in wanted}
    indices = (position.get(article_id) for article_id in dict.fromkeys(ids))
    return [
        SearchHit(index, TEXT_SCORE) for index in indices if index is not None and index not in seen
    ]
