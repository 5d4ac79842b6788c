"""Read the list of firms to audit: a CSV with a header, or one domain per line.

Every bad row gets a one-line error naming its line and what to fix, and is skipped; the
good rows still run. A file that cannot be read, or holds no valid row, is an error.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auditor.domains import DomainError, Site, parse_site
from auditor.social import parse_profile

REQUIRED_COLUMNS = ("firm_id", "domain")
OPTIONAL_COLUMNS = ("name", "stage", "region", "founded", "first_foreign_sale_year", "profiles")
STAGES = ("entry", "post-entry")
_FIRM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_FIRMS = 100_000


class FirmsFileError(Exception):
    """The firms file as a whole cannot be used."""


@dataclass(frozen=True, slots=True)
class FirmRow:
    """One firm to audit, validated."""

    firm_id: str
    domain: str  # as given
    site: Site
    name: str = ""
    stage: str = ""
    region: str = ""
    founded: int | None = None
    first_foreign_sale_year: int | None = None
    profiles: tuple[str, ...] = ()


def _year(value: str, column: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit() or not 1800 <= int(value) <= date.today().year + 1:
        raise ValueError(f"{column} {value!r} is not a year such as 2015")
    return int(value)


def _row(values: dict[str, str], seen: set[str]) -> FirmRow:
    firm_id = values.get("firm_id", "").strip()
    if not _FIRM_ID.match(firm_id):
        raise ValueError(
            f"bad firm_id {firm_id!r}: use letters, digits, '-', '_' or '.', at most 64"
        )
    if firm_id in seen:
        raise ValueError(f"duplicate firm_id {firm_id!r}: each firm needs its own id")
    try:
        site = parse_site(values.get("domain", ""))
    except DomainError as exc:
        raise ValueError(str(exc)) from None
    stage = values.get("stage", "").strip().lower()
    if stage and stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: use 'entry', 'post-entry' or leave it empty")
    profiles = tuple(values.get("profiles", "").split())
    for url in profiles:
        if parse_profile(url) is None:
            raise ValueError(f"profile {url!r} is not a social-platform account URL")
    return FirmRow(
        firm_id=firm_id,
        domain=values.get("domain", "").strip(),
        site=site,
        name=values.get("name", "").strip()[:200],
        stage=stage,
        region=values.get("region", "").strip()[:200],
        founded=_year(values.get("founded", ""), "founded"),
        first_foreign_sale_year=_year(values.get("first_foreign_sale_year", ""),
                                      "first_foreign_sale_year"),
        profiles=profiles,
    )


def _domain_id(site: Site, seen: set[str]) -> str:
    base = re.sub(r"[^a-z0-9.-]", "-", site.host)[:60]
    candidate, n = base, 2
    while candidate in seen:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def parse_firms(text: str) -> tuple[list[FirmRow], list[str]]:
    """Valid firms and one error line per rejected row."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    firms: list[FirmRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    if "," in first:  # a domain list has no commas: this is a CSV with a header
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise FirmsFileError(
                f"the header lacks the column(s) {', '.join(missing)}: the CSV needs "
                f"firm_id,domain and may add {','.join(OPTIONAL_COLUMNS)}"
            )
        reader.fieldnames = header
        domains: dict[str, str] = {}
        for values in reader:
            line = reader.line_num
            if len(firms) >= MAX_FIRMS:
                raise FirmsFileError(f"more than {MAX_FIRMS} firms: split the file")
            if None in values:
                errors.append(f"line {line}: too many fields: quote values that contain commas")
                continue
            clean = {k: (v or "") for k, v in values.items()}
            if not any(v.strip() for v in clean.values()):
                continue
            try:
                firm = _row(clean, seen)
            except ValueError as exc:
                errors.append(f"line {line}: {exc}")
                continue
            if firm.site.registered in domains:
                errors.append(
                    f"line {line}: {firm.site.registered!r} is firm {domains[firm.site.registered]!r}"
                    "'s site already: list each site once"
                )
                continue
            domains[firm.site.registered] = firm.firm_id
            seen.add(firm.firm_id)
            firms.append(firm)
        return firms, errors
    hosts: set[str] = set()
    for line_no, raw in enumerate(lines, start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            site = parse_site(entry)
        except DomainError as exc:
            errors.append(f"line {line_no}: {exc}")
            continue
        if site.registered in hosts:
            errors.append(f"line {line_no}: duplicate domain {site.registered!r}: listed twice")
            continue
        hosts.add(site.registered)
        firm_id = _domain_id(site, seen)
        seen.add(firm_id)
        firms.append(FirmRow(firm_id=firm_id, domain=entry, site=site))
    return firms, errors


def load_firms(path: str | Path) -> tuple[list[FirmRow], list[str]]:
    """Read and validate a firms file; raise FirmsFileError when nothing can run."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise FirmsFileError(f"cannot read the firms file {str(file)!r}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FirmsFileError(f"{str(file)!r} is not a text file: give a CSV or a list of domains")
    firms, errors = parse_firms(text)
    if not firms:
        detail = f" ({errors[0]})" if errors else ""
        raise FirmsFileError(f"no valid firm in {str(file)!r}{detail}: fix the rows and retry")
    return firms, errors
