"""distributors — distributors, representatives or resellers abroad, by country (beyond Table 2).

What it detects: on the firm's own site, the countries named in a sentence about its
distributors, representatives, resellers or dealers (distributeurs, représentants,
revendeurs), or listed on a page about them (its address, title or top headings say
distributors, where to buy, nos distributeurs, où acheter; at least two countries, or one
beside the word). Countries are matched by their English and French names and common short
forms (USA, UK); the country of the site's country-code domain (Canada for `.ca`) is home,
not abroad, and is left out. "Distributor of X" (the firm distributes X) and "no
distributors" are not intermediaries. The value lists the countries, in English.

Why it matters: an intermediary network abroad is how the study's firms reach foreign
markets they do not serve themselves; the audit records it beside Table 2.

Positive: « Nos distributeurs : Allemagne — Photonik GmbH ; Japon — Hikari KK » on a `.ca`
site (value Germany, Japan).
Negative: « Nous sommes distributeur de Thorlabs au Canada » (the firm is the distributor, at
home), or « a sales representative will call you back » with no country.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import page_path, plain_url
from rules.keywords import Hit, contains, declare, find

INFO = RuleInfo(letter="distributors", slug="abroad", version=1)

# One country a line: ISO code | English name (the value's) | French name | other names.
COUNTRY_DATA = """\
AF|Afghanistan|Afghanistan
AL|Albania|Albanie
DZ|Algeria|Algérie
AD|Andorra|Andorre
AO|Angola|Angola
AR|Argentina|Argentine
AM|Armenia|Arménie
AU|Australia|Australie
AT|Austria|Autriche|Österreich
AZ|Azerbaijan|Azerbaïdjan
BH|Bahrain|Bahreïn
BD|Bangladesh|Bangladesh
BY|Belarus|Biélorussie|Bélarus
BE|Belgium|Belgique|België|Belgie
BJ|Benin|Bénin
BO|Bolivia|Bolivie
BA|Bosnia and Herzegovina|Bosnie-Herzégovine|Bosnia
BW|Botswana|Botswana
BR|Brazil|Brésil|Brasil
BN|Brunei|Brunéi
BG|Bulgaria|Bulgarie
BF|Burkina Faso|Burkina Faso
KH|Cambodia|Cambodge
CM|Cameroon|Cameroun
CA|Canada|Canada
CL|Chile|Chili
CN|China|Chine|PRC
CO|Colombia|Colombie
CR|Costa Rica|Costa Rica
CI|Ivory Coast|Côte d'Ivoire|Cote d'Ivoire
HR|Croatia|Croatie
CU|Cuba|Cuba
CY|Cyprus|Chypre
CZ|Czech Republic|République tchèque|Czechia|Tchéquie
CD|Democratic Republic of the Congo|République démocratique du Congo|DRC
DK|Denmark|Danemark
DO|Dominican Republic|République dominicaine
EC|Ecuador|Équateur
EG|Egypt|Égypte
SV|El Salvador
EE|Estonia|Estonie
ET|Ethiopia|Éthiopie
FI|Finland|Finlande
FR|France|France
GA|Gabon|Gabon
DE|Germany|Allemagne|Deutschland
GH|Ghana|Ghana
GR|Greece|Grèce
GT|Guatemala|Guatemala
GN|Guinea|Guinée
HT|Haiti|Haïti
HN|Honduras|Honduras
HK|Hong Kong|Hong Kong
HU|Hungary|Hongrie
IS|Iceland|Islande
IN|India|Inde
ID|Indonesia|Indonésie
IR|Iran|Iran
IQ|Iraq|Irak
IE|Ireland|Irlande
IL|Israel|Israël
IT|Italy|Italie|Italia
JM|Jamaica|Jamaïque
JP|Japan|Japon
JO|Jordan|Jordanie
KZ|Kazakhstan|Kazakhstan
KE|Kenya|Kenya
KW|Kuwait|Koweït
KG|Kyrgyzstan|Kirghizistan
LA|Laos|Laos
LV|Latvia|Lettonie
LB|Lebanon|Liban
LY|Libya|Libye
LI|Liechtenstein|Liechtenstein
LT|Lithuania|Lituanie
LU|Luxembourg|Luxembourg
MO|Macau|Macao
MG|Madagascar|Madagascar
MY|Malaysia|Malaisie
MV|Maldives|Maldives
ML|Mali|Mali
MT|Malta|Malte
MU|Mauritius|Île Maurice
MR|Mauritania|Mauritanie
MX|Mexico|Mexique|México
MD|Moldova|Moldavie
MC|Monaco|Monaco
MN|Mongolia|Mongolie
ME|Montenegro|Monténégro
MA|Morocco|Maroc
MZ|Mozambique|Mozambique
MM|Myanmar|Birmanie
NA|Namibia|Namibie
NP|Nepal|Népal
NL|Netherlands|Pays-Bas|Nederland|Holland|The Netherlands
NZ|New Zealand|Nouvelle-Zélande
NI|Nicaragua|Nicaragua
NE|Niger|Niger
NG|Nigeria|Nigéria
MK|North Macedonia|Macédoine du Nord|Macedonia
NO|Norway|Norvège|Norge
OM|Oman|Oman
PK|Pakistan|Pakistan
PS|Palestine|Palestine
PA|Panama|Panama
PY|Paraguay|Paraguay
PE|Peru|Pérou
PH|Philippines|Philippines
PL|Poland|Pologne|Polska
PT|Portugal|Portugal
PR|Puerto Rico|Porto Rico
QA|Qatar|Qatar
RO|Romania|Roumanie
RU|Russia|Russie|Russian Federation|Fédération de Russie
RW|Rwanda|Rwanda
SA|Saudi Arabia|Arabie saoudite|KSA
SN|Senegal|Sénégal
RS|Serbia|Serbie
SG|Singapore|Singapour
SK|Slovakia|Slovaquie
SI|Slovenia|Slovénie
ZA|South Africa|Afrique du Sud
KR|South Korea|Corée du Sud|Korea|Republic of Korea|Corée
ES|Spain|Espagne|España
LK|Sri Lanka|Sri Lanka
SD|Sudan|Soudan
SE|Sweden|Suède|Sverige
CH|Switzerland|Suisse|Schweiz|Svizzera
SY|Syria|Syrie
TW|Taiwan|Taïwan
TJ|Tajikistan|Tadjikistan
TZ|Tanzania|Tanzanie
TH|Thailand|Thaïlande
TG|Togo|Togo
TT|Trinidad and Tobago|Trinité-et-Tobago
TN|Tunisia|Tunisie
TR|Turkey|Turquie|Türkiye
TM|Turkmenistan|Turkménistan
UG|Uganda|Ouganda
UA|Ukraine|Ukraine
AE|United Arab Emirates|Émirats arabes unis|UAE|U.A.E.
GB|United Kingdom|Royaume-Uni|UK|U.K.|Great Britain|Grande-Bretagne|England|Angleterre
GB|Scotland|Écosse
US|United States|États-Unis|USA|U.S.A.|United States of America|Etats Unis
UY|Uruguay|Uruguay
UZ|Uzbekistan|Ouzbékistan
VE|Venezuela|Venezuela
VN|Vietnam|Viêt Nam|Viet Nam
YE|Yemen|Yémen
ZM|Zambia|Zambie
ZW|Zimbabwe|Zimbabwe
"""
# Country-code domains whose code is not the country's ISO code.
TLD_COUNTRY = {"uk": "GB"}

INTERMEDIARIES = declare(
    "extra-distributors",
    en=("distributor", "distributors", "representative", "representatives", "reseller",
        "resellers", "dealer", "dealers", "sales partner", "sales partners", "sales agent",
        "sales agents", "sales network", "where to buy", "agents and distributors",
        "distribution partners", "authorized distributors", "local partners"),
    fr=("distributeur", "distributeurs", "representant", "representants", "revendeur",
        "revendeurs", "concessionnaire", "concessionnaires", "agent commercial",
        "agents commerciaux", "reseau de distribution", "ou acheter", "partenaires de distribution",
        "distributeurs agrees", "partenaires locaux"),
)
PAGE_HEADINGS = declare(
    "extra-distributors-page",
    en=("distributors", "our distributors", "representatives", "our representatives",
        "resellers", "dealers", "where to buy", "find a distributor", "find a representative",
        "find a dealer", "sales network", "international distributors", "worldwide distributors",
        "sales partners", "distribution partners"),
    fr=("distributeurs", "nos distributeurs", "representants", "nos representants", "revendeurs",
        "nos revendeurs", "concessionnaires", "ou acheter", "trouver un distributeur",
        "trouver un representant", "reseau de distribution", "distributeurs internationaux",
        "partenaires de distribution"),
)
PAGE_PATH = re.compile(
    r"(?:distribut|dealer|reseller|representative|where-to-buy|revendeur|representant|"
    r"représentant|ou-acheter|où-acheter|sales-network)",
    re.IGNORECASE,
)
PAGE_PATH_WORDS = ("distribut", "dealer", "reseller", "representative", "where-to-buy",
                   "revendeur", "representant", "ou-acheter", "sales-network")
# "distributor of X", "distributeur de X": the firm itself distributes someone else's goods.
_OF_AFTER = re.compile(r"\s+(?:of|for the|de|des|du|d')\b")
SINGULAR = frozenset({"distributor", "distributeur", "reseller", "revendeur", "dealer",
                      "representative", "representant", "concessionnaire"})
# "no distributors", "not have any distributors", "pas de distributeurs": in the words before.
_NEGATION = re.compile(
    r"\b(?:no|not|any|without|aucun|aucune|pas de|pas d'|sans)\s+(?:\w+\s+)?$"
)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
BEFORE, AFTER = 80, 200  # characters of the keyword's sentence where its countries are read
MIN_PAGE_COUNTRIES = 2  # on a distributors page, away from the words: a list, not an address


@cache
def countries() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name → ISO code, ISO code → English name)."""
    by_name: dict[str, str] = {}
    english: dict[str, str] = {}
    for line in COUNTRY_DATA.strip().splitlines():
        code, *names = line.split("|")
        english.setdefault(code, names[0])  # a code may take two lines
        for name in names:
            by_name[fold(name)] = code
    return by_name, english


COUNTRIES = declare("extra-countries", en=tuple(countries()[0]))


def home_country(firm: Firm) -> str | None:
    """The country of the firm's country-code domain, None for .com and the like."""
    suffix = firm.registered.rsplit(".", 1)[-1].lower()
    code = TLD_COUNTRY.get(suffix, suffix.upper())
    return code if len(suffix) == 2 and code in countries()[1] else None


def distributor_address(page: Page) -> bool:
    """`PAGE_PATH.search(urlsplit(page.url).path)`, with no split (nor regex) for a
    `plain_url` whose lower-cased text holds none of PAGE_PATH_WORDS: its path is a part of
    it, and on ASCII text the case-insensitive pattern matches only where one of its ASCII
    words stands, lower-cased (its accented words cannot match there)."""
    if plain_url(page.url) and not _holds_any(page.url.lower(), PAGE_PATH_WORDS):
        return False
    return PAGE_PATH.search(page_path(page)) is not None


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:  # a loop, not any(): no generator made for each page
        if word in text:
            break
    else:
        return False
    return True


def is_distributor_page(page: Page) -> str | None:
    if distributor_address(page):
        return "address"
    for text in [page.title, *page.headings[:4]]:
        keyword = contains(text, PAGE_HEADINGS)
        if keyword:
            return keyword
    return None


def _useful(hit: Hit, folded: str) -> bool:
    """False for "distributor of …" (the firm distributes) and "no distributors"."""
    if hit.keyword in SINGULAR and _OF_AFTER.match(folded, hit.end):
        return False
    return not _NEGATION.search(folded[max(0, hit.start - 40) : hit.start])


def _sentence(folded: str, hit: Hit) -> tuple[int, int]:
    """The span around a keyword, cut at the ends of its sentence."""
    start = max(0, hit.start - BEFORE)
    ends = [m.end() for m in _SENTENCE_END.finditer(folded, start, hit.start)]
    if ends:
        start = ends[-1]
    stop = _SENTENCE_END.search(folded, hit.end, hit.end + AFTER)
    return start, stop.start() if stop else min(len(folded), hit.end + AFTER)


def _codes(hits: list[Hit], home: str | None) -> list[str]:
    by_name = countries()[0]
    found: list[str] = []
    for hit in hits:
        code = by_name.get(hit.keyword)
        if code and code != home and code not in found:
            found.append(code)
    return found


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    named = find(page, COUNTRIES)  # first: without a country there is no evidence
    if not named:
        return
    keywords = [h for h in find(page, INTERMEDIARIES) if _useful(h, page.folded)]
    on_page = is_distributor_page(page)
    if not keywords and not on_page:
        return
    home = home_country(firm)
    spans = [_sentence(page.folded, k) for k in keywords]
    near = _codes([c for c in named if any(a <= c.start < b for a, b in spans)], home)
    found = near
    if on_page:
        listed = _codes(named, home)
        if near or len(listed) >= MIN_PAGE_COUNTRIES:
            found = listed
    if not found:
        return
    english = countries()[1]
    value = ", ".join(english[c] for c in found)
    anchor = keywords[0] if keywords else named[0]
    quote = snippet(page.text, anchor.start, anchor.end)
    why = "distributors page" if on_page else "named beside intermediaries"
    yield Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                   clean_snippet(f"{why}: {quote}"), 0.9 if on_page else 0.7)
