"""Article-wide decisions: datelines, all-capitals text, names seen elsewhere in the story."""

from __future__ import annotations

import re
from dataclasses import replace

from reader.entities.classify import (
    Candidate,
    join_tokens,
    segment_run,
    shouting,
)
from reader.entities.lexicon import Lexicon
from reader.entities.recase import recase
from reader.entities.spans import CONNECTORS, Token, capitalised_runs, tokenize
from reader.entities.sports import sports_story

# "AMMAN, Jordan -", "LONDON 1996-08-30", "WASHINGTON (Reuters) -": a place opens the story.
_DATELINE_TAIL = re.compile(r"^(?:,\s|\s+\d{4}-\d\d-\d\d|\s+\(|\s+[-–—])")


def find_candidates(lex: Lexicon, paragraphs: tuple[str, ...]) -> list[Candidate]:
    """Every person and place mention of an article, in text order."""
    found: list[Candidate] = []
    loud: list[tuple[int, str, Candidate | None]] = []
    sports = sports_story(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        tokens = tokenize(paragraph)
        dateline = _dateline(lex, index, paragraph, tokens)
        if dateline is not None:
            found.append(dateline)
            tokens = [t for t in tokens if t.start >= dateline.end]
        if shouting(paragraph):
            loud.append((index, paragraph, dateline))
            continue
        for run in capitalised_runs(paragraph, tokens):
            found.extend(segment_run(lex, index, paragraph, run, tokens, sports=sports))
    # Headlines are read last, with the name words the rest of the story spells out.
    known = {w for c in found if c.verdict != "team" for w in c.words}
    for index, paragraph, dateline in loud:
        found.extend(_read_loud(lex, index, paragraph, dateline, sports, known))
    found = _propagate(found)
    found.sort(key=lambda c: (c.paragraph, c.start))
    return [c for c in found if c.verdict in ("person", "place")]


def _read_loud(
    lex: Lexicon,
    index: int,
    paragraph: str,
    dateline: Candidate | None,
    sports: bool,
    known: set[str],
) -> list[Candidate]:
    """An all-capitals paragraph, read in its guessed ordinary case.

    Case guesses are shaky, so only firm evidence stands on its own; the rest waits for the
    article to confirm it (a surname seen in full elsewhere, a place named elsewhere).
    """
    text = recase(lex, paragraph, known)
    tokens = tokenize(text)
    if dateline is not None:
        tokens = [t for t in tokens if t.start >= dateline.end]
    out: list[Candidate] = []
    for run in capitalised_runs(text, tokens):
        for c in segment_run(lex, index, text, run, tokens, sports=sports):
            weak = not c.strong and c.verdict in ("person", "place")
            out.append(replace(c, verdict="unknown" if weak else c.verdict, shouted=True))
    return out


def _dateline(lex: Lexicon, index: int, paragraph: str, tokens: list[Token]) -> Candidate | None:
    upper: list[Token] = []
    for token in tokens:
        # "JERUSALEM (AP) —": the agency in brackets is not part of the place.
        gap = paragraph[upper[-1].end : token.start] if upper else ""
        if not token.text.replace(".", "").isupper() or gap.strip(" ."):
            break
        upper.append(token)
    if not upper:
        return None
    tail = _DATELINE_TAIL.match(paragraph[upper[-1].end :])
    # "CRICKET - ENGLAND WIN": a dash inside an all-capitals headline is no dateline.
    if tail is None or (tail.group().strip() in "-–—" and shouting(paragraph)):
        return None
    surface = join_tokens(paragraph, upper)
    if not all(c.isalpha() or c in " .'-" for c in surface) or len(surface) < 3:
        return None
    place = lex.place(surface.title()) or lex.place(_title(surface)) or lex.place(surface)
    if place is None and (
        shouting(paragraph) or any(_title(t.text) in lex.non_entity_words for t in upper)
    ):
        # "FRIDAY, AUGUST 30 SCHEDULE": an unknown name needs a story after it.
        return None
    name = place.canonical if place else surface.title()
    words = tuple(t.text for t in upper)
    return Candidate(index, upper[0].start, upper[-1].end, words, "place", True, place_name=name)


def _propagate(found: list[Candidate]) -> list[Candidate]:
    """Names the rules could not place take the kind their words have elsewhere."""
    person_words: set[str] = set()
    person_surnames: set[str] = set()
    place_names: dict[str, str] = {}
    # Any person named in ordinary text, in full or by one of their names.
    loose_people: set[str] = set()
    for c in found:
        if c.verdict == "person" and not c.shouted:
            names = [w for w in c.words if w not in CONNECTORS]
            loose_people.add(" ".join(names))
            loose_people.update(w for w in names if len(w) > 2)
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
        if c.verdict in ("place", "team") and len(c.words) == 1 and key in person_surnames:
            # "Jordan" after "Michael Jordan" is the person again.
            c = replace(c, verdict="person", place_name="")
        elif not c.strong and c.verdict != "place" and len(c.words) == 1 and key in person_words:
            c = replace(c, verdict="person")
        elif c.verdict == "unknown" and key in place_names:
            c = replace(c, verdict="place", place_name=place_names[key])
        elif c.verdict == "unknown" and c.words[-1] in person_surnames:
            c = replace(c, verdict="person")
        elif c.verdict == "unknown" and c.shouted and key in loose_people:
            c = replace(c, verdict="person")
        out.append(c)
    return out


def _title(surface: str) -> str:
    return " ".join(w if "." in w else w.capitalize() for w in surface.split(" "))
