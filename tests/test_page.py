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
