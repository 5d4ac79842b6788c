"""The page model: one tolerant parse, regions, hidden parts ignored, text folded."""

from __future__ import annotations

from auditor.page import parse_page
from auditor.text import fold, snippet

HTML = """<!DOCTYPE html><html lang="fr-CA"><head><title> Accueil  </title>
<meta property="og:title" content="OptiClair"><meta name="twitter:site" content="@opticlair">
<script async src="/js/app.js"></script><script>var x = "<p>not text</p>";</script>
<script type="application/ld+json">{"@type": "Organization", "name": "OptiClair"}</script>
<script type="application/ld+json">{ this is not json</script>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<style>p { color: red }</style></head>
<body><div class="site-header"><a href="/">Accueil</a></div>
<nav><a href="/fr/produits">Produits</a></nav>
<!-- <a href="https://www.facebook.com/opticlair">Facebook</a> -->
<main><h1>Capteurs à fibre</h1><p>Écrivez-nous</p><a href="mailto:info@opticlair.ca">courriel</a>
<a href="tel:+14185550142">418 555-0142</a><a href="docs/fiche.PDF">Fiche</a><a href="#top">haut</a>
<a href="javascript:void(0)">x</a><template><p>gabarit</p></template><noscript>active JS</noscript>
<form action="/abonnement"><input type="email" name="courriel"><input type="submit"></form></main>
<div id="footer-wrap"><a href="https://www.linkedin.com/company/opticlair/" aria-label="LinkedIn"></a></div>
<p>unclosed <b>bold
</body></html>"""


def test_parse_keeps_what_rules_need() -> None:
    page = parse_page("https://opticlair.ca/fr/", HTML)
    assert page.lang == "fr"
    assert page.title == "Accueil"
    assert page.meta["og:title"] == "OptiClair"
    assert page.script_srcs == ["https://opticlair.ca/js/app.js"]
    assert page.jsonld == [{"@type": "Organization", "name": "OptiClair"}]
    assert page.feeds == ["https://opticlair.ca/feed/"]
    regions = {link.url: link.region for link in page.links if link.url}
    assert regions["https://opticlair.ca/"] == "header"
    assert regions["https://opticlair.ca/fr/produits"] == "nav"
    assert regions["https://www.linkedin.com/company/opticlair/"] == "footer"
    assert regions["mailto:info@opticlair.ca"] == "body"
    assert [d.url for d in page.documents] == ["https://opticlair.ca/fr/docs/fiche.PDF"]
    assert [t.url for t in page.tel] == ["tel:+14185550142"]
    assert page.forms[0].action == "https://opticlair.ca/abonnement"
    assert ("email", "courriel") in page.forms[0].fields


def test_hidden_parts_are_not_visible_text() -> None:
    page = parse_page("https://opticlair.ca/fr/", HTML)
    for hidden in ("not text", "color: red", "gabarit", "active JS", "facebook"):
        assert hidden not in page.text
    assert "Écrivez-nous" in page.text
    assert "ecrivez-nous" in page.folded
    assert len(page.folded) == len(page.text)
    assert not any("facebook" in link.url for link in page.links)  # commented out
    assert all(not link.url for link in page.links if link.raw_href.startswith(("#", "javascript")))


def test_language_from_path_and_words_when_no_lang_attribute() -> None:
    assert parse_page("https://x.ca/en/about", "<p>hello</p>").lang == "en"
    text = "<p>Nous offrons des capteurs pour les laboratoires avec une précision</p>"
    assert parse_page("https://x.ca/a", text).lang == "fr"


def test_fold_keeps_offsets_and_snippet_is_bounded() -> None:
    text = "Œuvre à l’École — ÉTÉ"
    assert fold(text) == "œuvre a l'ecole - ete"
    assert len(fold(text)) == len(text)
    long = "mot " * 200 + "ISO 9001" + " mot" * 200
    at = long.index("ISO")
    quote = snippet(long, at, at + 8)
    assert "ISO 9001" in quote and len(quote) <= 160


# ---- the hot path's shortcuts give exactly what the plain functions give ----------------

def test_fast_fold_and_squash_match_the_plain_functions() -> None:
    import re

    from auditor.page import fold_text, squash
    from auditor.text import _fold_table, collapse_spaces

    def plain_fold(text: str) -> str:
        return text.translate(_fold_table())

    def plain_collapse(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    every = "".join(chr(c) for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF)
    samples = [every, every[::-1], "ÉTÉ à Québec — l’infolettre", "ASCII only TEXT", "",
               "Ａｂｃ İstanbul ǅ ß ﬁ", "a\u00a0b\u2003c\u3000d", "é", "Éa", "aÉ", "aÉbÇ"]
    for text in samples:
        assert fold(text) == plain_fold(text)
        assert fold_text(text) == plain_fold(text)
    spaced = "  a\t\nb\u00a0\u2003c\u3000 d\x1c\x1d\x1e\x1f\x85e  "
    for text in (spaced, every, every[::-1], "", " ", "a", " a b "):
        assert collapse_spaces(text) == plain_collapse(text)
        assert squash(text) == plain_collapse(text)


def test_memoised_link_resolution_matches_urljoin() -> None:
    from auditor.page import _JOINED, _resolve, absolute_url

    bases = ["https://a.ca/fr/produits/x.html", "https://a.ca/en/", "http://a.ca/fr/?p=2",
             "https://b.ca", "https://a.ca/fr/produits/", "https://A.ca:8443/x;p?q#f"]
    hrefs = ["/", "/fr/x", "/x/../y", "//cdn.b.ca/a.js", "//", "///x", "https://c.ca/Z?q=1#f",
             "http://c.ca", "HTTPS://C.CA/", "http:x", "http:///x", "x.html", "../x", "?p=3",
             "./", "ftp://f.ca/x", "/\\evil.ca", "//\\evil.ca", "https://[::1", "/a b\t/c"]
    _JOINED.clear()
    for _ in range(2):  # the second pass reads the memo
        for base in bases:
            for href in hrefs:
                assert absolute_url(base, href) == _resolve(base, href), (base, href)
