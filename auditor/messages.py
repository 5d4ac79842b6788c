"""JSON messages between the CLI, the workers and the writer of a scaled-out run.

Redis carries text, and a worker on another machine may run another patch release, so
what travels is plain JSON of the dataclasses the spider already yields (never pickle):
a firm to crawl (`FirmRow`), and results tagged with the firm and the attempt that
produced them, so the writer can ignore what a worker presumed dead sends late.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from auditor.domains import Site
from auditor.failures import FetchFailure
from auditor.firms import FirmRow
from auditor.items import Evidence, FirmOutcome, PageItem
from auditor.profiles import ProfileRecord

VERSION = 1
PAGE, FAILURE, PROFILE, OUTCOME = "page", "failure", "profile", "outcome"
Result = PageItem | FetchFailure | ProfileRecord | FirmOutcome


class MessageError(ValueError):
    """A message that is not one of ours (another version, or damaged)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """A result with where it comes from: which run, firm, attempt and worker."""

    run_id: int
    firm_id: str
    attempt: int
    worker: str
    item: Result

    @property
    def kind(self) -> str:
        return _kind(self.item)


def _kind(item: object) -> str:
    if isinstance(item, PageItem):
        return PAGE
    if isinstance(item, FetchFailure):
        return FAILURE
    if isinstance(item, ProfileRecord):
        return PROFILE
    if isinstance(item, FirmOutcome):
        return OUTCOME
    raise MessageError(f"not a result: {type(item).__name__}")


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _loads(raw: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise MessageError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise MessageError(f"not a version-{VERSION} message")
    return data


def _build(cls: type, data: Any) -> Any:
    """A dataclass from a dict, ignoring keys it does not know (a newer sender)."""
    if not isinstance(data, dict):
        raise MessageError(f"bad {cls.__name__}: {data!r:.80}")
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in data.items() if k in names})
    except TypeError as exc:
        raise MessageError(f"bad {cls.__name__}: {exc}") from None


# ---- firms ------------------------------------------------------------------------------


def firm_message(run_id: int, firm: FirmRow) -> str:
    data = asdict(firm)
    data["profiles"] = list(firm.profiles)
    return _dumps({"v": VERSION, "run": run_id, "firm": data})


def read_firm(raw: str | bytes) -> tuple[int, FirmRow]:
    """(run id, firm) from a queued firm message."""
    data = _loads(raw)
    firm = dict(data.get("firm") or {})
    firm["site"] = _build(Site, firm.get("site"))
    firm["profiles"] = tuple(firm.get("profiles") or ())
    return int(data["run"]), _build(FirmRow, firm)


def firm_id_of(raw: str | bytes) -> str:
    return str(_loads(raw)["firm"]["firm_id"])


# ---- results ----------------------------------------------------------------------------


def result_message(envelope: Envelope) -> str:
    return _dumps({"v": VERSION, "kind": envelope.kind, "run": envelope.run_id,
                   "firm": envelope.firm_id, "attempt": envelope.attempt,
                   "worker": envelope.worker, "data": asdict(envelope.item)})


def read_result(raw: str | bytes) -> Envelope:
    data = _loads(raw)
    kind, body = data.get("kind"), data.get("data")
    item: Result
    if kind == PAGE:
        page = dict(body) if isinstance(body, dict) else {}
        page["evidence"] = [_build(Evidence, e) for e in page.get("evidence") or ()]
        item = _build(PageItem, page)
    elif kind == FAILURE:
        item = _build(FetchFailure, body)
    elif kind == PROFILE:
        item = _build(ProfileRecord, body)
    elif kind == OUTCOME:
        item = _build(FirmOutcome, body)
    else:
        raise MessageError(f"unknown result kind {kind!r}")
    try:
        return Envelope(int(data["run"]), str(data["firm"]), int(data["attempt"]),
                        str(data.get("worker", "")), item)
    except (KeyError, TypeError, ValueError) as exc:
        raise MessageError(f"bad envelope: {exc}") from None
