"""CSV and JSON exports of a run, safe to open in a spreadsheet.

Crawled text is hostile: a snippet starting with `=` would run as a formula in Excel or
LibreOffice, so text cells that could start a formula are prefixed with `'`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from reports.checklist import evidence_export, letter_status, read_run, records

FORMATS = ("csv", "json")
WHATS = ("status", "evidence")
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


def _frame(db: Path, run: str, what: str) -> pd.DataFrame:
    data = read_run(db, run)
    return letter_status(data) if what == "status" else evidence_export(data)


def _csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS:
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


def write_export(db: Path, run: str, fmt: str, what: str, out: TextIO) -> None:
    """Write a run's status grid (firm × letter) or its evidence rows as CSV or JSON."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use csv or json")
    if what not in WHATS:
        raise ValueError(f"unknown export {what!r}: use status or evidence")
    frame = _frame(db, run, what)
    if fmt == "csv":
        write_csv(frame, out)
    else:
        write_json(frame, out)
