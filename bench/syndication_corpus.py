"""A labelled syndication corpus, generated offline: news events, independent stories about each event, and
copies of stories as other outlets run them (other furniture, rewritten headlines, agency credit lines,
truncations, a sentence added or fixed), as HTML pages with the answer key.

Used by `bench/syndication.py` and the dedupe regression test. Every page says which story it copies
(`story_id`: pages with one story id are copies of each other) and which event it is about (`event_id`:
the story cluster it belongs in). Deterministic for a seed.
"""

from __future__ import annotations

import gzip
import html
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

FIRST_NAMES = [
    "Anna",
    "Marek",
    "Sofia",
    "Lukas",
    "Elena",
    "Tomas",
    "Ines",
    "Pavel",
    "Maria",
    "Jonas",
    "Clara",
    "Viktor",
    "Nadia",
    "Oskar",
    "Lea",
    "Emil",
    "Irene",
    "Felix",
    "Hana",
    "Ruben",
    "Greta",
    "Milan",
    "Laura",
    "Stefan",
    "Alma",
    "Henrik",
    "Zofia",
    "Dario",
    "Ida",
    "Mateo",
    "Petra",
    "Karim",
    "Olga",
    "Tariq",
    "Mina",
    "Arjun",
]
LAST_NAMES = [
    "Novak",
    "Berger",
    "Rossi",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Haddad",
    "Petrov",
    "Jansen",
    "Ferreira",
    "Costa",
    "Nakamura",
    "Okafor",
    "Varga",
    "Schulz",
    "Dubois",
    "Larsen",
    "Rahman",
    "Silva",
    "Horvat",
    "Nielsen",
    "Marino",
    "Keller",
    "Popescu",
    "Andersen",
    "Fischer",
    "Romano",
    "Vidal",
    "Takahashi",
    "Mensah",
    "Kaplan",
    "Brandt",
    "Weiss",
    "Ortega",
    "Quinn",
    "Adler",
    "Sato",
    "Lund",
]
CITIES = [
    "Lisbon",
    "Rotterdam",
    "Gdansk",
    "Valencia",
    "Tampere",
    "Ljubljana",
    "Bratislava",
    "Antwerp",
    "Bergen",
    "Thessaloniki",
    "Porto",
    "Malmo",
    "Leipzig",
    "Bordeaux",
    "Cork",
    "Graz",
    "Brno",
    "Turin",
    "Aarhus",
    "Split",
    "Vilnius",
    "Tartu",
    "Kaunas",
    "Plovdiv",
    "Cluj",
    "Seville",
    "Lyon",
    "Genoa",
    "Dresden",
    "Uppsala",
    "Riga",
    "Zagreb",
    "Sofia",
    "Tallinn",
    "Krakow",
    "Bilbao",
    "Nantes",
    "Ghent",
    "Utrecht",
    "Salzburg",
]
ROLES = (
    "mayor",
    "transport minister",
    "finance minister",
    "union leader",
    "chief executive",
    "police spokesperson",
    "health commissioner",
    "opposition leader",
    "port director",
    "energy regulator",
    "council member",
    "fire chief",
)
ORG_PARTS = (
    ("Northwind", "Harbor", "Baltic", "Meridian", "Crescent", "Atlas", "Vega", "Summit", "Orion", "Delta"),
    ("Energy", "Logistics", "Rail", "Holdings", "Shipping", "Telecom", "Water", "Airlines", "Steel", "Foods"),
)
INSTITUTIONS = (
    "the city council",
    "the transport ministry",
    "the national statistics office",
    "the port authority",
    "the regional court",
    "the environment agency",
    "the central bank",
    "the fire service",
    "the health board",
    "the competition authority",
)
AGENCIES = (("Reuters", "Reporting by"), ("AP", "Written by"), ("AFP", "Writing by"), ("dpa", "Reporting by"))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Topic:
    name: str
    nouns: tuple[str, ...]
    actions: tuple[str, ...]  # past-tense verb phrases about the event
    impacts: tuple[str, ...]
    headline_verbs: tuple[str, ...]


TOPICS = (
    Topic(
        "strike",
        ("strike", "walkout", "stoppage", "industrial action", "dispute over pay"),
        (
            "called a 48-hour strike",
            "halted work at the depots",
            "rejected the latest pay offer",
            "staged a walkout",
        ),
        (
            "cancelled trains",
            "empty platforms",
            "stranded commuters",
            "closed ticket offices",
            "delayed freight",
        ),
        ("strike halts", "walkout hits", "workers down tools in", "pay dispute paralyses"),
    ),
    Topic(
        "flood",
        ("flood", "flooding", "rising river", "storm surge", "heavy rain"),
        ("burst the river banks", "flooded the old town", "forced evacuations", "cut power to thousands"),
        ("closed roads", "evacuated homes", "damaged bridges", "flooded basements", "suspended ferries"),
        ("floods swamp", "river bursts banks in", "storm surge hits", "heavy rain floods"),
    ),
    Topic(
        "merger",
        ("merger", "takeover", "deal", "acquisition", "bid"),
        (
            "agreed to buy its rival",
            "announced a merger",
            "raised its takeover offer",
            "won shareholder approval",
        ),
        ("job cuts", "higher prices", "a new headquarters", "a review by regulators", "a share buyback"),
        ("agrees takeover of", "merger creates giant in", "bid for rival lifts shares in", "deal reshapes"),
    ),
    Topic(
        "election",
        ("election", "vote", "ballot", "runoff", "poll"),
        ("won the mayoral runoff", "conceded defeat", "called a snap vote", "demanded a recount"),
        ("a coalition deal", "a low turnout", "a recount in two districts", "protests outside the town hall"),
        ("wins vote in", "runoff decides", "narrow result in", "recount ordered in"),
    ),
    Topic(
        "fire",
        ("fire", "blaze", "wildfire", "warehouse fire", "forest fire"),
        (
            "destroyed a warehouse",
            "spread to nearby hills",
            "forced the closure of the motorway",
            "was contained",
        ),
        (
            "smoke over the city",
            "closed schools",
            "evacuated villages",
            "burnt vehicles",
            "damaged power lines",
        ),
        ("blaze destroys", "wildfire forces evacuations near", "fire crews battle", "warehouse fire in"),
    ),
    Topic(
        "budget",
        ("budget", "spending plan", "tax package", "deficit", "austerity plan"),
        ("unveiled a spending plan", "raised the fuel tax", "cut the housing budget", "froze public pay"),
        ("higher taxes", "fewer teachers", "new bus lines", "a larger deficit", "cuts to libraries"),
        ("budget squeezes", "spending plan unveiled in", "tax rise angers", "deficit widens in"),
    ),
)

OPENERS = (
    "{Person}, the {role}, said on {weekday} that {clause}.",
    "According to {institution}, {clause}.",
    "{Institution} confirmed late on {weekday} that {clause}.",
    "Officials in {city} said {clause}, a day after {event_noun} began.",
    "In a statement, {org} said {clause}.",
    "Speaking to reporters in {city}, {person} said {clause}.",
    "It was not immediately clear whether {clause}.",
    "Local media reported that {clause}.",
    "{Person} told a news conference that {clause}.",
    "Residents of {city} woke up to {impact} after {clause}.",
)
CLAUSES = (
    "the {event_noun} had led to {impact} across {city}",
    "{number} people were affected by the {event_noun}",
    "{org} {action} on {weekday}",
    "talks with {institution} would resume next week",
    "the costs of the {event_noun} could reach {money} million euros",
    "{impact} were expected to last until {weekday}",
    "more than {number} residents had asked for help",
    "the {event_noun} was the worst the region had seen in {years} years",
    "{institution} had been warned about the risk months ago",
    "emergency funds of {money} million euros would be released",
    "{person} would meet {other} to discuss the {event_noun}",
    "inspectors found {number} cases of {impact}",
)
MIDDLES = (
    "The {event_noun} comes as {city} struggles with {impact}, {problem}.",
    "Critics said {institution} had ignored warnings about {impact} for years.",
    "{Person} urged calm and asked people to follow official advice.",
    "Shares in {org} fell {percent} percent in early trading before recovering some losses.",
    "The last comparable {event_noun} in {city} happened {years} years ago, when {impact} lasted for weeks.",
    "{Other}, who represents the district, called the response {adjective}.",
    "A spokesperson for {org} declined to comment on the figures.",
    "Analysts at {org} estimated that {impact} would cost the economy {money} million euros.",
    "About {number} workers and volunteers were deployed on {weekday}, officials said.",
    "{Institution} said it would publish a full report within {years} months.",
    "The opposition demanded that {person} explain the delays before parliament.",
    "Schools in {number} districts stayed closed while crews assessed the damage.",
    "{Person} has held the post of {role} since {year}.",
    "The figures could not be independently verified.",
    "Traffic was diverted around the centre of {city} for most of the day.",
    "{Org} said customers would be compensated for {impact}.",
)
PROBLEMS = (
    "already stretched by rising rents",
    "a shortage of bus drivers",
    "the aftermath of last winter's storms",
    "a long dispute over public spending",
    "record numbers of summer visitors",
    "ageing infrastructure",
)
ADJECTIVES = ("too slow", "chaotic", "disappointing", "remarkably quick", "poorly planned", "adequate")
QUOTES = (
    "We are doing everything we can to restore normal life as quickly as possible",
    "This is a difficult day for the people of {city} and we will not abandon them",
    "Nobody could have predicted the scale of what happened this week",
    "We warned the government about this risk more than a year ago",
    "Our priority is the safety of residents and of the crews on the ground",
    "The numbers speak for themselves and we expect a full inquiry",
    "We will sit down with everyone involved and find a fair solution",
)
CUES = ("said", "told reporters", "said in a statement", "added", "told local radio")


@dataclass
class Event:
    event_id: str
    topic: Topic
    city: str
    people: list[tuple[str, str]]  # (name, role)
    org: str
    institution: str
    day: datetime
    quote: str


@dataclass
class Page:
    """One generated page with its answer key."""

    url: str
    html: str
    story_id: str  # pages sharing a story id are copies of one story (a duplicate group)
    event_id: str  # pages sharing an event id belong in one story cluster
    published_at: datetime
    role: str  # original | copy:<how> | other-story | follow-up | version
    is_original: bool = False
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Site:
    host: str
    name: str
    style: int  # which furniture template


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _org(rng: random.Random) -> str:
    return f"{rng.choice(ORG_PARTS[0])} {rng.choice(ORG_PARTS[1])}"


def make_event(rng: random.Random, number: int, start: datetime) -> Event:
    people = [(_person(rng), role) for role in rng.sample(ROLES, 3)]
    city = rng.choice(CITIES)
    return Event(
        event_id=f"event-{number:04d}",
        topic=rng.choice(TOPICS),
        city=city,
        people=people,
        org=_org(rng),
        institution=rng.choice(INSTITUTIONS),
        day=start + timedelta(days=rng.randint(0, 60), hours=rng.randint(5, 20)),
        quote=rng.choice(QUOTES).format(city=city),
    )


def _fill(template: str, rng: random.Random, event: Event) -> str:
    person, role = rng.choice(event.people)
    other = rng.choice([name for name, _ in event.people if name != person])
    values = {
        "person": person,
        "role": role,
        "other": other,
        "org": event.org,
        "institution": event.institution,
        "city": event.city,
        "weekday": rng.choice(WEEKDAYS),
        "event_noun": rng.choice(event.topic.nouns),
        "impact": rng.choice(event.topic.impacts),
        "action": rng.choice(event.topic.actions),
        "number": f"{rng.randint(12, 9000):,}",
        "money": str(rng.randint(2, 900)),
        "percent": f"{rng.randint(1, 19)}.{rng.randint(0, 9)}",
        "years": str(rng.randint(2, 40)),
        "year": str(rng.randint(1998, 2023)),
        "problem": rng.choice(PROBLEMS),
        "adjective": rng.choice(ADJECTIVES),
    }
    values["clause"] = rng.choice(CLAUSES).format(**values)
    text = template.format(**values, **{k.capitalize(): v[:1].upper() + v[1:] for k, v in values.items()})
    return text[:1].upper() + text[1:]


def write_story(rng: random.Random, event: Event, *, paragraphs: int, share_quote: bool) -> list[str]:
    """An independent story about the event: its own sentences, the event's names, maybe its key quote."""
    person, role = event.people[0]
    lead = (
        f"{event.org} {rng.choice(event.topic.actions)} in {event.city} on {WEEKDAYS[event.day.weekday()]}, "
        f"{_fill(rng.choice(CLAUSES), rng, event)[:1].lower()}{_fill(rng.choice(CLAUSES), rng, event)[1:]}."
    )
    body = [lead]
    quote_at = rng.randint(2, max(2, paragraphs - 2)) if share_quote else -1
    while len(body) < paragraphs:
        if len(body) == quote_at:
            speaker, speaker_role = rng.choice(event.people)
            body.append(f"“{event.quote},” {speaker}, the {speaker_role}, {rng.choice(CUES)}.")
            continue
        sentences = [_fill(rng.choice(OPENERS), rng, event)]
        sentences += [_fill(rng.choice(MIDDLES), rng, event) for _ in range(rng.randint(1, 2))]
        body.append(" ".join(sentences))
    return body


def headline(rng: random.Random, event: Event) -> str:
    verb = rng.choice(event.topic.headline_verbs)
    forms = (
        f"{verb[:1].upper()}{verb[1:]} {event.city}",
        f"{event.city}: {rng.choice(event.topic.nouns)} {rng.choice(('leaves', 'brings', 'causes'))} "
        f"{rng.choice(event.topic.impacts)}",
        f"{event.people[0][0]} responds as {rng.choice(event.topic.nouns)} hits {event.city}",
        f"What we know about the {rng.choice(event.topic.nouns)} in {event.city}",
    )
    return rng.choice(forms)


# -- how outlets change a story they run ---------------------------------------------------------------------


def _restyle(text: str) -> str:
    # Straight quotes and hyphens for curly ones and dashes: a CMS round-trip, invisible after normalisation.
    return text.replace("“", '"').replace("”", '"').replace("’", "'").replace(" – ", " - ")


def copy_story(rng: random.Random, paragraphs: list[str], event: Event, how: str) -> list[str]:
    body = list(paragraphs)
    if how == "same":
        return body
    if how == "restyled":
        return [_restyle(paragraph) for paragraph in body]
    if how == "truncated":
        keep = rng.randint(max(3, len(body) // 3), max(3, len(body) * 2 // 3))
        return body[:keep]
    if how == "sentence-added":
        position = rng.randint(1, len(body) - 1)
        body.insert(position, _fill(rng.choice(MIDDLES), rng, event))
        return body
    if how == "sentence-fixed":
        position = rng.randint(1, len(body) - 1)
        words = body[position].split()
        words[rng.randrange(len(words))] = rng.choice(("officials", "residents", "Tuesday", "several", "the"))
        body[position] = " ".join(words)
        return body
    if how == "agency-credit":
        agency, credit = rng.choice(AGENCIES)
        body[0] = f"{event.city.upper()} ({agency}) - {body[0]}"
        body.append(f"({credit} {_person(rng)}; Editing by {_person(rng)})")
        return body
    if how == "merged-paragraphs":
        position = rng.randint(0, len(body) - 2)
        body[position : position + 2] = [body[position] + " " + body[position + 1]]
        return body
    if how == "local-paragraph":
        body.append(f"Reaction in {rng.choice(CITIES)}: " + _fill(rng.choice(MIDDLES), rng, event))
        return body
    if how == "edited":
        for position in rng.sample(range(1, len(body)), min(2, len(body) - 1)):
            sentences = body[position].split(". ")
            sentences[rng.randrange(len(sentences))] = _fill(rng.choice(MIDDLES), rng, event).rstrip(".")
            body[position] = ". ".join(sentences)
        return body
    if how == "truncated-credit":
        agency, _ = rng.choice(AGENCIES)
        keep = rng.randint(max(3, len(body) // 3), max(3, len(body) // 2))
        body = body[:keep]
        body[0] = f"{event.city.upper()} ({agency}) - {body[0]}"
        return body
    raise ValueError(f"unknown copy kind {how}")


COPY_KINDS = (
    "same",
    "restyled",
    "truncated",
    "sentence-added",
    "sentence-fixed",
    "agency-credit",
    "merged-paragraphs",
    "truncated-credit",
    "local-paragraph",
    "edited",
)

# -- site furniture --------------------------------------------------------------------------------------

_NAV = ("World", "Business", "Politics", "Sport", "Culture", "Opinion", "Science", "Travel")
_RELATED = (
    "Ten things to do this weekend",
    "Markets close higher as energy stocks rally",
    "Opinion: why the city needs more trams",
    "Recipe: a quick autumn soup",
    "Five takeaways from the budget debate",
    "Photos: the week in pictures",
)


def render(
    site: Site, title: str, paragraphs: list[str], published: datetime, author: str, rng: random.Random
) -> str:
    """An HTML page of `site`'s template around the story."""
    escaped = [html.escape(paragraph, quote=False) for paragraph in paragraphs]
    nav = "".join(f"<li><a href='/{item.lower()}'>{item}</a></li>" for item in _NAV)
    related = "".join(
        f"<li><a href='/r/{n}'>{text}</a></li>" for n, text in enumerate(rng.sample(_RELATED, 3))
    )
    stamp = published.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    meta = (
        f"<title>{html.escape(title)} | {site.name}</title>"
        f"<meta property='og:site_name' content='{site.name}'>"
        f"<meta property='article:published_time' content='{stamp}'>"
        f"<meta name='author' content='{author}'>"
    )
    if site.style == 0:
        body = "".join(f"<p>{text}</p>" for text in escaped)
        main = (
            f"<header><ul class='nav'>{nav}</ul></header><main><article><h1>{html.escape(title)}</h1>"
            f"<div class='byline'>By {author}</div><div class='share'>Share on Facebook Share on X</div>"
            f"{body}</article><aside class='related'><h2>Most read</h2><ul>{related}</ul></aside></main>"
            f"<footer>&copy; {published.year} {site.name}. All rights reserved.</footer>"
        )
    elif site.style == 1:
        body = "".join(f"<p class='story-text'>{text}</p>" for text in escaped)
        main = (
            f"<div id='menu'><ul>{nav}</ul></div><div class='container'><div class='story-body'>"
            f"<h1 class='headline'>{html.escape(title)}</h1><span class='author'>{author}</span>"
            f"<time datetime='{stamp}'>{published:%d %B %Y}</time>{body}"
            f"<div class='newsletter'>Sign up for our morning newsletter</div></div>"
            f"<div class='sidebar'><h3>Related</h3><ul>{related}</ul></div></div>"
            f"<div class='footer'>{site.name} | Contact | Privacy policy | Terms</div>"
        )
    else:
        body = "<br><br>".join(escaped)
        main = (
            f"<nav>{nav}</nav><section class='content'><h1>{html.escape(title)}</h1>"
            f"<p class='meta'>{author} — {published:%H:%M, %d.%m.%Y}</p><div class='text'>{body}</div>"
            f"<div class='tags'>Tags: news, {site.name.lower()}</div></section>"
            f"<section class='more'><h4>More stories</h4><ul>{related}</ul></section>"
            f"<footer>{site.name} — Impressum</footer>"
        )
    return f"<!doctype html><html><head>{meta}</head><body>{main}</body></html>"


def make_sites(rng: random.Random, count: int) -> list[Site]:
    sites = []
    for number in range(count):
        name = f"{rng.choice(('Daily', 'Morning', 'Evening', 'Weekly', 'The'))} {rng.choice(CITIES)} "
        name += rng.choice(("Post", "Herald", "Courier", "Times", "Gazette", "Chronicle", "Observer"))
        sites.append(Site(host=f"site{number:02d}.example", name=f"{name} {number}", style=number % 3))
    return sites


def generate(
    *,
    events: int = 60,
    seed: int = 11,
    sites: int = 12,
    copies: tuple[int, int] = (1, 5),
    stories_per_event: tuple[int, int] = (1, 3),
) -> list[Page]:
    """The labelled corpus: pages in publication order."""
    rng = random.Random(seed)
    outlets = make_sites(rng, sites)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    pages: list[Page] = []
    for number in range(events):
        event = make_event(rng, number, start)
        for story_number in range(rng.randint(*stories_per_event)):
            story_id = f"{event.event_id}-story-{story_number}"
            # One story in five is a brief of a few paragraphs, as wires send first.
            length = rng.randint(3, 5) if rng.random() < 0.2 else rng.randint(7, 14)
            paragraphs = write_story(rng, event, paragraphs=length, share_quote=rng.random() < 0.6)
            home = rng.choice(outlets)
            published = event.day + timedelta(minutes=rng.randint(0, 240))
            title = headline(rng, event)
            author = _person(rng)
            url = f"https://{home.host}/news/{event.city.lower()}-{story_id}"
            pages.append(
                Page(
                    url,
                    render(home, title, paragraphs, published, author, rng),
                    story_id,
                    event.event_id,
                    published,
                    "original",
                    True,
                    paragraphs,
                )  # fmt: skip
            )
            # Other outlets run it, later, each its own way.
            for copy_number, outlet in enumerate(rng.sample(outlets, rng.randint(*copies))):
                how = rng.choice(COPY_KINDS)
                copied = copy_story(rng, paragraphs, event, how)
                when = published + timedelta(minutes=rng.randint(5, 600))
                copy_title = title if rng.random() < 0.3 else headline(rng, event)
                copy_url = f"https://{outlet.host}/{when:%Y/%m/%d}/{story_id}-{copy_number}"
                pages.append(
                    Page(
                        copy_url,
                        render(outlet, copy_title, copied, when, _person(rng), rng),
                        story_id,
                        event.event_id,
                        when,
                        f"copy:{how}",
                        False,
                        copied,
                    )  # fmt: skip
                )
            # Now and then the first outlet updates its page (a version, not a copy) ...
            if rng.random() < 0.15:
                updated = [*paragraphs, _fill(rng.choice(MIDDLES), rng, event)]
                later = published + timedelta(hours=3)
                pages.append(
                    Page(
                        url,
                        render(home, title, updated, later, author, rng),
                        story_id,
                        event.event_id,
                        later,
                        "version",
                        False,
                        updated,
                    )  # fmt: skip
                )
            # ... or follows up with a new story that reuses two background paragraphs (not a copy).
            if rng.random() < 0.2 and len(paragraphs) > 5:
                follow_id = f"{story_id}-follow-up"
                fresh = write_story(rng, event, paragraphs=rng.randint(6, 10), share_quote=False)
                reused = fresh[:3] + paragraphs[-2:] + fresh[3:]
                later = published + timedelta(days=1)
                pages.append(
                    Page(
                        f"https://{home.host}/news/{follow_id}",
                        render(home, headline(rng, event), reused, later, author, rng),
                        follow_id,
                        event.event_id,
                        later,
                        "follow-up",
                        True,
                        reused,
                    )  # fmt: skip
                )
        # A daily digest takes the first paragraph of several stories: it copies none of them.
        if number % 10 == 9:
            leads = [page for page in pages[-40:] if page.is_original and page.paragraphs]
            picked = rng.sample(leads, min(5, len(leads)))
            digest = [page.paragraphs[0] for page in picked]
            when = max(page.published_at for page in picked) + timedelta(hours=2)
            outlet = rng.choice(outlets)
            pages.append(
                Page(
                    f"https://{outlet.host}/digest/{number}",
                    render(outlet, "The day in brief", digest, when, _person(rng), rng),
                    f"digest-{number}",
                    f"digest-{number}",
                    when,
                    "digest",
                    True,
                    digest,
                )  # fmt: skip
            )
    pages.sort(key=lambda page: page.published_at)
    return pages


def generate_from_pages(
    pages_dir: Path,
    expectations: dict[str, dict],
    *,
    seed: int = 11,
    sites: int = 12,
    limit: int | None = None,
) -> list[Page]:
    """Real pages as the originals (their own HTML, furniture and all) and generated copies of their text.

    Every real page is its own story and event, so any link between two real pages is a false pair: this
    measures precision on real text and real site furniture, and recall of copies of real text.
    """
    from tasks.clean import clean_documents
    from tasks.ingest.decode import DecodeError, decode_bytes
    from tasks.records import RawDocument

    rng = random.Random(seed)
    outlets = make_sites(rng, sites)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    pages: list[Page] = []
    names = sorted(expectations)[:limit] if limit else sorted(expectations)
    for number, name in enumerate(names):
        path = pages_dir / f"{name}.gz"
        if not path.exists():
            path = pages_dir / name
        if not path.exists():
            continue
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        try:
            decoded = decode_bytes(raw, declared_type="text/html")
        except DecodeError:
            continue
        url = expectations[name]["url"]
        published = start + timedelta(hours=number * 3)
        document = RawDocument(
            name, "bench", url, url, published, decoded.content_type, decoded.charset, raw, name, decoded.text
        )
        cleaned, _ = clean_documents([document])
        if (
            not cleaned
            or sum(len(p.split()) for p in cleaned[0].paragraphs) < 80
            or len(cleaned[0].paragraphs) < 3
        ):
            continue
        paragraphs = list(cleaned[0].paragraphs)
        story_id = f"page-{number:04d}"
        pages.append(Page(url, decoded.text, story_id, story_id, published, "original", True, paragraphs))
        event = make_event(rng, number, start)  # names for credit lines and added sentences
        for copy_number, outlet in enumerate(rng.sample(outlets, rng.randint(1, 3))):
            how = rng.choice(COPY_KINDS)
            copied = copy_story(rng, paragraphs, event, how)
            when = published + timedelta(minutes=rng.randint(5, 600))
            copy_url = f"https://{outlet.host}/{when:%Y/%m/%d}/{story_id}-{copy_number}"
            title = cleaned[0].first("title")
            html_page = render(outlet, title.value if title else "Untitled", copied, when, _person(rng), rng)
            pages.append(Page(copy_url, html_page, story_id, story_id, when, f"copy:{how}", False, copied))
    pages.sort(key=lambda page: page.published_at)
    return pages
