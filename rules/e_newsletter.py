"""e — e-mail newsletter: a way to subscribe to the firm's newsletter, mailing list or infolettre.

What it detects: a sign-up form (a form posting to a mailing service such as Mailchimp
`list-manage.com/subscribe`, Cyberimpact, Brevo, Constant Contact, Campaign Monitor,
MailerLite, or a short form without a message box whose text or action speaks of a
newsletter); an invitation to subscribe in the text ("Abonnez-vous à notre infolettre",
"Subscribe to our newsletter", "Get it via e-mail as a newsletter"); a subscribe link
to a mailing service. The service is named in the value when known.

Why it matters: the study's firms used the e-mail newsletter as an indirect tool, and some
replaced it by social media; a subscription is also how the firm collects contacts (IMC 3).

Positive: a footer "Infolettre — Abonnez-vous à notre infolettre" with an e-mail field.
Negative: an RSS feed alone; "Follow us on LinkedIn"; a contact form; a privacy policy saying
what happens "if you subscribe to our newsletter"; "unsubscribe"; "abonnement" to a software
plan; a `footer-newsletter` CSS class on an empty block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Form, Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.keywords import declare, find

INFO = RuleInfo(letter="e", slug="newsletter", version=1)

NEWSLETTER = declare(
    "e-newsletter",
    en=("newsletter", "newsletters", "e-newsletter", "enewsletter", "mailing list",
        "mailing-list", "email list", "e-mail list", "email updates", "e-mail updates",
        "news by email", "news by e-mail"),
    fr=("infolettre", "infolettres", "info-lettre", "lettre d'information",
        "lettre d'informations", "lettre d'info", "liste de diffusion", "bulletin electronique",
        "bulletin d'information", "bulletin d'informations", "cyberbulletin", "courriel mensuel"),
)
SUBSCRIBE_NEAR = re.compile(
    r"\b(?:subscribe|subscribing|subscription|subscriptions|sign up|sign-up|signup|join|"
    r"register|receive|get|order|enter your e-?mail|your e-?mail|abonne\w*|inscri\w*|"
    r"recevoir|recevez|reçevoir|s'abonner|s'inscrire|votre courriel|votre adresse)\b"
)
FIRM_VOICE = re.compile(r"\b(?:our|we|us|nous|notre|nos)\b")
INVITATION = re.compile(  # a call to action starts with a capital: "Subscribe", "Abonnez-vous"
    r"\b(?:subscribe|sign up|join|get it|get our|register|abonnez|inscrivez|recevez|"
    r"restez informe)"
)
SERVICES = (  # form actions and links of mailing services → their name
    ("list-manage.com", "Mailchimp"), ("mailchi.mp", "Mailchimp"), ("eepurl.com", "Mailchimp"),
    ("cyberimpact.com", "Cyberimpact"), ("sibforms.com", "Brevo"), ("sendinblue.com", "Brevo"),
    ("brevo.com", "Brevo"), ("createsend.com", "Campaign Monitor"),
    ("constantcontact.com", "Constant Contact"), ("ctctcdn.com", "Constant Contact"),
    ("mailerlite.com", "MailerLite"), ("campaigns.zoho", "Zoho Campaigns"),
    ("zcmp", "Zoho Campaigns"), ("substack.com", "Substack"), ("convertkit.com", "Kit"),
    ("kit.com", "Kit"), ("aweber.com", "AWeber"), ("getresponse.com", "GetResponse"),
    ("mailjet.com", "Mailjet"), ("klaviyo.com", "Klaviyo"), ("activehosted.com", "ActiveCampaign"),
    ("acemlna.com", "ActiveCampaign"), ("benchmarkemail.com", "Benchmark"),
    ("mc4wp", "Mailchimp for WordPress"), ("mc-embedded", "Mailchimp"),
)
FORM_SIGNS = re.compile(r"newsletter|infolettre|info-lettre|subscribe|abonn|mailing|"
                        r"liste de diffusion|bulletin")
EMAIL_FIELD = re.compile(r"e-?mail|courriel|mail")
SENTENCE_REACH = 70  # characters either side of a keyword that its sentence may span
MEMO_SIZE = 4096  # link URLs and form actions: a site repeats them on every page
LEGAL_PATH = re.compile(
    r"(?:^|[/_-])(?:privacy|confidentialite|legal|mentions|terms|conditions|cgv|cgu|"
    r"cookies?|disclaimer|imprint|impressum)(?:[/_.-]|$)"
)


def _path(url: str) -> str:
    """The lower-case path and query of an absolute URL, without scheme and host."""
    parts = url.split("/", 3)
    return parts[3].lower() if len(parts) > 3 else ""


@lru_cache(maxsize=MEMO_SIZE)  # a pure function of a URL that repeats on every page
def _service(url: str) -> str:
    lowered = url.lower()
    return next((name for marker, name in SERVICES if marker in lowered), "")


def _names(firm: Firm) -> tuple[str, ...]:
    first = fold(firm.name).split(" ")[0] if firm.name else ""
    return tuple(n for n in (first, fold(firm.label)) if len(n) >= 3)


def _sentence(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """Bounds of the sentence around [start, end), at most `reach` characters either side:
    what is said there is said together.

    Sentence marks are looked for within the reach only: a mark farther away, or none,
    clips to the same bounds, and the search no longer runs to the ends of a long page.
    """
    low, high = start - reach, end + reach
    first = max(text.rfind(mark, max(0, low - 1), start) for mark in (". ", "? ", "! ")) + 1
    stops = [i for mark in (". ", "? ", "! ") if (i := text.find(mark, end, high + 2)) >= 0]
    return max(first, low), min(high, len(text), *stops)


def _signup_form(form: Form) -> str | None:
    """'' for a sign-up form of no known service, its name when known, None if not one."""
    service = _service(form.action) or next(
        (_service(name) for _, name in form.fields if _service(name)), "")
    types = {t for t, _ in form.fields}
    has_email = "email" in types or any(EMAIL_FIELD.search(n.lower()) for _, n in form.fields)
    if service:
        return service if has_email or not form.fields else None
    if not has_email or "textarea" in types or "password" in types:
        return None  # a contact form asks for a message, an account for a password
    signs = " ".join([fold(form.text), urlsplit(form.action).path.lower(),
                      *(n.lower() for _, n in form.fields)])
    return "" if FORM_SIGNS.search(signs) else None


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if LEGAL_PATH.search(_path(page.url)):
        return
    for form in page.forms:
        service = _signup_form(form)
        if service is not None:
            label = f"newsletter form ({service})" if service else "newsletter form"
            fields = ", ".join(n for _, n in form.fields if n)
            yield Evidence(INFO.letter, INFO.rule_id, label, page.url, "form",
                           clean_snippet(f"{form.text} form to {form.action} ({fields})"), 1.0)
            return
    folded = page.folded
    for hit in find(page, NEWSLETTER):
        start, end = _sentence(folded, hit.start, hit.end, SENTENCE_REACH)
        window = folded[start:end]
        if not SUBSCRIBE_NEAR.search(window):
            continue
        invites = any(page.text[m.start()].isupper()
                      for m in INVITATION.finditer(folded, start, end))
        if not (invites or FIRM_VOICE.search(window) or any(n in window for n in _names(firm))):
            continue
        yield Evidence(INFO.letter, INFO.rule_id, "newsletter subscription", page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
        return
    for link in page.links:  # _service is memoised: no need to test all the URLs at once first
        service = _service(link.url) if link.url else ""
        if service and not link.url.startswith("mailto:"):
            yield Evidence(INFO.letter, INFO.rule_id, f"newsletter sign-up link ({service})",
                           page.url, link.region,
                           clean_snippet(f"{link.text or 'link'} → {link.url}"), 0.9)
            return
