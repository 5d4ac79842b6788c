"""Text folding for matching: case and accents folded, offsets kept.

Rules match keywords on folded text but quote the original text as evidence, so folding
must map every character to exactly one character: the offsets of a match in the folded
text are then the offsets of the quote in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_FOLD_LIMIT = 0x3000  # Latin, Greek, Cyrillic, punctuation, symbols: what web copy uses


@cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(_FOLD_LIMIT):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1 and base != char:
            table[code] = base
        elif len(base) != 1 and char.lower() != char and len(char.lower()) == 1:
            table[code] = char.lower()
    # Typographic apostrophes and dashes fold to their ASCII forms ("l’infolettre").
    for code, repl in {0x2019: "'", 0x2018: "'", 0x2013: "-", 0x2014: "-", 0xA0: " "}.items():
        table[code] = repl
    return table


def collapse_spaces(text: str) -> str:
    """One space between words, none at the ends.

    `str.split()` and the `\\s+` of `re.sub` agree on what a space is, and splitting is
    several times faster on a page's text (tests/test_page.py checks every character).
    """
    return " ".join(text.split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one character.

    The same as `text.translate(_fold_table())`, faster on long text: ASCII runs are
    lower-cased with `str.lower` (which is what the table does to ASCII), and only the few
    accented runs go through the table.
    """
    if text.isascii():
        return text.lower()
    table = _fold_table()
    parts = _NON_ASCII.split(text)
    runs = _NON_ASCII.findall(text)
    out = [parts[0].lower()]
    for run, ascii_part in zip(runs, parts[1:], strict=True):
        out.append(run.translate(table))
        out.append(ascii_part.lower())
    return "".join(out)


def snippet(text: str, start: int, end: int, width: int = 160) -> str:
    """Quote text around [start, end) in at most `width` characters, on word edges."""
    span = end - start
    if span >= width:
        return text[start : start + width - 1].rstrip() + "…"
    pad = (width - span) // 2
    left = max(0, start - pad)
    right = min(len(text), end + pad)
    quote = text[left:right]
    if left > 0:
        cut = quote.find(" ")
        quote = "…" + (quote[cut + 1 :] if 0 <= cut < pad else quote)
    if right < len(text):
        cut = quote.rfind(" ")
        quote = (quote[:cut] if cut > len(quote) - pad else quote) + "…"
    return clean_snippet(quote, width)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_snippet(text: str, width: int = 160) -> str:
    """Strip control characters, collapse spaces and bound the length of a quote.

    Most quotes are clean already (a page's text has its spaces collapsed): printable text
    holds no control character and no space but " ", so without a double, leading or
    trailing space it is left as it is, at the cost of two scans instead of three passes.
    """
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = collapse_spaces(_CONTROL.sub(" ", text))
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
