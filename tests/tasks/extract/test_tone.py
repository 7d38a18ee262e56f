"""Tests for tasks/extract/tone.py: a per-article tone from the VADER lexicon, English only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.tone import article_tone


def test_good_news_reads_positive_and_bad_news_negative() -> None:
    good = "The new hospital opened to great relief.\n\nPatients praised the friendly, excellent staff."
    bad = "The attack killed twelve people.\n\nSurvivors described a terrible, horrifying scene."
    assert article_tone(good, "en") > 0.3
    assert article_tone(bad, "en") < -0.3


def test_tone_is_the_mean_over_paragraphs_and_stays_in_range() -> None:
    mixed = "A wonderful, joyful day.\n\nA terrible, tragic loss."
    tone = article_tone(mixed, "en")
    assert tone is not None and -0.3 < tone < 0.3
    assert -1.0 <= article_tone("Great! " * 500, "en") <= 1.0


def test_no_tone_without_an_english_text() -> None:
    assert article_tone("Eine schreckliche Katastrophe.", "de") is None
    assert article_tone("   ", "en") is None
    assert article_tone("A good day.", None) is None


def _vader_on_every_paragraph(text: str) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    return round(sum(analyser.polarity_scores(p)["compound"] for p in paragraphs) / len(paragraphs), 4)


_WORDS = st.sampled_from(
    [
        "the",
        "council",
        "said",
        "not",
        "very",
        "good",
        "bad",
        "but",
        "kind",
        "of",
        "no",
        "GREAT",
        "harbour",
        ":)",
        "(good)",
        "good!!",
        "'bad'",
        "ok",
        "😀",
        "🙂x",
        "--",
        "killed",
        "least",
        "without",
        "doubt",
        "…",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6))
def test_skipping_unrated_paragraphs_never_changes_the_score(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    assert article_tone(text, "en") == _vader_on_every_paragraph(text)
