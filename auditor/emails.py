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


def _jsonld_emails(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "email" and isinstance(value, str):
                yield value.removeprefix("mailto:")
            else:
                yield from _jsonld_emails(value)
    elif isinstance(node, list):
        for item in node:
            yield from _jsonld_emails(item)


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


def find_emails(page: Page) -> Iterator[FoundEmail]:
    """Every address on the page, possibly repeated from several sources."""
    for link in page.mailto:
        target = unquote(link.url[7:]).split("?", 1)[0]
        for part in target.split(","):
            if _EMAIL.fullmatch(part.strip()):
                yield FoundEmail(part.strip().lower(), link.region, "mailto")
    for link in page.links:
        if "/cdn-cgi/l/email-protection#" in link.raw_href:
            decoded = decode_cfemail(link.raw_href.rsplit("#", 1)[1])
            if decoded:
                yield FoundEmail(decoded.lower(), link.region, "cloudflare")
    for hexstring in page.cf_emails:
        decoded = decode_cfemail(hexstring)
        if decoded:
            yield FoundEmail(decoded.lower(), "body", "cloudflare")
    for hit in text_addresses(page.text):
        yield FoundEmail(hit.group(0).lower(), "body", "text", hit.start(), hit.end())
    folded = page.folded
    obfuscated = "at]" in folded or "at)" in folded or "at}" in folded or "arobase" in folded
    for hit in _OBFUSCATED.finditer(page.text) if obfuscated else ():
        domain = _DOT.sub(".", hit.group(2))
        yield FoundEmail(f"{hit.group(1)}@{domain}".lower(), "body", "obfuscated", hit.start(), hit.end())
    for node in page.jsonld:
        for address in _jsonld_emails(node):
            if _EMAIL.fullmatch(address):
                yield FoundEmail(address.lower(), "jsonld", "jsonld")
