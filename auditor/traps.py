"""Crawler traps in links: session ids and tracking parameters, repeating paths, huge URLs.

`canonical_url` removes what makes one page look like many (`;jsessionid=…`, `?PHPSESSID=…`,
`utm_*`), so the same page has the same URL in every run; `is_trap` refuses URLs no real
site needs (a path segment repeated three times, as relative-link loops make, or a URL
longer than `MAX_URL_LENGTH`). Both run on every new link, so they are string work only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 1000
MAX_SEGMENT_REPEATS = 2  # Heritrix's PathologicalPathDecideRule default
MAX_PATH_SEGMENTS = 15
SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "aspsessionid", "asp.net_sessionid", "sessionid", "session_id",
    "sessid", "sid", "cfid", "cftoken", "zenid", "oscsid", "ps_session", "wt.mc_id",
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "hsctatracking",
})
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.IGNORECASE)


def _drop_param(name: str) -> bool:
    key = name.lower()
    return key in SESSION_PARAMS or key.startswith(("utm_", "aspsessionid"))


def canonical_url(url: str) -> str:
    """The URL without session ids and tracking parameters; unchanged when it has none."""
    if "?" not in url and ";" not in url:
        return url
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path) if ";" in parts.path else parts.path
    query = parts.query
    if query:
        kept = [p for p in query.split("&") if p and not _drop_param(p.split("=", 1)[0])]
        query = "&".join(kept)
    if path == parts.path and query == parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path or "/", query, parts.fragment))


def is_trap(url: str) -> bool:
    """True for URLs that only crawler traps produce."""
    if len(url) > MAX_URL_LENGTH:
        return True
    path = urlsplit(url).path
    if path.count("/") <= MAX_SEGMENT_REPEATS:
        return False
    segments = [s for s in path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return True
    seen: dict[str, int] = {}
    for segment in segments:
        seen[segment] = seen.get(segment, 0) + 1
        if seen[segment] > MAX_SEGMENT_REPEATS:
            return True
    return False
