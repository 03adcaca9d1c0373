"""People and places across a whole corpus: which articles name each one, and how often."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.model import Entities, Entity, EntityKind

EntityKey = tuple[EntityKind, str]


@dataclass(frozen=True, slots=True)
class EntityTotal:
    """One person or place over the corpus: visible mentions and articles naming it."""

    name: str
    kind: EntityKind
    mentions: int
    articles: int


@dataclass(frozen=True)
class EntityIndex:
    """Built once per corpus; answers "which articles name X" without re-extracting."""

    articles_of: Mapping[EntityKey, frozenset[str]] = field(default_factory=dict)
    aliases: Mapping[EntityKey, EntityKey] = field(default_factory=dict)
    """A surname-only name ("Kerry") to the one full name of the corpus it stands for."""
    totals: tuple[EntityTotal, ...] = ()
    """Most mentioned first."""

    def key_of(self, entity: Entity) -> EntityKey:
        key: EntityKey = (entity.kind, entity.name)
        return self.aliases.get(key, key)

    def articles_naming(self, entity: Entity) -> frozenset[str]:
        return self.articles_of.get(self.key_of(entity), frozenset())

    def top(self, kind: EntityKind, limit: int | None = None) -> tuple[EntityTotal, ...]:
        found = tuple(total for total in self.totals if total.kind == kind)
        return found if limit is None else found[:limit]


def _aliases(keys: Iterable[EntityKey]) -> dict[EntityKey, EntityKey]:
    """Single-word people named by exactly one multi-word name's last word map to it."""
    full_by_last: dict[str, set[EntityKey]] = {}
    singles: list[EntityKey] = []
    for key in keys:
        kind, name = key
        if kind != "person":
            continue
        words = name.split()
        if len(words) == 1:
            singles.append(key)
        else:
            full_by_last.setdefault(words[-1], set()).add(key)
    aliases: dict[EntityKey, EntityKey] = {}
    for key in singles:
        candidates = full_by_last.get(key[1], set())
        if len(candidates) == 1:
            aliases[key] = next(iter(candidates))
    return aliases


def build_entity_index(per_article: Iterable[tuple[str, Entities]]) -> EntityIndex:
    """Merge each article's people and places; a surname alone joins its corpus full name."""
    articles_of: dict[EntityKey, set[str]] = {}
    mentions: dict[EntityKey, int] = {}
    for article_id, entities in per_article:
        for entity in (*entities.people, *entities.places):
            key: EntityKey = (entity.kind, entity.name)
            articles_of.setdefault(key, set()).add(article_id)
            mentions[key] = mentions.get(key, 0) + entity.count
    aliases = _aliases(articles_of)
    for alias, target in aliases.items():
        articles_of[target] |= articles_of.pop(alias)
        mentions[target] += mentions.pop(alias)
    totals = sorted(
        (
            EntityTotal(name, kind, mentions[(kind, name)], len(ids))
            for (kind, name), ids in articles_of.items()
        ),
        key=lambda total: (-total.mentions, -total.articles, total.name),
    )
    return EntityIndex(
        {key: frozenset(ids) for key, ids in articles_of.items()}, aliases, tuple(totals)
    )
