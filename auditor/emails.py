"""Find e-mail addresses on a page, obfuscated forms included.

Sources: mailto links, visible text, Cloudflare `data-cfemail` strings, `info [at] firm
[dot] ca` spellings and JSON-LD `email`. Each address comes with where it was seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from auditor.page import Page

_EMAIL = re.compile(r"\b([a-z0-9][a-z0-9._%+\-]{0,63})@((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b",
                    re.IGNORECASE)
_OBFUSCATED = re.compile(
    r"\b([a-z0-9][a-z0-9._\-]{0,63})\s*[\[\(\{]\s*(?:at|arobase|@)\s*[\]\)\}]\s*"
    r"((?:[a-z0-9\-]+\s*[\[\(\{]\s*(?:dot|point|\.)\s*[\]\)\}]\s*)+[a-z]{2,24})\b",
    re.IGNORECASE,
)
_DOT = re.compile(r"\s*[\[\(\{]\s*(?:dot|point|\.)\s*[\]\)\}]\s*", re.IGNORECASE)
_AT_WORD = re.compile(r"(?:at|arobase|@)\Z", re.IGNORECASE)  # as in _OBFUSCATED
_CLOUDFLARE_PATH = "/cdn-cgi/l/email-protection#"


@dataclass(frozen=True, slots=True)
class FoundEmail:
    address: str  # lower-case
    location: str  # body, nav, header, footer, jsonld
    source: str  # mailto, text, cloudflare, obfuscated, jsonld
    start: int = -1  # offset in page.text for text finds, else -1
    end: int = -1


def decode_cfemail(hexstring: str) -> str | None:
    """Cloudflare's e-mail protection: the first byte is a key XORed with every other byte."""
    try:
        data = bytes.fromhex(hexstring.strip())
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        text = bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _EMAIL.fullmatch(text) else None


def _jsonld_emails(node: object, found: list[str]) -> list[str]:
    """Every `email` string in a JSON-LD tree, depth first in document order, into `found`.

    A plain recursive function that steps only into dicts and lists: a schema.org graph has
    hundreds of scalars, and a generator per scalar (which yields nothing) cost the most.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "email" and isinstance(value, str):
                found.append(value.removeprefix("mailto:"))
            elif isinstance(value, (dict, list)):
                _jsonld_emails(value, found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _jsonld_emails(item, found)
    return found


def text_addresses(text: str) -> Iterator[re.Match[str]]:
    """`_EMAIL.finditer(text)`, searching only from 64 characters before each '@'.

    An address holds one '@' with at most 64 characters before it, and `\\b` still sees
    the character before the search position, so the matches are the same; the pattern no
    longer tries to start a match at every character of a long page.
    """
    pos = 0
    at = text.find("@")
    while at >= 0:
        hit = _EMAIL.search(text, max(pos, at - 64))
        if hit is None:
            return
        yield hit
        pos = hit.end()
        at = text.find("@", pos)


def _closes_an_at(text: str) -> bool:
    """Whether a `]`, `)` or `}` follows "at", "arobase" or "@", maybe with spaces between.

    Every _OBFUSCATED match holds one (`at|arobase|@`, `\\s*`, then a closer; `\\s` is what
    `str.isspace` calls a space), so a page without one has no obfuscated address. Closers
    are few and found by memchr, while the folded-text tests scan the whole text. An ASCII
    character other than t, T, e, E and @ cannot end those words: no pattern call for it.
    """
    for closer in "])}":
        at = text.find(closer)
        while at >= 0:
            end = at
            while end and text[end - 1].isspace():
                end -= 1
            last = text[end - 1] if end else ""
            if (not last.isascii() or last in "tTeE@") and _AT_WORD.search(
                    text, max(0, end - 7), end):
                return True
            at = text.find(closer, at + 1)
    return False


def _obfuscated(page: Page) -> bool:
    """Whether to look for `info [at] firm [dot] ca` spellings at all."""
    if not _closes_an_at(page.text):
        return False  # a necessary condition of _OBFUSCATED: the plain test below is moot
    folded = page.folded
    return "at]" in folded or "at)" in folded or "at}" in folded or "arobase" in folded


def find_emails(page: Page) -> Iterator[FoundEmail]:
    """Every address on the page, possibly repeated from several sources."""
    for link in page.mailto:
        target = unquote(link.url[7:]).split("?", 1)[0]
        for part in target.split(","):
            if _EMAIL.fullmatch(part.strip()):
                yield FoundEmail(part.strip().lower(), link.region, "mailto")
    for link in page.links:
        if _CLOUDFLARE_PATH in link.raw_href:
            decoded = decode_cfemail(link.raw_href.rsplit("#", 1)[1])
            if decoded:
                yield FoundEmail(decoded.lower(), link.region, "cloudflare")
    for hexstring in page.cf_emails:
        decoded = decode_cfemail(hexstring)
        if decoded:
            yield FoundEmail(decoded.lower(), "body", "cloudflare")
    for hit in text_addresses(page.text):
        yield FoundEmail(hit.group(0).lower(), "body", "text", hit.start(), hit.end())
    for hit in _OBFUSCATED.finditer(page.text) if _obfuscated(page) else ():
        domain = _DOT.sub(".", hit.group(2))
        yield FoundEmail(f"{hit.group(1)}@{domain}".lower(), "body", "obfuscated", hit.start(), hit.end())
    for node in page.jsonld:
        for address in _jsonld_emails(node, []):
            if _EMAIL.fullmatch(address):
                yield FoundEmail(address.lower(), "jsonld", "jsonld")
