"""A hostile corpus (broken, binary, huge, mis-encoded, looping, unreadable files) and how each one ends.

Run: `.venv/bin/python bench/hostile.py [--keep DIR]`. Builds the corpus in a temporary folder, runs
read → clean → extract per file as plain functions, and prints each file's outcome and the peak memory.
`build_corpus` is shared with tests/flows/test_hostile.py, which runs the real flow over the same files.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEGABYTE = 1_000_000
DOCUMENT_CAP = 20 * MEGABYTE  # Settings.max_document_bytes; the pages below are over and under it
TOO_LARGE_BYTES = 30 * MEGABYTE
BIG_BYTES = 15 * MEGABYTE
BOMB_UNPACKED_BYTES = 64 * MEGABYTE
NESTING_LEVELS = 10_000
# "café.html" as an old Latin-1 system wrote it: Python shows the stray byte as a surrogate escape.
NON_UTF8_NAME = os.fsdecode(b"caf\xe9.html")

# Sentences whose exact text must survive decoding; the tests look for them in the landed articles.
CP1252_SENTENCE = (
    "At the café on Rue Saint-Honoré a “naïve” tourist paid €4.50 — twice the usual price — "
    "for a crème brûlée."
)
SHIFT_JIS_SENTENCE = "東京都は新しい防災計画を発表しました。"
MOJIBAKE_SENTENCE = "Zürich’s mayor called the café’s “naïve” résumé a pleasant surprise."
GERMAN_SENTENCE = "Der Stadtrat hat am Dienstag den Neubau der alten Brücke über den Fluss beschlossen."
POLISH_SENTENCE = "Rada miasta zatwierdziła we wtorek plan odbudowy starego mostu nad rzeką."
QUOTE_SENTENCE = "“We will rebuild the bridge before the winter comes,” Mayor Ana Lopez said on Tuesday."
NUL_SENTENCE = "The ferry service between the two islands resumed on Friday after a three-week strike."
INVALID_UTF8_SENTENCE = (
    "Fishermen in Tromsø, Ålesund and Bodø reported the largest catch of herring in a decade, "
    "a café owner said over smørbrød."
)

_SUBJECTS = (
    "The city council", "Regional officials", "The transport ministry", "Local traders",
    "A group of engineers", "The harbour authority", "Teachers at the northern school", "The water company",
    "Farmers in the valley", "The national rail operator", "Doctors at the district hospital",
    "A coalition of tenants",
)  # fmt: skip
_VERBS = (
    "approved", "rejected", "debated", "postponed", "questioned", "welcomed", "criticised", "funded",
    "reviewed", "challenged", "supported", "delayed",
)  # fmt: skip
_OBJECTS = (
    "a plan to rebuild the old bridge", "the budget for the coming year", "new rules for night buses",
    "the proposal to close two libraries", "a study of the polluted river", "the design of a new stadium",
    "higher fees for parking in the centre", "a scheme to insulate older homes", "the merger of two clinics",
    "an offer to buy the shipyard", "the timetable for the new tram line", "a ban on fishing in the bay",
)  # fmt: skip
_TAILS = (
    "after a long meeting on Tuesday.", "despite protests outside the town hall.",
    "in a vote that surprised many residents.", "citing rising costs and a shortage of workers.",
    "following months of negotiations with the unions.", "before the summer holidays begin.",
    "while critics warned of delays and higher taxes.", "as inspectors finished their report.",
)  # fmt: skip

GERMAN_PARAGRAPHS = (
    GERMAN_SENTENCE + " Die Abstimmung fiel nach einer langen Debatte mit großer Mehrheit aus.",
    "Die Bauarbeiten sollen im kommenden Frühjahr beginnen und etwa drei Jahre dauern. Während dieser Zeit "
    "werden die Busse über eine Umleitung durch die Altstadt fahren, teilte die Verwaltung mit.",
    "Anwohner und Geschäftsleute sehen das Vorhaben mit gemischten Gefühlen. Viele begrüßen die neue "
    "Verbindung, fürchten aber Lärm, Staub und weniger Kunden in den Jahren des Umbaus.",
    "Die Kosten werden auf rund achtzig Millionen Euro geschätzt. Ein großer Teil soll vom Land übernommen "
    "werden, der Rest stammt aus dem Haushalt der Stadt und aus Mitteln der Europäischen Union.",
    "Eine Bürgerinitiative kündigte an, das Verwaltungsgericht anzurufen. Sie kritisiert, dass die "
    "Untersuchung der Umweltfolgen die Brutplätze seltener Vögel am Ufer nicht berücksichtigt habe.",
)
POLISH_PARAGRAPHS = (
    POLISH_SENTENCE
    + " Głosowanie odbyło się po wielogodzinnej debacie, a większość radnych poparła projekt.",
    "Prace budowlane mają rozpocząć się wiosną i potrwają około trzech lat. W tym czasie autobusy będą "
    "jeździć objazdem przez stare miasto, poinformował urząd miasta.",
    "Mieszkańcy i właściciele sklepów mają mieszane uczucia. Wielu cieszy się z nowego połączenia, ale "
    "obawia się hałasu, kurzu i mniejszej liczby klientów w czasie budowy.",
    "Koszt inwestycji oszacowano na około osiemdziesiąt milionów złotych. Większą część pokryje samorząd "
    "województwa, a resztę miasto oraz fundusze Unii Europejskiej.",
)
JAPANESE_PARAGRAPHS = (
    SHIFT_JIS_SENTENCE + "計画では、大きな地震や台風に備えて、避難所の数を増やし、食料や水の備蓄を強化する。",
    "都の担当者によると、新しい計画は三年かけて実施される予定で、費用はおよそ二百億円になる見込みだ。"
    "住民への説明会は来月から各区で開かれる。",
    "専門家は計画を評価する一方で、高齢者や外国人住民への情報提供がまだ不十分だと指摘している。"
    "都は多言語での案内を増やす方針を示した。",
    "また、学校や病院などの公共施設の耐震化も進める。古い建物の改修には国の補助金も使われる予定だ。",
)


@dataclass(frozen=True, slots=True)
class HostileFile:
    """One entry of the corpus: its name in the folder and what makes it hostile."""

    name: str
    what: str


def english_paragraphs(seed: str, count: int = 6) -> list[str]:
    """Plain news-like prose, different for every seed (so the corpus holds no near-duplicates)."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
            for _ in range(rng.randint(3, 4))
        ]
        paragraphs.append(" ".join(sentences))
    return paragraphs


def html_page(
    title: str, paragraphs: list[str] | tuple[str, ...], *, lang: str = "en", head: str = ""
) -> str:
    """A plain article page: navigation, headline, paragraphs in an <article>, footer."""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head>{head}<title>{title}</title></head><body>\n'
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>\n'
        f"<article><h1>{title}</h1>\n{body}\n</article>\n"
        "<footer>Copyright The Hostile Gazette</footer>\n</body></html>\n"
    )


def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _write_streamed(path: Path, pieces, *, compress: bool = False) -> None:
    """Write a large file piece by piece, so building the corpus does not itself need the memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16) if compress else None
    with path.open("wb") as handle:
        for piece in pieces:
            handle.write(packer.compress(piece) if packer else piece)
        if packer:
            handle.write(packer.flush())


def _filler_paragraphs(total_bytes: int, seed: str):
    rng = random.Random(seed)
    written = 0
    while written < total_bytes:
        sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
        piece = f"<p>{sentence} {sentence.lower()}</p>\n".encode()
        written += len(piece)
        yield piece


def _big_page(total_bytes: int):
    """A page as big pages are in the wild: an article among megabytes of inline script and image data."""
    article = html_page("Port strike ends after nine days", english_paragraphs("big", 8))
    head, tail = article.split("<footer>", 1)
    yield head.encode()
    chunk = 1 * MEGABYTE
    remaining = total_bytes - len(article)
    state = remaining // 2
    yield b'<script>window.__STATE__ = {"items": "'
    for start in range(0, state, chunk):
        yield b"q" * min(chunk, state - start)
    yield b'"};</script>\n<img alt="chart" src="data:image/png;base64,'
    for start in range(0, remaining - state, chunk):
        yield b"A" * min(chunk, remaining - state - start)
    yield b'">\n<footer>' + tail.encode()


def build_corpus(folder: Path) -> list[HostileFile]:
    """Write the hostile corpus into `folder` (created if missing); returns every entry written, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[HostileFile] = []

    def add(name: str, what: str, data: bytes | str | None = None) -> Path:
        path = folder / name
        if data is not None:
            _write(path, data)
        entries.append(HostileFile(name, what))
        return path

    rng = random.Random(20241028)
    add("empty.txt", "no bytes at all", b"")
    add("whitespace.html", "only spaces, tabs and newlines", b"  \n\t\r\n   \n" * 100)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4096)
    add("image.html", "PNG bytes named .html", png)
    add("noise.txt", "random bytes named .txt", rng.randbytes(65_536))
    add(
        "ansi-escapes.txt",
        "terminal output full of control characters",
        b"\x1b[31m\x07\x08ok\x1b[0m\x01\x02" * 500,
    )
    nul_text = "\n\n".join([NUL_SENTENCE, *english_paragraphs("nul", 5)])
    add("nul-bytes.txt", "text with NUL bytes between words", nul_text.replace(" the ", " the\x00 ").encode())
    truncated = html_page("Storm closes schools", english_paragraphs("truncated", 6))
    add(
        "truncated.html",
        "HTML cut off in the middle of a tag",
        truncated[: int(len(truncated) * 0.8)] + "<p cla",
    )
    deep = (
        "<html><body>"
        + "<div>" * NESTING_LEVELS
        + "".join(f"<p>{paragraph}</p>" for paragraph in english_paragraphs("deep", 4))
        + "</div>" * NESTING_LEVELS
        + "</body></html>"
    )
    add("deep-nesting.html", f"{NESTING_LEVELS:,} levels of nested <div>", deep)

    too_large = add("too-large.html", f"{TOO_LARGE_BYTES // MEGABYTE} MB page, over the 20 MB cap")
    _write_streamed(too_large, _filler_paragraphs(TOO_LARGE_BYTES, "too-large"))
    big = add("big.html", f"{BIG_BYTES // MEGABYTE} MB page (inline script and image data) under the cap")
    _write_streamed(big, _big_page(BIG_BYTES))

    scripts = "".join(
        f"<script>var a{i} = '<p>not text {i}</p>';</script><style>p{{x:{i}}}</style>" for i in range(200)
    )
    add(
        "all-script.html",
        "only <script> and <style>",
        f"<html><head>{scripts}</head><body>{scripts}</body></html>",
    )
    # A stray byte in the middle and a character cut in two at the end, as a botched copy leaves them.
    invalid = "\n\n".join(
        [INVALID_UTF8_SENTENCE, *english_paragraphs("invalid-utf8", 5), "Ends \u2014"]
    ).encode()
    invalid = invalid.replace(b" workers.", b" workers.\xff", 1)[:-1]
    add("invalid-utf8.txt", "UTF-8 with a stray byte and a cut character", invalid)

    cp1252_paragraphs = [CP1252_SENTENCE, *english_paragraphs("cp1252", 5)]
    declared = '<meta charset="windows-1252">'
    add(
        "cp1252-declared.html",
        "cp1252 page that declares windows-1252",
        html_page("Paris prices", cp1252_paragraphs, head=declared).encode("cp1252"),
    )
    add(
        "cp1252-undeclared.txt",
        "cp1252 text with no declaration",
        "\n\n".join([CP1252_SENTENCE, *english_paragraphs("cp1252-plain", 5)]).encode("cp1252"),
    )
    add(
        "cp1252-declared-utf8.html",
        "cp1252 page that wrongly declares utf-8",
        html_page(
            "Paris prices again",
            [CP1252_SENTENCE, *english_paragraphs("cp1252-lie", 5)],
            head='<meta charset="utf-8">',
        ).encode("cp1252"),
    )
    add(
        "shift-jis-declared.html",
        "Shift-JIS page that declares shift_jis",
        html_page("防災計画", JAPANESE_PARAGRAPHS, lang="ja", head='<meta charset="shift_jis">').encode(
            "shift_jis"
        ),
    )
    add(
        "shift-jis-undeclared.txt",
        "Shift-JIS text with no declaration",
        "\n\n".join(JAPANESE_PARAGRAPHS).encode("shift_jis"),
    )
    add(
        "shift-jis-declared-latin1.html",
        "Shift-JIS page that wrongly declares iso-8859-1",
        html_page(
            "防災計画",
            JAPANESE_PARAGRAPHS,
            lang="ja",
            head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        ).encode("shift_jis"),
    )
    # Browsers read a page that says iso-8859-1 as windows-1252: its curly quotes are bytes 0x93 and 0x94.
    latin1 = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    add(
        "latin1-declared-quotes.html",
        "curly quotes in a page that declares iso-8859-1",
        html_page("Bridge", [QUOTE_SENTENCE, *english_paragraphs("latin1", 5)], head=latin1).encode("cp1252"),
    )
    mojibake = "\n\n".join([MOJIBAKE_SENTENCE, *english_paragraphs("mojibake", 5)])
    # What a CMS does that reads UTF-8 as Windows-1252 (bytes it has no letter for pass through as they are).
    misread = mojibake.encode("utf-8").decode("sloppy-windows-1252")
    add("mojibake.txt", "UTF-8 read as Windows-1252 and saved again", misread.encode("utf-8"))
    add(
        "utf16.txt",
        "UTF-16 text with a byte-order mark",
        "\n\n".join(english_paragraphs("utf16", 5)).encode("utf-16"),
    )
    add(
        "html-in-a.txt",
        "an HTML page saved as .txt",
        html_page("Tram line opens", english_paragraphs("in-txt")),
    )
    add("UPPER-CASE.HTML", "an upper-case suffix", html_page("Bay closed", english_paragraphs("upper")))
    add("old-mac.txt", "carriage returns only", "\r".join(english_paragraphs("old-mac")).encode())
    add("punctuation.txt", "no letters at all", "•••\n***\n— — —\n|||\n" * 20)

    packed = gzip.compress(html_page("Rail timetable", english_paragraphs("gzip")).encode())
    add("article.html.gz", "a good gzip of an article", packed)
    add("truncated.html.gz", "a gzip cut short", packed[: len(packed) // 2])
    add("not-gzip.txt.gz", "plain text named .gz", "\n\n".join(english_paragraphs("not-gzip")))
    bomb = add("bomb.html.gz", f"small .gz that unpacks to {BOMB_UNPACKED_BYTES // MEGABYTE} MB")
    _write_streamed(
        bomb, (b"<p>" + b" " * (MEGABYTE - 3) for _ in range(BOMB_UNPACKED_BYTES // MEGABYTE)), compress=True
    )

    add("german.html", "a German article", html_page("Neue Brücke", GERMAN_PARAGRAPHS, lang="de"))
    add("polish.txt", "a Polish article, plain text", "\n\n".join(POLISH_PARAGRAPHS))
    add(
        "polish-cp1250.txt",
        "Polish in cp1250, undeclared",
        "\n\n".join(POLISH_PARAGRAPHS[1:]).encode("cp1250"),
    )
    headlines = [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}" for _ in range(40)]
    teasers = "".join(f'<li><a href="/news/{index}">{line}</a></li>' for index, line in enumerate(headlines))
    add(
        "home-page.html",
        "a home page of link lists, no article",
        f"<html><body><nav><ul>{teasers[:800]}</ul></nav><main><ul>{teasers}</ul></main></body></html>",
    )
    add("notes.md", "not an article type (passed over)", "# notes\n")
    add("photo.jpg", "not an article type (passed over)", b"\xff\xd8\xff\xe0" + rng.randbytes(512))

    os.symlink(folder, folder / "loop")
    entries.append(HostileFile("loop", "a symbolic link to its own folder (a loop)"))
    os.symlink(folder / "missing.html", folder / "dangling.html")
    entries.append(HostileFile("dangling.html", "a symbolic link to nothing"))
    add("new\nline.html", "a newline in the file name", html_page("Ferry", english_paragraphs("newline")))
    # Linux file systems take any bytes; some others refuse a name that is not UTF-8 (then it is left out).
    with contextlib.suppress(OSError):
        add(NON_UTF8_NAME, "a file name that is not UTF-8", html_page("Café", english_paragraphs("latin-1")))
    os.mkfifo(folder / "fifo.html")
    entries.append(HostileFile("fifo.html", "a named pipe (FIFO): opening it for reading would block"))
    locked = add(
        "locked.html",
        "permissions 000 (root still reads it)",
        html_page("Locked", english_paragraphs("locked")),
    )
    locked.chmod(0)
    return entries


def shown(name: str) -> str:
    """A file name fit to print and store: bytes that are not UTF-8 as \\xNN, a newline as \\n."""
    return os.fsencode(name).decode("utf-8", "backslashreplace").replace("\n", "\\n")


def is_root() -> bool:
    """Permission bits do not stop root, so a chmod-000 file is readable in CI containers."""
    return os.geteuid() == 0


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / MEGABYTE  # the kernel writes kB (KiB)
    except OSError:
        pass
    return None


def rss_now_mb() -> float:
    """Resident memory now (VmRSS), else the peak so far where /proc is missing."""
    return _status_mb("VmRSS") or peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident memory of this process image.

    getrusage's ru_maxrss survives fork and exec on Linux (a child started from a 250 MB parent reports
    250 MB before doing anything), so the kernel's own high-water mark VmHWM is preferred where it exists.
    """
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MEGABYTE


def outcome_of(path: Path, *, max_bytes: int = DOCUMENT_CAP, extract: bool = True) -> str:
    """read → clean (→ extract) as plain functions: 'landed (charset, language, words)' or 'stage/reason'."""
    from tasks.clean import clean_documents
    from tasks.extract import extract_articles
    from tasks.ingest.files import read_file
    from tasks.records import Reject, SourceItem
    from tasks.settings import Settings

    read = read_file(SourceItem("hostile", str(path)), max_bytes=max_bytes)
    if isinstance(read, Reject):
        return f"{read.stage}/{read.reason}"
    cleaned, rejects = clean_documents([read])
    if rejects:
        return f"{rejects[0].stage}/{rejects[0].reason}"
    if not extract:
        return f"cleaned ({read.charset}, {sum(map(len, cleaned[0].paragraphs)):,} characters kept)"
    articles, rejects = extract_articles(cleaned, Settings(max_document_bytes=max_bytes))
    if rejects:
        return f"{rejects[0].stage}/{rejects[0].reason}"
    article = articles[0]
    return f"landed ({read.charset}, {article.language}, {article.word_count:,} words)"


def measure(path: Path, *, max_bytes: int = DOCUMENT_CAP, extract: bool = True) -> dict[str, float | str]:
    """Run `outcome_of` in this process: seconds, tracemalloc peak, RSS before and at the peak, in MB.

    A peak only says something about one file in a fresh process (it never goes down): see
    `measure_in_subprocess`. The extractors' word lists and gazetteers load first: not the page's cost.
    """
    import tasks.clean
    import tasks.extract
    import tasks.ingest.files  # noqa: F401  (imports happen before the baseline)

    if extract:
        from datetime import UTC, datetime

        from tasks.extract import extract_article
        from tasks.records import CleanDocument
        from tasks.settings import Settings

        warm = ("“We will rebuild the bridge by March,” Mayor Ana Lopez said in Paris on Monday.",)
        extract_article(
            CleanDocument("warm", "warm", None, datetime.now(UTC), "text/plain", warm), Settings()
        )

    rss_before = rss_now_mb()
    tracemalloc.start()
    started = time.perf_counter()
    outcome = outcome_of(path, max_bytes=max_bytes, extract=extract)
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "outcome": outcome,
        "seconds": round(seconds, 3),
        "traced_peak_mb": round(traced_peak / MEGABYTE, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_peak_mb": round(peak_rss_mb(), 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MEGABYTE, 1),
    }


def measure_in_subprocess(path: Path, *, max_bytes: int = DOCUMENT_CAP, extract: bool = True) -> dict:
    """`measure` in a fresh interpreter, so its peak RSS belongs to this one file."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--measure",
        str(path),
        "--max-bytes",
        str(max_bytes),
    ]
    if not extract:
        command.append("--no-extract")
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _text_heavy_page(path: Path, total_bytes: int) -> None:
    """Megabytes of real paragraphs in one <article>: the worst case for clean and extract (bench only)."""
    head = html_page("Minutes of the council", english_paragraphs("minutes", 2)).split("</article>", 1)
    _write_streamed(
        path,
        [head[0].encode(), *_filler_paragraphs(total_bytes, "minutes"), b"</article>" + head[1].encode()],
    )


def _print_measured(label: str, figures: dict) -> None:
    growth = figures["rss_peak_mb"] - figures["rss_before_mb"]
    print(
        f"{label:<34} {figures['outcome']:<44} {figures['seconds']:>8.2f} {figures['traced_peak_mb']:>8.1f} "
        f"{figures['rss_before_mb']:>8.0f} {figures['rss_peak_mb']:>8.0f} {growth:>8.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the corpus in this folder and keep it")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one file, in this process, as JSON
    parser.add_argument("--max-bytes", type=int, default=DOCUMENT_CAP, help=argparse.SUPPRESS)
    parser.add_argument("--no-extract", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, max_bytes=args.max_bytes, extract=not args.no_extract)))
        return

    from tasks.ingest.files import discover_files

    folder = args.keep or Path(tempfile.mkdtemp(prefix="wirehouse-hostile-"))
    corpus = folder / "corpus"
    try:
        started = time.perf_counter()
        entries = build_corpus(corpus)
        print(f"built {len(entries)} entries in {corpus} in {time.perf_counter() - started:.1f}s")
        found = discover_files([str(corpus)])
        items = {Path(item.location).name: Path(item.location) for item in found.items}
        walk_rejects = {Path(reject.source).name: reject for reject in found.rejects}
        skipped = {Path(location).name for location in found.skipped}
        printable = {entry.name: shown(entry.name) for entry in entries}
        print(
            f"discovered {len(items)} items, {len(skipped)} passed over, {len(walk_rejects)} rejected walking"
        )
        print(f"\n{'file':<34} {'outcome (read → clean → extract)':<44} {'seconds':>7}")
        for entry in entries:
            name = printable[entry.name]
            if entry.name in items:
                started = time.perf_counter()
                outcome = outcome_of(items[entry.name])
                print(f"{name:<34} {outcome:<44} {time.perf_counter() - started:>7.2f}")
            elif name in walk_rejects:
                print(f"{name:<34} {'ingest/' + walk_rejects[name].reason:<44}")
            else:
                outcome = "passed over" if entry.name in skipped else f"no item: {entry.what}"
                print(f"{name:<34} {outcome:<44}")

        print("\nMemory, each case in a fresh interpreter, in MB: Python heap peak (tracemalloc) and RSS")
        print("(VmRSS before, VmHWM peak; ru_maxrss where /proc is missing) and the growth between the two")
        columns = ("seconds", "traced", "RSS base", "RSS peak", "growth")
        print(f"{'case':<34} {'outcome':<44} " + " ".join(f"{column:>8}" for column in columns))
        for name in ("too-large.html", "bomb.html.gz", "big.html"):
            _print_measured(f"{name} read+clean", measure_in_subprocess(items[name], extract=False))
        _print_measured("big.html read+clean+extract", measure_in_subprocess(items["big.html"]))
        lifted = 2 * TOO_LARGE_BYTES
        _print_measured(
            "too-large.html, 60 MB cap, +clean",
            measure_in_subprocess(items["too-large.html"], max_bytes=lifted, extract=False),
        )
        heavy = folder / "text-heavy.html"
        _text_heavy_page(heavy, BIG_BYTES)
        _print_measured("15 MB of paragraphs, read+clean", measure_in_subprocess(heavy, extract=False))
        _print_measured("15 MB of paragraphs, +extract", measure_in_subprocess(heavy))
    finally:
        if args.keep is None:
            if (corpus / "locked.html").exists():
                (corpus / "locked.html").chmod(stat.S_IRUSR | stat.S_IWUSR)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
