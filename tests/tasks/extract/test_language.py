"""Tests for tasks/extract/language.py: detection with py3langid and declared-tag normalisation."""

from __future__ import annotations

import pytest

from tasks.extract.language import (
    are_same_language,
    classify_language,
    detect_language,
    normalize_language_tag,
)

# A paragraph of the bundled sample (seeds/000_931a64f1d1105032.txt).
SAMPLE_PARAGRAPH = (
    "The intercept further revealed a plan to assign three senior officers and one interpreter for every "
    "30 North Korean soldiers, which Russian soldiers reportedly criticised as an impractical and "
    "confusing arrangement, with one soldier questioning the availability of sufficient officers, the "
    "publication added."
)

GERMAN = (
    "Die Bundesregierung hat am Montag beschlossen, die Förderung für kleine Handwerksbetriebe bis zum Ende "
    "des Jahres zu verlängern. Die Opposition kritisierte den Schritt als unzureichend."
)
FRENCH = (
    "Le gouvernement a annoncé lundi une nouvelle aide pour les agriculteurs touchés par la sécheresse. "
    "Les syndicats jugent la mesure insuffisante et appellent à manifester."
)


def test_sample_article_is_english():
    assert detect_language(SAMPLE_PARAGRAPH) == "en"


@pytest.mark.parametrize(("text", "language"), [(GERMAN, "de"), (FRENCH, "fr")])
def test_other_languages_are_detected(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "Hello world", "12345 678 90", "NATO confirms troops"])
def test_short_or_empty_text_gives_none(text):
    assert detect_language(text) is None


def test_classify_reports_a_probability():
    language, probability = classify_language(SAMPLE_PARAGRAPH)
    assert language == "en" and 0.5 < probability <= 1.0


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en-US", "en"),
        ("en_GB", "en"),
        ("EN", "en"),
        ("de", "de"),
        ("English", "en"),
        ("deu", "de"),
        ("zh-Hant-TW", "zh"),
        ("", None),
        (None, None),
        ("x-klingon", None),
    ],
)
def test_declared_tags_are_normalised(tag, code):
    assert normalize_language_tag(tag) == code


def test_close_neighbours_count_as_the_same_language():
    assert are_same_language("no", "da")
    assert are_same_language("en", "pcm")
    assert are_same_language("en", "en")
    assert not are_same_language("en", "de")
    assert not are_same_language(None, "en")
