"""Tests for tasks/extract/quotes.py: direct quotations, their speakers and cue verbs."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.entities import Mention, find_entities
from tasks.extract.quotes import MIN_QUOTE_WORDS, find_quotes
from tasks.records import Quote

# Paragraphs of the bundled sample seeds/000_931a64f1d1105032.txt that hold its quotes and the people
# they are attributed to (the whole body is in test_entities.py).
SAMPLE_EXCERPT = "\n\n".join(
    [
        "NATO Secretary-General Mark Rutte described it as a “significant escalation” and “dangerous "
        "expansion” of the conflict. This announcement followed a briefing by a high-level South Korean "
        "delegation at NATO headquarters in Brussels.",
        "“Today, I can confirm that North Korean troops have been sent to Russia and that North Korean "
        "military units have been deployed to the Kursk region,” AP quoted Rutte as telling reporters.",
        "In the recordings, Russian soldiers voiced frustration about how the North Korean soldiers, "
        "referred to as the “K Battalion”, would be supplied with the necessary equipment and led "
        "effectively.",
        "Zelensky’s remarks",
        "Ukrainian President Volodymyr Zelensky addressed this development, noting that he had received "
        "updates from Ukraine’s military leadership on deploying North Korean forces.",
        "“According to intelligence, on October 27-28, Russia will deploy its first North Korean troops in "
        "combat zones. This is a clear step in Russia’s escalation that matters, unlike all the "
        "disinformation circulating in Kazan these days,” Zelensky said.",
    ]
)

SPORTS = """Striker Maria Alvarez scored twice as Northfield United beat Riverside Rovers 3-1 on Saturday.

“I just tried to stay calm in front of goal, because the chances were always going to come.

“The whole team worked for this win and I am proud of every one of them.”

The words came from Alvarez after the match, her first since returning from injury.

Coach Tom Becker was more cautious. “We have a long way to go before we can talk about the title,” \
Becker said. He added: “Nobody in this dressing room is getting carried away tonight.”

Becker was asked about his own future. “I have two years left on my contract and I intend to stay,” he said.

According to Becker, the forward “has the mentality of a real champion”."""

POLITICS = """Prime Minister Keir Starmer met French President Emmanuel Macron in Paris on Friday.

Macron, speaking alongside him, said France would deploy more officers. “Our police are already doing a \
great deal,” he said, “but we will do more in the coming months.”

“We cannot let criminal gangs decide who comes to our country,” said Starmer, who made it a priority.

Asked about the cost, Starmer told reporters: “Every pound spent here is a pound saved later.”

“This deal will not survive the summer, in my view,” according to Jacques Moreau, a former French envoy."""


def quotes_of(text: str) -> list[Quote]:
    _, mentions = find_entities(text)
    return find_quotes(text, mentions)


def by_text(quotes: list[Quote], start: str) -> Quote:
    matches = [quote for quote in quotes if quote.text.startswith(start)]
    assert len(matches) == 1, f"{start!r} not among {[quote.text[:30] for quote in quotes]}"
    return matches[0]


def test_sample_quotes_have_their_speakers() -> None:
    quotes = quotes_of(SAMPLE_EXCERPT)
    assert len(quotes) == 2
    rutte = by_text(quotes, "Today, I can confirm")
    # "AP quoted Rutte as telling reporters": the speaker is Rutte, not the agency quoting him.
    assert (rutte.speaker, rutte.cue) == ("Mark Rutte", "told")
    assert rutte.text.endswith("deployed to the Kursk region,")
    zelensky = by_text(quotes, "According to intelligence, on October 27-28")
    assert (zelensky.speaker, zelensky.cue) == ("Volodymyr Zelensky", "said")
    assert zelensky.text.endswith("circulating in Kazan these days,")


def test_scare_quotes_and_labels_are_not_quotes() -> None:
    texts = {quote.text for quote in quotes_of(SAMPLE_EXCERPT)}
    assert not texts & {"significant escalation", "dangerous expansion", "K Battalion"}
    assert MIN_QUOTE_WORDS == 4


@pytest.mark.parametrize("text", [SAMPLE_EXCERPT, SPORTS, POLITICS])
def test_offsets_point_at_the_quoted_text_without_marks(text: str) -> None:
    for quote in quotes_of(text):
        assert text[quote.start : quote.end] == quote.text
        assert quote.text[0] not in '“”" ' and quote.text[-1] not in '“”" '


def test_multi_paragraph_quote_is_attributed_by_the_next_paragraph() -> None:
    quotes = quotes_of(SPORTS)
    first = by_text(quotes, "I just tried to stay calm")
    second = by_text(quotes, "The whole team worked")
    # The first paragraph has no closing mark: it runs into the next, which opens with a quote mark.
    assert first.text.endswith("always going to come.")
    assert first.speaker == second.speaker == "Maria Alvarez"
    assert first.cue is None  # "The words came from ..." names the speaker but has no cue verb


def test_said_after_name_and_added_before_quote() -> None:
    quotes = quotes_of(SPORTS)
    becker = by_text(quotes, "We have a long way to go")
    assert (becker.speaker, becker.cue) == ("Tom Becker", "said")
    added = by_text(quotes, "Nobody in this dressing room")
    assert (added.speaker, added.cue) == ("Tom Becker", "added")


def test_pronoun_speaker_is_the_most_recent_person() -> None:
    quote = by_text(quotes_of(SPORTS), "I have two years left")
    assert (quote.speaker, quote.cue) == ("Tom Becker", "said")


def test_according_to_before_a_partial_quote() -> None:
    quote = by_text(quotes_of(SPORTS), "has the mentality")
    assert (quote.speaker, quote.cue) == ("Tom Becker", "according to")


def test_quote_split_by_attribution_gives_both_parts_to_the_speaker() -> None:
    quotes = quotes_of(POLITICS)
    first = by_text(quotes, "Our police are already")
    second = by_text(quotes, "but we will do more")
    assert first.speaker == second.speaker == "Emmanuel Macron"
    assert first.cue == second.cue == "said"


def test_said_name_inversion_and_told_reporters_colon() -> None:
    quotes = quotes_of(POLITICS)
    inverted = by_text(quotes, "We cannot let criminal gangs")
    assert (inverted.speaker, inverted.cue) == ("Keir Starmer", "said")
    told = by_text(quotes, "Every pound spent here")
    assert (told.speaker, told.cue) == ("Keir Starmer", "told")


def test_according_to_after_the_quote_names_a_new_person() -> None:
    quote = by_text(quotes_of(POLITICS), "This deal will not survive")
    assert (quote.speaker, quote.cue) == ("Jacques Moreau", "according to")


def test_remark_sentence_names_the_speaker() -> None:
    text = "“We will rebuild every school that was destroyed.” The remark came from Minister Oksana Lisova."
    quote = by_text(quotes_of(text), "We will rebuild")
    assert quote.speaker == "Oksana Lisova"


def test_speaker_introduced_in_the_previous_paragraph() -> None:
    text = "In a statement, Jane Porter said:\n\n“The company will emerge from this stronger than before.”"
    quote = by_text(quotes_of(text), "The company will emerge")
    assert (quote.speaker, quote.cue) == ("Jane Porter", "said")


def test_straight_quotes_work_like_curly_ones() -> None:
    text = 'Mayor Lena Ortiz said: "The bridge will reopen on Monday morning." Officials agreed.'
    quote = by_text(quotes_of(text), "The bridge will reopen")
    assert (quote.speaker, quote.cue) == ("Lena Ortiz", "said")
    assert text[quote.start : quote.end] == quote.text


def test_raw_name_when_no_mention_resolves() -> None:
    text = "“There is nothing more to say about it,” said Smithers."
    quote = by_text(find_quotes(text, []), "There is nothing more")
    assert (quote.speaker, quote.cue) == ("Smithers", "said")


def test_unattributed_quote_has_no_speaker() -> None:
    text = "The sign read “No entry after dark for any visitors” in red letters."
    quote = by_text(quotes_of(text), "No entry after dark")
    assert (quote.speaker, quote.cue) == (None, None)


def test_mentions_inside_the_quote_are_not_the_speaker() -> None:
    text = "Anna Berg runs the lab. “I met Peter Novak twice and he was very kind,” she said."
    quote = by_text(quotes_of(text), "I met Peter Novak")
    assert quote.speaker == "Anna Berg"


@pytest.mark.parametrize(
    "text",
    ["", "“", "”", '"', '""', "“”", "“ ”", '" " "', "“a b c d", "a b c d”", "““““", "””””", "\n“\n”\n",
     '5\'11" tall and 6\'2" wide', "“One two three four,” he said.", "«Un deux trois quatre», dit-il."],
)  # fmt: skip
def test_odd_inputs_never_raise(text: str) -> None:
    for quote in find_quotes(text, []):
        assert text[quote.start : quote.end] == quote.text


def test_pronoun_without_any_person_gives_no_speaker() -> None:
    quote = by_text(find_quotes("“One two three four,” he said.", []), "One two three four")
    assert (quote.speaker, quote.cue) == (None, "said")


def test_many_quotes_in_a_huge_text() -> None:
    text = ("“These are four words,” said Smithers. " + "filler " * 60 + "\n") * 2_000
    quotes = find_quotes(text, [])
    assert len(quotes) == 2_000
    assert {quote.speaker for quote in quotes} == {"Smithers"}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.ascii_letters + " \n.,:“”\"'’", max_size=400))
def test_any_text_gives_consistent_offsets(text: str) -> None:
    _, mentions = find_entities(text)
    for quote in find_quotes(text, mentions):
        assert text[quote.start : quote.end] == quote.text
        assert len(quote.text.split()) >= MIN_QUOTE_WORDS or "\n" in text


def test_mentions_argument_may_be_unsorted() -> None:
    text = "Jane Porter spoke. “Four words are here,” she said."
    _, mentions = find_entities(text)
    reversed_mentions: list[Mention] = list(reversed(mentions))
    assert find_quotes(text, reversed_mentions)[0].speaker == "Jane Porter"


def test_next_sentence_pronoun_names_the_most_recent_person() -> None:
    text = (
        "Anna Berg runs the lab. “We expect results by the end of the year.” She added that money was secure."
    )
    quote = by_text(quotes_of(text), "We expect results")
    assert (quote.speaker, quote.cue) == ("Anna Berg", "added")


def test_abbreviation_periods_do_not_end_the_attribution() -> None:
    text = "Mark Rutte arrived late. “We will act quickly and firmly,” Mr. Rutte said."
    assert [(q.speaker, q.cue) for q in quotes_of(text)] == [("Mark Rutte", "said")]
    text = "“We will act quickly and firmly,” said U.S. Secretary of State Antony Blinken."
    assert [(q.speaker, q.cue) for q in quotes_of(text)] == [("Antony Blinken", "said")]


def test_speaker_named_before_the_quote_with_that() -> None:
    text = "Volodymyr Zelensky said on Telegram that “Russia is preparing a new offensive in the east”."
    assert [(q.speaker, q.cue) for q in quotes_of(text)] == [("Volodymyr Zelensky", "said")]


def test_a_surname_speaker_takes_the_full_name_the_article_gave_earlier() -> None:
    text = (
        "The carmaker's chief executive, Mei Tanaka, apologised to customers on Monday.\n\n"
        "“Safety comes before profit, always, and we will repair every car,” Tanaka said."
    )
    assert by_text(quotes_of(text), "Safety comes before").speaker == "Mei Tanaka"


def test_a_person_named_with_their_organisation_is_the_speaker() -> None:
    text = "“This has been coming for months and nobody listened,” said Raj Patel of Harbour Securities."
    assert by_text(quotes_of(text), "This has been coming").speaker == "Raj Patel"


def test_a_quote_followed_by_and_a_verb_belongs_to_the_subject_before_it() -> None:
    text = (
        "Her predecessor, Erik Holm, was unconvinced. Holm said the agreement was “a blank cheque written "
        "in a hurry” and urged lawmakers to reject it."
    )
    assert by_text(quotes_of(text), "a blank cheque").speaker == "Erik Holm"


def test_words_quoted_inside_the_writers_sentence_are_partial_not_statements() -> None:
    text = (
        "Opposition leader Daniel Okafor called it “a tax raid dressed up as reform” and said his party "
        "would vote against it.\n\n“We will fight every line of this in committee,” Okafor told reporters."
    )
    quotes = quotes_of(text)
    partial = by_text(quotes, "a tax raid")
    assert (partial.kind, partial.speaker, partial.cue) == ("partial", "Daniel Okafor", "called")
    assert by_text(quotes, "We will fight").kind == "statement"
