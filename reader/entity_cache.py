"""People and places of stored articles, cached in the library by the text they were found in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from reader.library import Library
from reader.model import Article, Entities, Entity, EntityKind, FoldPlan, Mention

CACHE_KIND = "entities-v1"
BATCH = 500
"""Articles read from the library at a time: bounded memory on a 100k-article library."""

Extractor = Callable[[Article, frozenset[int]], Entities]


def entities_key(article: Article, folded: frozenset[int]) -> str:
    """The text and which paragraphs are folded decide the result; nothing else does."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (article.title, *article.paragraphs):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    digest.update(",".join(map(str, sorted(folded))).encode())
    return digest.hexdigest()


def _to_json(entities: Entities) -> bytes:
    def group(items: Sequence[Entity]) -> list[object]:
        return [
            [e.name, e.count, [[m.paragraph, m.start, m.end, m.text] for m in e.mentions]]
            for e in items
        ]

    return json.dumps([group(entities.people), group(entities.places)]).encode()


def _from_json(payload: bytes) -> Entities:
    people, places = json.loads(payload)

    def group(rows: list[list[Any]], kind: EntityKind) -> tuple[Entity, ...]:
        return tuple(
            Entity(
                str(name),
                kind,
                int(count),
                tuple(Mention(int(p), int(s), int(e), str(t)) for p, s, e, t in mentions),
            )
            for name, count, mentions in rows
        )

    return Entities(group(people, "person"), group(places, "place"))


def _read(payload: bytes | None) -> Entities | None:
    if payload is None:
        return None
    try:
        return _from_json(payload)
    except (ValueError, TypeError):
        return None  # an unreadable entry is extracted again and replaced


def cached_entities(
    library: Library, article: Article, folded: frozenset[int], extract: Extractor
) -> Entities:
    """The cached result for this text, else extract it and store it."""
    key = entities_key(article, folded)
    entities = _read(library.cached(CACHE_KIND, key))
    if entities is None:
        entities = extract(article, folded)
        library.cache(CACHE_KIND, key, _to_json(entities))
    return entities


def library_entities(
    library: Library,
    ids: Sequence[str],
    plan: FoldPlan,
    extract: Extractor,
    *,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[str, Entities]]:
    """Every listed article's people and places, from the cache where it has them."""
    for start in range(0, len(ids), BATCH):
        if cancelled():
            return
        fresh: list[tuple[str, bytes]] = []
        for article in library.articles(ids[start : start + BATCH]):
            folded = plan.folded_paragraphs(article.id)
            key = entities_key(article, folded)
            entities = _read(library.cached(CACHE_KIND, key))
            if entities is None:
                entities = extract(article, folded)
                fresh.append((key, _to_json(entities)))
            yield article.id, entities
        if fresh:
            # One transaction per batch, not per article.
            library.cache_many(CACHE_KIND, fresh)
