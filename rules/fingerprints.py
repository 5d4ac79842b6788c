"""Load the marketing-technology fingerprints and match them, one compiled pass per channel.

The patterns are data (`fingerprints.json`); this module only compiles them: every channel
becomes one alternation of named groups, so a page costs one regex pass per script, not
one per technology.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

CHANNELS = ("script_src", "inline", "iframe")


@dataclass(frozen=True, slots=True)
class Technology:
    name: str
    category: str
    id_pattern: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Match:
    technology: Technology
    channel: str
    matched: str  # the text that matched, for the evidence snippet
    tracking_id: str


@dataclass(frozen=True, slots=True)
class Fingerprints:
    technologies: tuple[Technology, ...]
    channels: dict[str, re.Pattern[str]]

    def scan(self, channel: str, text: str) -> list[Match]:
        """Every technology whose pattern for this channel occurs in text."""
        pattern = self.channels.get(channel)
        if pattern is None:
            return []
        found: dict[int, Match] = {}
        for hit in pattern.finditer(text):
            name = hit.lastgroup or next(k for k, v in hit.groupdict().items() if v is not None)
            index = int(name[1:].split("_")[0])
            if index in found:
                continue
            tech = self.technologies[index]
            tracking_id = ""
            if tech.id_pattern is not None:
                id_hit = tech.id_pattern.search(text)
                if id_hit:
                    tracking_id = id_hit.group(id_hit.lastindex or 0)
            found[index] = Match(tech, channel, hit.group(0), tracking_id)
        return list(found.values())


def raw_data() -> dict[str, object]:
    text = resources.files("rules").joinpath("fingerprints.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


@cache
def fingerprints() -> Fingerprints:
    """Compile the data file once per process."""
    entries = raw_data()["technologies"]
    assert isinstance(entries, list)
    techs: list[Technology] = []
    parts: dict[str, list[str]] = {c: [] for c in CHANNELS}
    for index, entry in enumerate(entries):
        id_pattern = entry.get("id")
        techs.append(Technology(entry["name"], entry["category"],
                                re.compile(id_pattern) if id_pattern else None))
        for channel in CHANNELS:
            for n, pattern in enumerate(entry.get(channel, [])):
                parts[channel].append(f"(?P<t{index}_{n}>{pattern})")
    channels = {c: re.compile("|".join(p), re.IGNORECASE) for c, p in parts.items() if p}
    return Fingerprints(tuple(techs), channels)
