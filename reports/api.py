"""A small API for notebooks: one run of a database as pandas DataFrames.

    >>> from reports.api import Audit
    >>> audit = Audit("audit.sqlite")              # the latest run; Audit(db, run=3) for another
    >>> audit.scores.sort_values("variety", ascending=False).head()
    >>> audit.matrix.groupby("stage")[list("abcdefg")].sum()
    >>> audit.diff(2).tools                        # tools gained and lost since run 2

Everything is read once, read-only, and computed by the same functions as the reports and
exports, so a notebook and a report never disagree.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from auditor.database import masked
from auditor.storage import StorageError, connect, resolve_run
from reports.checklist import RunData, letter_status, load_run
from reports.diff import RunDiff, diff_runs
from reports.diff import profiles as read_profiles
from reports.export import region_frames
from reports.region import category_table, direction_table, imc_distribution
from reports.scoring import FirmScore, score_run


class Audit:
    """One stored run: firms, pages, evidence, checklist, scores, matrix, region tables."""

    def __init__(self, db: str | Path, run: str | int = "latest") -> None:
        self.db = db  # an SQLite path or a PostgreSQL URL
        con = connect(self.db, readonly=True)
        try:
            self.run_id = resolve_run(con, str(run))
            self.data: RunData = load_run(con, self.run_id)
            self._pages = con.read_frame(
                "SELECT firm_id, url, status, content_type, size, depth, lang, title, fetched_at "
                "FROM pages WHERE run_id = ? ORDER BY firm_id, id", (self.run_id,))
            self._profiles = read_profiles(con, self.run_id)
            self._runs = con.read_frame(
                "SELECT r.id AS run_id, r.started_at, r.finished_at, r.status, "
                "count(f.firm_id) AS firms FROM runs r LEFT JOIN firms f ON f.run_id = r.id "
                "GROUP BY r.id ORDER BY r.id")
        finally:
            con.close()

    def __repr__(self) -> str:
        return f"Audit({masked(self.db)!r}, run={self.run_id}: {len(self.firms)} firms)"

    @property
    def runs(self) -> pd.DataFrame:
        """Every run of the database: id, dates, status, number of firms."""
        return self._runs

    @property
    def firms(self) -> pd.DataFrame:
        return self.data.firms

    @property
    def pages(self) -> pd.DataFrame:
        return self._pages

    @property
    def evidence(self) -> pd.DataFrame:
        return self.data.evidence

    @property
    def profiles(self) -> pd.DataFrame | None:
        """The run's social profiles, or None while the database has no profiles table."""
        return self._profiles

    @cached_property
    def status(self) -> pd.DataFrame:
        """Firm × letter: present / absent / not_observable, evidence count, example URL."""
        return letter_status(self.data)

    @cached_property
    def firm_scores(self) -> dict[str, FirmScore]:
        """Each firm's full score (IMC reasons, likeness contributions, next steps)."""
        return score_run(self.status, self.data.evidence, self.data.firms,
                         self.data.run.get("started_at"))

    @cached_property
    def _frames(self) -> dict[str, pd.DataFrame]:
        return region_frames(self.data)

    @property
    def scores(self) -> pd.DataFrame:
        """One row per firm: variety, group subtotals, direct share, IMC level, likeness…"""
        return self._frames["scores"]

    @property
    def matrix(self) -> pd.DataFrame:
        """Firms × letters (1/0, empty when not observable or not assessed) and subtotals."""
        return self._frames["matrix"]

    @property
    def groups(self) -> pd.DataFrame:
        """Uses per Table-2 group and stage beside the study's."""
        return category_table(self.firm_scores)

    @property
    def directions(self) -> pd.DataFrame:
        """Direct and indirect uses per group and stage beside the study's (Figures 1-2)."""
        return direction_table(self.firm_scores)

    @property
    def imc_levels(self) -> pd.DataFrame:
        return imc_distribution(self.firm_scores)

    def diff(self, other: str | int) -> RunDiff:
        """Changes from run `other` to this run (tools gained/lost, profile changes)."""
        con = connect(self.db, readonly=True)
        try:
            before = resolve_run(con, str(other))
            if before == self.run_id:
                raise StorageError(f"both runs are run {before}: give another run")
            return diff_runs(con, before, self.run_id)
        finally:
            con.close()
