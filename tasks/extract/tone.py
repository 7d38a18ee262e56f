"""The tone of an article: how positive or negative its wording is, from an offline lexicon.

Owns `article_tone`. VADER (vaderSentiment, its lexicon ships in the package) scores each paragraph from
-1 (most negative) to +1 (most positive); the article's tone is the mean over its paragraphs, so a long text
does not saturate at the ends of the scale. English only: VADER's lexicon is English.
"""

from __future__ import annotations

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

TONE_METHOD = "VADER compound score, mean over paragraphs (vaderSentiment 3.3)"
_LANGUAGES = frozenset({"en"})
# Paragraphs read per article: the opening carries the tone, and the cost stays bounded on long texts.
_MAX_PARAGRAPHS = 60


@cache
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads the lexicon once per process


def article_tone(text: str, language: str | None) -> float | None:
    """Mean VADER compound score of the text's paragraphs, in [-1, 1]; None when not English or empty."""
    if language not in _LANGUAGES:
        return None
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()][:_MAX_PARAGRAPHS]
    if not paragraphs:
        return None
    analyser = _analyser()
    scores = [analyser.polarity_scores(paragraph)["compound"] for paragraph in paragraphs]
    return round(sum(scores) / len(scores), 4)
