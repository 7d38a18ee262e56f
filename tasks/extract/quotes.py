"""Direct quotations and who said them, found by quote marks and the attribution patterns of news writing.

Owns `find_quotes`; the cue verbs and attribution words it knows live in the quotes_*.txt files beside it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tasks.extract.entities import (
    PERSON,
    UPPERCASE_LETTERS,
    Mention,
    common_capitalised_words,
    name_abbreviations,
    person_titles,
)
from tasks.records import Quote

# Shorter quoted phrases are scare quotes or labels ("significant escalation", “K Battalion”), not speech.
# Partial quotes woven into a sentence ("called it “a grave mistake” and left") of four words or more are
# returned like any other quote; telling them apart from full quotations is a later issue.
MIN_QUOTE_WORDS = 4

_DATA_DIR = Path(__file__).parent
_OPENING = frozenset("“„«")
_CLOSING = frozenset("”»")
_MARKS_RE = re.compile(r"[“”„«»\"\n]")
_WORD_RE = re.compile(r"\S+")
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’)]*\s+")
_INNER_SENTENCE_END_RE = re.compile(r"[.!?]\s+\S")
_CLAUSE = r"[^.!?;\n“”\"]"  # attribution never runs across a sentence end or another quote
# The period of "Mr." or "U.S." ends no sentence: attribution patterns read a copy of the text where those
# periods are masked (same length, so offsets hold).
_ABBREVIATION_PERIOD_RE = re.compile(
    rf"\b(?:{'|'.join(map(re.escape, name_abbreviations()))}|{UPPERCASE_LETTERS})\."
)
_MASKED_PERIOD = "\u2024"
_PRONOUN_RE = re.compile(r"\b(?:he|she|He|She)\b")
_ADVERB = r"(?:\w+ly|also|later|then|again|once|further|earlier|previously)"
_TRAILING_ADVERB_RE = re.compile(rf"\s+{_ADVERB}\s*\Z")
_CAPITALISED_WORD = rf"{UPPERCASE_LETTERS}[\w'’.-]*"
_NAME_RE = re.compile(
    rf"{_CAPITALISED_WORD}(?:[ \t]+(?:(?:de|van|von|der|bin|al)[ \t]+)?{_CAPITALISED_WORD}){{0,4}}"
)
_POSSESSIVE_RE = re.compile(r"['’]s?\Z")
_CONJUNCTION_AFTER_RE = re.compile(r"[ \t,]*(?:and|but)[ \t]+[a-z]")
# A person named with their organisation, which the recogniser may take for one ORG name.
_PERSON_OF_ORG_RE = re.compile(
    rf"(?P<person>(?:{_CAPITALISED_WORD}[ \t]+){{1,3}}{_CAPITALISED_WORD})"
    rf"[ \t]+of[ \t]+(?:the[ \t]+)?{_CAPITALISED_WORD}"
)
# Attribution may sit this far from the quote: longer stretches are narrative, not "X said".
_WINDOW = 200
_MAX_SPEAKER_WORDS = 10


@dataclass(slots=True)
class _Piece:
    """The text between one pair of quote marks (or up to a paragraph end the next paragraph continues)."""

    start: int  # first character of the quoted text, after the mark
    end: int
    open_mark: int
    close_mark: int | None  # None: the quote runs on into the next paragraph


@dataclass(frozen=True, slots=True)
class _Patterns:
    after_quoted: re.Pattern[str]
    after_cue_first: re.Pattern[str]
    after_name_first: re.Pattern[str]
    after_remark: re.Pattern[str]
    before_according: re.Pattern[str]
    cue: re.Pattern[str]
    gerunds: dict[str, str]


def _read_lines(file_name: str) -> list[str]:
    lines = []
    for raw in (_DATA_DIR / file_name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


@cache
def _patterns() -> _Patterns:
    """Compile the attribution patterns from the data files once per process."""
    cues = sorted(_read_lines("quotes_cue_verbs.txt"), key=len, reverse=True)
    cue = "|".join(re.escape(verb).replace(r"\ ", r"\s+") for verb in cues)
    nouns = "|".join(map(re.escape, _read_lines("quotes_remark_nouns.txt")))
    gerunds = dict(
        (cell.strip() for cell in line.split("|", 1))
        for line in _read_lines("quotes_gerunds.txt")
        if "|" in line
    )
    return _Patterns(
        # “...,” AP quoted Rutte as telling reporters.
        after_quoted=re.compile(
            rf"[\s,]*{_CLAUSE}{{0,80}}?\bquoted\s+(?P<who>{_CLAUSE}{{1,80}}?)\s+as\s+(?P<gerund>\w+ing)\b"
        ),
        # “...,” said Jane Porter.   “...,” according to the ministry.
        after_cue_first=re.compile(rf"[\s,]*(?P<cue>{cue})\s+(?P<who>{_CLAUSE}{{1,100}})"),
        # “...,” Zelensky said.   “...,” she added.   “...,” Porter, 52, told reporters.
        after_name_first=re.compile(
            rf"[\s,]*(?P<who>{_CLAUSE}{{1,100}}?)\s+(?:{_ADVERB}\s+)?(?P<cue>{cue})\b"
        ),
        # “...” The remark came from Jane Porter.
        after_remark=re.compile(
            rf"[\s,.!?]*(?:The|That|This|Those|These|His|Her|Their)\s+(?:\w+\s+){{0,2}}?(?:{nouns})\s+"
            rf"(?:came|come|comes|was|were|is|are)\s+(?:from|made\s+by|issued\s+by|delivered\s+by)\s+"
            rf"(?P<who>{_CLAUSE}{{1,100}})"
        ),
        # According to Porter, “...”
        before_according=re.compile(
            rf"\baccording\s+to\s+(?P<who>{_CLAUSE}{{1,80}}?)[\s,:]*\Z", re.IGNORECASE
        ),
        cue=re.compile(rf"\b(?:{cue})\b"),
        gerunds=gerunds,
    )


def find_quotes(text: str, mentions: list[Mention]) -> list[Quote]:
    """Direct quotations of at least MIN_QUOTE_WORDS words, each with its speaker and cue when attributed."""
    if not text or not any(mark in text for mark in '“”„«»"'):
        return []
    patterns = _patterns()
    masked = _ABBREVIATION_PERIOD_RE.sub(lambda match: match.group()[:-1] + _MASKED_PERIOD, text)
    attribution = _Attribution(text, masked, sorted(mentions, key=lambda mention: mention.start), patterns)
    quotes: list[Quote] = []
    for group in _group(text, _quoted_pieces(text), patterns):
        if sum(len(_WORD_RE.findall(text[piece.start : piece.end])) for piece in group) < MIN_QUOTE_WORDS:
            continue
        speaker, cue = attribution.find(group)
        kind = "partial" if _is_partial(text, group) else "statement"
        quotes.extend(
            Quote(text[piece.start : piece.end], speaker, cue, piece.start, piece.end, kind)
            for piece in group
        )
    return quotes


def _is_partial(text: str, group: list[_Piece]) -> bool:
    """Words quoted inside the writer's own sentence: a lower-case word before the opening mark, and the
    quoted words do not end like a sentence or a clause handed to a "she said"."""
    if len(group) > 1:
        return False  # split by an attribution: a statement
    piece = group[0]
    before = text[max(0, piece.open_mark - 40) : piece.open_mark].rstrip()
    last_word = before.rsplit(None, 1)[-1] if before else ""
    if not last_word or not last_word[-1].isalpha() or not last_word[0].islower():
        return False  # at a sentence or paragraph start, or after "said:" / a comma
    quoted = text[piece.start : piece.end].rstrip()
    return not quoted.endswith((".", "!", "?", ",", "…"))


def _quoted_pieces(text: str) -> list[_Piece]:
    """Pair quote marks in one pass; a quote left open at a paragraph end may continue in the next."""
    pieces: list[_Piece] = []
    open_at: int | None = None
    for match in _MARKS_RE.finditer(text):
        position, mark = match.start(), match.group()
        if mark == "\n":
            if open_at is not None:
                _add_piece(text, pieces, open_at, position, None)
                open_at = None
        elif mark in _OPENING:
            open_at = position  # an earlier unclosed mark in this paragraph was a stray
        elif mark in _CLOSING:
            if open_at is not None:
                _add_piece(text, pieces, open_at, position, position)
                open_at = None
        elif open_at is not None:  # a straight mark closes whatever is open
            _add_piece(text, pieces, open_at, position, position)
            open_at = None
        elif position + 1 < len(text) and not text[position + 1].isspace():
            open_at = position  # a straight mark followed by a space opens nothing (inch marks, strays)
    if open_at is not None:
        _add_piece(text, pieces, open_at, len(text), None)
    # A quote left open survives only when the next paragraph opens with a quote mark (news convention).
    kept = []
    for index, piece in enumerate(pieces):
        if piece.close_mark is None:
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            if following is None or text[piece.end : following.open_mark].strip():
                continue
        kept.append(piece)
    return kept


def _add_piece(text: str, pieces: list[_Piece], open_mark: int, end: int, close_mark: int | None) -> None:
    start = open_mark + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        pieces.append(_Piece(start, end, open_mark, close_mark))


def _group(text: str, pieces: list[_Piece], patterns: _Patterns) -> list[list[_Piece]]:
    """Join the pieces of one utterance: a quote running over paragraphs, or one split by "she said"."""
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups:
            previous = groups[-1][-1]
            if previous.close_mark is None:
                groups[-1].append(piece)  # _quoted_pieces kept it only because this piece continues it
                continue
            between = text[previous.close_mark + 1 : piece.open_mark]
            if (
                "\n" not in between
                and len(_WORD_RE.findall(between)) <= _MAX_SPEAKER_WORDS
                and patterns.cue.search(between)
                and not _INNER_SENTENCE_END_RE.search(between.strip())
            ):
                # “First part,” she said, “second part.” -- but "X said. He added: “...”" starts anew.
                groups[-1].append(piece)
                continue
        groups.append([piece])
    return groups


class _Attribution:
    """Finds the speaker and cue of a quote from the words around it and the article's mentions."""

    def __init__(self, text: str, masked: str, mentions: list[Mention], patterns: _Patterns) -> None:
        self.text = text
        self.masked = masked  # `text` with abbreviation periods masked, for the attribution patterns
        self.mentions = mentions
        self.starts = [mention.start for mention in mentions]
        self.person_ends = sorted((m.end, i) for i, m in enumerate(mentions) if m.type == PERSON)
        self.patterns = patterns
        self.common_words = common_capitalised_words()
        self.titles = person_titles()

    def find(self, group: list[_Piece]) -> tuple[str | None, str | None]:
        quote_start = group[0].open_mark
        for piece in group:
            if piece.close_mark is None:
                continue
            found = self._after(piece.close_mark + 1, quote_start)
            if found is not None:
                return found
        found = self._before(group[0].open_mark, quote_start)
        return found if found is not None else (None, None)

    def _after(self, position: int, quote_start: int) -> tuple[str | None, str | None] | None:
        text, patterns = self.masked, self.patterns
        if _CONJUNCTION_AFTER_RE.match(text, position):
            return None  # “...” and urged lawmakers to ...: the sentence's subject, before the quote, spoke
        end = text.find("\n", position, position + _WINDOW)
        end = position + _WINDOW if end < 0 else end
        quoted = patterns.after_quoted.match(text, position, end)
        if quoted:
            cue = patterns.gerunds.get(quoted.group("gerund").lower(), "said")
            return self._speaker(quoted.start("who"), quoted.end("who"), quote_start, prefer_last=False), cue
        cue_first = patterns.after_cue_first.match(text, position, end)
        if cue_first:
            who_end = _clause_end(text, cue_first.start("who"), cue_first.end("who"))
            speaker = self._speaker(cue_first.start("who"), who_end, quote_start, prefer_last=False)
            return speaker, _cue(cue_first.group("cue"))
        name_first = patterns.after_name_first.match(text, position, end)
        if name_first and len(_WORD_RE.findall(name_first.group("who"))) <= _MAX_SPEAKER_WORDS:
            speaker = self._speaker(
                name_first.start("who"), name_first.end("who"), quote_start, prefer_last=True
            )
            return speaker, _cue(name_first.group("cue"))
        # The sentence naming the speaker may open the next paragraph: "“...”\n\nThe words came from X."
        remark = patterns.after_remark.match(text, position, min(len(text), position + _WINDOW))
        if remark:
            who_end = _clause_end(text, remark.start("who"), remark.end("who"))
            return self._speaker(remark.start("who"), who_end, quote_start, prefer_last=False), None
        return None

    def _before(self, open_mark: int, quote_start: int) -> tuple[str | None, str | None] | None:
        text = self.masked
        start = self._sentence_start(open_mark)
        if not text[start:open_mark].strip():
            # A quote opening its paragraph may be introduced by the previous one: "Porter said:\n\n“...”"
            previous_end = start - 1
            while previous_end > 0 and text[previous_end - 1].isspace():
                previous_end -= 1
            if previous_end <= 0 or text[previous_end - 1] != ":":
                return None
            open_mark, start = previous_end, self._sentence_start(previous_end)
        according = self.patterns.before_according.search(text, start, open_mark)
        if according:
            speaker = self._speaker(
                according.start("who"), according.end("who"), quote_start, prefer_last=False
            )
            return speaker, "according to"
        # Jane Porter said: “...”   Rutte told reporters “...”   He described it as “...”
        # Walk the cues back from the quote (a scan, not a backtracking search: this runs once per quote).
        last_mark = max(text.rfind(mark, start, open_mark) for mark in '“”"')
        start = max(start, last_mark + 1)
        cues = [
            match
            for match in self.patterns.cue.finditer(text, start, open_mark)
            if match.group() != "according to"
        ]
        for cue in reversed(cues):
            if len(_WORD_RE.findall(text[cue.end() : open_mark])) > _MAX_SPEAKER_WORDS:
                break
            who_end = cue.start()
            adverb = _TRAILING_ADVERB_RE.search(text, start, who_end)
            if adverb:
                who_end = adverb.start()
            if text[start:who_end].strip():
                return self._speaker(start, who_end, quote_start, prefer_last=True), _cue(cue.group())
        return None

    def _sentence_start(self, position: int) -> int:
        text = self.masked
        paragraph_start = text.rfind("\n", max(0, position - _WINDOW), position) + 1
        floor = max(paragraph_start, position - _WINDOW)
        start = floor
        for match in _SENTENCE_END_RE.finditer(text, floor, position):
            start = match.end()
        return start

    def _speaker(self, start: int, end: int, quote_start: int, *, prefer_last: bool) -> str | None:
        """The person named in text[start:end]; else a he/she there; else any entity; else the raw name."""
        inside = self.mentions[bisect_left(self.starts, start) : bisect_left(self.starts, end)]
        inside = [mention for mention in inside if mention.end <= end]
        people = [mention for mention in inside if mention.type == PERSON]
        if people:
            return (people[-1] if prefer_last else people[0]).name
        pronoun = _PRONOUN_RE.search(self.text, start, end)
        if pronoun:
            return self._previous_person(min(pronoun.start(), quote_start))
        if inside:
            name = (inside[-1] if prefer_last else inside[0]).name
            person = _PERSON_OF_ORG_RE.match(name)  # "Raj Patel of Harbour Securities" read as one ORG
            return self._bare_name(person.group("person")) if person else name
        for name in _NAME_RE.finditer(self.text, start, end):
            words = name.group().split()
            while words and words[0] in self.common_words:
                words = words[1:]
            if words:
                return self._full_name(_POSSESSIVE_RE.sub("", " ".join(words)), quote_start)
        return None

    def _bare_name(self, name: str) -> str:
        words = name.split()
        while len(words) > 2 and (words[0] in self.common_words or words[0].rstrip(".") in self.titles):
            words = words[1:]  # "Professor Julia Brandt": the title is not the name
        return " ".join(words)

    def _full_name(self, name: str, before: int) -> str:
        """A lone surname ("Tanaka") as the article first gave it in full ("chief executive, Mei Tanaka,")."""
        if " " in name:
            return name
        full = None
        for match in re.finditer(
            rf"((?:{_CAPITALISED_WORD}[ \t]+){{1,2}}){re.escape(name)}(?!\w)", self.text
        ):
            if match.start() >= before:
                break
            words = match.group().split()
            while len(words) > 1 and words[0] in self.common_words:
                words = words[1:]
            if len(words) > 1:
                full = " ".join(words)
        return full or name

    def _previous_person(self, position: int) -> str | None:
        index = bisect_right(self.person_ends, (position, len(self.mentions)))
        return self.mentions[self.person_ends[index - 1][1]].name if index else None


def _clause_end(text: str, start: int, end: int) -> int:
    """Where the speaker's words stop: "said Porter, who runs Acme" names Porter, not Acme."""
    comma = text.find(",", start, end)
    return end if comma < 0 else comma


def _cue(verb: str) -> str:
    return " ".join(verb.lower().split())
