"""The hostile-web server: one threaded HTTP server on 127.0.0.1, a hazard per host name.

Each site is a function of the request, chosen by the Host header, so a crawl reaches them
through --connect-to under public names. The server records every answer (`hits`): when,
which host and path, which status, and whether it was a complete page the crawler should
store (`page`), so tests can check timings (Retry-After) and that no served page was lost.
Big bodies (a 64 MiB gzip bomb, a 20 MiB page) are generated at start, never stored.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer of the server."""

    at: float  # time.monotonic()
    host: str
    path: str  # with its query
    status: int
    page: bool  # a complete HTML page the crawler should store


def html(title: str, body: str = "", links: list[str] | tuple[str, ...] = (),
         head: str = "") -> str:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (f"<!doctype html><html lang=\"en\"><head><title>{title}</title>{head}</head>"
            f"<body><h1>{title}</h1>{body}<ul>{anchors}</ul></body></html>")


def gzip_bomb(size: int = 64 * MIB) -> bytes:
    """`size` zero bytes, gzip-compressed (about 1/1000 of the size), built in chunks."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MIB)
    parts = [packer.compress(chunk) for _ in range(size // MIB)]
    parts.append(packer.flush())
    return b"".join(parts)


class Exchange:
    """One request, as the site functions see it, with ways to answer."""

    def __init__(self, handler: _Handler, server: HostileServer):
        self.handler = handler
        self.server = server
        self.host = (handler.headers.get("Host") or "").split(":", 1)[0].lower()
        parts = urlsplit(handler.path)
        self.path = parts.path
        self.target = handler.path
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}

    @property
    def port(self) -> int:
        return self.server.port

    def count(self) -> int:
        """How many times this host and target were answered before."""
        return len(self.server.hits_for(self.host, self.target))

    def send(self, status: int, body: bytes | str = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None, page: bool | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        h = self.handler
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()
        is_page = status == 200 and ctype.startswith("text/html") if page is None else page
        self.server.record(self, status, is_page)

    def page(self, title: str, body: str = "", links: list[str] | tuple[str, ...] = (),
             head: str = "") -> None:
        self.send(200, html(title, body, links, head))

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location}, page=False)

    def not_found(self) -> None:
        self.send(404, html("Not found"), page=False)

    def reset(self) -> None:
        """Abort the connection with a TCP RST, before any answer."""
        self.server.record(self, 0, False)
        sock = self.handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        self.handler.close_connection = True

    def stream(self, total: int, ctype: str = "text/html", headers: dict[str, str] | None = None,
               chunk: bytes = b"<p>" + b"x" * 8188 + b"</p>") -> None:
        """Send `total` bytes in chunks with no Content-Length (body ends at close)."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        sent = 0
        try:
            while sent < total:
                h.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the crawler hung up, as it should
        self.server.record(self, 200, False)


Site = Callable[[Exchange], None]


def _robots_and_sitemap(ex: Exchange) -> bool:
    """Default answers: no robots.txt and no sitemap."""
    if ex.path in ("/robots.txt", "/sitemap.xml"):
        ex.not_found()
        return True
    return False


# --- the sites -------------------------------------------------------------------------

def calendar(ex: Exchange) -> None:
    """An endless calendar: each month links to the next and previous months and its days."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Calendar Trap Inc.", '<a href="mailto:info@calendar-trap.com">info</a>',
                ["/agenda/2024/1"])
        return
    parts = ex.path.strip("/").split("/")
    if parts[0] == "agenda" and len(parts) >= 3 and parts[1].isdigit() and parts[2].isdigit():
        year, month = int(parts[1]), int(parts[2])
        nxt = (year + month // 12, month % 12 + 1)
        prv = (year - (month == 1), 12 if month == 1 else month - 1)
        days = [f"/agenda/{year}/{month}/{d}" for d in range(1, 29)] if len(parts) == 3 else []
        ex.page(f"Agenda {year}-{month}", "", [f"/agenda/{nxt[0]}/{nxt[1]}",
                                                f"/agenda/{prv[0]}/{prv[1]}", *days])
        return
    ex.not_found()


def session_ids(ex: Exchange) -> None:
    """Five real pages; every link carries fresh session ids and tracking parameters."""
    if _robots_and_sitemap(ex):
        return
    names = ["", "products", "about", "contact", "news"]
    if ex.path.strip("/").split(";")[0] not in names:
        ex.not_found()
        return
    n = len(ex.server.hits)
    links = [f"/{name};jsessionid=J{n}{i}?PHPSESSID=P{n}{i}&sid={n}&utm_source=x{i}"
             for i, name in enumerate(names)]
    ex.page(f"Session ids {ex.path}", "", links)


def deep_paths(ex: Exchange) -> None:
    """Relative links that make ever deeper paths: /x/ → /x/x/ → /x/x/x/ …"""
    if _robots_and_sitemap(ex):
        return
    if ex.path.count("/") > 40:
        ex.not_found()
        return
    ex.page(f"Deep {ex.path}", "", ["x/", "y/x/", "./x/products"])


def redirect_loops(ex: Exchange) -> None:
    """A↔B loop, a self loop and an endless spiral, linked from a good home page."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Redirect loops", "", ["/loop-a", "/self", "/spiral?n=1", "/fine"])
    elif ex.path == "/loop-a":
        ex.redirect("/loop-b")
    elif ex.path == "/loop-b":
        ex.redirect("/loop-a")
    elif ex.path == "/self":
        ex.redirect("/self")
    elif ex.path == "/spiral":
        ex.redirect(f"/spiral?n={int(ex.query.get('n', '0')) + 1}")
    elif ex.path == "/fine":
        ex.page("Fine page")
    else:
        ex.not_found()


def loop_home(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    ex.redirect("/home-b" if ex.path == "/" else "/")


def offsite_redirect(ex: Exchange) -> None:
    """A page that redirects to an unrelated domain, which must not be fetched."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Offsite", "", ["/go-out", "/stay"])
    elif ex.path == "/go-out":
        ex.redirect("https://unrelated-parking.com/landing")
    elif ex.path == "/stay":
        ex.page("Stay")
    else:
        ex.not_found()


def parking(ex: Exchange) -> None:
    ex.page("Parked domain")


def old_brand(ex: Exchange) -> None:
    ex.redirect("https://new-brand.com/", 301)


def new_brand(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("New Brand", "", ["/products", "https://old-brand.com/legacy"])
    elif ex.path == "/products":
        ex.page("New Brand products")
    else:
        ex.not_found()


def acquired(ex: Exchange) -> None:
    ex.redirect("https://parent-firm.com/", 301)


def parent(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Parent Firm", "", ["/about", "https://acquired-firm.com/old"])
    elif ex.path == "/about":
        ex.page("About Parent")
    else:
        ex.not_found()


def bomb_site(ex: Exchange) -> None:
    """A 64 MiB gzip bomb served as a page."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Gzip Bomb Ltd", "", ["/catalogue.html"])
    elif ex.path == "/catalogue.html":
        ex.send(200, ex.server.bomb, headers={"Content-Encoding": "gzip"}, page=False)
    else:
        ex.not_found()


def huge_site(ex: Exchange) -> None:
    """A 6 MiB page (under the cap), a 20 MiB streamed one and a 10 GiB Content-Length lie."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.send(200, ex.server.huge_page)
    elif ex.path == "/giant":
        ex.stream(20 * MIB)
    elif ex.path == "/liar":
        ex.send(200, b"<html>" + b" " * 1000, headers={"Content-Length": str(10 * 1024 * MIB)},
                page=False)
    else:
        ex.not_found()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(range(256)) * 8
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8
NOISE = bytes((i * 7919) % 256 for i in range(4096))  # no magic number, mostly non-text


def binary_site(ex: Exchange) -> None:
    """Binaries served as text/html: a PDF, a ZIP and raw bytes with mailto-like text."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Binary Html", "", ["/brochure", "/archive", "/noise"])
    elif ex.path == "/brochure":
        ex.send(200, PDF + b"mailto:sales@binary-html.com", ctype="text/html")
    elif ex.path == "/archive":
        ex.send(200, ZIP + b"info@binary-html.com", ctype="text/html")
    elif ex.path == "/noise":
        ex.send(200, NOISE + b"info@binary-html.com", ctype="text/html")
    else:
        ex.not_found()


FRENCH_TITLE = "Société œuvre à Québec « précision » €"
FRENCH_BODY = ("<p>Notre œuvre : l’optique de précision, déjà à Québec. "
               "Écrivez-nous : <a href=\"mailto:ventes@optique-cp1252.fr\">ventes</a>. "
               "Téléphone : 418 555-0199.</p>")


def cp1252_site(ex: Exchange) -> None:
    """French pages in windows-1252 with no charset, and declared variants."""
    if _robots_and_sitemap(ex):
        return
    page = html(FRENCH_TITLE, FRENCH_BODY, ["/latin1", "/meta", "/utf8", "/mojibake"]).replace(
        'lang="en"', 'lang="fr"')
    if ex.path == "/":
        ex.send(200, page.encode("cp1252"), ctype="text/html")
    elif ex.path == "/latin1":
        ex.send(200, page.encode("cp1252"), ctype="text/html; charset=ISO-8859-1")
    elif ex.path == "/meta":
        ex.send(200, page.replace("<head>", '<head><meta charset="windows-1252">')
                .encode("cp1252"), ctype="text/html")
    elif ex.path == "/utf8":
        ex.send(200, page.encode("utf-8"), ctype="text/html")
    elif ex.path == "/mojibake":  # a page really in windows-1250, declared: kept as declared
        ex.send(200, html("Zażółć gęślą jaźń").encode("cp1250"),
                ctype="text/html; charset=windows-1250")
    else:
        ex.not_found()


BROKEN = (
    "<html><head><title>Broken <b>markup</title>"
    '<script type="application/ld+json">{"@type": "Organization", "name": "Broken",}</script>'
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": [</script>'
    '<script type="application/ld+json">\x00\x01 not json at all</script>'
    "</head><body><div><p>Unclosed <table><tr><td>cell<div></td></p>"
    "<!-- <a href='/commented-out'>hidden</a> -->"
    "<a href=/products>Products<a href='/contact'>Contact</a>"
    "<p>Stray NUL \x00 and controls \x07\x1b here.</p>"
    '<a href="mailto:info@broken-markup.com">info@broken-markup.com</a>'
    "<svg><a href='/svg-link'>svg</a></svg><form><input name=q></div></span></body>"
    "<p>after body</p></html></html><html>"
)


def broken_markup(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.send(200, BROKEN)
    elif ex.path in ("/products", "/contact", "/svg-link"):
        ex.send(200, BROKEN.replace("Broken", "Broken " + ex.path.strip("/")))
    else:
        ex.not_found()


def slow_site(ex: Exchange) -> None:
    """A page slower than the timeout, and one that sends headers and then stalls."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Slow Firm", "", ["/slow", "/stall", "/quick"])
    elif ex.path == "/slow":
        time.sleep(ex.server.slow_seconds)
        ex.send(200, html("Too late"), page=False)
    elif ex.path == "/stall":
        h = ex.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"<html><body>")
        h.wfile.flush()
        ex.server.record(ex, 200, False)
        time.sleep(ex.server.slow_seconds)
    elif ex.path == "/quick":
        ex.page("Quick page")
    else:
        ex.not_found()


def slow_home(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    time.sleep(ex.server.slow_seconds)
    ex.send(200, html("Too late"), page=False)


def rate_limited(ex: Exchange) -> None:
    """429 with Retry-After 2 s once; 429 asking for an hour; 503 with an HTTP date."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Rate Limited", "", ["/products", "/news", "/service"])
    elif ex.path == "/products":
        if ex.count() == 0:
            ex.send(429, html("Slow down"), headers={"Retry-After": "2"}, page=False)
        else:
            ex.page("Products")
    elif ex.path == "/news":
        ex.send(429, html("Go away"), headers={"Retry-After": "3600"}, page=False)
    elif ex.path == "/service":
        if ex.count() == 0:
            when = formatdate(time.time() + 3, usegmt=True)
            ex.send(503, html("Maintenance"), headers={"Retry-After": when}, page=False)
        else:
            ex.page("Service")
    else:
        ex.not_found()


def server_errors(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Server Errors", "", ["/broken", "/flaky"])
    elif ex.path == "/broken":
        ex.send(500, html("Internal Server Error"), page=False)
    elif ex.path == "/flaky":
        if ex.count() == 0:
            ex.send(503, html("Try again"), page=False)
        else:
            ex.page("Flaky but fine")
    else:
        ex.not_found()


def down(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    ex.send(502, html("Bad Gateway"), page=False)


def reset_site(ex: Exchange) -> None:
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page("Reset Firm", "", ["/reset", "/ok"])
    elif ex.path == "/reset":
        ex.reset()
    elif ex.path == "/ok":
        ex.page("OK")
    else:
        ex.not_found()


def reset_home(ex: Exchange) -> None:
    ex.reset()


def simple(title: str, robots: bytes | None = None, robots_status: int = 200,
           robots_ctype: str = "text/plain") -> Site:
    """A three-page site with a chosen robots.txt."""
    def site(ex: Exchange) -> None:
        if ex.path == "/robots.txt":
            if robots is None:
                ex.not_found()
            else:
                ex.send(robots_status, robots, ctype=robots_ctype, page=False)
        elif ex.path == "/sitemap.xml":
            ex.not_found()
        elif ex.path in ("/", "/a", "/b"):
            ex.page(f"{title} {ex.path}", "", ["/a", "/b"])
        else:
            ex.not_found()
    return site


ROBOTS_GARBAGE = bytes(range(256)) * 4 + b"\nUser-agent: *\nDisallow /nothing\n<html>oops</html>"
ROBOTS_HUGE = b"User-agent: *\n" + b"".join(b"Disallow: /private-%d/\n" % i for i in range(300_000))


def sitemap_loop(ex: Exchange) -> None:
    """A sitemap index listing itself, a sitemap listing the index, and a gzip bomb sitemap;
    two pages are reachable only through the sitemaps."""
    host = f"https://{ex.host}"
    if ex.path == "/robots.txt":
        ex.send(200, f"User-agent: *\nSitemap: {host}/sitemap-index.xml\n", ctype="text/plain",
                page=False)
    elif ex.path == "/sitemap-index.xml":
        ex.send(200, "<?xml version='1.0'?><sitemapindex>"
                f"<sitemap><loc>{host}/sitemap-index.xml</loc></sitemap>"
                f"<sitemap><loc>{host}/sitemap-a.xml</loc></sitemap>"
                f"<sitemap><loc>{host}/sitemap-bomb.xml.gz</loc></sitemap>"
                f"<sitemap><loc>{host}/sitemap-index.xml?again=1</loc></sitemap>"
                "</sitemapindex>", ctype="application/xml", page=False)
    elif ex.path == "/sitemap-a.xml":
        ex.send(200, "<?xml version='1.0'?><sitemapindex>"
                f"<sitemap><loc>{host}/sitemap-index.xml</loc></sitemap>"
                f"<sitemap><loc>{host}/sitemap-b.xml</loc></sitemap>"
                "</sitemapindex>", ctype="application/xml", page=False)
    elif ex.path == "/sitemap-b.xml":
        ex.send(200, "<?xml version='1.0'?><urlset>"
                f"<url><loc>{host}/only-in-sitemap</loc></url>"
                f"<url><loc>{host}/also-in-sitemap</loc></url>"
                "</urlset>", ctype="application/xml", page=False)
    elif ex.path == "/sitemap-bomb.xml.gz":
        ex.send(200, ex.server.bomb, ctype="application/xml", headers={"Content-Encoding": "gzip"},
                page=False)
    elif ex.path in ("/", "/only-in-sitemap", "/also-in-sitemap"):
        ex.page(f"Sitemap loop {ex.path}")
    else:
        ex.not_found()


SSRF_TARGETS = {
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "loopback": "http://127.0.0.1:{port}/secret",
    "loopback2": "http://127.0.0.2:{port}/secret",
    "localhost": "http://localhost:{port}/secret",
    "decimal": "http://2130706433:{port}/secret",
    "short": "http://127.1:{port}/secret",
    "ipv6": "http://[::1]:{port}/secret",
    "mapped": "http://[::ffff:127.0.0.1]:{port}/secret",
    "private": "http://10.0.0.1/admin",
    "cgnat": "http://100.64.0.1/",
    "linklocal": "http://169.254.1.1/",
    "internal": "http://metadata.google.internal/computeMetadata/v1/",
    "file": "file:///etc/passwd",
    "ftp": "ftp://ftp.ssrf-redirects.com/pub",
}


def ssrf_site(ex: Exchange) -> None:
    """Redirects into the network, a meta refresh to loopback, and a link to an own
    subdomain whose DNS answer is 127.0.0.1 (see HOSTILE_DNS)."""
    if ex.path == "/secret" or ex.host not in ("ssrf-redirects.com", "www.ssrf-redirects.com"):
        ex.page("SECRET")  # reaching this is the failure the guard prevents
        return
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        links = [f"/to/{name}" for name in SSRF_TARGETS]
        links += ["/refresh", f"http://internal.ssrf-redirects.com:{ex.port}/secret"]
        ex.page("SSRF Redirects", "", links)
    elif ex.path.startswith("/to/") and ex.path[4:] in SSRF_TARGETS:
        ex.redirect(SSRF_TARGETS[ex.path[4:]].format(port=ex.port))
    elif ex.path == "/refresh":  # a redirect in HTML: not a page the crawler keeps
        ex.send(200, html("Refresh", head=f'<meta http-equiv="refresh" '
                f'content="0; url=http://127.0.0.1:{ex.port}/secret">'), page=False)
    else:
        ex.not_found()


HOSTILE_NAME = "x'); DROP TABLE pages;--"
FORMULA_TITLE = '=HYPERLINK("http://evil.example/","click")'


def injection_site(ex: Exchange) -> None:
    """A firm whose pages carry spreadsheet formulas and SQL in their text."""
    if _robots_and_sitemap(ex):
        return
    if ex.path == "/":
        ex.page(FORMULA_TITLE.replace('"', "&quot;"),
                "<p>=SUM(A1:A9) +1 @cmd x'); DROP TABLE evidence;-- "
                '<a href="mailto:info@injection-firm.com">info@injection-firm.com</a> '
                "Téléphone : 418 555-0123</p>", ["/../../etc/passwd", "/%2e%2e/private"])
    else:
        ex.page("Injection subpage")


def gated(pages: int, held: int = 0) -> Site:
    """Pages for interruption tests: / links to /p/1…/p/held (all pages when held is 0), and
    /p/held links on to the rest; while the server's gate is closed, /p/held waits."""
    def site(ex: Exchange) -> None:
        if _robots_and_sitemap(ex):
            return
        contact = (f'<p>Écrivez-nous : <a href="mailto:info@{ex.host}">info@{ex.host}</a>, '
                   "Téléphone : 418 555-0100</p>")
        if ex.path == "/":
            ex.page(f"{ex.host} home", contact, [f"/p/{i}" for i in range(1, (held or pages) + 1)])
            return
        parts = ex.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "p" or not parts[1].isdigit() or int(parts[1]) > pages:
            ex.not_found()
            return
        n = int(parts[1])
        if held and n == held:
            ex.server.wait_gate(ex)
            links = [f"/p/{i}" for i in range(held + 1, pages + 1)]
        else:
            links = []
        ex.page(f"{ex.host} page {n}", contact, links)
    return site


HOSTILE_SITES: dict[str, Site] = {
    "calendar-trap.com": calendar,
    "session-ids.com": session_ids,
    "deep-paths.com": deep_paths,
    "redirect-loops.com": redirect_loops,
    "loop-home.com": loop_home,
    "offsite-redirect.com": offsite_redirect,
    "unrelated-parking.com": parking,
    "old-brand.com": old_brand,
    "new-brand.com": new_brand,
    "acquired-firm.com": acquired,
    "parent-firm.com": parent,
    "gzip-bomb.com": bomb_site,
    "huge-page.com": huge_site,
    "binary-html.com": binary_site,
    "optique-cp1252.fr": cp1252_site,
    "broken-markup.com": broken_markup,
    "slow-firm.com": slow_site,
    "slow-home.com": slow_home,
    "rate-limited.com": rate_limited,
    "server-errors.com": server_errors,
    "down-firm.com": down,
    "reset-firm.com": reset_site,
    "reset-home.com": reset_home,
    "robots-missing.com": simple("Robots missing"),
    "robots-500.com": simple("Robots 500", b"<h1>Internal Server Error</h1>", 500, "text/html"),
    "robots-garbage.com": simple("Robots garbage", ROBOTS_GARBAGE, 200, "text/plain"),
    "robots-huge.com": simple("Robots huge", ROBOTS_HUGE),
    "robots-forbid.com": simple("Robots forbid", b"User-agent: *\nDisallow: /\n"),
    "sitemap-loop.com": sitemap_loop,
    "www.ssrf-redirects.com": ssrf_site,
    "injection-firm.com": injection_site,
}
GATED_SITES: dict[str, Site] = {
    "alpha-steady.com": gated(8),
    "beta-held.com": gated(16, 5),
    "gamma-steady.com": gated(8),
}


class _Handler(BaseHTTPRequestHandler):
    hostile: HostileServer
    server_version = "hostile"

    def do_GET(self) -> None:
        ex = Exchange(self, self.hostile)
        site = self.hostile.sites.get(ex.host) or self.hostile.sites.get(
            ex.host.removeprefix("www."))
        if site is None and ex.host.endswith("ssrf-redirects.com"):
            site = ssrf_site
        try:
            if site is None:
                ex.send(404, html("No such site"), page=False)
            else:
                site(ex)
        except OSError:
            self.close_connection = True  # the crawler hung up (a timeout or a size cap)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        pass


class HostileServer:
    """The hostile web, on an ephemeral port of 127.0.0.1."""

    def __init__(self, sites: dict[str, Site] | None = None, slow_seconds: float = 6.0):
        self.sites = dict(HOSTILE_SITES if sites is None else sites)
        self.slow_seconds = slow_seconds
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()
        self.held = threading.Event()  # a request is waiting at the closed gate
        self._bomb: bytes | None = None
        self._huge: bytes | None = None
        handler = type("Handler", (_Handler,), {"hostile": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = gzip_bomb()
        return self._bomb

    @property
    def huge_page(self) -> bytes:
        if self._huge is None:
            para = ("<p>Optique de précision, lasers et capteurs pour l’industrie. "
                    "Precision optics, lasers and sensors for industry.</p>\n").encode()
            head = (b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Huge Page"
                    b"</title></head><body><a href='mailto:info@huge-page.com'>info</a>"
                    b"<a href='/giant'>giant</a><a href='/liar'>liar</a>")
            self._huge = head + para * (6 * MIB // len(para)) + b"</body></html>"
        return self._huge

    def routes(self, hosts: list[str] | None = None) -> list[str]:
        """`HOST=http://127.0.0.1:PORT` for --connect-to, for all sites or the given hosts."""
        return [f"{host}={self.address}" for host in (hosts or sorted(self.sites))]

    def record(self, ex: Exchange, status: int, page: bool) -> None:
        with self.lock:
            self.hits.append(Hit(time.monotonic(), ex.host, ex.target, status, page))

    def wait_gate(self, ex: Exchange) -> None:
        if not self.gate.is_set():
            self.held.set()
            self.gate.wait(timeout=60)

    def hits_for(self, host: str, path: str | None = None) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.host == host and (path is None or h.path == path)]

    def served_pages(self) -> set[str]:
        """`host/path?query` of every complete page served."""
        with self.lock:
            return {f"{h.host}{h.path}" for h in self.hits if h.page}

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def unused_port() -> int:
    """A port of 127.0.0.1 nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

