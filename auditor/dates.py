"""Find calendar dates in folded French or English text (2025-03-14, March 14, 2025, 14 mars 2025)."""

from __future__ import annotations

import re
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


def find_dates(folded: str) -> list[date]:
    """Valid dates written in folded text, in order of appearance."""
    found: list[date] = []
    for hit in DATE_PATTERN.finditer(folded):
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
