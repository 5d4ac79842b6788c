"""What every rule shares: its metadata, the firm it judges for, and the evidence it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from auditor.domains import domain_label, host_of, registered_domain
from auditor.items import Evidence
from auditor.page import Page, remember
from auditor.table2 import tools

# Findings recorded beyond Table 2 (shown in reports, never scored): code → (EN, FR) names.
EXTRAS: dict[str, tuple[str, str]] = {
    "contact-form": ("Contact form", "Formulaire de contact"),
    "news": ("Press releases and news", "Communiqués et nouvelles"),
    "live-chat": ("Live chat", "Clavardage en direct"),
    "marketing-automation": ("Marketing automation and CRM", "Automatisation marketing et GRC"),
    "gated-content": ("Gated content (form before download)", "Contenu contre formulaire"),
    "organization": ("schema.org Organization data", "Données schema.org Organization"),
    "languages": ("Languages offered", "Langues offertes"),
    "distributors": ("Distributors or representatives abroad", "Distributeurs ou représentants"),
}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule's stable identity; names, category and direction come from Table 2.

    `letter` is a Table-2 letter (a–y) or, for findings beyond Table 2, a code of EXTRAS.
    """

    letter: str
    slug: str
    version: int

    def __post_init__(self) -> None:
        if self.letter not in tools() and self.letter not in EXTRAS:
            raise ValueError(f"rule {self.slug!r}: unknown letter or extra {self.letter!r}")

    @property
    def rule_id(self) -> str:
        return f"{self.letter}-{self.slug}"

    @property
    def is_extra(self) -> bool:
        return self.letter in EXTRAS

    @property
    def name_en(self) -> str:
        return EXTRAS[self.letter][0] if self.is_extra else tools()[self.letter].name_en

    @property
    def name_fr(self) -> str:
        return EXTRAS[self.letter][1] if self.is_extra else tools()[self.letter].name_fr

    @property
    def category(self) -> str:
        return "beyond-table-2" if self.is_extra else tools()[self.letter].group

    @property
    def direction(self) -> str:
        return "" if self.is_extra else tools()[self.letter].direction


@dataclass(frozen=True, slots=True)
class Firm:
    """The firm a page is judged for: what counts as its own domain and name."""

    firm_id: str
    registered: str
    name: str = ""
    profiles: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        """`lumisonde` for `lumisonde.ca`: the name part shared by sister domains."""
        return domain_label(self.registered)

    def owns_domain(self, domain: str) -> bool:
        """The firm's registered domain, a subdomain of it, or a sister domain.

        A sister domain has the same name under another suffix (`firm.com` for `firm.ca`).
        """
        domain = domain.lower().rstrip(".")
        if domain == self.registered or domain.endswith("." + self.registered):
            return True
        return bool(self.label) and domain_label(registered_domain(domain)) == self.label

    def owns_url(self, url: str) -> bool:
        """Memoised by domain and URL (bounded): rules ask about every page and many links."""
        key = (self.registered, url)
        owned = _OWNED.get(key)
        if owned is None:
            host = host_of(url)
            owned = bool(host) and self.owns_domain(host)
            remember(_OWNED, key, owned, MAX_OWNED_MEMO)
        return owned


MAX_OWNED_MEMO = 8192
_OWNED: dict[tuple[str, str], bool] = {}


Detector = Callable[[Page, Firm], Iterable[Evidence]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its metadata and its pure detection function."""

    info: RuleInfo
    detect: Detector
    doc: str
