"""Tests for reader.entities: people and places, merging, offsets and folded counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.entities import extract
from reader.entities.lexicon import load_lexicon
from reader.model import Article, Entities, Entity

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_65b293f206ed6792.txt"


def run(*paragraphs: str, folded: frozenset[int] = frozenset()) -> Entities:
    return extract(Article(id="t", title="", paragraphs=paragraphs), folded=folded)


def people(*paragraphs: str) -> dict[str, int]:
    return {e.name: e.count for e in run(*paragraphs).people}


def places(*paragraphs: str) -> dict[str, int]:
    return {e.name: e.count for e in run(*paragraphs).places}


def assert_offsets(article: Article, entities: Entities) -> None:
    for entity in (*entities.people, *entities.places):
        for m in entity.mentions:
            assert article.paragraphs[m.paragraph][m.start : m.end] == m.text


# --- the sample article -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[Article, Entities]:
    paragraphs = tuple(SEED.read_text(encoding="utf-8").splitlines())
    article = Article(id="seed", title="", paragraphs=paragraphs)
    return article, extract(article, folded=frozenset(range(9, 17)))


def test_seed_has_seventeen_paragraphs(seed: tuple[Article, Entities]) -> None:
    assert len(seed[0].paragraphs) == 17


def test_seed_people_in_order(seed: tuple[Article, Entities]) -> None:
    got = [(e.name, e.count) for e in seed[1].people]
    assert got == [
        ("John Kerry", 5),
        ("Benjamin Netanyahu", 4),
        ("Mahmoud Abbas", 2),
        ("King Abdullah", 1),
    ]


def test_seed_places(seed: tuple[Article, Entities]) -> None:
    found = {e.name: e for e in seed[1].places}
    assert {"Jerusalem", "Amman", "Jordan", "Israel", "Middle East"} <= set(found)
    assert found["Amman"].count == 4
    assert "Israeli" not in found and "Palestinian" not in found
    counts = [e.count for e in seed[1].places]
    assert counts == sorted(counts, reverse=True)


def test_seed_mentions_include_folded_paragraphs(seed: tuple[Article, Entities]) -> None:
    kerry = seed[1].people[0]
    assert len(kerry.mentions) > kerry.count
    assert any(m.paragraph >= 9 for m in kerry.mentions)
    order = [(m.paragraph, m.start) for m in kerry.mentions]
    assert order == sorted(order)
    assert_offsets(*seed)


def test_seed_non_entities(seed: tuple[Article, Entities]) -> None:
    names = {e.name for e in (*seed[1].people, *seed[1].places)}
    for word in ("Earlier", "Thursday", "Wednesday", "Secretary", "Palestinian", "On", "Jews"):
        assert not any(word == n for n in names), word


# --- merging ------------------------------------------------------------------------------


def test_surname_and_titles_merge_into_fullest_name() -> None:
    got = run(
        "Secretary of State Alice Marwood arrived on Monday.",
        "Marwood met reporters. Secretary Marwood said little.",
        "Later, Alice Marwood left.",
    ).people
    assert [(e.name, e.count) for e in got] == [("Alice Marwood", 4)]
    assert [m.text for m in got[0].mentions] == [
        "Alice Marwood",
        "Marwood",
        "Marwood",
        "Alice Marwood",
    ]


def test_honorifics_and_government_titles_are_stripped() -> None:
    assert people("Mr Penhallow spoke first.", "Prime Minister Tony Penhallow then left.") == {
        "Tony Penhallow": 2
    }


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Crowds cheered King Osric at the palace.", "King Osric"),
        ("The crowd waited for Pope Clementine in the square.", "Pope Clementine"),
        ("Talks with Sheikh Rashidun ended.", "Sheikh Rashidun"),
    ],
)
def test_royal_or_religious_title_stays_with_a_single_name(text: str, name: str) -> None:
    entities = run(text)
    assert [e.name for e in entities.people] == [name]
    # The span itself covers the name, not the title.
    assert entities.people[0].mentions[0].text == name.split()[-1]


def test_two_people_sharing_a_surname_stay_apart() -> None:
    got = people("Bill Harrow met Mary Harrow. Later Harrow said she agreed.")
    assert set(got) == {"Bill Harrow", "Mary Harrow"}


# --- possessives, aliases, demonyms -------------------------------------------------------


def test_possessive_place_before_royal_title() -> None:
    entities = run("Officials met Jordan's King Abdullah in Amman.")
    assert [e.name for e in entities.people] == ["King Abdullah"]
    jordan = next(e for e in entities.places if e.name == "Jordan")
    assert jordan.mentions[0].text == "Jordan"  # the span stops before "'s"


def test_possessive_is_excluded_from_person_span() -> None:
    entities = run("Greta Lindqvist's book sold well.")
    assert entities.people[0].mentions[0].text == "Greta Lindqvist"


def test_country_aliases_merge() -> None:
    got = places(
        "The U.S. and the UK agreed.",
        "Britain said the United States would lead. America agreed. The US did too.",
        "The United Kingdom signed.",
    )
    assert got == {"United States": 4, "United Kingdom": 3}


def test_demonyms_are_not_places() -> None:
    got = places("Israeli and Palestinian officials met Egyptian envoys.")
    assert got == {}


def test_sentence_initial_words_weekdays_and_lone_titles_are_not_entities() -> None:
    entities = run("Earlier Thursday, the Secretary met nobody.", "On Wednesday, nothing happened.")
    assert entities.people == () and entities.places == ()


# --- cues ---------------------------------------------------------------------------------


def test_reporting_verb_marks_an_unknown_name_as_person() -> None:
    assert people('"We will go," said Okonkwo.') == {"Okonkwo": 1}


def test_dateline_gives_a_place_even_when_unknown() -> None:
    entities = run("ZUMBROTA, Ruritania - Officials met.", "LONDON 1996-08-30")
    assert [e.name for e in entities.places][:1] == ["Zumbrota"]
    assert any(e.name == "London" for e in entities.places)


def test_all_capitals_headline_matches_known_names_only() -> None:
    entities = run(
        "MARWOOD VISITS PARIS AFTER LONG DELAY", "Helen Marwood flew to Paris on Monday."
    )
    assert {e.name: e.count for e in entities.people} == {"Helen Marwood": 2}
    assert {e.name: e.count for e in entities.places} == {"Paris": 2}


def test_town_next_to_a_score_is_a_team_but_a_country_is_a_place() -> None:
    got = places("Bristol 2 Leeds 1.", "France beat Italy 2-1 in Paris.")
    assert "Bristol" not in got and "Leeds" not in got
    assert {"France", "Italy", "Paris"} <= set(got)


# --- counting and ordering ----------------------------------------------------------------


def test_count_excludes_folded_paragraphs_and_zero_counts_sort_last() -> None:
    entities = run(
        "Helen Marwood visited Paris.",
        "Marwood then went to Madrid.",
        "Nobody mentioned Lisbon here except a folded copy about Paris and Lisbon.",
        folded=frozenset({2}),
    )
    by_name: dict[str, Entity] = {e.name: e for e in entities.places}
    assert by_name["Paris"].count == 1 and len(by_name["Paris"].mentions) == 2
    assert by_name["Lisbon"].count == 0 and len(by_name["Lisbon"].mentions) == 2
    assert entities.places[-1].name == "Lisbon"
    assert entities.people[0].count == 2


def test_sorted_by_count_then_first_mention() -> None:
    entities = run("Madrid and Paris. Then Paris again, and Lisbon, and Madrid.")
    assert [e.name for e in entities.places] == ["Madrid", "Paris", "Lisbon"]


def test_empty_article() -> None:
    assert run() == Entities()
    assert run("") == Entities()


def test_lexicon_is_loaded_once() -> None:
    assert load_lexicon() is load_lexicon()


# --- offsets on arbitrary text ------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "Kerry",
        "John",
        "Mr",
        "King",
        "Abdullah",
        "Jordan's",
        "U.S.",
        "Paris",
        "said",
        "in",
        "the",
        "of",
        "al-Assad",
        "O'Neill",
        "J.",
        "LONDON",
        "1996-08-30",
        "'s",
        "Israeli",
        ",",
        "Secretary",
        "de",
        "Thursday",
        "\u2019s",
        "-",
        '"',
        "McCann",
        "New",
        "York",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.lists(_WORDS, max_size=25).map(" ".join),
            st.text(max_size=60),
        ),
        max_size=5,
    ),
    st.frozensets(st.integers(min_value=0, max_value=5)),
)
def test_mentions_always_match_paragraph_text(
    paragraphs: list[str], folded: frozenset[int]
) -> None:
    article = Article(id="h", title="", paragraphs=tuple(paragraphs))
    entities = extract(article, folded=folded)
    assert_offsets(article, entities)
    for entity in (*entities.people, *entities.places):
        assert entity.count == sum(1 for m in entity.mentions if m.paragraph not in folded)
        assert entity.mentions and entity.name
        assert all(m.start < m.end for m in entity.mentions)
