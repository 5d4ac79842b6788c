"""k — trade missions: the firm takes part in a trade or business mission or a national pavilion.

What it detects: a trade, business, export or economic mission (mission commerciale, mission
économique, mission d'affaires, délégation commerciale) that the firm says it joined, and a
national pavilion at a show (Canada pavilion, pavillon du Québec, German Pavilion). The
firm's own words are required for missions: "we", "nous" or the firm's name near the phrase,
a verb of taking part, or the phrase as the title of the firm's own news item. The
destination is kept in the value when it follows ("mission commerciale au Japon").

Why it matters: public trade missions and national pavilions are how small firms of the
study's region meet foreign buyers cheaply, with the support of export agencies.

Positive: "Faunoptik a participé à la mission commerciale Québec–Japon d'avril 2025";
"visit us in the Canada Pavilion, hall B3".
Negative: "Notre mission : rendre les lasers fiables" (a mission statement); "Pavillon Lumen,
3450 rue de l'Aurore" (a building); "Vision & Imaging pavilion" (a show hall); "mission
systems" for aircraft.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import fold, snippet
from rules.base import Firm, RuleInfo
from rules.h_trade_shows import by_firm, is_legal_page, negated
from rules.keywords import declare, find

INFO = RuleInfo(letter="k", slug="trade-missions", version=1)

MISSIONS = declare(
    "k-missions",
    en=("trade mission", "trade missions", "business mission", "business missions",
        "commercial mission", "commercial missions", "export mission", "export missions",
        "economic mission", "economic missions", "trade delegation", "business delegation",
        "trade and investment mission", "outbound mission", "outbound missions"),
    fr=("mission commerciale", "missions commerciales", "mission economique",
        "missions economiques", "mission d'affaires", "missions d'affaires",
        "mission exploratoire", "missions exploratoires", "mission de prospection",
        "delegation commerciale", "delegation d'affaires", "mission export"),
)
PAVILIONS = declare("k-pavilions", en=("pavilion", "pavilions"), fr=("pavillon", "pavillons"))

_NATION = (
    r"(?:canad\w*|quebec\w*|national|nationaux|nationale|country|ontario|german|germany|"
    r"allemand\w*|french|france|usa|u\.s\.|american|americain\w*|japan\w*|japon\w*|korea\w*|"
    r"coree\w*|chin\w*|uk|british|britannique\w*|swiss|suisse\w*|belg\w*|ital\w*|dutch|"
    r"holland\w*|netherlands|spanish|spain|espagn\w*|israel\w*|taiwan\w*|finnish|finland|"
    r"swedish|sweden|suede\w*|norw\w*|danish|denmark|austria\w*|autrich\w*|irish|ireland|"
    r"scottish|scotland|australia\w*|mexic\w*|brazil\w*|india\w*|team canada)"
)
NATION_BEFORE = re.compile(rf"\b{_NATION}\s+$")
NATION_AFTER = re.compile(rf"\s+(?:(?:du|de la|de l'|des|d'|of|of the)\s*)?{_NATION}\b")
TAKING_PART = re.compile(
    r"\b(?:participat\w*|took part|take part|taking part|joined|join|joining|member of|"
    r"part of|with the|participe\w*|a participe|faisait partie|fera partie|avec la|au sein|"
    r"dans le cadre|lors de|during|returned|back from|de retour|retour de)\b"
)
STATEMENT = re.compile(r"\s*(?:est|is|consiste|consists|:|de \w+(?:er|ir|re)\b|to \w+\b)")
POSSESSIVE = re.compile(r"\b(?:notre|our|ma|my|sa|leur|their)\s+$")
DESTINATION = re.compile(
    r"\s+(?:(?:au|aux|en|à|to|in)\s+(?:l['’])?[A-ZÉ][\w'’–-]+|[A-ZÉ][\w'’]*[–-][A-ZÉ][\w'’–-]+)"
)


def _value(page: Page, start: int, end: int) -> str:
    phrase = page.text[start:end]
    destination = DESTINATION.match(page.text, end)
    if destination and not fold(destination.group()).strip().startswith(("le ", "la ")):
        phrase += destination.group()
    return phrase.strip()


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    missions, pavilions = find(page, MISSIONS), find(page, PAVILIONS)
    if not (missions or pavilions) or is_legal_page(page):
        return
    folded = page.folded
    titles = fold(" ".join([page.title, *page.headings]))
    seen: set[str] = set()
    for hit in missions:
        if negated(folded, hit.start):
            continue
        if POSSESSIVE.search(folded[max(0, hit.start - 8):hit.start]) and STATEMENT.match(
                folded, hit.end):
            continue  # "notre mission commerciale est de…": a statement of purpose
        own = (by_firm(folded, hit.start, hit.end, firm, 100)
               or TAKING_PART.search(folded, max(0, hit.start - 60), hit.end + 60)
               or hit.keyword in titles)
        if not own:
            continue
        value = _value(page, hit.start, hit.end)
        if fold(value) in seen:
            continue
        seen.add(fold(value))
        yield Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
    for hit in pavilions:
        before = folded[max(0, hit.start - 25):hit.start]
        after = NATION_AFTER.match(folded, hit.end)
        if not (NATION_BEFORE.search(before) or after) or negated(folded, hit.start):
            continue
        start = hit.start if after else hit.start - len(before) + NATION_BEFORE.search(before).start()
        end = after.end() if after else hit.end
        value = page.text[start:end].strip()
        if fold(value) in seen:
            continue
        seen.add(fold(value))
        yield Evidence(INFO.letter, INFO.rule_id, f"national pavilion: {value}", page.url,
                       "body", snippet(page.text, start, end), 0.8)
