"""Read RSS, Atom and YouTube channel feeds: how many posts, and the date of the latest.

Feeds are hostile input like any page: the XML parser resolves no entity, loads no DTD and
fetches nothing; a feed that cannot be read yields no date rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

MAX_FEED_BYTES = 5 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, recover=True)
_DATE_TAGS = ("pubDate", "published", "updated", "date", "issued", "modified")
_ENTRY_TAGS = ("item", "entry")


@dataclass(frozen=True, slots=True)
class FeedSummary:
    """What a feed says about activity."""

    kind: str  # rss or atom (RSS 1.0/RDF counts as rss)
    entries: int
    latest: datetime | None  # the newest entry date not after `not_after`
    title: str
    future: int = 0  # entries dated after `not_after`: scheduled events, not posts


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_date(text: str) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom) dates, as aware UTC datetimes."""
    text = text.strip()[:100]
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)  # Python 3.11 reads the "Z" suffix
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 with an offset
        return None


def summarise_feed(body: bytes, not_after: datetime | None = None) -> FeedSummary | None:
    """None when the body is not a feed at all. An entry's date is its newest date element
    (published, updated, pubDate, dc:date…); entries dated after `not_after` (an event
    announced ahead, a wrong clock) are counted apart and never make the feed look alive."""
    if not body.strip():
        return None
    try:
        root = etree.fromstring(body[:MAX_FEED_BYTES], _PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    name = _local(root.tag)
    if name not in ("rss", "feed", "RDF"):
        return None
    kind = "atom" if name == "feed" else "rss"
    title = ""
    entries = 0
    future = 0
    latest: datetime | None = None
    for element in root.iter():
        local = _local(element.tag)
        if local == "title" and not title and _local(element.getparent().tag) in ("channel", "feed"):
            title = (element.text or "").strip()[:200]
        elif local in _ENTRY_TAGS:
            entries += 1
            dates = [when for child in element
                     if _local(child.tag) in _DATE_TAGS and child.text
                     and (when := parse_date(child.text)) is not None]
            if not dates:
                continue
            when = max(dates)
            if not_after is not None and when > not_after:
                past = [d for d in dates if d <= not_after]  # published earlier, updated later
                if not past:
                    future += 1
                    continue
                when = max(past)
            if latest is None or when > latest:
                latest = when
    return FeedSummary(kind, entries, latest, title, future)
