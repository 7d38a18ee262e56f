"""Amounts: numbers in article text with what they count ("30 North Korean soldiers", "$1.5 billion").

Owns the mechanism; number words, scales, currencies and the words that end a unit phrase live in
`amounts_words.json` and `amounts_stopwords.txt`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path

from tasks.extract.dates import find_date_spans
from tasks.records import Amount

_HERE = Path(__file__).parent
_DATA = json.loads((_HERE / "amounts_words.json").read_text(encoding="utf-8"))


def _words(section: str) -> frozenset[str]:
    return frozenset(_DATA[section]["words"])


def _table(section: str) -> dict[str, str]:
    return {k: v for k, v in _DATA[section].items() if not k.startswith("_")}


def _read_stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in (_HERE / "amounts_stopwords.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def _alternation(options: Iterable[str], flags: str = "") -> str:
    """Longest first, so "per cent" wins over "per" and "US$" over "$"."""
    body = "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


_UNITS: dict[str, int] = _DATA["units"]
_TENS: dict[str, int] = _DATA["tens"]
_SCALES: dict[str, int] = _DATA["scales"]
_SCALE_ABBREVIATIONS: dict[str, int] = _DATA["scale_abbreviations"]
_MONEY_LETTERS: dict[str, int] = _DATA["money_letter_scales"]
_PERCENT: dict[str, str] = _DATA["percent_words"]
_PREFIXES = _table("currency_prefixes")
_SUFFIXES = _table("currency_suffixes")
_STOPWORDS = _read_stopwords()
_IRREGULAR_PLURALS = _words("irregular_plurals")
_WEAK_ADJECTIVES = _words("weak_adjectives")
_PRONOUN_ONE_AFTER = _words("not_a_count_after")
_IDIOM_ONE_BEFORE = _words("not_a_count_before")
_LABEL_PREFIXES = _words("number_prefixes")
_COUNT_PREFIXES = _words("count_prefixes")
_FRACTIONS = _words("fraction_words")
_ATTACHED_UNITS = _words("attached_units")

# Codes are whole words; symbols may touch the number ("$5", "US$ 5", "Rs. 500", "INR 500").
_CURRENCY_BEFORE = re.compile(
    "(?:"
    + "|".join(
        re.escape(p) + (r"(?<=[A-Za-z.])\s?" if p[-1].isalpha() or p.endswith(".") else r"\s?")
        for p in sorted(_PREFIXES, key=len, reverse=True)
    )
    + r")$"
)
# Scanners start with a character class: `re` then skips ahead fast, where a leading look-behind or a
# case-insensitive alternation makes it try every position. Boundaries are checked in Python.
_NUMBER_RUN = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _first_letter_alternation(words: list[str]) -> str:
    """'[OoTt...](?i:ne|wo|...)': one leading class, then the rest of each word (verified after matching)."""
    letters = sorted({w[0].lower() for w in words})
    rests = sorted({w[1:] for w in words}, key=len, reverse=True)
    return "[" + "".join(c + c.upper() for c in letters) + "](?i:" + "|".join(map(re.escape, rests)) + ")"


_NUMBER_WORD = re.compile(
    r"(?<![\w'’])" + _first_letter_alternation(list(_UNITS) + list(_TENS)) + r"(?![\w'’])"
)
_A_SCALE = re.compile(r"(?<![\w'’])[Aa]n?(?=\s+" + _alternation(_SCALES, "i") + r"(?![\w'’]))")
_NEXT_NUMBER_WORD = re.compile(
    r"(?:\s+and\s+|\s+|-)(?P<word>"
    + _alternation(list(_UNITS) + list(_TENS) + list(_SCALES), "i")
    + r")(?![\w'’])"
)
_SCALE_AFTER = re.compile(
    r"(?P<space>[ \u00a0-]?)(?P<scale>"
    + _alternation(list(_SCALES) + list(_SCALE_ABBREVIATIONS), "i")
    + r")(?![\w'’])"
)
_MONEY_LETTER_AFTER = re.compile(r"(?P<scale>[kKmMbB])(?![\w'’])")
_PERCENT_AFTER = re.compile(
    r"[ \u00a0]?(?P<percent>%|" + _alternation([p for p in _PERCENT if p != "%"], "i") + r"(?!\w))"
)
_CURRENCY_AFTER = re.compile(r"[ \u00a0](?P<currency>" + _alternation(_SUFFIXES) + r")(?![\w'’])")
_TIME_AFTER = re.compile(
    r"(?:\s?(?:" + _alternation(_words("time_markers"), "i") + r")(?![\w])|[:.]\d\d(?!\d)|:\d)"
)
_RANGE_AFTER = re.compile(r"\s?[-–—]\s?[$€£₹]?\d")
_RANGE_BEFORE = re.compile(r"\d\s?[-–—]\s?[$€£₹]?$")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![a-z])")
_ATTACHED_UNIT_AFTER = re.compile(r"(?P<unit>" + _alternation(_ATTACHED_UNITS) + r")(?![\w])")
# A unit phrase stays on the number's line: past a line break starts a list item, a heading or a cell.
_OF_DETERMINER = re.compile(
    r"[ \u00a0]+of[ \u00a0]+(?:the|those|these|his|her|its|their|our|them|all)[ \u00a0]+(?=[^\W\d_])"
)
_UNIT_WORD = re.compile(r"[ \t\u00a0]+(?P<word>[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*(?:-[^\W\d_]+)*)")
_AGO_AFTER = re.compile(r"[ \u00a0]+ago\b", re.IGNORECASE)
_HYPHEN_UNIT = re.compile(r"-(?P<word>[a-z]+(?:-[a-z]+)*)(?![\w])")
_PREVIOUS_WORD = re.compile(r"(?P<word>[^\W\d_][\w.'’]*|#)\s*$")

_MAX_UNIT_WORDS = 4


def find_amounts(text: str, date_spans: list[tuple[int, int]] | None = None) -> list[Amount]:
    """Numbers in `text` with what they count: value as a float and the unit (a noun phrase, ISO currency
    code, "percent"). Years, dates, times, ordinals, ranges, labels ("No. 10", "F-16") and vague counts
    ("thousands of") are skipped. Offsets index `text`: text[start:end] == amount.text. `date_spans`, when
    the caller has found the text's dates already, saves finding them again.
    """
    if not text:
        return []
    try:
        return _find_amounts(text, date_spans)
    except (ValueError, IndexError, OverflowError):  # arbitrary text must never fail a document
        return []


def _find_amounts(text: str, date_spans: list[tuple[int, int]] | None) -> list[Amount]:
    dates = sorted(find_date_spans(text) if date_spans is None else date_spans)
    date_starts = [start for start, _ in dates]
    amounts: list[Amount] = []
    taken_until = 0
    candidates = sorted(
        [(m.start(), 0, m) for m in _NUMBER_RUN.finditer(text)]
        + [(m.start(), 1, m) for m in _NUMBER_WORD.finditer(text)]
        + [(m.start(), 1, m) for m in _A_SCALE.finditer(text)],
        key=lambda item: item[0],
    )
    for start, is_word, match in candidates:
        if start < taken_until or _inside(dates, date_starts, start):
            continue
        amount = _read_words(text, match) if is_word else _read_digits(text, start)
        if amount is None or _inside(dates, date_starts, amount.end - 1):
            continue
        amounts.append(amount)
        taken_until = amount.end
    return amounts


def _inside(spans: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    index = bisect_right(starts, position) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _read_digits(text: str, position: int) -> Amount | None:
    previous = text[position - 1] if position else ""
    if previous and (previous.isalnum() or previous in "_.,/"):
        return None  # inside a word, a code or a longer number
    start, is_negative = position, False
    if previous in ("-", "−"):
        before = text[position - 2] if position >= 2 else ""
        if before and (before.isalnum() or before == "_"):
            return None  # "F-16", "COVID-19", a score "2-1"
        start, is_negative = position - 1, True
    match = _NUMBER.match(text, position)
    if match is None:
        return None
    number_text = match.group(0)
    end = match.end()
    if _ORDINAL_AFTER.match(text, end) or _TIME_AFTER.match(text, end):
        return None
    if _RANGE_AFTER.match(text, end) or _RANGE_BEFORE.search(text, max(0, start - 5), start):
        return None  # "10-15 minutes", "27-28": neither end alone is the amount
    if end < len(text) and text[end] in "/:" or (start > 0 and text[start - 1] in "/:"):
        return None  # fractions, "24/7", scores, times
    if number_text.count(".") > 1 or re.match(r"\.\d", text[end : end + 2]):
        return None  # version numbers "1.2.3"
    if number_text.startswith("0,") and number_text.count(",") == 1:
        value = float(
            number_text.replace(",", ".")
        )  # "0,633": a decimal comma, no thousands group starts with 0
    else:
        value = float(number_text.replace(",", ""))
    if is_negative:
        value = -value
    currency, currency_start = _currency_before(text, start)
    if currency is None and _is_label(text, start):
        return None
    # Glued letters: a known unit ("5km") or a money scale ("$5m") are fine; others make a name ("5G").
    scale_match = _SCALE_AFTER.match(text, end)
    if scale_match and (scale_match["space"] or scale_match["scale"].lower() in _SCALE_ABBREVIATIONS):
        value *= _scale_value(scale_match["scale"])
        end = scale_match.end()
    elif currency is not None and (letter := _MONEY_LETTER_AFTER.match(text, end)):
        value *= _MONEY_LETTERS[letter["scale"]]
        end = letter.end()
    elif end < len(text) and text[end].isalpha():
        attached = _ATTACHED_UNIT_AFTER.match(text, end)
        if attached is None:
            return None
        return _amount(text, currency_start, attached.end(), value, attached["unit"])
    is_bare_integer = "," not in number_text and "." not in number_text and end == match.end()
    if currency is None and is_bare_integer:
        if len(number_text) == 4 and 1000 <= int(number_text) <= 2100 and not _PERCENT_AFTER.match(text, end):
            return (
                None  # a year: counts of thousands are printed with a comma ("2,000 troops") in English news
            )
        if len(number_text) >= 7:
            return None  # ids, phone numbers
    return _finish(text, currency_start, end, value, currency)


def _read_words(text: str, match: re.Match[str]) -> Amount | None:
    start, end = match.start(), match.end()
    first = match.group(0)
    if start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        return None
    words = [first.lower()]
    if words[0] not in _UNITS and words[0] not in _TENS and words[0] not in ("a", "an"):
        return None  # the scanner's letter class let through a non-word ("shree")
    while True:
        following = _NEXT_NUMBER_WORD.match(text, end)
        if not following or not _continues(words, following["word"].lower(), " and " in following.group(0)):
            break
        words.append(following["word"].lower())
        end = following.end()
    value = _words_value(words)
    if value is None:
        return None
    if words == ["one"] and _is_pronoun_one(text, start, end):
        return None
    if first[0].isupper() and not _starts_sentence(text, start, own_word=True):
        return None  # a capitalised number word inside a sentence names something: "Formula One", "Big Three"
    return _finish(text, start, end, float(value), None)


def _continues(words: list[str], word: str, has_and: bool) -> bool:
    last = words[-1]
    if word in _SCALES:
        return last != "dozen"
    if has_and:
        return last in (
            "hundred",
            "thousand",
            "million",
            "billion",
            "lakh",
            "crore",
        )  # "one hundred and five"
    if word in _UNITS:
        return last in _TENS or last in _SCALES  # "twenty five", "hundred five"
    return last in _SCALES  # tens after a scale: "hundred twenty"


def _words_value(words: list[str]) -> int | None:
    total, current = 0, 0
    for word in words:
        if word in ("a", "an"):
            current = 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            return None
    return total + current


def _finish(text: str, start: int, end: int, value: float, currency: str | None) -> Amount | None:
    percent = _PERCENT_AFTER.match(text, end)
    if percent and currency is None:
        return _amount(text, start, percent.end(), value, _PERCENT[percent["percent"].lower()])
    suffix = _CURRENCY_AFTER.match(text, end)
    if suffix and currency is None:
        return _amount(text, start, suffix.end(), value, _SUFFIXES[suffix["currency"]])
    if currency is not None:
        return _amount(text, start, end, value, currency)
    hyphen = _HYPHEN_UNIT.match(text, end)
    if hyphen:  # "a 10-day ceasefire", "35-year-old"; "two-thirds" is a fraction, not a count
        if hyphen["word"].split("-")[0] in _FRACTIONS:
            return None
        return _amount(text, start, hyphen.end(), value, hyphen["word"])
    unit_end, unit = _unit_phrase(text, end, value)
    if unit is None or _AGO_AFTER.match(text, unit_end):
        return None  # "2 hours ago" is a time, not an amount
    return _amount(text, start, unit_end, value, unit)


def _unit_phrase(text: str, position: int, value: float) -> tuple[int, str | None]:
    """The noun phrase after a count: adjectives and nouns up to a stopword, verb or punctuation."""
    of_the = _OF_DETERMINER.match(text, position)
    if of_the:  # "three of the officers"
        position = of_the.end() - 1
    words: list[tuple[str, int, int]] = []
    cursor = position
    while len(words) < _MAX_UNIT_WORDS:
        match = _UNIT_WORD.match(text, cursor)
        if not match:
            break
        word = match["word"]
        lower = word.lower()
        if lower in _STOPWORDS or (lower in _UNITS or lower in _TENS):
            break
        if words and lower.endswith(("ed", "ing")) and not _followed_by_word(text, match.end()):
            break  # "five soldiers killed in ...", "one soldier questioning the ..."
        words.append((word, match.start("word"), match.end("word")))
        cursor = match.end()
    if value != 1:
        plural_at = max((i for i, (w, _, _) in enumerate(words) if _is_plural(w)), default=None)
        if plural_at is not None:
            words = words[: plural_at + 1]
    elif words and _is_plural(words[-1][0]):
        # "one Russian serviceman refers": a singular count's trailing -s word is a verb ("after one watches")
        words = words[:-1]
    if (
        len(words) == 1
        and words[0][0].lower().endswith(("ed", "ing"))
        and not _followed_by_word(text, words[0][2])
    ):
        return position, None  # "11 landed", "30 injured.": a verb, or a noun left out
    if not words or all(w.lower() in _WEAK_ADJECTIVES for w, _, _ in words):
        return position, None
    return words[-1][2], " ".join(w for w, _, _ in words)


def _followed_by_word(text: str, position: int) -> bool:
    match = _UNIT_WORD.match(text, position)
    return bool(match) and match["word"].lower() not in _STOPWORDS


def _is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return True
    return len(lower) > 2 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s", "’s"))


def _currency_before(text: str, start: int) -> tuple[str | None, int]:
    window_start = max(0, start - 5)
    match = _CURRENCY_BEFORE.search(text, window_start, start)
    if not match:
        return None, start
    symbol = match.group(0).strip()
    if symbol[-1].isalpha() and match.start() > 0 and text[match.start() - 1].isalnum():
        return None, start  # "ABCUSD 5": a code glued to a word is no prefix
    return _PREFIXES.get(symbol) or _PREFIXES.get(symbol.rstrip(".")), match.start()


def _is_label(text: str, start: int) -> bool:
    """'No. 10', 'Article 5', 'Apollo 11': a number straight after a label word or a mid-sentence name."""
    previous = _previous_word(text, start)
    if previous is None:
        return False
    if previous in _LABEL_PREFIXES:
        return True
    if not previous[0].isupper() or previous.endswith(("'s", "’s")):
        return False
    lower = previous.lower()
    return lower not in _STOPWORDS and lower not in _COUNT_PREFIXES


def _is_pronoun_one(text: str, start: int, end: int) -> bool:
    previous = _previous_word(text, start)
    if previous and previous.lower() in _PRONOUN_ONE_AFTER:
        return True
    following = _UNIT_WORD.match(text, end)
    return following is None or following["word"].lower() in _IDIOM_ONE_BEFORE


def _previous_word(text: str, position: int) -> str | None:
    window = text[max(0, position - 30) : position]
    if not window or not window[-1].isspace() and window[-1] != "#":
        return None  # only a word separated by spaces (or "#") labels the number
    match = _PREVIOUS_WORD.search(window)
    return match["word"] if match else None


def _starts_sentence(text: str, position: int, own_word: bool = False) -> bool:
    """True when the word at `position` (own_word) or the word before it opens a sentence."""
    before = text[max(0, position - 200) : position]
    if not own_word:
        parts = before.rstrip().split()
        if not parts:
            return True
        before = before.rstrip()[: len(before.rstrip()) - len(parts[-1])]
    before = before.rstrip(" \t“\"'‘(")
    return not before or before[-1] in ".!?\n:;—–"


def _scale_value(word: str) -> int:
    lower = word.lower()
    return _SCALES.get(lower) or _SCALE_ABBREVIATIONS[lower]


def _amount(text: str, start: int, end: int, value: float, unit: str | None) -> Amount:
    return Amount(text[start:end], value, unit, start, end)
