"""Recognise social-platform profile URLs and normalise them to one canonical form.

Share buttons, intent links, plugins, single posts and personal profiles are told apart
from a firm's own account pages here, once, for the rules and the profile visits alike.
A canonical URL is ASCII: an accented slug written as `é`, `%c3%a9` or `%C3%A9` gives one
URL, with the decoded handle kept for name similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from auditor.page import remember
from auditor.text import fold

_SEGMENT = r"[^/?#&\s]+"  # one path segment, any script: LinkedIn and Facebook slugs are Unicode
_END = r"(?=[/&]|$)"  # a handle ends with its segment, never in the middle of one


@dataclass(frozen=True, slots=True)
class Profile:
    """A social account page: platform, handle and canonical URL."""

    platform: str
    handle: str
    url: str
    kind: str = ""  # company, showcase, school, page, channel, user...


# Per platform: (path regex, kind, canonical template). First match wins. A kind written
# "{0}" is the first group; templates get the groups, lower-cased except on YouTube, whose
# channel ids are case-sensitive (its handles keep the spelling the site gives).
_PATTERNS: dict[str, list[tuple[re.Pattern[str], str, str]]] = {
    "linkedin": [
        (re.compile(rf"^/(company|showcase|school)/({_SEGMENT}){_END}"), "{0}",
         "https://www.linkedin.com/{0}/{1}"),
    ],
    "facebook": [
        (re.compile(rf"^/pages/(?:category/{_SEGMENT}/)?{_SEGMENT}-(\d{{5,}})/?$"), "page",
         "https://www.facebook.com/{0}"),
        (re.compile(rf"^/pages/{_SEGMENT}/(\d+){_END}"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/(?:p|people)/{_SEGMENT}-(\d{{5,}})/?$"), "page",
         "https://www.facebook.com/{0}"),
        (re.compile(rf"^/people/{_SEGMENT}/(\d+){_END}"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/pg/({_SEGMENT}){_END}"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/({_SEGMENT})/?$"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/({_SEGMENT})/(?:about|posts|photos|videos|reviews|community|events)"
                    r"(?:/|$)"), "page", "https://www.facebook.com/{0}"),
    ],
    "x": [(re.compile(r"^/@?(\w{1,30})/?$"), "user", "https://x.com/{0}")],
    "youtube": [
        (re.compile(rf"^/@({_SEGMENT}){_END}"), "handle", "https://www.youtube.com/@{0}"),
        (re.compile(r"^/(channel)/(UC[\w-]{22})(?=/|$)"), "{0}",
         "https://www.youtube.com/{0}/{1}"),
        (re.compile(rf"^/(c|user)/({_SEGMENT}){_END}"), "{0}", "https://www.youtube.com/{0}/{1}"),
        (re.compile(r"^/([A-Za-z0-9_.-]{3,60})/?$"), "custom", "https://www.youtube.com/{0}"),
    ],
    "instagram": [(re.compile(r"^/([A-Za-z0-9_.]{1,30})(?:/embed)?/?$"), "user",
                   "https://www.instagram.com/{0}")],
    "vimeo": [(re.compile(r"^/([A-Za-z][A-Za-z0-9_]{1,60})/?$"), "user", "https://vimeo.com/{0}")],
    "tiktok": [(re.compile(r"^/@([A-Za-z0-9_.]{1,40})(?=/|$)"), "user",
                "https://www.tiktok.com/@{0}")],
    "github": [(re.compile(r"^/([A-Za-z0-9-]{1,39})/?$"), "org", "https://github.com/{0}")],
    "bluesky": [(re.compile(r"^/profile/([A-Za-z0-9.\-:]+)(?=/|$)"), "user",
                 "https://bsky.app/profile/{0}")],
    "threads": [(re.compile(r"^/@([A-Za-z0-9_.]{1,30})(?=/|$)"), "user",
                 "https://www.threads.net/@{0}")],
    "xing": [(re.compile(rf"^/(pages|companies)/({_SEGMENT}){_END}"), "{0}",
              "https://www.xing.com/{0}/{1}")],
    "weibo": [(re.compile(r"^/(?:u/)?([A-Za-z0-9_]+)/?$"), "user", "https://weibo.com/{0}")],
    "wechat": [(re.compile(r"^/(?:s|mp/profile_ext)(?:/|$)"), "account", "")],
}

_HOSTS = {
    "linkedin.com": "linkedin", "facebook.com": "facebook", "fb.com": "facebook",
    "twitter.com": "x", "x.com": "x", "youtube.com": "youtube", "instagram.com": "instagram",
    "vimeo.com": "vimeo", "tiktok.com": "tiktok", "github.com": "github", "bsky.app": "bluesky",
    "threads.net": "threads", "threads.com": "threads",
    "xing.com": "xing", "weibo.com": "weibo", "mp.weixin.qq.com": "wechat",
}
# Hosts whose `/@name` pages are not Mastodon accounts (blogs, newsletters, other networks).
_NOT_MASTODON = ("medium.com", "substack.com", "pinterest.com", "soundcloud.com", "flickr.com",
                 "behance.net", "dribbble.com", "figma.com", "npmjs.com", "kickstarter.com")

# First path segments that are never an account: share, intent, plugin and app pages.
_NOT_ACCOUNTS = {
    "facebook": {"sharer", "sharer.php", "share.php", "share", "dialog", "plugins", "tr",
                 "login", "login.php", "groups", "events", "watch", "hashtag", "help",
                 "policies", "privacy", "legal", "home.php", "photo.php", "story.php",
                 "permalink.php", "search", "marketplace", "gaming", "business", "ads", "l.php",
                 "r.php", "reel", "reels", "stories", "photo", "media", "profile", "recover",
                 "pages", "pg", "p", "people"},
    "x": {"intent", "share", "home", "hashtag", "search", "i", "explore", "settings", "login",
          "signup", "privacy", "tos", "widgets", "messages", "notifications"},
    "instagram": {"p", "explore", "reel", "reels", "accounts", "about", "developer", "legal",
                  "stories", "tv", "direct"},
    "vimeo": {"channels", "groups", "album", "ondemand", "join", "log_in", "upgrade", "features",
              "blog", "help", "about", "watch", "categories", "search", "manage", "showcase"},
    "github": {"features", "pricing", "about", "login", "join", "marketplace", "explore",
               "topics", "trending", "sponsors", "orgs", "settings", "site", "contact",
               "collections", "enterprise", "team", "customer-stories", "security", "readme"},
    "youtube": {"watch", "results", "feed", "feeds", "playlist", "embed", "shorts", "live",
                "about", "t", "premium", "gaming", "account", "signin", "logout", "upload",
                "redirect", "attribution_link", "howyoutubeworks", "creators", "ads", "kids",
                "music", "jobs", "yt", "s", "channel", "c", "user", "hashtag", "post", "index"},
}
_LINKEDIN_NOT_ACCOUNTS = {"in", "pub", "sharearticle", "sharing", "feed", "posts", "pulse",
                          "jobs", "learning", "groups", "login", "signup", "authwall", "uas"}


def _platform(host: str) -> str | None:
    host = host.lower()
    for suffix, platform in _HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


def is_mastodon_profile(url: str) -> bool:
    """`https://instance/@user` on a host that is not another known platform."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _platform(host) is not None or any(host == h or host.endswith("." + h)
                                          for h in _NOT_MASTODON):
        return False
    return bool(re.fullmatch(r"/@\w{1,30}/?", parts.path))


def _maybe_social(url: str) -> bool:
    """A cheap test before parsing: most links on a page are the site's own."""
    if "/@" in url:
        return True
    start = url.find("//") + 2
    end = url.find("/", start)
    host = url[start:end if end > 0 else None].lower()
    parts = host.rsplit(".", 3)
    return ".".join(parts[-2:]) in _HOSTS or ".".join(parts[-4:]) in _HOSTS


def _ascii_url(url: str) -> str:
    """Percent-encode what is not ASCII (and spaces), keeping the URL's own delimiters."""
    return quote(url, safe=":/?&=@%#+~!$,;'()*[]")


def _special(platform: str, parts: SplitResult, path: str) -> tuple[bool, Profile | None]:
    """Account URLs that are not a plain path: Facebook's profile.php?id=, X follow intents
    and old hash-bang links, WeChat accounts. (handled, profile); handled is False when no
    special form applies."""
    if platform == "facebook" and path.rstrip("/") == "/profile.php":
        match = re.search(r"(?:^|&)id=(\d+)", parts.query)
        if not match:
            return True, None
        return True, Profile("facebook", match.group(1),
                             f"https://www.facebook.com/profile.php?id={match.group(1)}", "page")
    if platform == "x":
        if re.match(r"^/intent/(?:follow|user)/?$", path):
            names = parse_qs(parts.query).get("screen_name", [])
            if names and re.fullmatch(r"\w{1,30}", names[0]):
                name = names[0].lower()
                return True, Profile("x", name, f"https://x.com/{name}", "user")
            return True, None
        if path in ("", "/") and parts.fragment.startswith("!/"):
            return True, parse_profile(f"https://x.com/{parts.fragment[2:]}")
    if platform == "wechat" and path.startswith("/mp/profile_ext"):
        biz = parse_qs(parts.query).get("__biz", [])
        if not biz:
            return True, None
        return True, Profile("wechat", biz[0], "https://mp.weixin.qq.com/mp/profile_ext?"
                             f"action=home&__biz={quote(biz[0], safe='')}", "account")
    return False, None


MAX_PROFILE_MEMO = 4096
_PROFILES: dict[str, Profile | None] = {}
_MISSING = object()


def parse_profile(url: str) -> Profile | None:
    """The profile a URL points to, or None for share links, posts and non-social URLs.

    Memoised (bounded): a site's header and footer links repeat on every page, and rule a
    asks about every link of every page.
    """
    found = _PROFILES.get(url, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    result = _parse_profile(url)
    remember(_PROFILES, url, result, MAX_PROFILE_MEMO)
    return result


def _parse_profile(url: str) -> Profile | None:
    if not _maybe_social(url):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    platform = _platform(parts.hostname or "")
    path = unquote(parts.path or "/")
    if platform is None:
        if is_mastodon_profile(url):
            handle = path.strip("/").lstrip("@").lower()
            host = (parts.hostname or "").lower()
            return Profile("mastodon", handle, f"https://{host}/@{handle}", "user")
        return None
    handled, special = _special(platform, parts, path)
    if handled:
        return special
    first = path.strip("/").split("/", 1)[0].lower()
    if platform == "linkedin" and first in _LINKEDIN_NOT_ACCOUNTS:
        return None
    reserved = _NOT_ACCOUNTS.get(platform, set())
    for pattern, kind, template in _PATTERNS[platform]:
        match = pattern.match(path)
        if not match:
            continue
        groups = [g.rstrip("/") for g in match.groups()]
        if groups and groups[-1].lower() in reserved:
            return None  # `/watch`, `/sharer.php`, `/explore`: an app page, not an account
        if not template:
            return Profile(platform, path.strip("/").lower(), parts._replace(fragment="").geturl(),
                           kind)
        case_sensitive = platform == "youtube"  # channel ids are; handles keep their spelling
        values = groups if case_sensitive else [g.lower() for g in groups]
        canonical = _ascii_url(template.format(*values))
        handle = groups[-1] if case_sensitive else groups[-1].lower()
        return Profile(platform, handle, canonical, kind.format(*groups))
    return None


def embedded_profile(src: str) -> Profile | None:
    """The account an embed (an iframe's src) shows: a Facebook page plugin, a YouTube
    uploads playlist or user list, an X profile timeline, an Instagram profile embed."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    platform = _platform(host)
    if platform == "facebook" and parts.path.startswith("/plugins/page.php"):
        href = query.get("href", [""])[0]
        return parse_profile(href) if href else None
    if platform == "youtube" and parts.path.startswith(("/embed", "/embed/")):
        listed = query.get("list", [""])[0]
        if query.get("listType", [""])[0] == "user_uploads" and listed:
            return parse_profile(f"https://www.youtube.com/user/{listed}")
        if re.fullmatch(r"UU[\w-]{22}", listed):  # a channel's uploads: UU + the channel id
            return parse_profile(f"https://www.youtube.com/channel/UC{listed[2:]}")
        return None
    if platform == "x":
        match = re.search(r"/timeline-profile/screen-name/(\w{1,30})", parts.path)
        return parse_profile(f"https://x.com/{match.group(1)}") if match else None
    if platform == "instagram" and parts.path.rstrip("/").endswith("/embed"):
        return parse_profile(src)
    return None


_NAME_NOISE = re.compile(r"[^a-z0-9]")
_GENERIC_SUFFIXES = ("inc", "ltd", "ltee", "llc", "corp", "gmbh", "sa", "sas", "official", "hq")


def squash(name: str) -> str:
    """`Lumi-Sonde Inc.` → `lumisondeinc`: a name reduced for similarity checks."""
    return _NAME_NOISE.sub("", fold(name.lower()))


def resembles(handle: str, names: tuple[str, ...]) -> bool:
    """True when a profile handle looks like one of the firm's names (or the reverse).

    Memoised by handle and names (bounded): a site's footer links the same accounts on every
    page.
    """
    key = (handle, names)
    found = _RESEMBLES.get(key)
    if found is None:
        found = _resembles(handle, names)
        remember(_RESEMBLES, key, found, MAX_RESEMBLES_MEMO)
    return found


MAX_RESEMBLES_MEMO = 4096
_RESEMBLES: dict[tuple[str, tuple[str, ...]], bool] = {}


def _resembles(handle: str, names: tuple[str, ...]) -> bool:
    core = squash(handle)
    for suffix in _GENERIC_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix) + 2:
            core = core[: -len(suffix)]
    if len(core) < 3:
        return False
    for name in names:
        target = squash(name)
        if len(target) >= 3 and (target in core or core in target):
            return True
    return False
