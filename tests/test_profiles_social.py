"""Profile URLs per platform: accounts normalised to one canonical URL, everything else refused."""

from __future__ import annotations

import pytest

from auditor.social import embedded_profile, parse_profile, resembles

ACCOUNTS = [
    # LinkedIn company, showcase and school pages, with /about/, trailing parts, country
    # subdomains, tracking junk, and accented slugs however they are written
    ("https://www.linkedin.com/company/lumisonde/", "linkedin", "lumisonde", "company",
     "https://www.linkedin.com/company/lumisonde"),
    ("https://ca.linkedin.com/company/Lumisonde/about/?trk=public", "linkedin", "lumisonde",
     "company", "https://www.linkedin.com/company/lumisonde"),
    ("https://www.linkedin.com/company/lumisonde/posts/?feedView=all", "linkedin", "lumisonde",
     "company", "https://www.linkedin.com/company/lumisonde"),
    ("https://www.linkedin.com/company/lumisonde&trk=footer", "linkedin", "lumisonde", "company",
     "https://www.linkedin.com/company/lumisonde"),
    ("https://www.linkedin.com/showcase/lumisonde-lidar/", "linkedin", "lumisonde-lidar",
     "showcase", "https://www.linkedin.com/showcase/lumisonde-lidar"),
    ("https://www.linkedin.com/school/universite-laval/", "linkedin", "universite-laval",
     "school", "https://www.linkedin.com/school/universite-laval"),
    ("https://www.linkedin.com/company/optique-pr%C3%A9cision/", "linkedin", "optique-précision",
     "company", "https://www.linkedin.com/company/optique-pr%C3%A9cision"),
    ("https://www.linkedin.com/company/Optique-Pr%c3%a9cision", "linkedin", "optique-précision",
     "company", "https://www.linkedin.com/company/optique-pr%C3%A9cision"),
    ("https://www.linkedin.com/company/optique-précision/about/", "linkedin", "optique-précision",
     "company", "https://www.linkedin.com/company/optique-pr%C3%A9cision"),
    ("https://pl.linkedin.com/company/%C5%82%C3%B3d%C5%BA-optics", "linkedin", "łódź-optics",
     "company", "https://www.linkedin.com/company/%C5%82%C3%B3d%C5%BA-optics"),
    # Facebook pages in their many shapes
    ("https://www.facebook.com/Lumisonde/", "facebook", "lumisonde", "page",
     "https://www.facebook.com/lumisonde"),
    ("https://m.facebook.com/lumisonde.inc?ref=footer", "facebook", "lumisonde.inc", "page",
     "https://www.facebook.com/lumisonde.inc"),
    ("https://fr-ca.facebook.com/lumisonde/about/", "facebook", "lumisonde", "page",
     "https://www.facebook.com/lumisonde"),
    ("https://www.facebook.com/pg/lumisonde/posts/", "facebook", "lumisonde", "page",
     "https://www.facebook.com/lumisonde"),
    ("https://www.facebook.com/pages/Lumisonde-Inc/123456789", "facebook", "123456789", "page",
     "https://www.facebook.com/123456789"),
    ("https://www.facebook.com/pages/category/Product-Service/Lumisonde-123456789012/",
     "facebook", "123456789012", "page", "https://www.facebook.com/123456789012"),
    ("https://www.facebook.com/p/Lumisonde-100064123456789/", "facebook", "100064123456789",
     "page", "https://www.facebook.com/100064123456789"),
    ("https://www.facebook.com/profile.php?id=100064123456789", "facebook", "100064123456789",
     "page", "https://www.facebook.com/profile.php?id=100064123456789"),
    # X / Twitter handles, follow intents, hash-bang links
    ("https://twitter.com/Lumisonde", "x", "lumisonde", "user", "https://x.com/lumisonde"),
    ("https://x.com/@lumisonde/", "x", "lumisonde", "user", "https://x.com/lumisonde"),
    ("https://twitter.com/intent/follow?screen_name=Lumisonde", "x", "lumisonde", "user",
     "https://x.com/lumisonde"),
    ("https://twitter.com/#!/lumisonde", "x", "lumisonde", "user", "https://x.com/lumisonde"),
    # YouTube handles, channel ids (case kept), /c/, /user/, legacy custom URLs
    ("https://www.youtube.com/@Lumisonde/videos", "youtube", "Lumisonde", "handle",
     "https://www.youtube.com/@Lumisonde"),
    ("https://youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV/featured", "youtube",
     "UCaBcDeFgHiJkLmNoPqRsTuV", "channel",
     "https://www.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV"),
    ("https://www.youtube.com/c/LumisondeInc", "youtube", "LumisondeInc", "c",
     "https://www.youtube.com/c/LumisondeInc"),
    ("https://www.youtube.com/user/lumisonde", "youtube", "lumisonde", "user",
     "https://www.youtube.com/user/lumisonde"),
    ("https://m.youtube.com/lumisonde", "youtube", "lumisonde", "custom",
     "https://www.youtube.com/lumisonde"),
    # the others
    ("https://www.instagram.com/lumisonde.inc/", "instagram", "lumisonde.inc", "user",
     "https://www.instagram.com/lumisonde.inc"),
    ("https://vimeo.com/lumisonde", "vimeo", "lumisonde", "user", "https://vimeo.com/lumisonde"),
    ("https://www.tiktok.com/@lumisonde?lang=fr", "tiktok", "lumisonde", "user",
     "https://www.tiktok.com/@lumisonde"),
    ("https://github.com/Lumisonde", "github", "lumisonde", "org", "https://github.com/lumisonde"),
    ("https://fosstodon.org/@Lumisonde", "mastodon", "lumisonde", "user",
     "https://fosstodon.org/@lumisonde"),
    ("https://bsky.app/profile/lumisonde.ca", "bluesky", "lumisonde.ca", "user",
     "https://bsky.app/profile/lumisonde.ca"),
    ("https://bsky.app/profile/lumisonde.bsky.social/post/3kabc", "bluesky",
     "lumisonde.bsky.social", "user", "https://bsky.app/profile/lumisonde.bsky.social"),
    ("https://www.threads.net/@lumisonde", "threads", "lumisonde", "user",
     "https://www.threads.net/@lumisonde"),
    ("https://www.xing.com/pages/lumisonde-gmbh", "xing", "lumisonde-gmbh", "pages",
     "https://www.xing.com/pages/lumisonde-gmbh"),
    ("https://www.xing.com/companies/lumisonde", "xing", "lumisonde", "companies",
     "https://www.xing.com/companies/lumisonde"),
    ("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5NjQ0==#wechat_redirect",
     "wechat", "MzA5NjQ0==", "account",
     "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5NjQ0%3D%3D"),
]

NOT_ACCOUNTS = [
    "https://www.linkedin.com/in/jean-tremblay/",  # a person
    "https://www.linkedin.com/shareArticle?mini=true&url=https://lumisonde.ca/",
    "https://www.linkedin.com/sharing/share-offsite/?url=https://lumisonde.ca/",
    "https://www.linkedin.com/feed/update/urn:li:activity:1/",
    "https://www.linkedin.com/pulse/some-article",
    "https://www.facebook.com/sharer/sharer.php?u=https://lumisonde.ca/",
    "https://www.facebook.com/sharer.php?u=x",
    "https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Flumisonde",
    "https://www.facebook.com/dialog/share?app_id=1",
    "https://www.facebook.com/groups/photonique/",
    "https://www.facebook.com/events/123/",
    "https://www.facebook.com/watch/?v=1",
    "https://www.facebook.com/pages",
    "https://www.facebook.com/profile.php",
    "https://twitter.com/intent/tweet?text=hi&url=x",
    "https://twitter.com/intent/follow",
    "https://twitter.com/share?url=x",
    "https://twitter.com/lumisonde/status/123456",  # a post
    "https://x.com/i/flow/login",
    "https://x.com/home",
    "https://www.youtube.com/watch?v=abcdefghijk",
    "https://www.youtube.com/embed/abcdefghijk",
    "https://www.youtube.com/playlist?list=PL123",
    "https://www.youtube.com/results?search_query=laser",
    "https://www.youtube.com/shorts/abc",
    "https://www.youtube.com/channel/not-a-channel-id",
    "https://www.instagram.com/p/Cabc123/",
    "https://www.instagram.com/explore/tags/laser/",
    "https://vimeo.com/123456789",
    "https://vimeo.com/channels/staffpicks",
    "https://github.com/lumisonde/sdk",  # a repository
    "https://github.com/features",
    "https://medium.com/@lumisonde",  # a blog, not Mastodon
    "https://lumisonde.ca/contact",
    "mailto:info@lumisonde.ca",
    "javascript:void(0)",
]


@pytest.mark.parametrize(("url", "platform", "handle", "kind", "canonical"), ACCOUNTS)
def test_account_urls_normalise(url: str, platform: str, handle: str, kind: str,
                                canonical: str) -> None:
    profile = parse_profile(url)
    assert profile is not None, url
    assert (profile.platform, profile.handle, profile.kind, profile.url) == (
        platform, handle, kind, canonical)
    assert profile.url.isascii()
    again = parse_profile(profile.url)  # the canonical URL is a fixed point
    assert again is not None and again.url == profile.url


@pytest.mark.parametrize("url", NOT_ACCOUNTS)
def test_share_intent_post_and_person_urls_are_not_accounts(url: str) -> None:
    assert parse_profile(url) is None


@pytest.mark.parametrize(("src", "canonical"), [
    (("https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2FLumisonde"
     "&tabs=timeline&width=340"), "https://www.facebook.com/lumisonde"),
    ("https://www.youtube.com/embed/videoseries?list=UUaBcDeFgHiJkLmNoPqRsTuV",
     "https://www.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV"),
    ("https://www.youtube.com/embed?listType=user_uploads&list=lumisonde",
     "https://www.youtube.com/user/lumisonde"),
    ("https://syndication.twitter.com/srv/timeline-profile/screen-name/Lumisonde",
     "https://x.com/lumisonde"),
    ("https://www.instagram.com/lumisonde/embed", "https://www.instagram.com/lumisonde"),
])
def test_embeds_name_the_account_they_show(src: str, canonical: str) -> None:
    profile = embedded_profile(src)
    assert profile is not None and profile.url == canonical


@pytest.mark.parametrize("src", [
    "https://www.youtube.com/embed/abcdefghijk",  # one video: whose channel is unknown
    "https://www.youtube.com/embed/videoseries?list=PLabc",
    "https://www.google.com/maps/embed?pb=1",
    "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fx%2Fvideos%2F1",
])
def test_embeds_without_an_account(src: str) -> None:
    assert embedded_profile(src) is None


@pytest.mark.parametrize(("handle", "names", "expected"), [
    ("lumisonde", ("Lumisonde inc.",), True),
    ("lumisonde-photonique", ("Lumisonde",), True),
    ("optique-précision", ("Optique de Précision Ltée", "optiqueprecision"), True),
    ("quanterreoptique", ("Quanterre Optique de précision inc.",), True),
    ("optiquequanterre", ("Quanterre Optique de précision inc.",), False),  # neither contains
    ("quanterre", ("Quanterre Optique de précision inc.",), True),
    ("photonics-north", ("Lumisonde",), False),
    ("hq", ("HQ Lasers",), False),  # too short to say
])
def test_name_similarity(handle: str, names: tuple[str, ...], expected: bool) -> None:
    assert resembles(handle, names) is expected
