"""Bytes to text: byte-order marks, declared charsets, detection, mojibake repair, content sniffing.

Shared by every source kind, so a saved file and a fetched page are decoded the same way.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
import ftfy

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">, in the first 4 KB
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b",
    re.IGNORECASE | re.DOTALL,
)
# Labels that browsers decode with a superset (WHATWG Encoding Standard): a page that says iso-8859-1 and
# uses curly quotes means windows-1252, whose bytes 0x80-0x9F are letters and marks, not control codes.
_WEB_SUPERSETS = {"iso8859-1": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874"}
# UTF-8 with a few broken sequences (a cut multi-byte character, a stray byte) is still UTF-8 when valid
# multi-byte characters outnumber the broken ones this many times. Legacy text read as UTF-8 shows fewer
# than 0.35 valid per broken (measured on cp1250/1251/1252, koi8-r, Shift-JIS, EUC-JP/KR, GBK samples).
_UTF8_VALID_PER_BROKEN = 3
# Detection cannot tell apart 8-bit code pages that decode the bytes equally well (cp1250, cp1252, cp1257
# on text with a few accents); the web's default for legacy pages (WHATWG) wins such a tie.
_DETECTION_TIE_WINNER = "cp1252"
# Decodings whose chaos (percent) is within this of the best one are compared by symbols inside words:
# Latin-1 signs between two letters (soft hyphen, middle dot and micro sign left out: they belong there).
_CLOSE_CHAOS = 1.0
_SYMBOL_INSIDE_WORD = re.compile(
    r"(?<=[^\W\d_])[\u00a1-\u00ac\u00ae-\u00b4\u00b6\u00b8-\u00bf\u00d7\u00f7](?=[^\W\d_])"
)
# Magic numbers of formats that are surely not text (images, archives, documents, executables).
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"BM",
    b"RIFF",
    b"OggS",
    b"fLaC",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"7z\xbc\xaf",
    b"Rar!",
)


class DecodeError(ValueError):
    """Raised when bytes cannot be read as text; `reason` is a stable reject code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    charset: str
    content_type: str  # text/html or text/plain


# Control characters that text does not use (tab, line feeds, form feed and carriage return it does).
_CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))


def looks_binary(raw: bytes) -> bool:
    """True for known binary formats and for bytes with many control characters."""
    if raw.startswith(_BINARY_MAGIC):
        return True
    sample = raw[:8192]
    if not sample:
        return False
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return False  # UTF-16/32 text has NULs by design
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """The media type (lower-case, no parameters) and the charset parameter of a Content-Type header."""
    if not header:
        return "", None
    media_type, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def sniff_content_type(raw: bytes, declared: str | None) -> str:
    """HTML if the bytes start like HTML, else what the name or header said, else plain text."""
    head = raw[:2048].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return "text/html"
    if declared in ("text/html", "application/xhtml+xml"):
        return "text/html"
    return "text/plain"


def _declared_charset(raw: bytes, header_charset: str | None) -> str | None:
    for candidate in (header_charset, _meta_charset(raw)):
        if not candidate:
            continue
        try:
            name = codecs.lookup(candidate).name
        except LookupError:
            continue
        return _WEB_SUPERSETS.get(name, name)
    return None


def _mostly_utf8(raw: bytes) -> str | None:
    """The text of UTF-8 bytes with a few broken sequences (replaced by U+FFFD), else None."""
    text = raw.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - raw.count("\ufffd".encode())
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return text if multibyte >= _UTF8_VALID_PER_BROKEN * max(broken, 1) else None


def _detect(raw: bytes) -> str | None:
    """The encoding charset-normalizer finds most plausible, corrected where its measures cannot tell."""
    matches = charset_normalizer.from_bytes(raw[:200_000])
    best = matches.best()
    if best is None:
        return None
    # Its chaos measure lets Polish in cp1250 read as cp1252 ("mias³o", "rzek¹"): among decodings about as
    # clean, the one with the fewest symbols inside words wins.
    close = [match for match in matches if match.percent_chaos <= best.percent_chaos + _CLOSE_CHAOS]
    broken = {id(match): len(_SYMBOL_INSIDE_WORD.findall(str(match))) for match in close}
    fewest = min(broken.values())
    chosen = next(match for match in close if broken[id(match)] == fewest)
    for match in close:
        if (
            _scores(match) == _scores(chosen)
            and broken[id(match)] == fewest
            and _DETECTION_TIE_WINNER in (match.encoding, *match.could_be_from_charset)
        ):
            return _DETECTION_TIE_WINNER
    return chosen.encoding


def _scores(match: charset_normalizer.CharsetMatch) -> tuple[float, float]:
    return match.percent_chaos, match.percent_coherence


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _repair_mojibake(text: str) -> str:
    """ftfy's repair, line by line and only on lines with the marks of UTF-8 read as a one-byte charset.

    ftfy weighs every character it is given: on a whole 150 KB page with a few broken lines it took 20-300
    ms, a line at a time under 2 ms, with the same result (ftfy itself repairs text in segments)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if "Ã" in line or "Â" in line or "â€" in line:
            lines[index] = ftfy.fix_encoding(line)
    return "".join(lines)


def decode_bytes(
    raw: bytes, *, declared_type: str | None = None, header_charset: str | None = None
) -> DecodedText:
    """Decode with BOM, then the declared charset, then detection; repair mojibake with ftfy."""
    if not raw.strip():
        raise DecodeError("empty", "the item is empty or holds only whitespace")
    if looks_binary(raw):
        raise DecodeError("binary", "the item is binary data, not text or HTML")
    content_type = sniff_content_type(raw, declared_type)

    text: str | None = None
    charset: str | None = None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            text, charset = raw.decode(name, errors="replace"), name
            break
    if text is None:
        declared = _declared_charset(raw, header_charset)
        # A declared charset is trusted only if the bytes decode cleanly with it: pages often lie.
        for name in filter(None, (declared, "utf-8")):
            try:
                text, charset = raw.decode(name), name
                break
            except (UnicodeDecodeError, LookupError):
                continue
    if text is None and (text := _mostly_utf8(raw)) is not None:
        charset = "utf-8"
    if text is None:
        charset = _detect(raw)
        if charset is None:
            raise DecodeError("bad_encoding", "no character encoding decodes this item")
        text = raw.decode(charset, errors="replace")
    if "\x00" in text:
        text = text.replace("\x00", "")
    # ftfy repairs UTF-8 read as Latin-1 ("Ã©"); check cheaply first since it is slow on long text.
    if "Ã" in text or "â€" in text:
        text = _repair_mojibake(text)
    return DecodedText(text=text, charset=charset or "utf-8", content_type=content_type)
