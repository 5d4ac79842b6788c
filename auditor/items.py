"""What the spider hands to the pipelines: fetched pages with their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

LOCATIONS = ("nav", "header", "footer", "body", "script", "meta", "jsonld", "link", "form")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a rule believes a tool is present: a value, where it was seen, a quote.

    `value` is what was found (an address, a profile URL, a tag id); `snippet` is text only,
    at most 160 characters, so that a reader can check the claim without opening the page.
    """

    letter: str
    rule_id: str
    value: str
    url: str
    location: str
    snippet: str
    confidence: float = 1.0


@dataclass(slots=True)
class PageItem:
    """One fetched response and what the rules found on it."""

    firm_id: str
    url: str
    status: int
    content_type: str
    size: int
    depth: int
    lang: str = ""
    title: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class FirmOutcome:
    """How one firm's crawl ended, stored in the firm's row of the run."""

    firm_id: str
    status: str  # done, partial or failed
    reason: str
    pages: int
    errors: int
