"""The page model: every response parsed once, shared by all rules.

Parsing is the per-page hot path, so it uses selectolax (lexbor), ten times faster than
BeautifulSoup. Rules never see the parser: they read the plain fields of `Page`, which
keeps them pure functions testable on an HTML file with no crawl.

Most of a page's cost is Python around the parser, not the parser (lexbor reads a 60 KB page
in about 0.2 ms), so the Python side is kept lean: link resolution is memoised (a site's
navigation and footer repeat on every page, and a root-relative or absolute link resolves the
same against every page of the host), and spaces are collapsed and text folded by the fast
functions of auditor.text. Every shortcut gives exactly what the plain function gives;
tests/test_page.py checks it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.text import collapse_spaces, fold

MAX_HTML_CHARS = 2_000_000  # a bigger page is parsed from its first 2 MB: the crawl must not stall
MAX_TEXT_CHARS = 200_000  # visible text kept per page; a huge page is cut, not rejected
MAX_INLINE_SCRIPT_CHARS = 50_000  # per script: loader snippets sit at the start
MAX_JSONLD_CHARS = 100_000

REGION_TAGS = {"nav": "nav", "header": "header", "footer": "footer"}
REGION_TOKENS = (  # id/class tokens that mark a page region, first match wins
    ("footer", "footer"),
    ("colophon", "footer"),
    ("copyright", "footer"),
    ("nav", "nav"),
    ("menu", "nav"),
    ("navbar", "nav"),
    ("header", "header"),
    ("masthead", "header"),
    ("topbar", "header"),
)
DOCUMENT_EXTENSIONS = (".pdf", ".ppt", ".pptx", ".pps", ".ppsx", ".doc", ".docx", ".odt", ".odp")
# Files that are never pages: not crawled, and not evidence either.
ASSET_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
    ".css", ".js", ".mjs", ".map", ".json", ".woff", ".woff2", ".ttf", ".eot", ".otf",
    ".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".exe", ".msi", ".dmg", ".iso", ".bin",
    ".mp3", ".mp4", ".m4v", ".mov", ".avi", ".wmv", ".webm", ".wav", ".ogg", ".flv", ".swf",
    ".xls", ".xlsx", ".csv", ".step", ".stp", ".stl", ".dwg", ".dxf", ".igs", ".iges",
)
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_PATH_LANG = re.compile(r"/(fr|en)(?:[-_][a-z]{2})?(?:/|$)", re.IGNORECASE)
_FR_WORDS = re.compile(r"\b(?:les|des|est|une|pour|avec|nous|vous|sur|dans)\b")
_EN_WORDS = re.compile(r"\b(?:the|and|with|for|our|you|are|from|this|that)\b")


@dataclass(frozen=True, slots=True)
class Link:
    """One hyperlink: where it points, its text and the page region it sits in."""

    url: str  # absolute, fragment removed; mailto:/tel: kept as written
    text: str
    region: str  # nav, header, footer or body
    raw_href: str


@dataclass(frozen=True, slots=True)
class Form:
    """A form's action and the fields it asks for (names and types, no values)."""

    action: str
    fields: tuple[tuple[str, str], ...]  # (type, name) pairs
    text: str
    region: str


@dataclass(slots=True)
class Page:
    """What the rules may read of one fetched page."""

    url: str
    lang: str
    title: str
    text: str  # visible text, spaces collapsed
    folded: str  # `text` folded for matching, same length
    links: list[Link] = field(default_factory=list)
    script_srcs: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[object] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt)
    headings: list[str] = field(default_factory=list)
    iframes: list[str] = field(default_factory=list)
    cf_emails: list[str] = field(default_factory=list)  # Cloudflare-protected hex strings
    feeds: list[str] = field(default_factory=list)  # RSS/Atom feeds the page announces
    cache: dict[str, object] = field(default_factory=dict)  # work shared among rules

    # Several rules ask for these; each list is made once per page (pages are read-only).

    @property
    def mailto(self) -> list[Link]:
        found = self.cache.get("links:mailto")
        if found is None:
            found = self.cache["links:mailto"] = [
                link for link in self.links if link.url.startswith("mailto:")]
        return found  # type: ignore[return-value]

    @property
    def tel(self) -> list[Link]:
        found = self.cache.get("links:tel")
        if found is None:
            found = self.cache["links:tel"] = [
                link for link in self.links if link.url.startswith("tel:")]
        return found  # type: ignore[return-value]

    @property
    def documents(self) -> list[Link]:
        found = self.cache.get("links:documents")
        if found is None:
            found = self.cache["links:documents"] = [
                link for link in self.links if is_document(link.url)]
        return found  # type: ignore[return-value]


@lru_cache(maxsize=4096)  # a site's links repeat on every page
def is_document(url: str) -> bool:
    """PDF, slide and word-processor files, which are evidence but not crawled."""
    path = urlsplit(url).path.lower()
    return path.endswith(DOCUMENT_EXTENSIONS)


@lru_cache(maxsize=4096)
def is_asset(url: str) -> bool:
    """Images, scripts, archives, media and CAD files: never worth a page request."""
    return urlsplit(url).path.lower().endswith(ASSET_EXTENSIONS)


def absolute_url(base: str, href: str) -> str | None:
    """Resolve href against base; None for links that lead nowhere (`#`, `javascript:`)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    lowered = href[:11].lower()
    if lowered.startswith(("mailto:", "tel:")):
        return href
    if lowered.startswith(("javascript:", "data:", "about:")):
        return None
    if not _ORIGIN_WIDE.match(href):
        return _resolve(base, href)  # depends on the whole page URL: seldom seen twice
    key = (_origin(base), href)
    found = _JOINED.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    result = _resolve(base, href)
    remember(_JOINED, key, result, MAX_JOINED)
    return result


def remember(memo: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """memo[key] = value, the memo kept under `limit` entries (the older half forgotten)."""
    if len(memo) >= limit:
        evict_oldest(memo)
    memo[key] = value


def evict_oldest(memo: dict[Any, Any]) -> None:
    """Forget the older half of a bounded memo (dicts keep insertion order)."""
    for key in list(islice(memo, len(memo) // 2)):
        del memo[key]


def _resolve(base: str, href: str) -> str | None:
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


# Memo of resolved links. An href with its own scheme and host, a protocol-relative one
# (`//host/x`) and a root-relative one (`/x`) resolve the same against every page of a host,
# so their key is the base's scheme and host: a site's repeated navigation resolves once.
# Any other href (`x.html`, `?page=2`, `../a`) depends on the whole page URL: not memoised.
MAX_JOINED = 8192
_JOINED: dict[tuple[str, str], str | None] = {}
_MISSING = object()
_ORIGIN_WIDE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#\\]|/(?![/\\])")


def _origin(base: str) -> str:
    """`scheme://host` of a base URL: what a root-relative or absolute href depends on."""
    cached = _ORIGINS.get(base)
    if cached is None:
        try:
            parts = urlsplit(base)
            cached = f"{parts.scheme}://{parts.netloc}" if parts.netloc else base
        except ValueError:
            cached = base
        if len(_ORIGINS) >= 1024:
            _ORIGINS.clear()
        _ORIGINS[base] = cached
    return cached


_ORIGINS: dict[str, str] = {}

# The fast fold and collapse once lived here; they are auditor.text's own functions now.
squash = collapse_spaces
fold_text = fold


def _region_of(node: LexborNode, cache: dict[int, str]) -> str:
    """Nav, header or footer when the node sits inside one, else body."""
    seen: list[int] = []
    region = "body"
    current: LexborNode | None = node.parent
    while current is not None:
        tag = current.tag
        if tag in ("body", "html", None):
            break
        key = current.mem_id
        if key in cache:
            region = cache[key]
            break
        seen.append(key)
        found = REGION_TAGS.get(tag or "")
        if found is None:
            attrs = current.attributes
            ident, cls = attrs.get("id"), attrs.get("class")
            if ident or cls:
                found = _region_of_tokens(f"{ident or ''} {cls or ''}")
        if found is not None:
            region = found
            break
        current = current.parent
    for key in seen:
        cache[key] = region
    return region


@lru_cache(maxsize=4096)
def _region_of_tokens(id_and_class: str) -> str | None:
    """The region named by an element's id and class tokens (they repeat across a site)."""
    tokens = _TOKEN_SPLIT.split(id_and_class.lower())
    for token, name in REGION_TOKENS:
        if token in tokens:
            return name
    return None


def _detect_lang(root_lang: str, url: str, meta: dict[str, str], folded: str) -> str:
    for candidate in (root_lang, meta.get("og:locale", ""), meta.get("content-language", "")):
        code = candidate.strip().lower()[:2]
        if code.isalpha() and len(code) == 2:
            return code
    match = _PATH_LANG.search(urlsplit(url).path)
    if match:
        return match.group(1).lower()
    sample = folded[:5000]
    fr, en = len(_FR_WORDS.findall(sample)), len(_EN_WORDS.findall(sample))
    if fr == en == 0:
        return ""
    return "fr" if fr > en else "en"


def parse_page(url: str, html: str) -> Page:
    """Parse HTML once into a Page; tolerant of broken markup and bad JSON-LD."""
    tree = LexborHTMLParser(html[:MAX_HTML_CHARS])
    head_meta: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("http-equiv")
        content = attrs.get("content")
        if key and content is not None:
            head_meta.setdefault(key.strip().lower(), content.strip()[:1000])

    base_node = tree.css_first("base[href]")
    base = urljoin(url, base_node.attributes.get("href") or "") if base_node else url

    script_srcs: list[str] = []
    inline_scripts: list[str] = []
    jsonld: list[object] = []
    for node in tree.css("script"):
        attrs = node.attributes
        src = attrs.get("src")
        if src:
            resolved = absolute_url(base, src)
            if resolved:
                script_srcs.append(resolved)
            continue
        body = node.text(deep=True) or ""
        if (attrs.get("type") or "").strip().lower() == "application/ld+json":
            try:
                jsonld.append(json.loads(body[:MAX_JSONLD_CHARS]))
            except ValueError:
                continue  # malformed JSON-LD is common; the rest of the page still counts
        elif body.strip():
            inline_scripts.append(body[:MAX_INLINE_SCRIPT_CHARS])

    cf_emails = [
        node.attributes.get("data-cfemail") or "" for node in tree.css("[data-cfemail]")
    ]
    iframes = [src for node in tree.css("iframe[src]") if (src := node.attributes.get("src"))]
    feeds = [
        resolved
        for node in tree.css("link[href][type]")
        if "alternate" in (node.attributes.get("rel") or "").lower()
        and ("rss" in (t := (node.attributes.get("type") or "").lower()) or "atom" in t)
        and (resolved := absolute_url(base, node.attributes.get("href") or ""))
    ]

    title_node = tree.css_first("title")
    title = squash(title_node.text()) if title_node else ""
    root = tree.css_first("html")
    root_lang = (root.attributes.get("lang") or "") if root else ""

    tree.strip_tags(["script", "style", "noscript", "template", "svg"])

    region_cache: dict[int, str] = {}
    links: list[Link] = []
    for node in tree.css("a[href], area[href]"):
        raw = node.attributes.get("href") or ""
        resolved = absolute_url(base, raw)
        text = squash(node.text(separator=" "))
        if not text:
            text = squash(
                node.attributes.get("title") or node.attributes.get("aria-label") or ""
            )
        links.append(
            Link(url=resolved or "", text=text[:200], region=_region_of(node, region_cache),
                 raw_href=raw[:2000])
        )

    forms: list[Form] = []
    for node in tree.css("form"):
        fields = tuple(
            ((f.attributes.get("type") or f.tag or "").lower(), (f.attributes.get("name") or "")[:80])
            for f in node.css("input, select, textarea")
        )
        action = absolute_url(base, node.attributes.get("action") or "") or url
        forms.append(Form(action=action, fields=fields,
                          text=squash(node.text(separator=" "))[:500],
                          region=_region_of(node, region_cache)))

    images = [
        (absolute_url(base, n.attributes.get("src") or "") or "", (n.attributes.get("alt") or "")[:200])
        for n in tree.css("img")
    ]
    headings = [squash(n.text(separator=" "))[:300] for n in tree.css("h1, h2, h3")]

    body = tree.body
    text = squash(body.text(separator=" ")) if body else ""
    text = text[:MAX_TEXT_CHARS]
    folded = fold_text(text)
    return Page(
        url=url,
        lang=_detect_lang(root_lang, url, head_meta, folded),
        title=title[:300],
        text=text,
        folded=folded,
        links=links,
        script_srcs=script_srcs,
        inline_scripts=inline_scripts,
        meta=head_meta,
        jsonld=jsonld,
        forms=forms,
        images=images,
        headings=headings,
        iframes=iframes,
        cf_emails=cf_emails,
        feeds=feeds,
    )
