"""Plain reasons for failed requests, and the record the crawl keeps of each failure.

A reader of a report should see "DNS lookup failed" or "robots.txt forbids it", not a
Twisted traceback. `describe_failure` turns every way a fetch ends badly into one short
phrase; the spider stores one `FetchFailure` per failed URL and the first reason as the
firm's reason when no page could be fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

ROBOTS_FORBID = "robots.txt forbids it"


class AuditRefusal(IgnoreRequest):
    """A request the audit refused on purpose; the message is the plain reason."""


class RateLimited(AuditRefusal):
    """The site asked to wait longer than the audit is willing to."""


@dataclass(slots=True)
class FetchFailure:
    """One URL of a firm that could not be fetched, and why."""

    firm_id: str
    url: str
    reason: str


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


def describe_failure(failure: Failure, maxsize: int = 0) -> str:
    """A plain reason for a failed request: DNS, refused, timeout, robots, HTTP status..."""
    exc = failure.value
    text = str(exc)
    if isinstance(exc, AuditRefusal):
        return text
    response = getattr(exc, "response", None)
    if response is not None:  # HttpError: a status the spider does not handle
        if 300 <= response.status < 400:
            target = (response.headers.get(b"Location") or b"").decode("latin-1")[:100]
            return f"HTTP {response.status} redirect to a non-web address ({target})"
        return f"HTTP {response.status}"
    if isinstance(exc, IgnoreRequest):
        return _ignored(text, maxsize)
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        from auditor.ssrf import resolver_refusal

        request = getattr(failure, "request", None)
        host = urlsplit(request.url).hostname or "" if request is not None else ""
        return resolver_refusal(host) or "DNS lookup failed"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError):
        return "timed out"
    if isinstance(exc, DownloadCancelledError):
        return f"page too large (over {_mib(maxsize)})" if maxsize else "download cancelled"
    if isinstance(exc, ResponseDataLossError):
        return "connection closed before the page was complete"
    if isinstance(exc, DownloadFailedError | tx_error.ConnectionLost | tx_error.ConnectionDone):
        lowered = text.lower()
        if "ssl" in lowered or "tls" in lowered or "certificate" in lowered:
            return "TLS handshake failed"
        if "connection" in lowered or "lost" in lowered or "closed" in lowered:
            return "connection reset"
        return f"download failed: {text}"[:200]
    return f"{type(exc).__name__}: {text}"[:200]


def _ignored(text: str, maxsize: int) -> str:
    if "robots.txt" in text:
        return ROBOTS_FORBID
    if "max redirections" in text:
        return "too many redirects"
    if "DOWNLOAD_MAXSIZE" in text or "max size" in text:
        return f"page too large (over {_mib(maxsize)})" if maxsize else "page too large"
    if "Filtered offsite" in text or "offsite" in text.lower():
        return "off-site request refused"
    return f"ignored: {text}"[:200]
