"""The rule engine's shortcuts give exactly what the plain code they replaced gives.

Each shortcut (a bounded memo, a narrower search, a lighter hit record) is compared with the
plain version on crafted and random inputs. Together with `benchmarks/rules_dump.py`
(every rule's evidence on the corpus, demo, synthetic and fixture pages, before and after),
this is the proof that making the rules cheaper changed no evidence.
"""

from __future__ import annotations

import functools
import random
import re

import ahocorasick
import pytest

from auditor import emails
from auditor.page import Link, Page, parse_page
from rules import documents, extra_languages, h_trade_shows, keywords
from rules.base import Firm

RNG_SEED = 7


def _random_text(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


# ---- auditor/emails.py: the address pattern is searched from 64 characters before "@" ----

EMAIL_TEXTS = [
    "", "@", "@@", "a@b.ca", "info@opticlair.ca, ventes@opticlair.ca;support@x.com",
    "x" * 70 + "@firm.ca", "y" * 63 + "@firm.ca", "z" * 64 + "@firm.ca and " + "w" * 65 + "@a.io",
    "écrivez à info@firm.ca.", "a@b@c.ca", "mail: \u212aelvin@firm.ca", "@firm.ca a@ b@c",
    "q" * 200 + "@" + "r" * 200, "info@firm." + "c" * 30, "-a@b.ca _b@c.ca .c@d.ca",
]


def test_text_addresses_match_finditer() -> None:
    rng = random.Random(RNG_SEED)  # noqa: S311 - test inputs, not secrets
    samples = EMAIL_TEXTS + [_random_text(rng, "ab.-_@ K1é", rng.randint(0, 300))
                             for _ in range(3000)]
    for text in samples:
        plain = [(m.start(), m.end(), m.group(0)) for m in emails._EMAIL.finditer(text)]
        fast = [(m.start(), m.end(), m.group(0)) for m in emails.text_addresses(text)]
        assert fast == plain, text


# ---- rules/h_trade_shows.py: sentence marks looked for nearby first ----------------------

def _plain_sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    first = max(text.rfind(mark, 0, start) for mark in (". ", "? ", "! ", "; ")) + 1
    stops = [i for mark in (". ", "? ", "! ", "; ") if (i := text.find(mark, end)) >= 0]
    return first, min(stops, default=len(text))


def test_sentence_bounds_match_the_whole_text_search() -> None:
    rng = random.Random(RNG_SEED)  # noqa: S311 - test inputs, not secrets
    reach = h_trade_shows.SENTENCE_REACH
    for _ in range(300):
        # few marks, so that most windows hold none and the fallback is exercised too
        text = _random_text(rng, "abc " * 40 + ".?!;", rng.randint(0, 3 * reach))
        for _ in range(20):
            start = rng.randint(-5, len(text) + 5)
            end = start + rng.randint(0, 30)
            assert h_trade_shows.sentence_bounds(text, start, end) == _plain_sentence_bounds(
                text, start, end), (text, start, end)
    exact = "a" * reach + ". " + "b" * (reach - 2) + "x" + "c" * reach + "? " + "d"
    for start in range(len(exact)):
        got = h_trade_shows.sentence_bounds(exact, start, start + 1)
        assert got == _plain_sentence_bounds(exact, start, start + 1)


# ---- rules/keywords.py: hits as named tuples, the loop's offsets --------------------------

@functools.cache
def _plain_automaton() -> ahocorasick.Automaton:
    """The keyword pass's first automaton (pyahocorasick), kept as the oracle of the second."""
    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, str]]] = {}
    for keywords_set in keywords._REGISTRY.values():
        for lang, words in (("en", keywords_set.en), ("fr", keywords_set.fr)):
            for word in words:
                entries.setdefault(word, []).append((keywords_set.key, lang))
    for word, owners in entries.items():
        automaton.add_word(word, (word, tuple(owners)))
    automaton.make_automaton()
    return automaton


def _plain_hits(text: str) -> dict[str, list[tuple[str, int, int, str]]]:
    """The keyword pass as it was written before: pyahocorasick's iter (matches by end, the
    longer first where two end together), _boundary and a record per owner."""
    hits: dict[str, list[tuple[str, int, int, str]]] = {}
    for end, (word, owners) in _plain_automaton().iter(text):
        start = end - len(word) + 1
        if not (keywords._boundary(text, start - 1) and keywords._boundary(text, end + 1)):
            continue
        for key, lang in owners:
            hits.setdefault(key, []).append((word, start, end + 1, lang))
    return hits


def test_keyword_hits_match_the_plain_pass() -> None:
    rng = random.Random(RNG_SEED)  # noqa: S311 - test inputs, not secrets
    words = [w for ks in keywords._REGISTRY.values() for w in ks.all]
    for _ in range(200):
        pieces = [rng.choice(words) if rng.random() < 0.5 else rng.choice(["x", "9", " ", "-"])
                  for _ in range(rng.randint(0, 60))]
        text = "".join(pieces)
        page = Page(url="https://a.ca/", lang="", title="", text=text, folded=text)
        fast = keywords._all_hits(page)
        assert {k: [tuple(h) for h in v] for k, v in fast.items()} == _plain_hits(text)
        for found in fast.values():
            for hit in found:
                assert (hit.keyword, hit.start, hit.end, hit.lang) == tuple(hit)
                assert text[hit.start:hit.end] == hit.keyword


# ---- memos: the same answer on a first and a repeated call, and bounded -------------------

SOCIAL_URLS = [
    "https://www.linkedin.com/company/opticlair/", "https://www.facebook.com/sharer/sharer.php?u=x",
    "https://x.com/opticlair", "https://twitter.com/intent/follow?screen_name=OptiClair",
    "https://www.youtube.com/@OptiClair", "https://opticlair.ca/fr/", "mailto:info@opticlair.ca",
    "https://mastodon.social/@opticlair", "https://www.facebook.com/profile.php?id=12345",
    "https://medium.com/@someone", "", "https://www.instagram.com/p/abc/",
]


def test_parse_profile_memo_matches_the_parser() -> None:
    from auditor import social

    for url in SOCIAL_URLS * 2:
        assert social.parse_profile(url) == social._parse_profile(url)
    for i in range(social.MAX_PROFILE_MEMO + 10):
        social.parse_profile(f"https://x.com/firm{i}")
    assert len(social._PROFILES) <= social.MAX_PROFILE_MEMO


LANGUAGE_LINKS = [
    ("English", "https://opticlair.ca/en/"), ("EN", "https://opticlair.ca/en/"),
    ("EN", "https://opticlair.ca/produits/"), ("IT", "https://opticlair.ca/services/it/"),
    ("Français", "https://opticlair.ca/"), (" | Deutsch | ", "https://opticlair.ca/de/"),
    ("fr", "https://opticlair.ca/?lang=fr"), ("Accueil", "https://opticlair.ca/"), ("", ""),
]


def test_link_language_memo_matches_the_plain_function() -> None:
    for text, url in LANGUAGE_LINKS * 2:
        assert extra_languages.link_language(text, url) == extra_languages._link_language(text, url)
    for i in range(extra_languages.MAX_LINK_MEMO + 10):
        extra_languages.link_language(f"page {i}", "https://a.ca/")
    assert len(extra_languages._LINKS) <= extra_languages.MAX_LINK_MEMO


@pytest.mark.parametrize("firm", [
    Firm("A", "opticlair.ca", "OptiClair inc."), Firm("B", "glacis-photonique.ca", "Glacis Photonique"),
    Firm("C", "x.ca", ""), Firm("D", "lumi-sonde.com", "Lumi-Sonde Technologies Ltée"),
])
def test_firm_tokens_memo_matches_the_plain_function(firm: Firm) -> None:
    assert h_trade_shows.firm_tokens(firm) == h_trade_shows._firm_tokens(firm)
    assert h_trade_shows.firm_tokens(firm) == h_trade_shows._firm_tokens(firm)


def _plain_links_to(page: Page, hosts: re.Pattern[str]) -> list[Link]:
    if hosts.search("\n".join(link.url for link in page.links)):
        return [link for link in page.links if link.url and hosts.search(link.url)]
    return []


def test_links_to_matches_the_blob_search() -> None:
    from rules import n_publications, p_brochures, r_slide_decks, s_trade_press

    patterns = [n_publications.SCHOLARLY, p_brochures.FLIPBOOKS, r_slide_decks.SLIDE_SERVICES,
                s_trade_press.MAGAZINE_SITES, documents.host_pattern(("issuu.com", "a.b"))]
    hrefs = ["https://issuu.com/opticlair/docs/x", "https://www.issuu.com:443/x", "/local",
             "https://notissuu.com/x", "https://user@issuu.com/x", "mailto:a@b.ca\nhttps://issuu.com/",
             "https://www.slideshare.net/opticlair/deck", "https://doi.org/10.1/x",
             "https://www.laserfocusworld.com/x", "https://arxiv.org/abs/1", "https://a.b", ""]
    html = "".join(f'<a href="{h}">{i}</a>' for i, h in enumerate(hrefs))
    for url in ("https://opticlair.ca/", "https://opticlair.ca/fr/x"):
        page = parse_page(url, f"<html><body>{html}</body></html>")
        for hosts in patterns:
            for _ in range(2):
                assert list(documents.links_to(page, hosts)) == _plain_links_to(page, hosts)
    empty = parse_page("https://a.ca/", "<p>no links</p>")
    assert list(documents.links_to(empty, patterns[0])) == []


def test_classify_memo_keeps_each_link_and_matches_the_plain_function() -> None:
    urls = ["https://a.ca/docs/fiche-technique-01.pdf", "https://a.ca/x/brochure.pdf",
            "https://a.ca/notes/app-note-3.pdf", "https://a.ca/y.pptx", "https://a.ca/z.pdf"]
    for url in urls:
        for text in ("", "Datasheet", "Download"):
            for region in ("body", "footer", "body"):
                link = Link(url=url, text=text, region=region, raw_href=url)
                memoised = documents.classify(link)
                assert memoised == documents._classify(link)
                assert memoised.link is link


def test_fingerprint_matches_are_scan_as_a_tuple() -> None:
    from rules.fingerprints import fingerprints

    prints = fingerprints()
    for channel, value in (("scriptSrc", "https://www.googletagmanager.com/gtag/js?id=G-1"),
                           ("dom", "https://js.hs-scripts.com/1.js"), ("dom", "https://a.ca/")):
        assert list(prints.matches(channel, value)) == prints.scan(channel, value)
        assert isinstance(prints.matches(channel, value), tuple)


def test_owns_url_memo_matches_the_plain_test() -> None:
    from auditor.domains import host_of
    from rules import base

    firms = [Firm("A", "opticlair.ca", "OptiClair"), Firm("B", "lumi-sonde.com", "")]
    urls = ["https://opticlair.ca/fr/", "https://www.opticlair.com/", "https://shop.opticlair.ca/x",
            "https://notopticlair.ca/", "mailto:info@opticlair.ca", "", "https://lumi-sonde.ca/",
            "https://[::1/", "https://OPTICLAIR.CA./"]
    for _ in range(2):
        for firm in firms:
            for url in urls:
                host = host_of(url)
                assert firm.owns_url(url) == (bool(host) and firm.owns_domain(host)), (firm, url)
    for i in range(base.MAX_OWNED_MEMO + 10):
        firms[0].owns_url(f"https://a{i}.ca/")
    assert len(base._OWNED) <= base.MAX_OWNED_MEMO


def test_links_named_and_text_memo_match_the_plain_searches() -> None:
    from rules import v_customer_training

    words = v_customer_training.SECTION_HINT
    texts = ["Training", "Customer training courses", "Nos formations", "formationX", "Académie",
             "a b c training", "Information", "", "Cours en ligne", "Contact", "x" * 2500 + " cours"]
    html = "".join(f'<a href="/p{i}">{t}</a>' for i, t in enumerate(texts))
    page = parse_page("https://opticlair.ca/", f"<html><body>{html}</body></html>")
    blob = "\n".join(link.text for link in page.links)
    plain = [link for link in page.links if link.text and words.search(link.text)] if words.search(
        blob) else []
    for _ in range(2):
        assert list(documents.links_named(page, words)) == plain
        memo = documents.searched(words)
        assert memo.among(frozenset(texts)) == {t for t in texts if words.search(t)}
        for text in texts:
            assert bool(memo.among(frozenset([text]))) == bool(words.search(text))
    memo = documents.searched(words)
    for i in range(documents.MAX_SEARCHED + 10):
        memo.among(frozenset([f"page {i}"]))
    assert len(memo.seen) <= documents.MAX_SEARCHED
    assert memo.among(frozenset(texts)) == {t for t in texts if words.search(t)}


# ---- auditor/text.py: clean_snippet leaves clean text as it is ----------------------------

def _plain_clean_snippet(text: str, width: int = 160) -> str:
    text = " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def test_clean_snippet_matches_the_plain_version() -> None:
    from auditor.text import clean_snippet

    rng = random.Random(RNG_SEED)  # noqa: S311 - test inputs, not secrets
    alphabet = "ab é. " + "\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u2028\u3000\x00\x7f\u200b"
    for _ in range(5000):
        text = _random_text(rng, alphabet if rng.random() < 0.5 else "ab é. ",
                            rng.randint(0, 200))
        assert clean_snippet(text) == _plain_clean_snippet(text), repr(text)
        assert clean_snippet(text, 20) == _plain_clean_snippet(text, 20), repr(text)
