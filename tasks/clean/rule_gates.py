"""Cheap tests that rule a regex out before it runs: the characters it can start with, and texts every
match of it contains.

The cleaners keep their line rules as data (dozens of case-insensitive regexes). Python's regex engine tries
a case-insensitive pattern at every position of a line, with no literal prefix to skip ahead on, so
searching a paragraph with all the rules costs tens of microseconds. Most paragraphs hold none of the words
the rules need: a substring test on the lower-cased line (C, memchr-fast) settles that for a fraction of the
price. The gates are read from the rules themselves (the standard library's regex parser), so a new rule
needs no gate written by hand, and a gate is only a necessary condition: the answer is the same as running
every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Gates shorter than this are common enough in any line that testing them costs more than it saves.
MIN_GATE_CHARS = 3


def _case_classes() -> dict[int, str]:
    """Characters a case-insensitive regex treats as one letter beyond what str.lower() joins ('ı' and 'i',
    'ſ' and 's', 'ς' and 'σ'), each mapped to one of its class. Empty if the engine's table is not there."""
    try:
        from re._casefix import _EXTRA_CASES  # the engine's own table (Python 3.11+)
    except (ImportError, AttributeError):
        return {}
    fold: dict[int, str] = {}
    for lower, extras in _EXTRA_CASES.items():
        members = (lower, *extras)
        canonical = chr(min(members))
        for member in members:
            fold[member] = canonical
    return fold


_CASE_CLASSES = _case_classes()
_GATES_ARE_SAFE = bool(_CASE_CLASSES)
# str.lower() turns 'İ' into two characters ('i' and a combining dot); the regex engine reads it as 'i'.
_BEFORE_LOWER = {0x130: "i"}
# What a lower-cased line holds when it needs more folding than str.lower(): a letter not its class's own
# representative, or the dot of a lower-cased 'İ'. (str.translate is slow: most lines need none of it.)
_UNFOLDED = "".join(re.escape(chr(code)) for code, same in _CASE_CLASSES.items() if chr(code) != same)
_NEEDS_FOLDING = re.compile(f"[\u0307{_UNFOLDED}]")


def gate_fold(text: str) -> str:
    """`text` folded so that a literal a case-insensitive regex matches in it is a substring of the result
    (the literal folded the same way)."""
    lowered = text.lower()
    if lowered.isascii() or _NEEDS_FOLDING.search(lowered) is None:
        return lowered  # (ASCII letters are their own class's representative)
    return text.translate(_BEFORE_LOWER).lower().translate(_CASE_CLASSES)


def _parse(pattern: str) -> list | None:
    try:
        import re._parser as re_parser  # the standard library's own regex parser (Python 3.11+)

        return list(re_parser.parse(pattern))
    except (ImportError, AttributeError, TypeError, ValueError, re.error):
        return None


def first_letters(items: list) -> frozenset[str] | None:
    """The lower-cased characters a parsed regex can start with, or None when it may start with anything."""
    for position, (op, argument) in enumerate(items):
        name = str(op)
        if name == "AT":
            continue  # ^ and \b consume nothing
        if name == "LITERAL":
            return frozenset(chr(argument).lower())
        if name == "IN":
            letters: set[str] = set()
            for kind, value in argument:
                if str(kind) == "LITERAL":
                    letters.add(chr(value).lower())
                elif str(kind) == "RANGE" and value[1] - value[0] <= 64:
                    letters.update(chr(code).lower() for code in range(value[0], value[1] + 1))
                else:
                    return None
            return frozenset(letters)
        if name == "BRANCH":
            found: set[str] = set()
            for branch in argument[1]:
                letters_of = first_letters(list(branch))
                if letters_of is None:
                    return None
                found |= letters_of
            return frozenset(found)
        if name == "SUBPATTERN":
            return first_letters(list(argument[-1]))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            inner = first_letters(list(argument[2]))
            if inner is None or argument[0] >= 1:
                return inner
            rest = first_letters(items[position + 1 :])
            return None if rest is None else inner | rest
        return None
    return None  # the pattern may match the empty string


def required_text(items: list) -> str:
    """The longest run of literal characters that every match of a parsed regex contains ('' if none is
    sure): 'all rights reserved' in '.{0,120}\\ball rights reserved\\b'."""
    best = run = ""
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(argument)
            best = max(best, run, key=len)
        elif name != "AT":  # (\b and ^ consume nothing: the run goes on)
            run = ""
            if name == "SUBPATTERN":
                best = max(best, required_text(list(argument[-1])), key=len)
    return best


def _minimal(texts: Iterable[str]) -> tuple[str, ...]:
    """The texts without those holding another of them (a line holding 'signing' holds 'sign')."""
    unique = set(texts)
    kept = (text for text in unique if not any(other != text and other in text for other in unique))
    return tuple(sorted(kept))


def _strength(texts: tuple[str, ...] | None) -> tuple[int, int]:
    """How much a gate rules out: its shortest text first, then fewer alternatives."""
    return (min(map(len, texts)), -len(texts)) if texts else (0, 0)


def needed_texts(items: list) -> tuple[str, ...] | None:
    """Texts one of which every match of a parsed regex contains, or None: ('all rights reserved',) for
    '.{0,120}\\ball rights reserved', ('follow', 'subscribe') for '\\b(?:subscribe|follow) now\\b' (a
    branch's alternatives, when they rule out more than the literal after it)."""
    best: tuple[str, ...] | None = None
    run = ""
    for op, argument in items:
        name = str(op)
        option: tuple[str, ...] | None = None
        if name == "LITERAL":
            run += chr(argument)
            option = (run,)
        elif name == "AT":
            continue
        else:
            run = ""
            if name == "SUBPATTERN":
                option = needed_texts(list(argument[-1]))
            elif name == "BRANCH":
                options = [needed_texts(list(branch)) for branch in argument[1]]
                if all(options):
                    option = _minimal(text for found in options if found for text in found)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and argument[0] >= 1:
                option = needed_texts(list(argument[2]))
        if option and _strength(option) > _strength(best):
            best = option
    return best


def rule_gate(pattern: str) -> tuple[str, ...] | None:
    """The folded texts one of which a line must hold for `pattern` (case-insensitive) to match anywhere in
    it, or None when no gate is sure or worth testing."""
    items = _parse(pattern) if _GATES_ARE_SAFE else None
    texts = needed_texts(items) if items is not None else None
    if not texts:
        return None
    folded = _minimal(gate_fold(text) for text in texts)
    return folded if min(map(len, folded)) >= MIN_GATE_CHARS else None


def rule_parse(pattern: str) -> tuple[frozenset[str] | None, str]:
    """The characters a rule can start with (None: any) and the text every match of it contains."""
    items = _parse(pattern)
    if items is None:
        return None, ""  # without the parser every rule is tried on every line: slower, same result
    return first_letters(items), required_text(items)


class RuleSearch:
    """(reason, regex) rules searched in order, each skipped when the line lacks every text it needs."""

    def __init__(self, rules: Iterable[tuple[str, re.Pattern[str]]]) -> None:
        self.rules = [(reason, rule, rule_gate(rule.pattern) or ("",)) for reason, rule in rules]

    def first(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The first rule (in order) found in `text`, with its match; None if none is."""
        folded = gate_fold(text)
        for reason, rule, gate in self.rules:
            for needed in gate:  # (a plain loop: this runs for every rule on every line looked at)
                if needed in folded:
                    break
            else:
                continue
            match = rule.search(text)
            if match is not None:
                return reason, match
        return None
