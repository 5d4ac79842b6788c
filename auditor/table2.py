"""The study's Table 2 as data: letters, names, categories, direction, group counts.

Shipped in the package (`auditor/data/table2.csv`, copied from the study) so that rules,
scoring and reports share one source instead of retyping it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Tool:
    """One Table-2 practice or tool."""

    letter: str
    name_en: str
    name_fr: str
    category: str  # digital or traditional
    subcategory: str  # events, documentation, relations or ''
    direction: str  # direct (two-way) or indirect (one-way)
    entry_firms: int
    post_entry_firms: int
    web_observable: str  # yes, partial or no

    @property
    def observable(self) -> bool:
        return self.web_observable != "no"

    @property
    def group(self) -> str:
        """Table 2's grouping: digital, events, documentation or relations."""
        return self.subcategory or self.category


@cache
def tools() -> dict[str, Tool]:
    """All 25 tools by letter, in Table 2's order."""
    text = resources.files("auditor.data").joinpath("table2.csv").read_text(encoding="utf-8")
    result: dict[str, Tool] = {}
    for row in csv.DictReader(text.splitlines()):
        result[row["letter"]] = Tool(
            letter=row["letter"],
            name_en=row["tool_en"],
            name_fr=row["tool_fr"],
            category=row["category"],
            subcategory=row["subcategory"],
            direction=row["direction"],
            entry_firms=int(row["entry_firms"]),
            post_entry_firms=int(row["post_entry_firms"]),
            web_observable=row["web_observable"],
        )
    return result


def letters() -> list[str]:
    return list(tools())


def observable_letters() -> list[str]:
    return [t.letter for t in tools().values() if t.observable]
