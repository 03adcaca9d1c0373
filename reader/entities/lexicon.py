"""Word lists and gazetteers behind entity extraction, loaded once from package data."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

# Geonames place classes that name a whole country or region: trusted even when the word
# also works as a surname or a common word.
STRONG_PLACE_CLASSES = frozenset({"country", "region", "state", "capital", "alias"})
# Cities at least this big are taken without a place cue.
BIG_CITY_POPULATION = 200_000
# Longer gazetteer names exist but never matter in news text.
MAX_PLACE_WORDS = 5


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: the name to show, what kind of place it is and its size."""

    canonical: str
    place_class: str
    population: int

    @property
    def strong(self) -> bool:
        return self.place_class in STRONG_PLACE_CLASSES or self.population >= BIG_CITY_POPULATION


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every list the extractor consults; immutable and shared."""

    place_rows: dict[str, str]
    """Surface -> ``canonical<TAB>class<TAB>population``, parsed on lookup to keep loading fast."""
    titles: frozenset[str]
    royal_titles: frozenset[str]
    first_names: frozenset[str]
    person_words: frozenset[str]
    demonyms: frozenset[str]
    stopwords: frozenset[str]
    org_words: frozenset[str]
    non_entity_words: frozenset[str]
    common_words: frozenset[str]
    countries: frozenset[str]
    """Canonical names of countries, which stay places even in sports results."""
    max_title_words: int
    max_place_words: int
    phrase_starts: frozenset[str]
    """First words of every place and title longer than one word: longer matches are only
    tried from these, which keeps the per-word lookups cheap."""

    def place(self, surface: str) -> Place | None:
        """The gazetteer entry for exactly this surface form, if any."""
        row = self.place_rows.get(surface)
        if row is None:
            return None
        canonical, place_class, population = row.split("\t")
        return Place(canonical, place_class, int(population))


def _lines(name: str) -> list[str]:
    text = (
        resources.files("reader.entities")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _load_places() -> dict[str, str]:
    places = dict(line.split("\t", 1) for line in _lines("geonames_places.tsv"))
    # Places labelled in news text: trusted like regions; geonames keeps the ones it knows.
    for surface in _lines("place_names.txt"):
        places.setdefault(surface, f"{surface}\talias\t0")
    for line in _lines("place_aliases.tsv"):
        surface, canonical = line.split("\t")
        places[surface] = f"{canonical}\talias\t0"
    return places


@functools.cache
def load_lexicon() -> Lexicon:
    """Read the package's data files (cached: every call returns the same object)."""
    places = _load_places()
    titles: set[str] = set()
    royal: set[str] = set()
    for line in _lines("titles.txt"):
        title, _, mark = line.partition("\t")
        titles.add(title)
        if mark == "royal":
            royal.add(title)
    first_names = frozenset(_lines("census_first_names.txt"))
    return Lexicon(
        place_rows=places,
        titles=frozenset(titles),
        royal_titles=frozenset(royal),
        first_names=first_names,
        person_words=frozenset(_lines("person_words.txt")),
        demonyms=frozenset(_lines("demonyms.txt")),
        stopwords=frozenset(_lines("stopwords.txt")),
        org_words=frozenset(_lines("org_words.txt")),
        non_entity_words=frozenset(_lines("non_entity_words.txt")),
        common_words=frozenset(_lines("common_words.txt")),
        countries=frozenset(
            row.split("\t", 1)[0] for row in places.values() if "\tcountry\t" in row
        ),
        max_title_words=max(len(t.split()) for t in titles),
        max_place_words=MAX_PLACE_WORDS,
        phrase_starts=frozenset(
            name.split(" ", 1)[0] for name in (*places, *titles) if " " in name
        ),
    )
