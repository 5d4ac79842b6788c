"""Measure the rules against hand labels: per letter TP, FP, FN, precision and recall.

Labels use the corpus format (`site,letter,present,evidence_file,quote,certainty,notes`,
present being 1, 0 or na). Every disagreement is listed with the evidence behind the
audit's answer, or the label's quote for what the audit missed, so each can be read.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from auditor.table2 import observable_letters

PRESENT = "present"


class LabelsError(ValueError):
    """A labels file that cannot be used."""


@dataclass(frozen=True, slots=True)
class Label:
    site: str
    letter: str
    present: bool
    evidence_file: str
    quote: str


@dataclass(slots=True)
class Evaluation:
    """Per-letter counts, overall figures and every disagreement."""

    per_letter: pd.DataFrame  # letter, tp, fp, fn, tn, precision, recall
    overall: dict[str, float]
    disagreements: list[dict[str, str]] = field(default_factory=list)
    unlabelled_firms: list[str] = field(default_factory=list)


def load_labels(path: Path) -> list[Label]:
    """Decisions labelled 1 or 0 on observable letters; `na` rows are left out."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LabelsError(f"cannot read labels {str(path)!r}: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    if not {"site", "letter", "present"} <= set(reader.fieldnames or []):
        raise LabelsError(f"{str(path)!r} lacks the columns site,letter,present")
    observable = set(observable_letters())
    labels = []
    for row in reader:
        value = (row.get("present") or "").strip().lower()
        if row["letter"] not in observable or value not in ("0", "1"):
            continue
        labels.append(Label(row["site"].strip(), row["letter"].strip(), value == "1",
                            row.get("evidence_file") or "", row.get("quote") or ""))
    if not labels:
        raise LabelsError(f"no 0/1 label on an observable letter in {str(path)!r}")
    return labels


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def evaluate(status: pd.DataFrame, evidence: pd.DataFrame, labels: list[Label]) -> Evaluation:
    """Compare the audit's present/absent per firm and letter with the labels."""
    found = {(r.firm_id, r.letter): r.status == PRESENT for r in status.itertuples()}
    firms = set(status["firm_id"])
    rows: dict[str, dict[str, int]] = {}
    disagreements: list[dict[str, str]] = []
    for label in labels:
        if label.site not in firms:
            continue
        predicted = found.get((label.site, label.letter), False)
        counts = rows.setdefault(label.letter, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
        key = ("tp" if label.present else "fp") if predicted else ("fn" if label.present else "tn")
        counts[key] += 1
        if key in ("fp", "fn"):
            disagreements.append(_disagreement(key, label, evidence))
    per_letter = pd.DataFrame(
        [{"letter": letter, **counts} for letter, counts in sorted(rows.items())],
        columns=["letter", "tp", "fp", "fn", "tn"],
    )
    per_letter["precision"] = [_ratio(r.tp, r.tp + r.fp) for r in per_letter.itertuples()]
    per_letter["recall"] = [_ratio(r.tp, r.tp + r.fn) for r in per_letter.itertuples()]
    tp, fp, fn = (int(per_letter[c].sum()) for c in ("tp", "fp", "fn"))
    overall = {"tp": tp, "fp": fp, "fn": fn, "tn": int(per_letter["tn"].sum()),
               "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}
    unlabelled = sorted(firms - {label.site for label in labels})
    return Evaluation(per_letter, overall, disagreements, unlabelled)


def _disagreement(kind: str, label: Label, evidence: pd.DataFrame) -> dict[str, str]:
    if kind == "fp":
        mine = evidence[(evidence["firm_id"] == label.site) & (evidence["letter"] == label.letter)]
        first = mine.iloc[0] if len(mine) else None
        why = f"{first['url']} [{first['location']}] {first['snippet']}" if first is not None else ""
        return {"kind": "FP", "site": label.site, "letter": label.letter,
                "detail": f"audit found ({len(mine)} evidence): {why}"}
    return {"kind": "FN", "site": label.site, "letter": label.letter,
            "detail": f"label: {label.evidence_file}: {label.quote}"[:300]}


def _fmt(value: float) -> str:
    return "  -  " if math.isnan(value) else f"{value:.2f}"


def format_evaluation(result: Evaluation) -> str:
    """A plain-text table then the disagreements, for a terminal or a note."""
    lines = ["letter   TP   FP   FN   TN  precision  recall"]
    for r in result.per_letter.itertuples():
        lines.append(f"{r.letter:>6} {r.tp:4d} {r.fp:4d} {r.fn:4d} {r.tn:4d}  "
                     f"{_fmt(r.precision):>9}  {_fmt(r.recall):>6}")
    o = result.overall
    lines.append(f"{'all':>6} {o['tp']:4d} {o['fp']:4d} {o['fn']:4d} {o['tn']:4d}  "
                 f"{_fmt(o['precision']):>9}  {_fmt(o['recall']):>6}")
    if result.unlabelled_firms:
        lines.append(f"firms without labels (left out): {', '.join(result.unlabelled_firms)}")
    lines.append(f"disagreements: {len(result.disagreements)}")
    for d in result.disagreements:
        lines.append(f"  {d['kind']} {d['site']} {d['letter']}: {d['detail']}")
    return "\n".join(lines)
