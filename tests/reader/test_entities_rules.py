"""Tests for reader.entities rules: datelines, headlines, sports clubs, aliases and spans."""

from __future__ import annotations

import pytest

from reader.entities import extract
from reader.model import Article, Entities


def run(*paragraphs: str) -> Entities:
    return extract(Article(id="t", title="", paragraphs=paragraphs))


def people(*paragraphs: str) -> dict[str, list[str]]:
    return {e.name: [m.text for m in e.mentions] for e in run(*paragraphs).people}


def places(*paragraphs: str) -> dict[str, list[str]]:
    return {e.name: [m.text for m in e.mentions] for e in run(*paragraphs).places}


# --- datelines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "place", "surface"),
    [
        ("KYIV, Ukraine (AP) — Officials said on Tuesday that power was back.", "Kyiv", "KYIV"),
        ("LONDON, March 3 (Reuters) - Shares rose on Monday.", "London", "LONDON"),
        ("JERUSALEM (AP) — Talks resumed on Sunday.", "Jerusalem", "JERUSALEM"),
        (
            "SAN FRANCISCO (AP) — The company said on Tuesday it would hire.",
            "San Francisco",
            "SAN FRANCISCO",
        ),
        ("ST. LOUIS 1996-08-30", "St. Louis", "ST. LOUIS"),
    ],
)
def test_wire_datelines_give_the_place_without_the_agency(
    dateline: str, place: str, surface: str
) -> None:
    found = places(dateline)
    assert found[place][0] == surface
    assert not any("AP" in texts or "Reuters" in texts for texts in found.values())


def test_dateline_country_after_the_city_is_a_place_too() -> None:
    assert set(places("AMMAN, Jordan (AP) — The king met envoys.")) == {"Amman", "Jordan"}


def test_sport_headline_with_a_dash_is_not_a_dateline() -> None:
    assert "Cricket" not in places("CRICKET - ENGLAND BEAT PAKISTAN BY 107 RUNS")
    assert "Friday" not in places("FRIDAY, AUGUST 30 SCHEDULE")


# --- all-capitals headlines ---------------------------------------------------------------


def test_headline_surname_merges_with_the_full_name_in_the_story() -> None:
    got = people(
        "ORLOWSKA DEFENDS BUDGET AFTER PROTESTS",
        "Finance minister Agata Orlowska said on Monday the cuts would stay.",
    )
    assert got == {"Agata Orlowska": ["ORLOWSKA", "Agata Orlowska"]}


def test_headline_place_phrases_are_read_as_one_name() -> None:
    got = places("FLOODS HIT NEW YORK AND SRI LANKA", "Rain fell all week.")
    assert {"New York", "Sri Lanka"} <= set(got)
    assert "York" not in got


def test_headline_words_the_story_never_names_are_not_people() -> None:
    entities = run("BOARD DISMISSES CHAIRMAN OVER EXPENSES", "The board met on Friday.")
    assert entities.people == ()


def test_airport_codes_in_capitals_are_not_places() -> None:
    assert places("WHY YOU CAN AFFORD IT FOR NOW", "Prices fell.") == {}


def test_organisation_in_a_headline_hides_its_town() -> None:
    got = places("WASHINGTON POST OWNER DEFENDS DECISION", "The paper said little.")
    assert "Washington" not in got


# --- sports clubs -------------------------------------------------------------------------

SPORTS_STORY = (
    "Leeds drew 1-1 with Sunderland in the league on Saturday.",
    "Barcelona thrashed Sevilla 4-0, with their striker scoring twice.",
    "The coach lives in Leeds and grew up near Barcelona.",
    "Spain beat France 2-1 in the other match.",
)


def test_clubs_named_after_towns_are_not_places_in_a_sports_story() -> None:
    got = places(*SPORTS_STORY)
    # The towns as themselves ("in Leeds", "near Barcelona") are places; as clubs they are not.
    assert got["Leeds"] == ["Leeds"] and got["Barcelona"] == ["Barcelona"]
    assert "Sunderland" not in got and "Sevilla" not in got
    # Countries stay places even as national teams.
    assert {"Spain", "France"} <= set(got)


def test_the_same_town_outside_sport_is_a_place() -> None:
    got = places("Leeds and Sunderland both voted to expand their airports.")
    assert {"Leeds", "Sunderland"} <= set(got)


@pytest.mark.parametrize(
    "text", ["Essex 320-6 declared.", "Surrey beat Kent by six wickets.", "Chelsea v Leeds."]
)
def test_score_or_result_verb_marks_a_club(text: str) -> None:
    got = places(text)
    assert not {"Essex", "Surrey", "Chelsea", "Leeds"} & set(got)


def test_a_comma_cuts_a_town_off_from_a_result_verb() -> None:
    assert "Michigan" in places("The firm, based in Dearborn, Michigan, lost $1 billion.")


def test_town_surname_of_a_player_is_the_player() -> None:
    got = run(
        "Andre Washington beat Todd Martin 6-3 6-4 in the semifinals.",
        "Washington served well in the final set of the match.",
    )
    assert not any(e.name == "Washington" for e in got.places)


# --- names that are not people or places --------------------------------------------------


def test_geographic_features_are_places() -> None:
    got = places("Ships crossed the Taiwan Strait and the Black Sea; Silicon Valley cheered.")
    assert {"Taiwan Strait", "Black Sea", "Silicon Valley"} <= set(got)


def test_brand_names_with_inner_capitals_are_nobody() -> None:
    assert people("OpenAI said it would grow. YouTube said so too.") == {}


def test_organisation_of_a_place_is_not_that_place() -> None:
    got = places("The Bank of England raised rates. The University of Chicago agreed.")
    assert "England" not in got and "Chicago" not in got


def test_adjectives_of_nationality_and_events_are_not_places() -> None:
    assert places("Olympic, Israeli and Ukrainian officials met.") == {}


def test_unknown_name_after_in_is_a_place() -> None:
    assert "Zvornikovo" in places("Aid arrived in Zvornikovo on Monday.")


def test_sentence_initial_ordinary_word_can_be_a_named_surname() -> None:
    got = people("Tessa Swift toured Asia.", "Swift, 34, flew home on Sunday.")
    assert got == {"Tessa Swift": ["Tessa Swift", "Swift"]}


# --- titles, possessives, aliases ---------------------------------------------------------


def test_title_and_possessive_stay_outside_the_span() -> None:
    got = people(
        "President Volya Marchenko spoke.", "Marchenko's aides left.", "Ms Marchenko slept."
    )
    assert got == {"Volya Marchenko": ["Volya Marchenko", "Marchenko", "Marchenko"]}


def test_possessive_country_is_the_country_without_the_s() -> None:
    got = places("Ukraine's navy said Britain's ships and the UK's ports were ready.")
    assert got == {"Ukraine": ["Ukraine"], "United Kingdom": ["Britain", "UK"]}


def test_place_written_before_a_title() -> None:
    got = run("He met U.S. Secretary of State Dana Whitcombe in Nairobi.")
    assert [e.name for e in got.people] == ["Dana Whitcombe"]
    assert {e.name for e in got.places} == {"United States", "Nairobi"}
