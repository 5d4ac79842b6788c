"""d — a general, customer-facing e-mail address on the firm's own domain (info@).

What it detects: role addresses (info@, contact@, sales@, ventes@, commandes@, orders@,
support@, service@, soumission@…) or a mailbox named after the firm, on the firm's
registered domain or a sister domain (same name, other suffix), found in mailto links,
text, Cloudflare-protected or `[at]`/`[dot]` spellings, or JSON-LD.

Why it matters: the study's entry firms receive orders through an info@ address, a one-way
tool that the post-entry firms had replaced.

Positive: `<a href="mailto:ventes@lumisonde.ca">ventes@lumisonde.ca</a>` on lumisonde.ca.
Negative: `jean.tremblay@lumisonde.ca` (a person), `lumisonde@gmail.com` (webmail),
`emplois@lumisonde.ca` (jobs), `info@example.com` (a placeholder).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from auditor.emails import find_emails
from auditor.items import Evidence
from auditor.page import Page
from auditor.social import squash
from auditor.text import clean_snippet, snippet
from rules.base import Firm, RuleInfo

INFO = RuleInfo(letter="d", slug="role-email", version=1)

ROLE_LOCAL_PARTS = frozenset({
    "info", "infos", "information", "informations", "contact", "contacts", "contactus", "hello",
    "bonjour", "allo", "sales", "sale", "ventes", "vente", "commandes", "commande", "orders",
    "order", "support", "service", "services", "serviceclient", "customerservice", "soumission",
    "soumissions", "devis", "quote", "quotes", "rfq", "inquiries", "inquiry", "enquiries",
    "reception", "accueil", "office", "bureau", "general", "mail", "email", "courriel",
    "achats", "purchasing", "export", "international", "techsupport", "help", "aide",
})


@lru_cache(maxsize=256)
def _mailbox_names(name: str, label: str) -> tuple[str, ...]:
    """The firm's name and domain label squashed: a pure function of both, asked per address."""
    return tuple(n for n in (squash(name), squash(label)) if len(n) >= 3)


def is_role_address(local: str, firm: Firm) -> bool:
    """A customer-facing role, or a mailbox named after the firm itself."""
    core = local.lower().replace("-", "").replace("_", "").replace(".", "")
    if core in ROLE_LOCAL_PARTS:
        return True
    return core in _mailbox_names(firm.name, firm.label)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    seen: set[str] = set()
    for found in find_emails(page):
        if found.address in seen:
            continue
        local, _, domain = found.address.partition("@")
        if not firm.owns_domain(domain) or not is_role_address(local, firm):
            continue
        seen.add(found.address)
        if found.start >= 0:
            quote = snippet(page.text, found.start, found.end)
        else:
            quote = clean_snippet(f"{found.source} address {found.address}")
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=found.address,
            url=page.url,
            location=found.location,
            snippet=quote,
            confidence=1.0 if found.source in ("mailto", "text", "jsonld") else 0.9,
        )
