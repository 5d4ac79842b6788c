"""organization — schema.org data describing the firm (beyond Table 2).

What it detects: a JSON-LD node, at the top of a block or in its `@graph`, typed
Organization, Corporation, LocalBusiness or one of their subtypes (ProfessionalService,
Store, HomeAndConstructionBusiness…), on the firm's own site. The value summarises what the
node declares: its type and name, how many `sameAs` profiles, and whether it gives a
contactPoint, an address, a telephone, an e-mail, opening hours or a logo.

Why it matters: structured data is how search engines and assistants read the firm's
identity, profiles and contact points; the audit records it beside Table 2.

Positive: `{"@context": "https://schema.org", "@type": "Organization", "name": "OptiClair",
"sameAs": ["https://www.linkedin.com/company/opticlair/"], "contactPoint": {…}}`.
Negative: a `Product` whose `brand` is an Organization (another firm's, nested), or a
`WebSite` node alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo

INFO = RuleInfo(letter="organization", slug="schema-org", version=1)

ORGANIZATION_TYPES = frozenset({
    "Organization", "Corporation", "LocalBusiness", "OnlineBusiness", "OnlineStore",
    "ProfessionalService", "Store", "NGO", "EducationalOrganization", "ResearchOrganization",
    "MedicalOrganization", "GovernmentOrganization", "HomeAndConstructionBusiness",
    "GeneralContractor", "RoofingContractor", "Electrician", "HVACBusiness", "Plumber",
    "AutomotiveBusiness", "EmploymentAgency", "FinancialService", "LegalService",
    "EmergencyService", "ComputerStore", "ElectronicsStore", "HardwareStore",
})
# Other subtypes are known by how their name ends (SportsOrganization); "Service" is not
# a suffix here: most *Service types (GovernmentService, TaxiService) are services, not firms.
TYPE_SUFFIXES = ("Organization", "Organisation", "Business", "Store", "Contractor")
DECLARED = (  # (property, label in the value)
    ("contactPoint", "contactPoint"),
    ("address", "address"),
    ("telephone", "telephone"),
    ("email", "email"),
    ("openingHours", "openingHours"),
    ("openingHoursSpecification", "openingHours"),
    ("logo", "logo"),
    ("foundingDate", "foundingDate"),
)


def _types(node: dict[str, object]) -> list[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return [v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


def is_organization(node: dict[str, object]) -> str | None:
    """The node's organisation type, None for any other type."""
    for kind in _types(node):
        if kind in ORGANIZATION_TYPES:
            return kind
        if kind.endswith(TYPE_SUFFIXES):
            return kind
    return None


def top_nodes(block: object) -> Iterator[dict[str, object]]:
    """The nodes a JSON-LD block declares at its top: itself, a list's items, its @graph."""
    if isinstance(block, list):
        for item in block:
            yield from top_nodes(item)
    elif isinstance(block, dict):
        graph = block.get("@graph")
        if isinstance(graph, list):
            yield from (n for n in graph if isinstance(n, dict))
        if "@type" in block:
            yield block


def _name(node: dict[str, object]) -> str:
    name = node.get("name") or node.get("legalName") or ""
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), "")
    return name.strip()[:80] if isinstance(name, str) else ""


def summary(kind: str, node: dict[str, object]) -> str:
    parts = [f"{kind} {_name(node)}".strip()]
    same_as = node.get("sameAs")
    profiles = same_as if isinstance(same_as, list) else [same_as] if same_as else []
    if profiles:
        parts.append(f"sameAs {len(profiles)}")
    labels: list[str] = []
    for prop, label in DECLARED:
        if node.get(prop) and label not in labels:
            labels.append(label)
    return "; ".join(parts + labels)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    seen: set[str] = set()
    for block in page.jsonld:
        for node in top_nodes(block):
            kind = is_organization(node)
            if kind is None:
                continue
            value = summary(kind, node)
            if value in seen:
                continue
            seen.add(value)
            yield Evidence(INFO.letter, INFO.rule_id, value, page.url, "jsonld",
                           clean_snippet(f"JSON-LD {value}"), 1.0)
