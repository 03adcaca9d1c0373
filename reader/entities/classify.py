"""Split capitalised runs into titles, adjectives and name cores, and judge each core."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from reader.entities.cues import DIRECTIONS, GEOGRAPHIC_HEADS, REPORTING_VERBS
from reader.entities.lexicon import Lexicon, Place
from reader.entities.spans import CONNECTORS, Run, Token, position_of
from reader.entities.sports import team_context

Verdict = Literal["person", "place", "team", "unknown"]

# "OpenAI", "YouTube": a capital after a lower-case letter marks a brand, except in
# surnames such as "McCann", "MacArthur", "DeSantis" or "DiCaprio".
_BRAND = re.compile(r"^(?!Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|Fitz)[A-Z][a-z]+[A-Z]")
_AGE_AFTER = re.compile(r"^,\s*\d{1,2}\s*,")
_LOWERCASE_SUFFIX = re.compile(r"^(.+?)-[a-z]")
_PREFIXES = frozenset({"ex", "pro", "anti", "non", "post", "pre", "neo", "pan", "former"})
_UPPER_BYTES = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(0xC0, 0xDF))
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1)) + bytes(range(0xDF, 0x100))
_NOT_UPPER = bytes(b for b in range(256) if b not in _UPPER_BYTES)
_NOT_LOWER = bytes(b for b in range(256) if b not in _LOWER_BYTES)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name core found in a paragraph, with what the rules could tell about it."""

    paragraph: int
    start: int
    end: int
    words: tuple[str, ...]
    verdict: Verdict
    strong: bool
    """Evidence that later article-wide propagation must not overturn."""
    title: str = ""
    """The person title written before it ("King", "Secretary of State"), if any."""
    place_name: str = ""
    """Canonical gazetteer name when the core is (or could be) a place."""
    shouted: bool = False
    """Read from all-capitals text, where the case of every word was guessed."""


def shouting(paragraph: str) -> bool:
    """True for an all-capitals paragraph (headline, dateline) where case says nothing."""
    # Both letter classes lie in Latin-1: counted on its bytes, with no list of matches.
    data = paragraph.encode("latin-1", "ignore")
    upper = len(data.translate(None, _NOT_UPPER))
    lower = len(data.translate(None, _NOT_LOWER))
    return upper > 0 and upper > 4 * lower


def join_tokens(paragraph: str, tokens: tuple[Token, ...] | list[Token]) -> str:
    return paragraph[tokens[0].start : tokens[-1].end]


def _longest(
    lex: Lexicon,
    paragraph: str,
    tokens: tuple[Token, ...],
    i: int,
    limit: int,
    table: frozenset[str] | dict[str, str],
) -> int:
    """Most words from ``tokens[i]`` on that spell an entry of ``table`` (0 when none)."""
    start = tokens[i].start
    longest = min(limit, len(tokens) - i) if tokens[i].text in lex.phrase_starts else 1
    for n in range(longest, 0, -1):
        if paragraph[start : tokens[i + n - 1].end] in table:
            return n
    return 0


def _longest_place(lex: Lexicon, paragraph: str, tokens: tuple[Token, ...], i: int) -> int:
    return _longest(lex, paragraph, tokens, i, lex.max_place_words, lex.place_rows)


def _skippable(lex: Lexicon, token: Token, previous: Token | None) -> bool:
    word = token.text
    if word in lex.stopwords or word in lex.demonyms or word in lex.non_entity_words:
        return True
    if word.endswith("s") and word[:-1] in lex.demonyms:
        return True
    if "-" in word:
        parts = word.split("-")
        # "Israeli-Palestinian", "Ex-Yankee": compound adjectives, not names.
        if all(part in lex.demonyms for part in parts) or parts[0].lower() in _PREFIXES:
            return True
    after_abbreviation = previous is not None and previous.text.endswith(".")
    lowered_common = word.lower() in lex.common_words
    if (token.sentence_start or after_abbreviation) and lowered_common:
        return word not in lex.first_names and word not in lex.person_words
    return False


def segment_run(
    lex: Lexicon,
    paragraph_index: int,
    paragraph: str,
    run: Run,
    tokens: list[Token],
    *,
    sports: bool = False,
) -> list[Candidate]:
    """Candidates in one capitalised run: leading places, then the core after any title."""
    out: list[Candidate] = []
    toks = run.tokens
    # Runs that end in an organisation word ("Bank of England", "Jerusalem Post") name no
    # person or place, unless the whole run is a known place.
    if toks[-1].text in lex.org_words and lex.place(join_tokens(paragraph, toks)) is None:
        return out
    split = _last_title_start(lex, paragraph, toks)
    if split:
        # "Hong Kong Financial Secretary Donald Tsang": before the title only places count.
        out.extend(_places_only(lex, paragraph_index, paragraph, toks[:split], tokens, sports))
        toks = toks[split:]
    i = 0
    title = ""
    doubtful = False
    while i < len(toks):
        previous = toks[i - 1] if i else None
        n_place = _longest_place(lex, paragraph, toks, i)
        if n_place and (i + n_place == len(toks) or toks[i + n_place - 1].possessive):
            break
        n_title = _longest(lex, paragraph, toks, i, lex.max_title_words, lex.titles)
        if n_title and not (title and i + n_title == len(toks)):
            # "Prime Minister" alone is no one; a title run ends at the next name.
            title = join_tokens(paragraph, toks[i : i + n_title])
            i += n_title
            continue
        if n_place and _opens_title(lex, paragraph, toks, i + n_place):
            # "U.S. Secretary of State ...": a place written before a title or a name.
            out.append(_place_candidate(lex, paragraph_index, paragraph, toks[i : i + n_place]))
            i += n_place
            continue
        if _skippable(lex, toks[i], previous) or toks[i].text in CONNECTORS:
            if len(toks) == 1 and toks[i].sentence_start and toks[i].text not in lex.stopwords:
                # "Swift, 34, said": an ordinary word opening a sentence may still be the
                # surname of someone the article names in full; propagation decides.
                t = toks[i]
                out.append(Candidate(paragraph_index, t.start, t.end, (t.text,), "unknown", False))
            title = "" if toks[i].text not in CONNECTORS else title
            # After an organisation-like word ("Dow Jones") the rest needs firm evidence.
            doubtful = doubtful or _organisation_like(lex, toks[i].text)
            i += 1
            continue
        break
    core = list(toks[i:])
    while core and (core[-1].text in lex.stopwords or core[-1].text in CONNECTORS):
        core.pop()
    if not core:
        return out
    # "King Abdullah of Jordan": the part after "of" is judged on its own.
    for k, tok in enumerate(core):
        if tok.text == "of" and k > 0 and lex.place(join_tokens(paragraph, core)) is None:
            head, tail = core[:k], core[k + 1 :]
            if head[-1].text in lex.org_words:
                return out  # "Bank of England", "University of Chicago": an organisation
            out.extend(
                _judge(lex, paragraph_index, paragraph, head, title, tokens, doubtful, sports)
            )
            out.extend(
                segment_run(
                    lex, paragraph_index, paragraph, Run(tuple(tail)), tokens, sports=sports
                )
            )
            return out
    out.extend(_judge(lex, paragraph_index, paragraph, core, title, tokens, doubtful, sports))
    return out


def _organisation_like(lex: Lexicon, word: str) -> bool:
    return (
        word in lex.non_entity_words
        and word not in lex.stopwords
        and word not in lex.demonyms
        and word.lower() not in lex.common_words
    )


def _last_title_start(lex: Lexicon, paragraph: str, toks: tuple[Token, ...]) -> int:
    """Where the last title inside a run starts (0 when none past the first word)."""
    for j in range(len(toks) - 2, 0, -1):
        if toks[j - 1].text in CONNECTORS or toks[j - 1].possessive:
            continue
        n = _longest(lex, paragraph, toks, j, lex.max_title_words, lex.titles)
        if n and j + n < len(toks) and toks[j + n].text not in CONNECTORS:
            return j
    return 0


def _places_only(
    lex: Lexicon,
    paragraph_index: int,
    paragraph: str,
    toks: tuple[Token, ...],
    tokens: list[Token],
    sports: bool,
) -> list[Candidate]:
    n = _longest_place(lex, paragraph, toks, 0)
    if n:
        return [_place_candidate(lex, paragraph_index, paragraph, toks[:n])]
    found = segment_run(lex, paragraph_index, paragraph, Run(toks), tokens, sports=sports)
    return [c for c in found if c.verdict == "place"]


def _opens_title(lex: Lexicon, paragraph: str, toks: tuple[Token, ...], i: int) -> bool:
    """A place written before a title ("U.S. Secretary") or an acronym used as an adjective."""
    if _longest(lex, paragraph, toks, i, lex.max_title_words, lex.titles) > 0:
        return True
    return i == 1 and toks[0].text.replace(".", "").isupper() and len(toks[0].text) > 1


def _place_candidate(
    lex: Lexicon, paragraph_index: int, paragraph: str, toks: tuple[Token, ...] | list[Token]
) -> Candidate:
    surface = join_tokens(paragraph, toks)
    place = lex.place(surface)
    return Candidate(
        paragraph_index,
        toks[0].start,
        toks[-1].end,
        tuple(t.text for t in toks),
        "place",
        strong=place is not None and place.strong,
        place_name=place.canonical if place else surface,
    )


def _judge(
    lex: Lexicon,
    paragraph_index: int,
    paragraph: str,
    core: list[Token],
    title: str,
    tokens: list[Token],
    doubtful: bool = False,
    sports: bool = False,
) -> list[Candidate]:
    words = tuple(t.text for t in core)
    if any(w in lex.org_words for w in words) and lex.place(join_tokens(paragraph, core)) is None:
        return []
    # "London-based": only the name before the lower-case suffix counts.
    if len(core) == 1 and (m := _LOWERCASE_SUFFIX.match(words[0])):
        head = core[0]
        core = [Token(head.start, head.start + len(m.group(1)), m.group(1), True, False, False)]
        words = (m.group(1),)
    start, end = core[0].start, core[-1].end
    surface = paragraph[start:end]
    place = lex.place(surface)
    place_name = place.canonical if place else ""

    def make(verdict: Verdict, strong: bool, name: str = place_name) -> list[Candidate]:
        if doubtful and not strong:
            return []
        return [Candidate(paragraph_index, start, end, words, verdict, strong, title, name)]

    if len(words) >= 2 and words[0] in DIRECTIONS and place is None:
        # "South China", "Northern Cape": a compass word before a known place.
        rest = lex.place(paragraph[core[1].start : end])
        if rest is not None and rest.strong:
            return make("place", True, surface)

    if title:
        return make("person", True)
    if len(words) == 1 and (words[0] in lex.demonyms or _BRAND.match(words[0])):
        return []
    if len(words) >= 2 and words[-1] in GEOGRAPHIC_HEADS:
        return make("place", True, place_name or surface)
    if place is not None and team_context(lex, place, paragraph, core, tokens, sports=sports):
        # Kept as a team so that "Washington" after "MaliVai Washington" can still be him.
        return make("team", False)
    if place is not None and place.strong and not _common_city(lex, place, surface):
        return make("place", True)
    names = [w for w in words if w not in CONNECTORS and not _initial(w)]
    last_place = lex.place(words[-1])
    ends_in_country = last_place is not None and last_place.place_class != "city"
    if len(words) >= 2 and (
        words[0] in lex.first_names
        or _initial(words[0])
        or (words[0] in lex.person_words and not ends_in_country)
    ):
        return make("person", True)
    if len(names) >= 2 and all(w in lex.person_words for w in names):
        return make("person", True)
    if _reported(paragraph, core, tokens):
        return make("person", len(words) >= 2)
    if place is not None and not (
        words[0] in lex.first_names
        or words[0] in lex.person_words
        or _common_city(lex, place, surface)
    ):
        return make("place", False)
    if all(w in lex.person_words for w in names):
        return make("person", False)
    if len(names) >= 2 and not any(_ordinary(lex, w) for w in names):
        # Two or more unknown capitalised words in running text are most often a name.
        return make("person", False)
    if _after_locative(paragraph, core, tokens) and not any(_ordinary(lex, w) for w in names):
        # "talks in Rafah", "rebels near Amhara": an unknown name where a place goes.
        return make("place", False, surface)
    return make("unknown", False)


def _ordinary(lex: Lexicon, word: str) -> bool:
    if "-" in word:
        # "April-July", "Anglo-French": a compound of ordinary words.
        return all(_ordinary(lex, part) for part in word.split("-") if part)
    return (
        word.lower() in lex.common_words
        or word in lex.non_entity_words
        or word in lex.demonyms
        or word in lex.stopwords
        or word.isupper()
    )


def _common_city(lex: Lexicon, place: Place, surface: str) -> bool:
    """A town named like an ordinary word ("Reading", "Nice", "Most") needs more than its name."""
    return place.place_class == "city" and surface.lower() in lex.common_words


_LOCATIVE_PREPOSITIONS = frozenset({"in", "near", "outside"})


def _after_locative(paragraph: str, core: list[Token], tokens: list[Token]) -> bool:
    first = position_of(tokens, core[0])
    if first == 0:
        return False
    previous = tokens[first - 1]
    return (
        previous.text in _LOCATIVE_PREPOSITIONS and paragraph[previous.end : core[0].start] == " "
    )


def _initial(word: str) -> bool:
    return len(word) == 2 and word[1] == "." and word[0].isupper()


def _reported(paragraph: str, core: list[Token], tokens: list[Token]) -> bool:
    """A verb of saying right before or after, or an age in commas ("X, 45,")."""
    # Runs are contiguous slices of ``tokens``, so the core's neighbours are found by position.
    first = position_of(tokens, core[0])
    index = first + len(core) - 1
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    preceding = tokens[first - 1] if first > 0 else None
    if following is not None and following.text in REPORTING_VERBS:
        gap = paragraph[core[-1].end : following.start]
        if gap.isspace():
            return True
    if preceding is not None and preceding.text in REPORTING_VERBS:
        return True
    return bool(_AGE_AFTER.match(paragraph[core[-1].end :]))
