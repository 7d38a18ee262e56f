"""Exact-copy detection: one normal form of an article's text and the sha256 of it.

Two texts that differ only in case, spacing, quote or dash style, or Unicode compatibility forms hash alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Typographic variants that syndication and CMS round-trips swap freely; folding them lets copies match.
_CHARACTER_FOLDS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / typographic apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime, often used as an apostrophe
        "\u0060": "'",  # grave accent typed for an apostrophe
        "\u00b4": "'",  # acute accent typed for an apostrophe
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark (German)
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u2033": '"',  # double prime
        "\u00ab": '"',  # left guillemet
        "\u00bb": '"',  # right guillemet
        "\u2039": "'",  # single left guillemet
        "\u203a": "'",  # single right guillemet
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u00ad": None,  # soft hyphen: invisible, inserted by some CMSs for line breaking
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # byte-order mark left inside text
    }
)
# The same folds as a pattern and a lookup: most texts hold few of these characters, and substituting the few
# found is much faster than `str.translate` looking up every character of the text.
_FOLD_TARGETS = {
    chr(code): "" if folded is None else chr(folded) if isinstance(folded, int) else folded
    for code, folded in _CHARACTER_FOLDS.items()
}
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD_TARGETS)) + "]")


def _fold(text: str) -> str:
    return _FOLDABLE.sub(lambda match: _FOLD_TARGETS[match.group()], text)


def normalise_text(text: str) -> str:
    """Fold case, Unicode compatibility forms, quote and dash styles and whitespace runs into one form."""
    # Fold before NFKC because NFKC decomposes some of the folded marks (an acute accent becomes a space and
    # a combining mark), and after it because NFKC maps compatibility forms (small em dash) onto folded ones.
    # NFKC leaves ASCII as it is, so an ASCII text needs neither it nor the second fold.
    folded = _fold(text)
    if not folded.isascii():
        folded = _fold(unicodedata.normalize("NFKC", folded))
    # str.split() and the regex `\s` agree on what whitespace is (str.isspace): runs become one space.
    return " ".join(folded.casefold().split())


def text_hash(text: str) -> str:
    """The sha256 hex digest of the normalised text: equal for texts that are exact copies."""
    return normalised_hash(normalise_text(text))


def normalised_hash(normalised: str) -> str:
    """`text_hash` of a text already put through `normalise_text`."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
