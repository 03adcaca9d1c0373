"""Sports stories and the towns in them that stand for clubs ("Essex 320-6", "Leeds drew")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.entities.lexicon import Lexicon, Place
from reader.entities.spans import Token, position_of

# Verbs and words of match results: a town next to them is a team.
RESULT_VERBS = frozenset(
    {
        "beat",
        "beats",
        "drew",
        "defeated",
        "v",
        "vs",
        "vs.",
        "thrashed",
        "routed",
        "edged",
        "overcame",
        "lost",
        "draw",
        "held",
    }
)
# Words that hardly occur outside sports reporting.
_SPORTS_WORDS = frozenset(
    {
        "goal",
        "goals",
        "striker",
        "midfielder",
        "defender",
        "goalkeeper",
        "keeper",
        "innings",
        "wicket",
        "wickets",
        "batsman",
        "bowler",
        "overs",
        "coach",
        "league",
        "championship",
        "tournament",
        "match",
        "matches",
        "semi-final",
        "semi-finals",
        "quarter-final",
        "quarter-finals",
        "semifinal",
        "semifinals",
        "seeded",
        "laps",
        "playoff",
        "playoffs",
        "inning",
        "pitcher",
        "homer",
        "touchdown",
        "equaliser",
        "equalizer",
        "penalty",
        "scored",
        "unbeaten",
        "relegation",
        "fixture",
        "fixtures",
        "standings",
        "scoreboard",
        # The sport itself, as in a "SOCCER - ..." headline.
        "soccer",
        "football",
        "cricket",
        "tennis",
        "golf",
        "baseball",
        "basketball",
        "rugby",
        "athletics",
        "cycling",
        "boxing",
        "hockey",
        "squash",
        "rallying",
        "motorcycling",
    }
)
# "3-1", "412-7", "6-2": a score, but not a date such as 1996-08-30.
_SCORE = re.compile(r"(?<![\d-])\d{1,3}-\d{1,3}(?![\d-])")
# Sports stories carry at least this many distinct clues (scores and sports words).
_MIN_CLUES = 3
# Words right before a town that make it the place itself even in a sports story.
LOCATIVES = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "from",
        "across",
        "around",
        "north",
        "south",
        "east",
        "west",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
    }
)
# Towns and US states lend their names to clubs; countries and regions stay places
# (CoNLL style). A whole sports story makes a town a club, but not a state.
_CLUB_CLASSES = frozenset({"city", "capital", "state"})
_TOWN_CLASSES = frozenset({"city", "capital"})
# "the streets of Barcelona": "of" after one of these also names the place.
_PLACE_NOUNS = frozenset(
    {
        "streets",
        "city",
        "town",
        "centre",
        "center",
        "outskirts",
        "suburbs",
        "mayor",
        "residents",
        "people",
        "port",
        "capital",
    }
)


_CLUE_WORD = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(_SPORTS_WORDS, key=len, reverse=True)) + r")(?![\w-])"
)


def sports_story(paragraphs: Sequence[str]) -> bool:
    """Whether an article reports sport: several scores or sports words in it."""
    clues: set[str] = set()
    for paragraph in paragraphs:
        clues.update(_SCORE.findall(paragraph))
        clues.update(_CLUE_WORD.findall(paragraph.lower()))
        if len(clues) >= _MIN_CLUES:
            return True
    return False


def team_context(
    lex: Lexicon,
    place: Place,
    paragraph: str,
    core: Sequence[Token],
    tokens: Sequence[Token],
    *,
    sports: bool = False,
) -> bool:
    """A town standing for its club: next to a score or a result verb, or anywhere in a
    sports story unless written as a location ("in Leeds", "the streets of Barcelona")."""
    if place.place_class not in _CLUB_CLASSES or place.canonical in lex.countries:
        return False
    first = position_of(tokens, core[0])
    last = first + len(core) - 1
    before = tokens[first - 1].text if first > 0 else ""
    after = tokens[last + 1].text if last + 1 < len(tokens) else ""
    gap_after = paragraph[core[-1].end : tokens[last + 1].start] if after else ""
    if after[:1].isdigit() and gap_after.isspace():
        return True
    # "Dearborn, Michigan, lost money": punctuation between cuts the link to the verb.
    gap_before = paragraph[tokens[first - 1].end : core[0].start] if before else ""
    if (after in RESULT_VERBS and gap_after.isspace()) or (
        before in RESULT_VERBS and gap_before.isspace()
    ):
        return True
    if not sports or place.place_class not in _TOWN_CLASSES:
        return False
    if before.lower() in LOCATIVES and not before.isupper() and gap_before.isspace():
        return False
    # "(at Lord's, London)", "Headingley (Leeds):", "Bristol: Gloucestershire 183": venues.
    if "(" in gap_before or gap_after[:1] in (")", ":"):
        return False
    if gap_before.strip() == "," and lex.place(before) is not None:
        return False
    if before == "of" and first > 1 and tokens[first - 2].text.lower() in _PLACE_NOUNS:
        return False
    return True
