"""Tests for tasks/extract/entities.py: people, organisations and places under one canonical name each."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.entities import LOC, ORG, PERSON, Mention, find_entities
from tasks.records import Entity

# The body of the bundled sample seeds/000_931a64f1d1105032.txt as the cleaner hands it over: the article
# The bundled sample's body as the cleaner keeps it (shared by the extractor tests).
SAMPLE_BODY = (Path(__file__).parent / "sample_body.txt").read_text(encoding="utf-8")

# The sample's standfirst, which names Rutte by title and surname before the body gives his full name.
SAMPLE_STANDFIRST = (
    "NATO confirms North Korea has sent troops to Russia to aid in the Ukraine conflict, with some deployed "
    "in Kursk. Secretary-General Rutte labelled it a ‘significant escalation’, following concerns voiced by "
    "Russian soldiers about managing the North Korean forces."
)

BUSINESS = """Acme Robotics Inc. said on Tuesday it would cut 1,200 jobs after quarterly sales fell 18 \
percent.

Chief Executive Jane Porter told analysts on a conference call that the company had been too slow to \
react. “We built for a boom that did not arrive, and we have to be honest about that,” said Porter, who \
took over in 2021.

Shares of Acme Robotics fell 9 percent in New York trading. The company, based in Pittsburgh, also faces \
a review by the Ministry of Economy in Tokyo, and sells through Tanaka Logistics Ltd.

Analysts at Morgan Stanley said the cuts were overdue. Porter said Acme would keep its plant in Osaka open."""

POLITICS = """LONDON — Prime Minister Keir Starmer met French President Emmanuel Macron in Paris on \
Friday to discuss migration, Reuters reported.

“We cannot let criminal gangs decide who comes to our country,” Starmer said after the meeting.

Macron, speaking alongside him, said France would deploy more officers. “Our police are already doing a \
great deal,” he said, “but we will do more in the coming months.”

The World Health Organization (WHO) separately warned that a measles outbreak in Lagos could spread. A WHO \
official said vaccination rates had fallen sharply.

Mr Starmer later travelled to Berlin. The Russia-Ukraine war and Kremlin-backed hackers were on the agenda."""

TECH = """Apple CEO Tim Cook said the company would open a new campus in Springfield, Illinois. Cook, 63, \
said the site would employ 3,000 people. The announcement was welcomed by Gov. Greg Abbott.

Mobile phones were not mentioned. Police said traffic would be diverted. The U.S. has few such campuses.

European Commission President Ursula von der Leyen and U.S. Secretary of State Antony Blinken did not \
comment. Blinken was travelling."""


def entity(entities: list[Entity], name: str) -> Entity:
    matches = [item for item in entities if item.name == name]
    assert matches, f"{name!r} not among {[item.name for item in entities]}"
    return matches[0]


def names(entities: list[Entity]) -> set[str]:
    return {item.name for item in entities}


@pytest.fixture(scope="module")
def sample() -> tuple[list[Entity], list[Mention]]:
    return find_entities(SAMPLE_BODY)


def test_sample_titles_and_surnames_fold_into_full_names(sample: tuple[list[Entity], list[Mention]]) -> None:
    entities, _ = sample
    rutte = entity(entities, "Mark Rutte")
    assert rutte.type == PERSON
    # The body names him twice: "NATO Secretary-General Mark Rutte" and "AP quoted Rutte".
    assert rutte.mentions == 2
    assert rutte.aliases == ("Rutte",)
    zelensky = entity(entities, "Volodymyr Zelensky")
    assert zelensky.type == PERSON
    assert zelensky.mentions == 3  # the heading "Zelensky’s remarks" comes before the full name
    assert zelensky.first_offset == SAMPLE_BODY.index("Zelensky’s remarks")
    assert not {"Rutte", "Zelensky", "Secretary-General Rutte", "Secretary-General"} & names(entities)


def test_surname_before_the_full_name_still_folds() -> None:
    text = SAMPLE_STANDFIRST + "\n\n" + SAMPLE_BODY
    entities, mentions = find_entities(text)
    rutte = entity(entities, "Mark Rutte")
    assert rutte.mentions == 3
    assert rutte.first_offset == text.index("Rutte labelled")
    assert [m.surface for m in mentions if m.name == "Mark Rutte"] == ["Rutte", "Mark Rutte", "Rutte"]


def test_sample_acronym_definition_makes_one_organisation(sample: tuple[list[Entity], list[Mention]]) -> None:
    entities, mentions = sample
    nato = entity(entities, "North Atlantic Treaty Organization")
    assert nato.type == ORG
    assert nato.aliases == ("NATO",)
    # The long form and the two later "NATO"s; the "(NATO)" that defines it is not a second mention.
    assert nato.mentions == 3
    assert [m.surface for m in mentions if m.name == nato.name] == [
        "North Atlantic Treaty Organization",
        "NATO",
        "NATO",
    ]
    assert "NATO" not in names(entities)


def test_sample_places_carry_country_codes(sample: tuple[list[Entity], list[Mention]]) -> None:
    entities, _ = sample
    expected = {
        "North Korea": "KP",
        "Russia": "RU",
        "Ukraine": "UA",
        "Kursk": "RU",
        "Brussels": "BE",
        "Kazan": "RU",
    }
    for name, code in expected.items():
        place = entity(entities, name)
        assert (place.type, place.country_code) == (LOC, code), name
    assert entity(entities, "Russia").mentions == 6
    assert entity(entities, "Kursk").mentions == 4
    assert entity(entities, "Ukraine").mentions == 3
    # A place no gazetteer knows, typed by "near": a place, without a country.
    assert entity(entities, "Postoyalye Dvory").type == LOC


def test_sample_news_agencies_and_agencies_are_organisations(
    sample: tuple[list[Entity], list[Mention]],
) -> None:
    entities, _ = sample
    for name in ("AP", "CNN", "Ukrainian Defence Intelligence"):
        assert entity(entities, name).type == ORG


def test_sample_openers_dates_and_scare_quotes_are_not_entities(
    sample: tuple[list[Entity], list[Mention]],
) -> None:
    entities, _ = sample
    found = names(entities)
    for wrong in (
        "On October",
        "October",
        "Today",
        "According",
        "K Battalion",
        "Battalion",
        "This",
        "The",
        "In",
    ):
        assert wrong not in found
    assert not any("October" in name for name in found)


def test_demonyms_are_not_mentions_of_their_country(sample: tuple[list[Entity], list[Mention]]) -> None:
    entities, _ = sample
    # "North Korean troops" (seven times) and "South Korean delegation" speak of people, not places.
    assert entity(entities, "North Korea").mentions == 1
    assert "South Korea" not in names(entities)
    assert not {"Ukrainian", "Russian", "North Korean", "South Korean"} & names(entities)


def test_possessives_are_not_part_of_the_mention(sample: tuple[list[Entity], list[Mention]]) -> None:
    _, mentions = sample
    surfaces = {m.surface for m in mentions}
    assert "Russia" in surfaces and "Zelensky" in surfaces
    assert not any(surface.endswith(("'s", "’s", "’")) for surface in surfaces)


def test_sample_exact_entity_list(sample: tuple[list[Entity], list[Mention]]) -> None:
    entities, _ = sample
    assert [(e.name, e.type) for e in entities] == [
        ("North Atlantic Treaty Organization", ORG),
        ("North Korea", LOC),
        ("Russia", LOC),
        ("Ukraine", LOC),
        ("Kursk", LOC),
        ("Mark Rutte", PERSON),
        ("Brussels", LOC),
        ("AP", ORG),
        ("Ukrainian Defence Intelligence", ORG),
        ("CNN", ORG),
        ("Postoyalye Dvory", LOC),
        ("Volodymyr Zelensky", PERSON),
        ("Kazan", LOC),
    ]


@pytest.mark.parametrize("text", [SAMPLE_BODY, BUSINESS, POLITICS, TECH])
def test_mentions_point_into_the_text_and_add_up(text: str) -> None:
    entities, mentions = find_entities(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert [e.first_offset for e in entities] == sorted(e.first_offset for e in entities)
    for item in entities:
        own = [m for m in mentions if m.name == item.name and m.type == item.type]
        assert item.mentions == len(own)
        assert item.first_offset == own[0].start
        assert item.name not in item.aliases


def test_company_legal_form_and_bare_name_are_one_organisation() -> None:
    entities, _ = find_entities(BUSINESS)
    acme = entity(entities, "Acme Robotics Inc.")
    assert acme.type == ORG
    assert acme.mentions == 2
    assert acme.aliases == ("Acme Robotics",)
    assert entity(entities, "Tanaka Logistics Ltd.").type == ORG
    assert entity(entities, "Morgan Stanley").type == ORG
    assert entity(entities, "Ministry of Economy").type == ORG


def test_business_people_and_cities() -> None:
    entities, _ = find_entities(BUSINESS)
    porter = entity(entities, "Jane Porter")
    assert (porter.type, porter.mentions) == (PERSON, 3)
    assert "Chief Executive Jane Porter" not in names(entities)
    for name, code in {"New York": "US", "Pittsburgh": "US", "Tokyo": "JP", "Osaka": "JP"}.items():
        assert entity(entities, name).country_code == code


def test_politics_titles_honorifics_and_acronyms() -> None:
    entities, _ = find_entities(POLITICS)
    starmer = entity(entities, "Keir Starmer")
    assert starmer.mentions == 3  # "Prime Minister Keir Starmer", "Starmer said", "Mr Starmer"
    assert entity(entities, "Emmanuel Macron").mentions == 2
    who = entity(entities, "World Health Organization")
    assert (who.type, who.mentions, who.aliases) == (ORG, 2, ("WHO",))
    assert entity(entities, "London").aliases == ("LONDON",)  # the wire dateline
    assert entity(entities, "Lagos").country_code == "NG"  # the big Lagos, not the Portuguese town
    assert entity(entities, "Paris").country_code == "FR"
    assert entity(entities, "France").country_code == "FR"
    assert entity(entities, "Reuters").type == ORG
    assert {"Russia", "Ukraine", "Kremlin"} <= names(entities)  # "Russia-Ukraine", "Kremlin-backed"
    assert "French" not in names(entities)


def test_context_rules_for_companies_places_and_common_words() -> None:
    entities, _ = find_entities(TECH)
    assert entity(entities, "Apple").type == ORG  # "Apple CEO Tim Cook": a name before a business title
    assert entity(entities, "Tim Cook").mentions == 2
    springfield = entity(entities, "Springfield")
    assert (springfield.type, springfield.country_code) == (LOC, "US")
    assert entity(entities, "Greg Abbott").type == PERSON
    united_states = entity(entities, "United States")
    assert united_states.aliases == ("U.S.",) and united_states.mentions == 2
    assert entity(entities, "Ursula von der Leyen").type == PERSON
    assert entity(entities, "European Commission").type == ORG
    assert entity(entities, "Antony Blinken").mentions == 2
    # "Mobile" (a US city) and "Police" (a Polish town) open sentences here as ordinary words.
    assert not {"Mobile", "Police", "The", "Gov"} & names(entities)


def test_ambiguous_city_names_need_context() -> None:
    entities, _ = find_entities("She moved to Reading last year. Mark my words, Police will come.")
    assert [(e.name, e.country_code) for e in entities] == [("Reading", "GB")]
    # A sentence-initial word the article also writes in lower case is an ordinary word.
    entities, _ = find_entities("Reading the report, she frowned. Police in Nice said the reading was wrong.")
    assert [(e.name, e.country_code) for e in entities] == [("Nice", "FR")]


def test_country_names_from_pycountry_and_news_usage() -> None:
    text = (
        "Officials in South Korea, Türkiye, Britain and the Democratic Republic of Congo (DRC) met in Iran."
    )
    entities, _ = find_entities(text)
    codes = {e.name: e.country_code for e in entities}
    assert codes == {
        "South Korea": "KR",
        "Turkey": "TR",
        "United Kingdom": "GB",
        "Democratic Republic of the Congo": "CD",
        "Iran": "IR",
    }


def test_person_named_by_given_name_and_speech() -> None:
    text = "Vladimir Putin met Narendra Modi. Later, Helga Brandt told reporters the deal was done."
    entities, _ = find_entities(text)
    assert [(e.name, e.type) for e in entities] == [
        ("Vladimir Putin", PERSON),
        ("Narendra Modi", PERSON),
        ("Helga Brandt", PERSON),
    ]


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "....", "“”", "((((", "A", "The", "Mr.", "U.S.", "(NATO)", "NATO (", "Acme (AC) (BD)",
     "-Russia-", "Russia-", "O'", "’s", "President", "President Mr.", "Xi-", "\u00a0\u00a0", "😀 Émile Zola"],
)  # fmt: skip
def test_odd_inputs_never_raise(text: str) -> None:
    entities, mentions = find_entities(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
    assert len(entities) <= len(mentions)


def test_huge_input_is_handled() -> None:
    text = "\n\n".join([SAMPLE_BODY] * 200) + " ".join(["Word"] * 20_000)
    entities, mentions = find_entities(text)
    assert entity(entities, "Mark Rutte").mentions == 400
    assert len(mentions) == 200 * 28


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.punctuation + " \n“”’'Ééß.-", max_size=400))
def test_any_text_gives_consistent_offsets(text: str) -> None:
    entities, mentions = find_entities(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
        assert mention.type in (PERSON, ORG, LOC)
    assert sum(item.mentions for item in entities) == len(mentions)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("TSMC said profits rose sharply in the third quarter.", "TSMC", ORG),
        ("The ANC lost its majority in the election.", "ANC", ORG),
        ("Investors sold shares in Stellantis on Monday.", "Stellantis", ORG),
        ("Schneider Electric will cut 300 jobs, the union said.", "Schneider Electric", ORG),
    ],
)
def test_organisations_known_by_their_form_or_context(text: str, name: str, kind: str) -> None:
    entities, _ = find_entities(text)
    assert (name, kind) in {(entity.name, entity.type) for entity in entities}


def test_common_capitalised_terms_are_no_organisations() -> None:
    entities, _ = find_entities("The CEO said GDP rose while the AI boom lifted TV sales.")
    assert not [entity for entity in entities if entity.type == ORG]


def test_a_full_name_with_an_unknown_first_name_is_a_person_when_its_surname_speaks_later() -> None:
    entities, _ = find_entities(
        "The fund manager Gabe Plotkin bought a stake in the team. Plotkin said the deal would close in May."
    )
    assert [(entity.name, entity.type, entity.mentions) for entity in entities] == [
        ("Gabe Plotkin", PERSON, 2)
    ]


def test_cities_carry_coordinates_and_countries_do_not() -> None:
    entities, _ = find_entities("Officials in Nairobi met delegates from France in Geneva.")
    by_name = {entity.name: entity for entity in entities}
    nairobi, geneva, france = by_name["Nairobi"], by_name["Geneva"], by_name["France"]
    assert (nairobi.country_code, round(nairobi.latitude), round(nairobi.longitude)) == ("KE", -1, 37)
    assert (geneva.country_code, round(geneva.latitude), round(geneva.longitude)) == ("CH", 46, 6)
    assert france.latitude is None and france.longitude is None


def test_the_last_word_gate_lets_through_every_phrase_the_context_patterns_match() -> None:
    """`_add_context` searches the before-span patterns only when the previous word is in
    `_CONTEXT_LAST_WORDS`: a word added to a pattern but not to that list would silently never match."""
    from tasks.extract import entities

    patterns = (entities._NEAR_PLACE_BEFORE_RE, entities._IN_PLACE_BEFORE_RE, entities._ORG_BEFORE_RE)
    words = {word for pattern in patterns for word in re.findall(r"[A-Za-z]+", pattern.pattern)}
    phrases = [f"the {first} {last} " for first in words for last in words] + [f"the {w} " for w in words]
    matched = [phrase for phrase in phrases if any(pattern.search(phrase) for pattern in patterns)]
    assert matched  # the vocabulary does reach the patterns
    for phrase in matched:
        assert phrase.split()[-1].lower().endswith(entities._CONTEXT_LAST_WORDS), phrase
