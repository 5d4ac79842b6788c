"""Find calendar dates in folded French or English text (2025-03-14, March 14, 2025, 14 mars 2025).

The date pattern is searched only around the "19" and "20" of the text (every date has its
year), with the very matches a search of the whole text gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

MONTHS = {
    "january": 1, "jan": 1, "janvier": 1, "janv": 1, "february": 2, "feb": 2, "fevrier": 2,
    "fevr": 2, "fev": 2, "march": 3, "mar": 3, "mars": 3, "april": 4, "apr": 4, "avril": 4,
    "avr": 4, "may": 5, "mai": 5, "june": 6, "jun": 6, "juin": 6, "july": 7, "jul": 7,
    "juillet": 7, "juil": 7, "august": 8, "aug": 8, "aout": 8, "september": 9, "sep": 9,
    "sept": 9, "septembre": 9, "october": 10, "oct": 10, "octobre": 10, "november": 11,
    "nov": 11, "novembre": 11, "december": 12, "dec": 12, "decembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_FULL = "|".join(sorted((m for m in MONTHS if len(m) > 4 or m in ("mars", "mai", "juin", "june", "july", "may")), key=len, reverse=True))
DATE_PATTERN = re.compile(
    rf"\b(?:(?P<y1>(?:19|20)\d\d)-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)"
    rf"|(?P<mo2>{_MONTH})\.? (?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,? (?P<y2>(?:19|20)\d\d)"
    rf"|(?P<d3>[0-3]?\d)(?:er)? (?P<mo3>{_MONTH})\.? (?P<y3>(?:19|20)\d\d)"
    rf"|(?P<mo4>{_MONTH_FULL}) (?:de )?(?P<y4>(?:19|20)\d\d))\b"
)


# Every date holds its year ("19…" or "20…") and is at most this long: 12 characters
# besides the month's name ("14er septembre. 2025", "september. 14th, 2025").
_REACH = max(len(month) for month in MONTHS) + 16
_CENTURIES = ("19", "20")


def _spans(folded: str) -> list[tuple[int, int]]:
    """The stretches of text that hold every date: `_REACH` characters around each "19" and
    "20", merged when they touch.

    The pattern tries a long alternation at every character, so it runs only there. A date
    lies within `_REACH` of its year, and so does everything the pattern reads to match it
    (the characters on either side, for `\\b`), so a search of each stretch finds the dates
    the search of the whole text finds. Cutting a stretch short cannot make a date up
    either: a match that reaches the cut holds a "19" or "20" whose stretch goes past it.
    """
    starts: list[int] = []
    for century in _CENTURIES:
        at = folded.find(century)
        while at >= 0:
            starts.append(at)
            at = folded.find(century, at + 1)
    starts.sort()
    size = len(folded)
    spans: list[tuple[int, int]] = []
    for at in starts:
        low, high = max(0, at - _REACH), min(size, at + _REACH + 1)
        if spans and low <= spans[-1][1]:
            if high > spans[-1][1]:
                spans[-1] = (spans[-1][0], high)
        else:
            spans.append((low, high))
    return spans


def _matches(folded: str) -> Iterator[re.Match[str]]:
    """`DATE_PATTERN.finditer(folded)`, searching only where a year could be (`_spans`)."""
    for low, high in _spans(folded):
        yield from DATE_PATTERN.finditer(folded, low, high)


def find_dates(folded: str) -> list[date]:
    """Valid dates written in folded text, in order of appearance."""
    found: list[date] = []
    for hit in _matches(folded):
        groups = hit.groupdict()
        try:
            if groups["y1"]:
                value = date(int(groups["y1"]), int(groups["m1"]), int(groups["d1"]))
            elif groups["y2"]:
                value = date(int(groups["y2"]), MONTHS[groups["mo2"]], int(groups["d2"]))
            elif groups["y3"]:
                value = date(int(groups["y3"]), MONTHS[groups["mo3"]], int(groups["d3"]))
            else:  # "April 2026": a month-precision date, counted as its first day
                value = date(int(groups["y4"]), MONTHS[groups["mo4"]], 1)
        except ValueError:
            continue
        found.append(value)
    return found
