"""Profiles without a crawl: feeds, profile pages, ownership, the verdict, date tokens,
redirect rules and storage."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.failures import ROBOTS_FORBID
from auditor.feeds import parse_date, summarise_feed
from auditor.items import Evidence
from auditor.localsites import SiteServer, relative_date, substitute_dates
from auditor.page import parse_page
from auditor.profile_page import ProfileSnapshot, is_login_url, parse_count, read_profile
from auditor.profiles import (
    BLOG,
    PENDING,
    REASON_LISTED,
    REASON_SAMEAS,
    Fetch,
    ProfileCollector,
    ProfileRecord,
    feed_for,
    finish,
    judge,
    page_for,
)
from auditor.storage import Store
from reports.diff import diff_runs, profiles

RUN = datetime(2026, 6, 1, 12, tzinfo=UTC)


def ago(days: int) -> datetime:
    return RUN - timedelta(days=days)


# ---- feeds ----------------------------------------------------------------------------------

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>a</title><pubDate>Tue, 12 May 2026 09:00:00 -0400</pubDate></item>
<item><title>b</title><pubDate>Mon, 02 Feb 2026 09:00:00 GMT</pubDate></item>
<item><title>event</title><pubDate>Fri, 02 Oct 2026 09:00:00 GMT</pubDate></item>
<item><title>undated</title></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Blog</title><entry><title>x</title><published>2025-01-02T10:00:00Z</published>
<updated>2026-03-04T10:00:00+02:00</updated></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Old</title></channel><item><title>x</title><dc:date>2019-05-06</dc:date></item>
</rdf:RDF>"""
YOUTUBE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
<title>Chan</title><published>2015-01-01T00:00:00+00:00</published>
<entry><yt:videoId>a</yt:videoId><published>2026-05-20T14:00:00+00:00</published></entry>
</feed>"""


def test_rss_latest_date_skips_events_announced_ahead() -> None:
    summary = summarise_feed(RSS, not_after=RUN)
    assert summary is not None
    assert (summary.kind, summary.entries, summary.title, summary.future) == ("rss", 4, "News", 1)
    assert summary.latest == datetime(2026, 5, 12, 13, tzinfo=UTC)
    assert summarise_feed(RSS).latest == datetime(2026, 10, 2, 9, tzinfo=UTC)  # no limit


def test_atom_rdf_and_youtube_feeds() -> None:
    atom = summarise_feed(ATOM, not_after=RUN)
    assert atom is not None and atom.kind == "atom"
    assert atom.latest == datetime(2026, 3, 4, 8, tzinfo=UTC)  # the newer of the two dates
    assert summarise_feed(ATOM, not_after=datetime(2025, 6, 1, tzinfo=UTC)).latest == datetime(
        2025, 1, 2, 10, tzinfo=UTC)  # updated later than the limit: published counts
    rdf = summarise_feed(RDF)
    assert rdf is not None and rdf.kind == "rss" and rdf.latest == datetime(2019, 5, 6,
                                                                          tzinfo=UTC)
    youtube = summarise_feed(YOUTUBE)
    assert youtube is not None and youtube.entries == 1  # the channel's date is not a post
    assert youtube.latest == datetime(2026, 5, 20, 14, tzinfo=UTC)


@pytest.mark.parametrize("body", [
    b"", b"   ", b"<html><body>Log in</body></html>", b"not xml at all {",
    b"<?xml version='1.0'?><urlset><url><loc>https://x</loc></url></urlset>",
])
def test_what_is_not_a_feed(body: bytes) -> None:
    assert summarise_feed(body) is None


def test_feeds_are_parsed_safely() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<rss><channel><title>&x;</title><item><pubDate>2026-01-01</pubDate></item>"
           b"</channel></rss>")
    summary = summarise_feed(xxe)
    assert summary is not None and "root:" not in summary.title
    laughs = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode()
                         for n, p in zip("bcdefghi", "abcdefgh", strict=True))
              + b"]><rss><channel><title>&i;</title></channel></rss>")
    summary = summarise_feed(laughs)
    assert summary is None or len(summary.title) <= 200


@pytest.mark.parametrize(("text", "expected"), [
    ("Tue, 12 May 2026 09:00:00 -0400", datetime(2026, 5, 12, 13, tzinfo=UTC)),
    ("2026-05-12", datetime(2026, 5, 12, tzinfo=UTC)),
    ("2026-05-12T10:00:00Z", datetime(2026, 5, 12, 10, tzinfo=UTC)),
    ("12/05/2026", None), ("", None), ("0001-01-01T00:00:00+05:00", None),
])
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


# ---- profile pages ----------------------------------------------------------------------

PAGE = """<html><head><title>Lumisonde | Facebook</title>
<meta property="og:title" content="Lumisonde"><meta property="og:description" content="Lidar. 2 718 followers">
<link rel="alternate" type="application/rss+xml" href="/@lumi.rss">
<link rel="canonical" href="https://www.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV">
<script type="application/ld+json">{"@type":"VideoObject","uploadDate":"2026-04-01"}</script>
</head><body><article><time datetime="2026-03-01">1 March</time></article>
<article><time datetime="2026-09-01">soon: our booth</time></article>
<a href="https://l.facebook.com/l.php?u=https%3A%2F%2Flumisonde.ca%2F">lumisonde.ca</a></body></html>"""


def test_read_profile_generic_signals() -> None:
    snap = read_profile("https://www.facebook.com/lumisonde", PAGE, {"lumisonde.ca"}, RUN)
    assert snap.og_title == "Lumisonde" and snap.title == "Lumisonde | Facebook"
    assert snap.followers == 2718
    assert snap.latest_post == datetime(2026, 4, 1, tzinfo=UTC)  # JSON-LD; the booth is ahead
    assert snap.feeds == ("https://www.facebook.com/@lumi.rss",)
    assert snap.channel_id == "UCaBcDeFgHiJkLmNoPqRsTuV"
    assert snap.links_back and not snap.login_wall


def test_login_walls() -> None:
    login = "<html><head><title>Log in to X</title></head><body><input type=password></body></html>"
    assert read_profile("https://x.com/lumi", login, set()).login_wall
    assert read_profile("https://www.linkedin.com/authwall?trk=x", "<p>hi</p>", set()).login_wall
    public = PAGE.replace("</body>", "<form><input type=password></form></body>")
    assert not read_profile("https://www.facebook.com/lumi", public, set()).login_wall
    for url in ("https://www.facebook.com/login/?next=x", "https://x.com/i/flow/login",
                "https://consent.youtube.com/m?continue=x",
                "https://accounts.google.com/ServiceLogin"):
        assert is_login_url(url), url
    assert not is_login_url("https://www.facebook.com/loginova.optics")


@pytest.mark.parametrize(("text", "expected"), [
    ("2 718 followers", 2718), ("1,2 k abonnés", 1200), ("3.4M subscribers", 3_400_000),
    ("12,345 Followers", 12345), ("612 subscribers · 4 videos", 612), ("57 Followers", 57),
    ("Founded 2019 · 1 200 followers", 1200), ("no count here", None),
])
def test_follower_counts(text: str, expected: int | None) -> None:
    html = f"<html><body><p>{text}</p></body></html>"
    assert read_profile("https://example.org/p", html, set()).followers == expected


def test_parse_count() -> None:
    assert parse_count("2\u202f718", None) == 2718 and parse_count("1,5", "k") == 1500


@pytest.mark.parametrize(("text", "expected"), [
    ("https://lumisonde.ca/", True), ("Visit www.lumisonde.ca.", True),
    ("write to info@lumisonde.ca", True), ("(lumisonde.ca)", True),
    ("notlumisonde.ca", False), ("lumisonde.ca.evil.com", False), ("lumisonde.cab", False),
])
def test_reciprocity(text: str, expected: bool) -> None:
    html = f"<html><body><p>{text}</p></body></html>"
    assert read_profile("https://example.org/p", html, {"lumisonde.ca"}).links_back is expected


# ---- ownership ---------------------------------------------------------------------------

def _evidence(value: str, url: str, location: str, why: str) -> Evidence:
    return Evidence("a", "a-social-media", value, url, location, f"x {value} — {why}", 1.0)


def _page(url: str, head: str = "", body: str = "") -> object:
    return parse_page(url, f"<html><head>{head}</head><body>{body}</body></html>")


def test_collector_tells_own_profiles_from_others() -> None:
    collector = ProfileCollector("L", ("Lumisonde inc.", "lumisonde"), "lumisonde.ca",
                                 ["https://www.linkedin.com/company/lumi-listed/"])
    home = _page("https://lumisonde.ca/", head=(
        '<link rel="alternate" type="application/rss+xml" href="/feed/">'
        '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">'
        '<link rel="alternate" type="application/rss+xml" href="https://feeds.example.com/x">'
        '<meta property="article:publisher" content="https://www.facebook.com/lumipage">'),
        body='<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2F'
             'www.facebook.com%2Fotherclub"></iframe>')
    collector.observe(home, [
        _evidence("https://x.com/qcphoto", home.url, "footer", "in site-wide links"),
        _evidence("https://vimeo.com/partner", home.url, "footer", "in site-wide links"),
        _evidence("https://www.youtube.com/@lumisonde", home.url, "body",
                  "handle resembles the firm's name"),
        _evidence("https://github.com/lumi-dev", home.url, "jsonld", "JSON-LD sameAs"),
        _evidence("blog post 2026-01-01", home.url, "jsonld", "post dated"),
    ], own_page=True)
    about = _page("https://lumisonde.ca/about",
                  head='<meta property="article:publisher" content="https://www.facebook.com/lumipage">')
    collector.observe(about, [
        _evidence("https://x.com/qcphoto", about.url, "footer", "in site-wide links")],
        own_page=True)
    judged = {c.profile.url: (c.own, c.why) for c in collector.judged()}
    assert judged == {
        "https://www.linkedin.com/company/lumi-listed": (True, REASON_LISTED),
        "https://x.com/qcphoto": (True, "in the site's header or footer on 2 pages"),
        "https://vimeo.com/partner": (False, "in a header or footer of one page only"),
        "https://www.youtube.com/@lumisonde": (True, "handle resembles the firm's name"),
        "https://github.com/lumi-dev": (True, REASON_SAMEAS),
        "https://www.facebook.com/lumipage": (True, "in the article:publisher meta of 2 pages"),
        "https://www.facebook.com/otherclub": (False, ("embedded on the site, handle unlike the "
                                                      "firm's name")),
    }
    records = collector.records()
    feeds = [r for r in records if r.platform == BLOG]
    assert [r.url for r in feeds] == ["https://lumisonde.ca/feed/"]  # no comments, no off-site
    assert {r.status for r in records if r.own} == {PENDING}
    assert {r.status for r in records if not r.own} == {""}


def test_a_one_page_site_footer_is_site_wide() -> None:
    collector = ProfileCollector("L", ("Acme",), "acme.ca")
    page = _page("https://acme.ca/")
    collector.observe(page, [_evidence("https://x.com/qcphoto", page.url, "footer",
                                       "in site-wide links")])
    (only,) = collector.judged()
    assert only.own and only.why == "in the site's header or footer on 1 page"


def test_feed_and_page_to_visit() -> None:
    def rec(platform: str, url: str, kind: str = "", handle: str = "") -> ProfileRecord:
        return ProfileRecord("F", platform, url, handle, kind)

    channel = rec("youtube", "https://www.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV",
                  "channel", "UCaBcDeFgHiJkLmNoPqRsTuV")
    assert feed_for(channel) == ("https://www.youtube.com/feeds/videos.xml?channel_id="
                                 "UCaBcDeFgHiJkLmNoPqRsTuV")
    assert feed_for(rec("youtube", "https://www.youtube.com/@x", "handle", "x")) == ""
    assert feed_for(rec("mastodon", "https://fosstodon.org/@x")) == "https://fosstodon.org/@x.rss"
    assert feed_for(rec("bluesky", "https://bsky.app/profile/x.ca")) == (
        "https://bsky.app/profile/x.ca/rss")
    assert page_for(rec(BLOG, "https://x.ca/feed/")) == "" and page_for(rec("wechat", "u")) == ""


# ---- the verdict -------------------------------------------------------------------------------

def snap(latest: datetime | None = None, login: bool = False, back: bool = True) -> ProfileSnapshot:
    return ProfileSnapshot(login, "t", "og", "d", 10, back, latest, ())


def ok(url: str = "https://p/x", final: str = "", redirects: tuple[str, ...] = ()) -> Fetch:
    return Fetch(url, 200, final or url, "", redirects)


def test_verdicts() -> None:
    from auditor.feeds import FeedSummary

    fresh = FeedSummary("rss", 3, ago(30), "t")
    old = FeedSummary("rss", 3, ago(400), "t")
    empty = FeedSummary("atom", 0, None, "t")
    cases = [
        (ok(), snap(ago(10)), None, None, "active", "post of 2026-05-22 (profile page), 10 days"),
        (ok(), snap(ago(181)), None, None, "passive", "(over 180)"),
        (ok(), snap(ago(400)), ok(), fresh, "active", "(feed)"),
        (ok(), snap(), ok(), old, "passive", "latest post"),
        (ok(), snap(), None, None, "passive", "public page, no dated post visible"),
        (None, None, ok(), empty, "passive", "feed without a dated entry"),
        (Fetch("https://p/x", error=ROBOTS_FORBID), None, None, None, "unknown",
         "not fetched: robots"),
        (Fetch("https://p/x", error=ROBOTS_FORBID), None, ok(), fresh, "active", "(feed)"),
        (ok(final="https://p/login/?next=x", redirects=("https://p/x",)), snap(), None, None,
         "unknown", "login wall (https://p/login/?next=x)"),
        (ok(), snap(login=True), None, None, "unknown", "login wall"),
        (Fetch("https://p/x", 404, "https://p/x"), None, None, None, "unreachable", "HTTP 404"),
        (Fetch("https://p/x", 410, "https://p/x"), None, None, None, "unreachable", "HTTP 410"),
        (Fetch("https://p/x", 503, "https://p/x"), None, None, None, "unreachable", "HTTP 503"),
        (Fetch("https://p/x", error="DNS lookup failed"), None, None, None, "unreachable",
         "DNS lookup failed"),
        (Fetch("https://p/x", error="connection refused"), None, None, None, "unreachable",
         "connection refused"),
        (Fetch("https://p/x", 999, "https://p/x"), None, None, None, "unknown",
         "HTTP 999: the platform refused the visit"),
        (Fetch("https://p/x", error="rate limited: HTTP 429 asks to wait 3600 s"), None, None,
         None, "unknown", "rate limited"),
        (Fetch("https://p/x", error="page too large (over 4 MiB)"), None, None, None, "unknown",
         "page too large"),
        (Fetch("https://p/x", error="refused by the SSRF guard: 10.0.0.1 is private"), None,
         None, None, "unreachable", "SSRF"),
        (ok(), None, None, None, "unknown", "does not serve a web page"),
        (None, None, ok(), None, "unknown", "does not serve a feed"),
        (None, None, Fetch("https://x/feed", 404, "https://x/feed"), None, "unreachable",
         "HTTP 404"),
        (None, None, None, None, "unknown", "no public web page to visit"),
    ]
    for page, snapshot, feed, summary, status, reason in cases:
        verdict = judge(page, snapshot, feed, summary, RUN)
        assert verdict.status == status, (page, snapshot, feed, summary, verdict)
        assert reason in verdict.reason, verdict.reason
    assert judge(ok(), snap(ago(20)), None, None, RUN, active_days=10).status == "passive"


def test_finish_fills_the_record() -> None:
    record = finish(ProfileRecord("F", "facebook", "https://p/x"),
                    ok(final="https://p/login/", redirects=("https://p/x",)), snap(), None,
                    None, RUN)
    assert (record.status, record.login_wall, record.links_back) == ("unknown", True, None)
    assert record.visit == "HTTP 200" and record.followers is None  # the login page's
    record = finish(ProfileRecord("F", "facebook", "https://p/x"), ok(), snap(ago(3), back=False),
                    None, None, RUN)
    assert (record.status, record.last_post, record.last_post_source, record.links_back) == (
        "active", "2026-05-29", "profile page", False)


# ---- date tokens and redirect rules ---------------------------------------------------------

def test_relative_date_tokens() -> None:
    today = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert relative_date("DAYS_AGO", 12, today) == "2026-02-26"
    assert relative_date("DATETIME_DAYS_AGO", 0, today) == "2026-03-10T09:00:00Z"
    assert relative_date("RFC822_DAYS_AGO", 1, today) == "Mon, 09 Mar 2026 09:00:00 +0000"
    assert relative_date("LONG_DAYS_AGO", -5, today) == "15 March 2026"
    body = b"<time datetime='%%DAYS_AGO:12%%'>%%LONG_DAYS_AGO:12%%</time> 100%% %%NOPE:1%%"
    assert substitute_dates(body, today) == (
        b"<time datetime='2026-02-26'>26 February 2026</time> 100%% %%NOPE:1%%")


def _get(url: str, host: str) -> tuple[int, bytes, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    request = urllib.request.Request(url, headers={"Host": host})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Location", "")


def test_local_server_tokens_and_redirects(tmp_path: Path) -> None:
    site = tmp_path / "social.example"
    (site / "feeds").mkdir(parents=True)
    (site / "feeds" / "a.xml").write_text("<rss><pubDate>%%DAYS_AGO:1%%</pubDate></rss>")
    (site / "page.html").write_text("<p>%%DAYS_AGO:0%%</p>")
    (site / "_redirects").write_text(
        "# comment\n/old /page.html 301\n/feed?id=a /feeds/a.xml 200\n/gone /x 410\n")
    today = datetime.now(UTC).date()
    with_dates = SiteServer(tmp_path, relative_dates=True).start()
    plain = SiteServer(tmp_path).start()
    try:
        base = with_dates.address
        assert _get(f"{base}/page.html", "social.example")[1] == (
            f"<p>{today.isoformat()}</p>".encode())
        assert _get(f"{plain.address}/page.html", "social.example")[1] == b"<p>%%DAYS_AGO:0%%</p>"
        assert _get(f"{base}/old", "social.example")[::2] == (301, "/page.html")
        status, body, _ = _get(f"{base}/feed?id=a", "social.example")
        assert status == 200 and (today - timedelta(days=1)).isoformat().encode() in body
        assert _get(f"{base}/feed?id=b", "social.example")[0] == 404
        assert _get(f"{base}/gone", "social.example")[0] == 410
        assert _get(f"{base}/_redirects", "social.example")[0] == 404  # rules stay private
    finally:
        with_dates.stop()
        plain.stop()
    (tmp_path / "relative-dates.txt").write_text("on")
    marked = SiteServer(tmp_path).start()
    try:
        assert _get(f"{marked.address}/page.html", "social.example")[1] == (
            f"<p>{today.isoformat()}</p>".encode())
    finally:
        marked.stop()


# ---- storage and the readers ----------------------------------------------------------------

def test_profiles_table_is_created_by_the_first_save_and_upserted(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    store = Store(db)
    run_id = store.create_run("f.csv", {"AUDIT_PROFILES": True}, {}, "t")
    assert not store.has_profiles() and store.pending_profiles(run_id) == []
    pending = ProfileRecord("F", "linkedin", "https://www.linkedin.com/company/f",
                            own_reason=REASON_LISTED)
    other = ProfileRecord("F", "x", "https://x.com/partner", own=False, status="",
                          own_reason="in a header or footer of one page only")
    store.save_profiles(run_id, [pending, other])
    assert [p.url for p in store.pending_profiles(run_id)] == [pending.url]
    done = finish(ProfileRecord("F", "linkedin", pending.url),
                  Fetch(pending.url, error=ROBOTS_FORBID), None, None, None, RUN)
    store.save_profiles(run_id, [done])
    store.save_profiles(run_id, [pending])  # a late pending row never undoes a visit
    assert store.pending_profiles(run_id) == []
    store.close()
    con = sqlite3.connect(db)
    rows = con.execute("SELECT url, own, status, reason, own_reason FROM profiles").fetchall()
    assert rows == [(pending.url, 1, "unknown", "not fetched: robots", REASON_LISTED),
                    (other.url, 0, "", "", "in a header or footer of one page only")]
    own = profiles(con, run_id)
    assert own is not None and own["url"].tolist() == [pending.url]
    assert own.loc[0, "reason"] == "not fetched: robots"
    others = profiles(con, run_id, own=False)
    assert others is not None and others["url"].tolist() == [other.url]
    con.close()


def test_a_run_without_profile_visits_reads_as_not_assessed(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    store = Store(db)
    first = store.create_run("f.csv", {"AUDIT_PROFILES": True}, {}, "t")
    store.save_profiles(first, [ProfileRecord("F", "x", "https://x.com/f", status="active")])
    second = store.create_run("f.csv", {"AUDIT_PROFILES": False}, {}, "t")
    store.close()
    con = sqlite3.connect(db)
    assert profiles(con, first) is not None
    assert profiles(con, second) is None
    assert diff_runs(con, first, second).profiles is None  # not "gone"
    con.close()


def test_a_run_from_before_profiles_is_not_compared(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    store = Store(db)
    old = store.create_run("f.csv", {"AUDIT_PAGE_CAP": 300}, {}, "0.0")  # no AUDIT_PROFILES
    new = store.create_run("f.csv", {"AUDIT_PROFILES": True}, {}, "t")
    store.save_profiles(new, [ProfileRecord("F", "x", "https://x.com/f", status="active")])
    store.close()
    con = sqlite3.connect(db)
    assert profiles(con, old) is None and profiles(con, new) is not None
    assert diff_runs(con, old, new).profiles is None  # not "new" everywhere
    con.close()
