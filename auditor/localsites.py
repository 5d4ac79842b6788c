"""Serve static websites on 127.0.0.1, one folder per host name, chosen by the Host header.

The demo region, the tests and corpus evaluations crawl through `--connect-to`, so one
local server answers for many public host names. A request for PATH is answered as static
hosts such as GitHub Pages do: PATH, else PATH.html, else PATH/index.html.

Two opt-in extras serve fake social profiles:
- a `_redirects` file in a host folder (Netlify's format, exact paths): `FROM TO [STATUS]`
  per line, FROM optionally with `?query`; 301/302/303/307/308 redirect, 200 serves TO's file
  in place (a rewrite), 404/410/403 answer that status.
- relative dates: with `relative_dates=True`, or a file named `RELATIVE_DATES_MARKER` at the
  served root, the tokens `%%DAYS_AGO:N%%` (ISO date), `%%DATETIME_DAYS_AGO:N%%` (RFC 3339),
  `%%RFC822_DAYS_AGO:N%%` (RSS) and `%%LONG_DAYS_AGO:N%%` ("16 November 2026") in served
  .html and .xml files become the date N days before today (UTC), so fixtures never rot.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf", ".json": "application/json", ".rss": "application/rss+xml"}


RELATIVE_DATES_MARKER = "relative-dates.txt"
REDIRECTS_FILE = "_redirects"
_TOKEN = re.compile(rb"%%(DAYS_AGO|DATETIME_DAYS_AGO|RFC822_DAYS_AGO|LONG_DAYS_AGO):(-?\d{1,5})%%")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_REDIRECT_CODES = {301, 302, 303, 307, 308}


def relative_date(kind: str, days: int, today: datetime | None = None) -> str:
    """The text a date token stands for: N days before today, at 09:00 UTC."""
    base = (today or datetime.now(UTC)).astimezone(UTC)
    when = (base - timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
    if kind == "DAYS_AGO":
        return when.date().isoformat()
    if kind == "DATETIME_DAYS_AGO":
        return when.isoformat().replace("+00:00", "Z")
    if kind == "RFC822_DAYS_AGO":
        return format_datetime(when)
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def substitute_dates(body: bytes, today: datetime | None = None) -> bytes:
    """Replace every date token in a served file."""
    if b"%%" not in body:
        return body
    return _TOKEN.sub(lambda m: relative_date(m.group(1).decode(), int(m.group(2)),
                                              today).encode(), body)


def redirect_rule(site: Path, path: str, query: str) -> tuple[int, str] | None:
    """(status, target) from the site's `_redirects` file for this path, or None."""
    rules = site / REDIRECTS_FILE
    if not rules.is_file():
        return None
    for line in rules.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        source, target = fields[0], fields[1]
        status = int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else 301
        want_path, _, want_query = source.partition("?")
        if want_path.rstrip("/") == path.rstrip("/") and (not want_query or want_query == query):
            return status, target
    return None


def site_folder(root: Path, sites: dict[str, Path], host: str) -> Path | None:
    """The folder serving HOST: an explicit mapping first, else root/HOST (or root/HOST-without-www)."""
    host = host.split(":", 1)[0].lower().rstrip(".")
    for name in (host, host.removeprefix("www.")):
        if name in sites:
            return sites[name]
        if (root / name).is_dir() and name:
            return root / name
    return None


def resolve(root: Path, host: str, path: str, sites: dict[str, Path] | None = None) -> Path | None:
    """The file that answers PATH on HOST, or None; never a file outside the site's folder."""
    site = site_folder(root, sites or {}, host)
    if site is None:
        return None
    clean = unquote(path).lstrip("/")
    base = (site / clean).resolve()
    if not base.is_relative_to(site.resolve()):
        return None
    for candidate in (base, base.with_name(base.name + ".html"), base / "index.html"):
        if candidate.is_file():
            return candidate
    return None


_NOT_FOUND = b"<html><body><h1>Not found</h1></body></html>"


class _Handler(BaseHTTPRequestHandler):
    root: Path
    sites: dict[str, Path]
    relative_dates: bool
    server_version = "localsites"

    def do_GET(self) -> None:
        host = self.headers.get("Host", "")
        parts = urlsplit(self.path)
        path = parts.path
        site = site_folder(self.root, self.sites, host)
        if site is not None:
            rule = redirect_rule(site, unquote(path), parts.query)
            if rule is not None:
                status, target = rule
                if status in _REDIRECT_CODES:
                    self._send(status, b"", "text/html", {"Location": target})
                    return
                if status != 200:
                    self._send(status, _NOT_FOUND, "text/html")
                    return
                path = target  # a rewrite: another file answers in place
        if unquote(path).rstrip("/").endswith("/" + REDIRECTS_FILE):
            target_file = None  # the rules themselves are not served
        else:
            target_file = resolve(self.root, host, path, self.sites)
        if target_file is None:
            self._send(404, _NOT_FOUND, "text/html")
            return
        ctype = TYPES.get(target_file.suffix.lower()) or mimetypes.guess_type(target_file.name)[0]
        body = target_file.read_bytes()
        if self.relative_dates and target_file.suffix.lower() in (".html", ".htm", ".xml"):
            body = substitute_dates(body)
        self._send(200, body, ctype or "application/octet-stream")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class SiteServer:
    """A threaded static server for a folder of host folders, on an ephemeral port."""

    def __init__(self, root: str | Path, port: int = 0, sites: dict[str, Path] | None = None,
                 relative_dates: bool | None = None):
        """Serve root/<host>/ folders, and the folders named in `sites` for their hosts.
        `relative_dates` None: on when the root holds the RELATIVE_DATES_MARKER file."""
        self.sites = {h.lower(): Path(p).resolve() for h, p in (sites or {}).items()}
        if relative_dates is None:
            relative_dates = (Path(root) / RELATIVE_DATES_MARKER).is_file()
        handler = type("Handler", (_Handler,), {"root": Path(root).resolve(), "sites": self.sites,
                                                "relative_dates": relative_dates})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def hosts(self) -> list[str]:
        root = Path(self.httpd.RequestHandlerClass.root)  # type: ignore[attr-defined]
        folders = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
        return sorted(folders | set(self.sites))

    def routes(self) -> list[str]:
        """`HOST=http://127.0.0.1:PORT` for every host folder, ready for --connect-to."""
        return [f"{host}={self.address}" for host in self.hosts()]

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serving(root: str | Path, sites: dict[str, Path] | None = None,
            relative_dates: bool | None = None) -> Iterator[SiteServer]:
    server = SiteServer(root, sites=sites, relative_dates=relative_dates).start()
    try:
        yield server
    finally:
        server.stop()
