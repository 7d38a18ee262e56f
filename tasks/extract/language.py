"""Language of an article: detection with py3langid (its model ships in the wheel) and tag normalisation.

`detect_language` abstains (None) on text too short or too mixed to tell; `normalize_language_tag` turns
declared tags ("en-US", "en_GB", "English") into ISO 639-1 codes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

# Below this many letters the detector guesses (a 60-character English sentence came out as Nigerian Pidgin).
MIN_LETTERS = 40
# Below this probability the answer is a guess too; the model's probabilities are length-calibrated.
MIN_CONFIDENCE = 0.5
# Detection cost grows with length while the answer stops changing after a few paragraphs: on the 990 dev
# pages, reading 2,000 rather than 6,000 characters changed one decision and halved the time.
MAX_CHARACTERS = 2000
# Labels that are not languages: zxx = "no linguistic content", und = undetermined.
_NOT_LANGUAGES = frozenset({"zxx", "und"})

_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"^\s*(?P<primary>[A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


@cache
def _identifier():  # noqa: ANN202 - py3langid has no type hints
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _confusable_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, frozenset[str]] = {}
    path = Path(__file__).parent / "language_confusable.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        codes = line.split("#", 1)[0].split()
        if codes:
            group = frozenset(codes)
            for code in codes:
                groups[code] = groups.get(code, frozenset()) | group
    return groups


def classify_language(text: str) -> tuple[str, float] | None:
    """The most likely language of `text` and its probability; None when there is too little text."""
    if not text:
        return None
    sample = text[:MAX_CHARACTERS]
    # Most texts show enough letters in their opening; only short or symbol-heavy ones are counted whole.
    if (
        len(_LETTER.findall(sample, 0, 8 * MIN_LETTERS)) < MIN_LETTERS
        and len(_LETTER.findall(sample)) < MIN_LETTERS
    ):
        return None
    try:
        language, probability = _identifier().classify(sample)
    except (ValueError, TypeError, UnicodeError):
        return None
    if language in _NOT_LANGUAGES:
        return None
    return str(language), float(probability)


def detect_language(text: str) -> str | None:
    """ISO 639 code of the text's language ("en", "de"), or None for short or undecidable text."""
    result = classify_language(text)
    if result is None or result[1] < MIN_CONFIDENCE:
        return None
    return result[0]


def normalize_language_tag(tag: str | None) -> str | None:
    """'en-US', 'en_GB', 'EN' -> 'en'; 'English' -> 'en' (via pycountry); anything else -> None."""
    if not tag:
        return None
    match = _TAG.match(tag)
    if match:
        primary = match["primary"].lower()
        if len(primary) == 2:
            return primary
        return _alpha_2(primary) or primary
    return _language_by_name(tag.strip())


def are_same_language(first: str | None, second: str | None) -> bool:
    """True for equal codes or close neighbours the detector confuses (no/da, hr/sr, ms/id, en/pcm)."""
    if not first or not second:
        return False
    if first == second:
        return True
    return second in _confusable_groups().get(first, frozenset())


@cache
def _alpha_2(alpha_3: str) -> str | None:
    try:
        import pycountry

        language = pycountry.languages.get(alpha_3=alpha_3)
    except (ImportError, KeyError, LookupError):
        return None
    return getattr(language, "alpha_2", None) if language else None


@cache
def _language_by_name(name: str) -> str | None:
    if not name or len(name) > 40:
        return None
    try:
        import pycountry

        language = pycountry.languages.get(name=name)
    except (ImportError, KeyError, LookupError):
        return None
    return getattr(language, "alpha_2", None) if language else None
