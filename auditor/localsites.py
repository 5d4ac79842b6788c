"""Serve static websites on 127.0.0.1, one folder per host name, chosen by the Host header.

The demo region, the tests and corpus evaluations crawl through `--connect-to`, so one
local server answers for many public host names. A request for PATH is answered as static
hosts such as GitHub Pages do: PATH, else PATH.html, else PATH/index.html.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf", ".json": "application/json", ".rss": "application/rss+xml"}


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


class _Handler(BaseHTTPRequestHandler):
    root: Path
    sites: dict[str, Path]
    server_version = "localsites"

    def do_GET(self) -> None:
        target = resolve(self.root, self.headers.get("Host", ""), urlsplit(self.path).path,
                         self.sites)
        if target is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>", "text/html")
            return
        ctype = TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        self._send(200, target.read_bytes(), ctype or "application/octet-stream")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class SiteServer:
    """A threaded static server for a folder of host folders, on an ephemeral port."""

    def __init__(self, root: str | Path, port: int = 0, sites: dict[str, Path] | None = None):
        """Serve root/<host>/ folders, and the folders named in `sites` for their hosts."""
        self.sites = {h.lower(): Path(p).resolve() for h, p in (sites or {}).items()}
        handler = type("Handler", (_Handler,), {"root": Path(root).resolve(), "sites": self.sites})
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
def serving(root: str | Path, sites: dict[str, Path] | None = None) -> Iterator[SiteServer]:
    server = SiteServer(root, sites=sites).start()
    try:
        yield server
    finally:
        server.stop()
