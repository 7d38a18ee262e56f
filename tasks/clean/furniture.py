"""Furniture signals both cleaners share (HTML and plain text): whole-line widget labels in several languages.

The phrases live in furniture_labels.txt next to this module; the code only normalises a line and looks it up.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_LABELS_FILE = Path(__file__).with_name("furniture_labels.txt")
# Bullets and arrows around a label, and the punctuation widgets end theirs with ("Schon gelesen?", "Share:").
_EDGES = re.compile(r"^[\s•·▶►»›>|\-–—]+|[\s:?!.…»›>|→\-–—]+$")
# A counter after a label: "Comments (12)", "Kommentare 3".
_COUNT = re.compile(r"\s*[(\[]?\d{1,6}[)\]]?$")
# Labels are short: a longer paragraph is never looked up.
MAX_LABEL_CHARS = 60


@cache
def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for raw in _LABELS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        reason, _, phrase = line.partition(" ")
        labels[_normalise(phrase)] = reason
    return labels


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return " ".join(_COUNT.sub("", _EDGES.sub("", text.casefold())).split())


def label_reason(text: str, brand_words: frozenset[str] = frozenset()) -> str | None:
    """The removed-segment reason when the whole line is a furniture label ("Schon gelesen?"), or two of
    them run together ("Bild anzeigen Bild schließen": buttons whose texts the page joins), else None.

    `brand_words` are the site's name in lower case ('wired'): a label may carry it ('More Great WIRED
    Stories' is the label 'more great stories')."""
    if len(text) > MAX_LABEL_CHARS:
        return None
    labels = _labels()
    normalised = _normalise(text)
    reason = labels.get(normalised)
    if reason is not None or " " not in normalised:
        return reason
    words = normalised.split()
    if brand_words:
        unbranded = [word for word in words if word not in brand_words]
        if 0 < len(unbranded) < len(words) and (reason := labels.get(" ".join(unbranded))) is not None:
            return reason
    for cut in range(1, len(words)):
        first = labels.get(" ".join(words[:cut]))
        if first is not None and labels.get(" ".join(words[cut:])) is not None:
            return first
    return None


# Labels that may open the box's own text in one line: "About the author Isla Grant is a writer ...".
_PREFIX_REASONS = frozenset({"author-bio"})
_MAX_PREFIXED_CHARS = 600


@cache
def _prefix_first_words() -> frozenset[str]:
    return frozenset(phrase.split()[0] for phrase, reason in _labels().items() if reason in _PREFIX_REASONS)


def label_prefix_reason(text: str) -> str | None:
    """The reason when a short paragraph opens with an author-box label and goes on with the box's text."""
    if len(text) > _MAX_PREFIXED_CHARS:
        return None
    first = text[:20].split(None, 1)
    if not first or first[0].casefold() not in _prefix_first_words():
        return None  # most paragraphs: no author-box label starts with their first word
    words = _normalise(text[:80]).split()
    for size in (4, 3, 2):
        reason = _labels().get(" ".join(words[:size]))
        if reason in _PREFIX_REASONS and len(words) > size:
            return reason
    return None
