"""Hosts, registered domains and start URLs, decided offline.

tldextract would fetch the Public Suffix List on first use; we build it with its bundled
copy (`suffix_list_urls=()`) and with private suffixes, so that `firm.github.io` is one
site and not all of github.io.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class DomainError(ValueError):
    """A domain given by a user that cannot be crawled."""


@dataclass(frozen=True, slots=True)
class Site:
    """Where a firm's crawl starts and what counts as the firm's own site."""

    host: str
    registered: str
    start_url: str


@cache
def registered_domain(host: str) -> str:
    """`www.shop.firm.co.uk` → `firm.co.uk`; the host itself when it has no known suffix."""
    parts = _EXTRACT(host.lower().rstrip("."))
    return parts.top_domain_under_public_suffix or host.lower()


@cache
def domain_label(host: str) -> str:
    """The name part of a registered domain: `firm` for `www.firm.co.uk`."""
    return _EXTRACT(host.lower().rstrip(".")).domain


def host_of(url: str) -> str:
    """Lower-case host of a URL, '' when it has none."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def same_site(url: str, registered: str) -> bool:
    """True when the URL's host is the registered domain or one of its subdomains."""
    host = host_of(url)
    return host == registered or host.endswith("." + registered)


def parse_site(raw: str) -> Site:
    """Accept `firm.com`, `www.firm.com` or `https://firm.com/fr/` and say where to start."""
    text = raw.strip()
    if not text:
        raise DomainError("empty domain")
    candidate = text if "://" in text else "https://" + text
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as exc:
        raise DomainError(f"unreadable domain {text!r}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise DomainError(f"unsupported scheme {parts.scheme!r} in {text!r}: use http or https")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise DomainError(f"bad domain {text!r}: not a valid host name") from None
    if not _HOST_RE.match(host):
        raise DomainError(f"bad domain {text!r}: expected a name such as example.com")
    if _EXTRACT(host).suffix == "":
        raise DomainError(f"bad domain {text!r}: {host!r} has no known public suffix")
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path or "/"
    return Site(host=host, registered=registered_domain(host), start_url=f"{parts.scheme}://{netloc}{path}")
