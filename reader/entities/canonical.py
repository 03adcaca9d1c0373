"""Merge mentions into entities under one canonical name per person or place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reader.entities.classify import Candidate
from reader.entities.lexicon import Lexicon
from reader.entities.spans import CONNECTORS
from reader.model import Entity, EntityKind, Mention


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    kind: EntityKind


def _name_words(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(w for w in words if w not in CONNECTORS or w in ("bin", "al", "van", "de"))


def _is_part_of(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``short`` names the same person as ``full``: same surname, other words in order."""
    if not short or short[-1] != full[-1] or len(short) > len(full):
        return False
    rest = iter(full[:-1])
    return all(
        any(w == f or (len(w) == 2 and w[1] == "." and f[0] == w[0]) for f in rest)
        for w in short[:-1]
    )


def _person_names(lex: Lexicon, people: list[Candidate]) -> list[str]:
    """The canonical name of each person mention (parallel to ``people``)."""
    fulls = [_name_words(c.words) for c in people]
    # A royal or religious title stays with a single name: "King Abdullah", "Pope Francis".
    royal_of: dict[tuple[str, ...], str] = {}
    for c, words in zip(people, fulls, strict=True):
        if c.title in lex.royal_titles:
            royal_of.setdefault(words, c.title)
    # Only names sharing the last word can be the same person.
    by_surname: dict[str, list[int]] = {}
    for position, words in enumerate(fulls):
        if words:
            by_surname.setdefault(words[-1], []).append(position)
    names: list[str] = []
    for position, words in enumerate(fulls):
        best_key: tuple[int, bool, int] | None = None
        best = words
        for other_position in by_surname.get(words[-1], []) if words else []:
            full = fulls[other_position]
            if not _is_part_of(words, full):
                continue
            # Longest name wins; among equals the nearest one before this mention.
            distance = position - other_position
            key = (len(full), distance >= 0, -abs(distance))
            if best_key is None or key > best_key:
                best_key, best = key, full
        royal = royal_of.get(best, "")
        names.append(f"{royal} {best[0]}" if royal and len(best) == 1 else " ".join(best))
    return names


def merge(
    lex: Lexicon, paragraphs: Sequence[str], found: list[Candidate], folded: frozenset[int]
) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    """People and places, each sorted by visible count (desc) then first mention."""
    people = [c for c in found if c.verdict == "person"]
    places = [c for c in found if c.verdict == "place"]
    groups: dict[_Group, list[Candidate]] = {}
    for c, name in zip(people, _person_names(lex, people), strict=True):
        groups.setdefault(_Group(name, "person"), []).append(c)
    for c in places:
        groups.setdefault(_Group(c.place_name or " ".join(c.words), "place"), []).append(c)
    entities: dict[EntityKind, list[Entity]] = {"person": [], "place": []}
    for group, members in groups.items():
        mentions = tuple(
            Mention(c.paragraph, c.start, c.end, paragraphs[c.paragraph][c.start : c.end])
            for c in sorted(members, key=lambda c: (c.paragraph, c.start))
        )
        count = sum(1 for m in mentions if m.paragraph not in folded)
        entities[group.kind].append(Entity(group.name, group.kind, count, mentions))
    for kind in entities:
        entities[kind].sort(key=lambda e: (-e.count, e.mentions[0].paragraph, e.mentions[0].start))
    return tuple(entities["person"]), tuple(entities["place"])
