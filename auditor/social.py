"""Recognise social-platform profile URLs and normalise them to one canonical form.

Share buttons, intent links, plugins, single posts and personal profiles are told apart
from a firm's own account pages here, once, for the rules and the profile visits alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_HANDLE = r"[A-Za-z0-9_.\-%À-ÿ]+"


@dataclass(frozen=True, slots=True)
class Profile:
    """A social account page: platform, handle and canonical URL."""

    platform: str
    handle: str
    url: str
    kind: str = ""  # company, showcase, school, page, channel, user...


# Per host: (path regex, kind, canonical template). First match wins.
_PATTERNS: dict[str, list[tuple[re.Pattern[str], str, str]]] = {
    "linkedin": [
        (re.compile(rf"^/(company|showcase|school)/({_HANDLE})"), "{0}",
         "https://www.linkedin.com/{0}/{1}"),
    ],
    "facebook": [
        (re.compile(r"^/profile\.php$"), "page", ""),  # handled via ?id=
        (re.compile(r"^/pages/[^/]+/(\d+)"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/({_HANDLE})/?$"), "page", "https://www.facebook.com/{0}"),
        (re.compile(rf"^/({_HANDLE})/(?:about|posts|photos|videos|reviews)?/?$"), "page",
         "https://www.facebook.com/{0}"),
    ],
    "x": [(re.compile(r"^/@?(\w{1,30})/?$"), "user", "https://x.com/{0}")],
    "youtube": [
        (re.compile(rf"^/@({_HANDLE})"), "handle", "https://www.youtube.com/@{0}"),
        (re.compile(rf"^/(channel|c|user)/({_HANDLE})"), "{0}", "https://www.youtube.com/{0}/{1}"),
    ],
    "instagram": [(re.compile(r"^/([A-Za-z0-9_.]{1,30})/?$"), "user",
                   "https://www.instagram.com/{0}")],
    "vimeo": [(re.compile(r"^/([A-Za-z][A-Za-z0-9_]{1,60})/?$"), "user", "https://vimeo.com/{0}")],
    "tiktok": [(re.compile(r"^/@([A-Za-z0-9_.]{1,40})"), "user", "https://www.tiktok.com/@{0}")],
    "github": [(re.compile(r"^/([A-Za-z0-9-]{1,39})/?$"), "org", "https://github.com/{0}")],
    "bluesky": [(re.compile(r"^/profile/([A-Za-z0-9.\-:]+)"), "user",
                 "https://bsky.app/profile/{0}")],
    "xing": [(re.compile(rf"^/(pages|companies)/({_HANDLE})"), "{0}",
              "https://www.xing.com/{0}/{1}")],
    "weibo": [(re.compile(r"^/(?:u/)?([A-Za-z0-9_]+)/?$"), "user", "https://weibo.com/{0}")],
    "wechat": [(re.compile(r"^/(?:s|mp/profile_ext)"), "account", "")],
}

_HOSTS = {
    "linkedin.com": "linkedin", "facebook.com": "facebook", "fb.com": "facebook",
    "twitter.com": "x", "x.com": "x", "youtube.com": "youtube", "instagram.com": "instagram",
    "vimeo.com": "vimeo", "tiktok.com": "tiktok", "github.com": "github", "bsky.app": "bluesky",
    "xing.com": "xing", "weibo.com": "weibo", "mp.weixin.qq.com": "wechat",
}

# First path segments that are never an account: share, intent, plugin and app pages.
_NOT_ACCOUNTS = {
    "facebook": {"sharer", "sharer.php", "share.php", "share", "dialog", "plugins", "tr",
                 "login", "login.php", "groups", "events", "watch", "hashtag", "help",
                 "policies", "privacy", "legal", "home.php", "people", "photo.php", "story.php",
                 "permalink.php", "search", "marketplace", "gaming", "business", "ads", "l.php",
                 "pg", "pages"},
    "x": {"intent", "share", "home", "hashtag", "search", "i", "explore", "settings", "login",
          "signup", "privacy", "tos", "widgets", "messages", "notifications"},
    "instagram": {"p", "explore", "reel", "reels", "accounts", "about", "developer", "legal",
                  "stories", "tv"},
    "vimeo": {"channels", "groups", "album", "ondemand", "join", "log_in", "upgrade", "features",
              "blog", "help", "about", "watch", "categories", "search", "manage"},
    "github": {"features", "pricing", "about", "login", "join", "marketplace", "explore",
               "topics", "trending", "sponsors", "orgs", "settings", "site", "contact"},
}


def _platform(host: str) -> str | None:
    host = host.lower()
    for suffix, platform in _HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


def is_mastodon_profile(url: str) -> bool:
    """`https://instance/@user` on a host that is not another known platform."""
    parts = urlsplit(url)
    return bool(re.fullmatch(r"/@\w{1,30}/?", parts.path)) and _platform(parts.hostname or "") is None


def _maybe_social(url: str) -> bool:
    """A cheap test before parsing: most links on a page are the site's own."""
    if "/@" in url:
        return True
    start = url.find("//") + 2
    end = url.find("/", start)
    host = url[start:end if end > 0 else None].lower()
    parts = host.rsplit(".", 3)
    return ".".join(parts[-2:]) in _HOSTS or ".".join(parts[-4:]) in _HOSTS


def parse_profile(url: str) -> Profile | None:
    """The profile a URL points to, or None for share links, posts and non-social URLs."""
    if not _maybe_social(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    platform = _platform(parts.hostname or "")
    path = unquote(parts.path or "/")
    if platform is None:
        if is_mastodon_profile(url):
            handle = path.strip("/").lstrip("@")
            return Profile("mastodon", handle.lower(), f"https://{parts.hostname}/@{handle}", "user")
        return None
    first = path.strip("/").split("/", 1)[0].lower()
    if first in _NOT_ACCOUNTS.get(platform, set()):
        return None
    if platform == "facebook" and path.rstrip("/") == "/profile.php":
        match = re.search(r"(?:^|&)id=(\d+)", parts.query)
        if not match:
            return None
        return Profile("facebook", match.group(1), f"https://www.facebook.com/profile.php?id={match.group(1)}", "page")
    if platform == "linkedin" and first in {"in", "pub", "sharearticle", "sharing", "feed", "posts",
                                            "pulse", "jobs", "learning", "groups"}:
        return None
    for pattern, kind, template in _PATTERNS[platform]:
        match = pattern.match(path)
        if not match:
            continue
        groups = [g.rstrip("/") for g in match.groups()]
        if not template:
            return Profile(platform, path.strip("/").lower(), url, kind)
        canonical = template.format(*groups)
        handle = groups[-1].lower()
        return Profile(platform, handle, canonical.lower() if platform != "youtube" else canonical,
                       kind.format(*groups))
    return None


_NAME_NOISE = re.compile(r"[^a-z0-9]")
_GENERIC_SUFFIXES = ("inc", "ltd", "ltee", "llc", "corp", "gmbh", "sa", "sas", "official", "hq")


def squash(name: str) -> str:
    """`Lumi-Sonde Inc.` → `lumisondeinc`: a name reduced for similarity checks."""
    return _NAME_NOISE.sub("", name.lower())


def resembles(handle: str, names: tuple[str, ...]) -> bool:
    """True when a profile handle looks like one of the firm's names (or the reverse)."""
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
