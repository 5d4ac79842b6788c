"""Route requests for chosen hosts to a local server, as curl's --connect-to does.

The request for `https://www.firm.ca/fr/` is sent to `http://127.0.0.1:PORT/fr/` with the
Host header `www.firm.ca`; the response comes back under the public URL, so rules,
storage, robots.txt and redirects all see the public web. Used by the demo, the tests and
corpus evaluations, which must never leave this machine.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response


class ConnectToError(ValueError):
    """A --connect-to value that cannot be used."""


def parse_routes(values: list[str] | str | None) -> dict[str, str]:
    """`HOST=http://127.0.0.1:PORT` items (a list, or a comma-separated string) → a map."""
    if not values:
        return {}
    items = values.split(",") if isinstance(values, str) else list(values)
    routes: dict[str, str] = {}
    for item in (i.strip() for i in items):
        if not item:
            continue
        host, sep, target = item.partition("=")
        parts = urlsplit(target.strip())
        if not sep or not host.strip() or parts.scheme != "http" or not parts.hostname:
            raise ConnectToError(f"bad --connect-to {item!r}: write HOST=http://127.0.0.1:PORT")
        routes[host.strip().lower().rstrip(".")] = parts.netloc
    return routes


def route_for(routes: dict[str, str], host: str) -> str | None:
    """The local address for a host or for the nearest routed parent domain."""
    host = host.lower()
    while host:
        if host in routes:
            return routes[host]
        _, _, host = host.partition(".")
    return None


class ConnectToDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, sending routed hosts' requests to their local server.

    It sits below every middleware, so robots.txt, redirects, politeness slots and
    storage all see the public URL; only the socket goes to the local address.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.routes = parse_routes(crawler.settings.get("CONNECT_TO"))

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        target = route_for(self.routes, parts.hostname or "") if self.routes else None
        if target is None:
            return await super().download_request(request)
        local = request.replace(
            url=urlunsplit(("http", target, parts.path or "/", parts.query, ""))
        )
        local.headers["Host"] = parts.netloc
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
