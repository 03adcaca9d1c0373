"""Article-wide decisions: datelines, all-capitals text, names seen elsewhere in the story."""

from __future__ import annotations

import re
from dataclasses import replace

from reader.entities.classify import (
    Candidate,
    join_tokens,
    segment_run,
    shouting,
    team_context,
)
from reader.entities.lexicon import Lexicon
from reader.entities.spans import CONNECTORS, Token, capitalised_runs, tokenize

# "AMMAN, Jordan -", "LONDON 1996-08-30", "WASHINGTON (Reuters) -": a place opens the story.
_DATELINE_TAIL = re.compile(r"^(?:,\s|\s+\d{4}-\d\d-\d\d|\s+\(|\s+[-–—])")


def find_candidates(lex: Lexicon, paragraphs: tuple[str, ...]) -> list[Candidate]:
    """Every person and place mention of an article, in text order."""
    found: list[Candidate] = []
    loud: list[tuple[int, str, list[Token]]] = []
    for index, paragraph in enumerate(paragraphs):
        tokens = tokenize(paragraph)
        dateline = _dateline(lex, index, paragraph, tokens)
        if dateline is not None:
            found.append(dateline)
            tokens = [t for t in tokens if t.start >= dateline.end]
        if shouting(paragraph):
            loud.append((index, paragraph, tokens))
            continue
        for run in capitalised_runs(paragraph, tokens):
            found.extend(segment_run(lex, index, paragraph, run, tokens))
    found = _propagate(found)
    for index, paragraph, tokens in loud:
        found.extend(_match_loud(lex, index, paragraph, tokens, found))
    found.sort(key=lambda c: (c.paragraph, c.start))
    return [c for c in found if c.verdict != "unknown"]


def _dateline(lex: Lexicon, index: int, paragraph: str, tokens: list[Token]) -> Candidate | None:
    upper = []
    for token in tokens:
        if not token.text.replace(".", "").isupper():
            break
        upper.append(token)
    if not upper or not _DATELINE_TAIL.match(paragraph[upper[-1].end :]):
        return None
    surface = join_tokens(paragraph, upper)
    if not all(c.isalpha() or c in " .'-" for c in surface) or len(surface) < 3:
        return None
    place = lex.place(surface.title()) or lex.place(surface)
    name = place.canonical if place else surface.title()
    words = tuple(t.text for t in upper)
    return Candidate(index, upper[0].start, upper[-1].end, words, "place", True, place_name=name)


def _propagate(found: list[Candidate]) -> list[Candidate]:
    """Names the rules could not place take the kind their words have elsewhere."""
    person_words: set[str] = set()
    person_surnames: set[str] = set()
    place_names: dict[str, str] = {}
    for c in found:
        if c.verdict == "person" and c.strong:
            names = [w for w in c.words if w not in CONNECTORS]
            person_words.update(names)
            if len(names) >= 2:
                person_surnames.add(names[-1])
        elif c.verdict == "place":
            place_names[" ".join(c.words)] = c.place_name or " ".join(c.words)
    out: list[Candidate] = []
    for c in found:
        key = " ".join(c.words)
        if c.verdict == "place" and len(c.words) == 1 and key in person_surnames:
            # "Jordan" after "Michael Jordan" is the person again.
            c = replace(c, verdict="person", place_name="")
        elif not c.strong and c.verdict != "place" and len(c.words) == 1 and key in person_words:
            c = replace(c, verdict="person")
        elif c.verdict == "unknown" and key in place_names:
            c = replace(c, verdict="place", place_name=place_names[key])
        elif c.verdict == "unknown" and c.words[-1] in person_surnames:
            c = replace(c, verdict="person")
        out.append(c)
    return out


def _match_loud(
    lex: Lexicon, index: int, paragraph: str, tokens: list[Token], known: list[Candidate]
) -> list[Candidate]:
    """In all-capitals text only gazetteer places and names already seen in the article count."""
    people = {" ".join(c.words).upper(): c.words for c in known if c.verdict == "person"}
    for c in known:
        if c.verdict == "person":
            for w in c.words:
                if w not in CONNECTORS and len(w) > 2:
                    people.setdefault(w.upper(), (w,))
    out: list[Candidate] = []
    for run in capitalised_runs(paragraph, tokens):
        toks = run.tokens
        i = 0
        while i < len(toks):
            matched = 0
            for n in range(min(lex.max_place_words, len(toks) - i), 0, -1):
                span = toks[i : i + n]
                surface = join_tokens(paragraph, span)
                if surface.upper() in people:
                    # Spelled as elsewhere in the story, so it merges with those mentions.
                    words = people[surface.upper()]
                    out.append(Candidate(index, span[0].start, span[-1].end, words, "person", True))
                    matched = n
                    break
                place = lex.place(surface) or lex.place(_title(surface))
                if (
                    place is not None
                    and place.strong
                    and surface.lower() not in lex.common_words
                    and not team_context(lex, place, paragraph, list(span), tokens)
                ):
                    words = tuple(t.text for t in span)
                    out.append(
                        Candidate(
                            index,
                            span[0].start,
                            span[-1].end,
                            words,
                            "place",
                            True,
                            place_name=place.canonical,
                        )
                    )
                    matched = n
                    break
            i += matched or 1
    return out


def _title(surface: str) -> str:
    return " ".join(w if "." in w else w.capitalize() for w in surface.split(" "))
