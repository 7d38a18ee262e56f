"""The tone of an article: how positive or negative its wording is, from an offline lexicon.

Owns `article_tone`. VADER (vaderSentiment, its lexicon ships in the package) scores each paragraph from
-1 (most negative) to +1 (most positive); the article's tone is the mean over its paragraphs, so a long text
does not saturate at the ends of the scale. English only: VADER's lexicon is English.
"""

from __future__ import annotations

import string
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

TONE_METHOD = "VADER compound score, mean over paragraphs (vaderSentiment 3.3)"
_LANGUAGES = frozenset({"en"})
# Paragraphs read per article: the opening carries the tone, and the cost stays bounded on long texts.
_MAX_PARAGRAPHS = 60
_PUNCTUATION = string.punctuation


@cache
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads the lexicon once per process


@cache
def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """VADER's lexicon entries and the single characters it reads as emoji."""
    analyser = _analyser()
    return frozenset(analyser.lexicon), frozenset(key for key in analyser.emojis if len(key) == 1)


def _has_rated_word(paragraph: str) -> bool:
    """Whether VADER would find any rated word or emoji in the paragraph.

    VADER's score is a sum over the words its lexicon rates (boosters, negations and "but" only scale those),
    so a paragraph without one scores exactly 0 and need not be scored: about half of news paragraphs. The
    words are cut the way VADER cuts them: split at whitespace, edge punctuation stripped unless that leaves
    two characters or fewer (emoticons).
    """
    lexicon, emoji = _vocabulary()
    if not emoji.isdisjoint(paragraph):
        return True
    for word in paragraph.lower().split():
        stripped = word.strip(_PUNCTUATION)
        if (word if len(stripped) <= 2 else stripped) in lexicon:
            return True
    return False


def article_tone(text: str, language: str | None) -> float | None:
    """Mean VADER compound score of the text's paragraphs, in [-1, 1]; None when not English or empty."""
    if language not in _LANGUAGES:
        return None
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()][:_MAX_PARAGRAPHS]
    if not paragraphs:
        return None
    analyser = _analyser()
    scores = [
        analyser.polarity_scores(paragraph)["compound"] if _has_rated_word(paragraph) else 0.0
        for paragraph in paragraphs
    ]
    return round(sum(scores) / len(scores), 4)
