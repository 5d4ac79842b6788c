"""CSV, JSON and XLSX exports of a run, safe to open in a spreadsheet.

Crawled text is hostile: a snippet starting with `=` would run as a formula in Excel or
LibreOffice, so text cells that could start a formula are prefixed with `'`, in CSV and XLSX
alike; numbers stay numbers. XLSX also drops the control characters a workbook cannot hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import pandas as pd

from reports.checklist import RunData, evidence_export, letter_status, read_run, records

FORMATS = ("csv", "json", "xlsx")
WHATS = ("status", "evidence", "matrix", "scores")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NUMERIC_COLUMNS = frozenset({"evidence_count", "confidence"})
_FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def neutralise(cell: str) -> str:
    """Prefix `'` when the first character that is not a plain space could start a formula."""
    for char in cell:
        if char in _FORMULA_STARTS:
            return "'" + cell
        if not char.isspace():
            return cell
    return cell


def region_frames(data: RunData, scores: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """The firms × letters matrix and the scores of a run, as the region report exports them
    (from the run's scores when the caller has them already: scoring a region takes a while)."""
    from reports.region import matrix_frame
    from reports.scoring import score_run, scores_frame

    if scores is None:
        scores = score_run(letter_status(data), data.evidence, data.firms,
                           data.run.get("started_at"))
    names = data.firms[["firm_id", "name"]]
    table = scores_frame(scores).merge(names, on="firm_id", how="left")
    table.insert(1, "name", table.pop("name"))
    return {"matrix": matrix_frame(scores, data.firms), "scores": table}


def frame_of(data: RunData, what: str) -> pd.DataFrame:
    """One export of a loaded run: status, evidence, matrix or scores."""
    if what == "status":
        return letter_status(data)
    if what == "evidence":
        return evidence_export(data)
    return region_frames(data)[what]


def _frame(db: str | Path, run: str, what: str) -> pd.DataFrame:
    return frame_of(read_run(db, run), what)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS or _number(value):
        return value
    return neutralise(str(value))


class _LineWriter:
    """csv quoting as if lines ended with CRLF (so a bare CR in a cell gets quoted), ending lines
    with LF: the stream may be a text-mode stdout that translates LF itself."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def writerow(self, cells: list[Any]) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        self.out.write(self.buffer.getvalue().removesuffix("\r\n") + "\n")


def write_csv(frame: pd.DataFrame, out: TextIO) -> None:
    """Header, then one line per row, text cells neutralised."""
    writer = _LineWriter(out)
    columns = list(frame.columns)
    writer.writerow(columns)
    for row in records(frame):
        writer.writerow([_csv_cell(column, row[column]) for column in columns])


def write_json(frame: pd.DataFrame, out: TextIO) -> None:
    """A JSON list of objects, one per row, non-ASCII text kept readable."""
    out.write(json.dumps(records(frame), ensure_ascii=False))
    out.write("\n")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are neutralised and hold no character XLSX forbids."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [
                value if value is None or _number(value) or value is pd.NA
                else neutralise(_ILLEGAL_XLSX.sub("", str(value)))
                for value in out[column].astype(object)
            ]
    return out


def write_xlsx(sheets: dict[str, pd.DataFrame], out: str | Path | BinaryIO) -> None:
    """One workbook, a sheet per frame, text neutralised, the header row frozen."""
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            spreadsheet_safe(frame).to_excel(writer, sheet_name=name[:31], index=False,
                                             freeze_panes=(1, 0))


def write_export(db: str | Path, run: str, fmt: str, what: str, out: TextIO,
                 binary: BinaryIO | None = None) -> None:
    """Write a run's status grid, evidence rows, firms × letters matrix or scores as CSV or
    JSON to `out`, or as XLSX to `binary`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use csv, json or xlsx")
    if what not in WHATS:
        raise ValueError(f"unknown export {what!r}: use status, evidence, matrix or scores")
    if fmt == "xlsx" and binary is None:
        raise ValueError("xlsx is a binary format: use --out FILE.xlsx")
    frame = _frame(db, run, what)
    if fmt == "csv":
        write_csv(frame, out)
    elif fmt == "json":
        write_json(frame, out)
    else:
        assert binary is not None
        write_xlsx({what: frame}, binary)
