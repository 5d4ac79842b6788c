"""Storage of runs, firms, pages and evidence: every run kept, in SQLite or PostgreSQL.

One writer (the crawl's pipeline) writes in batches; readers (reports, export) only read.
SQLite's WAL mode lets a report read while a crawl writes, and makes an interrupted crawl
lose at most the batch in flight; PostgreSQL gives the same with its transactions. The
schema and every statement are written once (`auditor.database` translates them for
PostgreSQL), and every statement is parameterised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from auditor.database import (
    SQLITE,
    Connection,
    Database,
    DatabaseError,
    as_database,
    is_url,
    masked,
    open_database,
)
from auditor.firms import FirmRow
from auditor.items import Evidence, PageItem
from auditor.profiles import PENDING, ProfileRecord

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    firms_file TEXT NOT NULL DEFAULT '',
    settings_json TEXT NOT NULL DEFAULT '{}',
    rule_versions_json TEXT NOT NULL DEFAULT '{}',
    auditor_version TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS firms (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    firm_id TEXT NOT NULL,
    domain TEXT NOT NULL,
    start_url TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    founded INTEGER,
    first_foreign_sale_year INTEGER,
    profiles TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, firm_id)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    firm_id TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL,
    UNIQUE (run_id, url)
);
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    firm_id TEXT NOT NULL,
    letter TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    value TEXT NOT NULL,
    url TEXT NOT NULL,
    location TEXT NOT NULL,
    snippet TEXT NOT NULL,
    confidence REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_run_firm ON evidence (run_id, firm_id, letter);
CREATE INDEX IF NOT EXISTS pages_run_firm ON pages (run_id, firm_id);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    firm_id TEXT NOT NULL,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (run_id, url)
);
"""
# Social profiles, one row per firm and profile URL in a run. Created by the first crawl
# that visits profiles (AUDIT_PROFILES), so a database without it says "not assessed".
PROFILES_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    firm_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    url TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    own INTEGER NOT NULL DEFAULT 1,
    own_reason TEXT NOT NULL DEFAULT '',
    found_on TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    visit TEXT NOT NULL DEFAULT '',
    http_status INTEGER,
    final_url TEXT NOT NULL DEFAULT '',
    login_wall INTEGER,
    title TEXT NOT NULL DEFAULT '',
    og_title TEXT NOT NULL DEFAULT '',
    og_description TEXT NOT NULL DEFAULT '',
    followers INTEGER,
    links_back INTEGER,
    last_post TEXT NOT NULL DEFAULT '',
    last_post_source TEXT NOT NULL DEFAULT '',
    feed_url TEXT NOT NULL DEFAULT '',
    feed_entries INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (run_id, firm_id, url)
);
CREATE INDEX IF NOT EXISTS profiles_run_firm ON profiles (run_id, firm_id);
"""
PROFILE_FIELDS = ("platform", "url", "handle", "kind", "own", "own_reason", "found_on", "status",
                  "reason", "visit", "http_status", "final_url", "login_wall", "title",
                  "og_title", "og_description", "followers", "links_back", "last_post",
                  "last_post_source", "feed_url", "feed_entries")
_TEXT_LIMITS = {"url": 2000, "final_url": 2000, "feed_url": 2000, "found_on": 2000,
                "og_description": 500}
# Columns added after a table was first shipped: (table, column, declaration).
ADDED_COLUMNS = (
    ("runs", "stats_json", "TEXT NOT NULL DEFAULT '{}'"),
    ("firms", "seq", "INTEGER"),  # the firm's place in the firms file (PostgreSQL has no rowid)
)
_SCHEMA_LOCK = 7_400_001  # a PostgreSQL advisory lock: writers starting together create it once
FINAL_STATUSES = ("done", "partial", "failed")  # a firm whose crawl ended; others are resumed


class StorageError(Exception):
    """The database cannot be opened or is not an auditor database."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(db: str | Path, *, readonly: bool = False) -> Database:
    """Open (and for writers create) the database: an SQLite file path or a PostgreSQL URL."""
    shown = masked(db)
    if readonly and not is_url(db) and not Path(db).exists():
        raise StorageError(f"no database at {shown!r}: run 'auditor crawl' first or pass --db")
    try:
        con = open_database(db, readonly=readonly)
    except DatabaseError as exc:
        raise StorageError(str(exc)) from None
    except OSError as exc:
        raise StorageError(f"cannot open {shown!r} ({exc.strerror}): pass another --db") from None
    try:
        if not readonly:
            _create_schema(con)
        con.execute("SELECT count(*) FROM runs").fetchone()
    except con.errors as exc:
        con.close()
        reason = " ".join(str(exc).split())
        raise StorageError(f"{shown!r} is not an auditor database ({reason}): "
                           "run 'auditor crawl' first or pass another --db") from None
    if readonly:
        con.rollback()  # PostgreSQL: end the check's transaction; each read starts afresh
    return con


def _create_schema(con: Database) -> None:
    """Create the tables and bring a database written by an older version up to date."""
    if con.dialect != SQLITE:
        con.execute("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
    con.executescript(SCHEMA)
    for table, column, declaration in ADDED_COLUMNS:
        if column not in con.columns(table):
            # names and declarations from the fixed tuple above
            con.executescript(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    con.commit()


class Store:
    """The writer's view of the database."""

    def __init__(self, db: str | Path):
        self.db = db
        self.con = connect(db)
        self._profiles_table = False  # once seen, a table is not looked up again

    def close(self) -> None:
        self.con.commit()
        self.con.close()

    def create_run(self, firms_file: str, settings: dict[str, object],
                   rule_versions: dict[str, int], version: str) -> int:
        run_id = self.con.insert_id(
            "INSERT INTO runs (started_at, firms_file, settings_json, rule_versions_json, "
            "auditor_version) VALUES (?, ?, ?, ?, ?)",
            (now(), firms_file, json.dumps(settings, sort_keys=True, default=str),
             json.dumps(rule_versions, sort_keys=True), version),
        )
        self.con.commit()
        return run_id

    def add_firms(self, run_id: int, firms: Iterable[FirmRow]) -> None:
        self.con.executemany(
            "INSERT OR IGNORE INTO firms (run_id, firm_id, domain, start_url, name, stage, region, "
            "founded, first_foreign_sale_year, profiles, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, f.firm_id, f.site.host, f.site.start_url, f.name, f.stage, f.region,
              f.founded, f.first_foreign_sale_year, " ".join(f.profiles), seq)
             for seq, f in enumerate(firms)],
        )
        self.con.commit()

    def save_pages(self, run_id: int, items: Sequence[PageItem]) -> None:
        """Store a batch of pages and their evidence in one transaction."""
        fetched = now()
        with self.con:
            stored = self.con.insert_each(
                "INSERT OR IGNORE INTO pages (run_id, firm_id, url, status, content_type, size, "
                "depth, lang, title, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, item.firm_id, item.url, item.status, item.content_type[:100],
                  item.size, item.depth, item.lang[:10], item.title[:300], fetched)
                 for item in items],
            )
            # a page stored already (a resumed run) keeps its first evidence
            self.con.executemany(
                "INSERT INTO evidence (run_id, firm_id, letter, rule_id, value, url, location, "
                "snippet, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_evidence_row(run_id, item.firm_id, e)
                 for item, new in zip(items, stored, strict=True) if new for e in item.evidence],
            )

    def set_firm_outcome(self, run_id: int, firm_id: str, status: str, reason: str,
                         pages: int, errors: int) -> None:
        with self.con:
            self.con.execute(
                "UPDATE firms SET status = ?, reason = ?, pages = ?, errors = ? "
                "WHERE run_id = ? AND firm_id = ?",
                (status, reason[:500], pages, errors, run_id, firm_id),
            )

    def save_failures(self, run_id: int, failures: Iterable[tuple[str, str, str]]) -> None:
        """Record failed URLs as (firm_id, url, reason); a URL keeps its first reason."""
        with self.con:
            self.con.executemany(
                "INSERT OR IGNORE INTO failures (run_id, firm_id, url, reason) VALUES (?, ?, ?, ?)",
                [(run_id, firm_id, url[:2000], reason[:500]) for firm_id, url, reason in failures],
            )

    def finish_run(self, run_id: int, status: str, stats: dict[str, object] | None = None) -> None:
        with self.con:
            self.con.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?",
                             (now(), status, run_id))
            if stats is not None:
                self.con.execute("UPDATE runs SET stats_json = ? WHERE id = ?",
                                 (json.dumps(stats, sort_keys=True, default=str), run_id))

    def reopen_run(self, run_id: int, firm_ids: Iterable[str]) -> None:
        """Mark a run as running again, forgetting the failures of the firms to crawl again."""
        with self.con:
            self.con.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?",
                             (run_id,))
            ids = list(firm_ids)
            self.con.executemany("DELETE FROM failures WHERE run_id = ? AND firm_id = ?",
                                 [(run_id, f) for f in ids])
            if self.has_profiles():  # found again by the new crawl of these firms
                self.con.executemany("DELETE FROM profiles WHERE run_id = ? AND firm_id = ?",
                                     [(run_id, f) for f in ids])

    def clear_firm(self, run_id: int, firm_id: str) -> None:
        """Forget what a run stored for one firm and mark it pending again, so that a firm
        left half-crawled (by a worker that died) can be crawled again from scratch."""
        with self.con:
            for table in ("pages", "evidence", "failures"):
                # table names from the fixed tuple above, values parameterised
                self.con.execute(f"DELETE FROM {table} WHERE run_id = ? AND firm_id = ?",  # noqa: S608
                                 (run_id, firm_id))
            if self.has_profiles():
                self.con.execute("DELETE FROM profiles WHERE run_id = ? AND firm_id = ?",
                                 (run_id, firm_id))
            self.con.execute("UPDATE firms SET status = 'pending', reason = '', pages = 0, "
                             "errors = 0 WHERE run_id = ? AND firm_id = ?", (run_id, firm_id))

    def page_urls(self, run_id: int, firm_ids: Iterable[str]) -> set[str]:
        """URLs already stored for these firms in this run."""
        urls: set[str] = set()
        for firm_id in firm_ids:
            urls.update(u for (u,) in self.con.execute(
                "SELECT url FROM pages WHERE run_id = ? AND firm_id = ?", (run_id, firm_id)))
        return urls

    def ensure_profiles(self) -> None:
        """Create the `profiles` table (a crawl that visits profiles)."""
        if not self.has_profiles():
            self.con.executescript(PROFILES_SCHEMA)
            self.con.commit()
            self._profiles_table = True

    def has_profiles(self) -> bool:
        if not self._profiles_table:
            self._profiles_table = self.con.table_exists("profiles")
        return self._profiles_table

    def save_profiles(self, run_id: int, records: Sequence[ProfileRecord]) -> None:
        """Insert or update profiles, keyed by run, firm and URL: found (pending), then
        visited. A final status is never overwritten by a pending one."""
        if not records:
            return
        self.ensure_profiles()
        columns = ", ".join(PROFILE_FIELDS)
        marks = ", ".join("?" for _ in PROFILE_FIELDS)
        kept = ("handle", "kind", "own_reason", "found_on")  # found once, kept by the visit
        updates = ", ".join(
            f"{c} = CASE WHEN excluded.{c} != '' THEN excluded.{c} ELSE profiles.{c} END"
            if c in kept else f"{c} = excluded.{c}" for c in PROFILE_FIELDS if c != "url")
        # fixed column names from PROFILE_FIELDS, values parameterised
        sql = (f"INSERT INTO profiles (run_id, firm_id, {columns}, updated_at) "  # noqa: S608
               f"VALUES (?, ?, {marks}, ?) ON CONFLICT (run_id, firm_id, url) DO UPDATE SET "
               f"{updates}, updated_at = excluded.updated_at "
               f"WHERE excluded.status != '{PENDING}' OR profiles.status = '{PENDING}'")
        stamp = now()
        with self.con:
            self.con.executemany(sql, [(run_id, r.firm_id, *_profile_values(r), stamp)
                                       for r in records])

    def pending_profiles(self, run_id: int) -> list[ProfileRecord]:
        """The run's own profiles found and not visited yet (an interrupted run)."""
        if not self.has_profiles():
            return []
        rows = self.con.execute(
            "SELECT firm_id, platform, url, handle, kind, own_reason, found_on FROM profiles "
            "WHERE run_id = ? AND own = 1 AND status = ? ORDER BY id", (run_id, PENDING))
        return [ProfileRecord(firm_id=f, platform=p, url=u, handle=h, kind=k, own=True,
                              own_reason=r, found_on=o, feed_url=u if p == "blog" else "")
                for f, p, u, h, k, r, o in rows]

    def run_settings(self, run_id: int) -> dict[str, object]:
        row = self.con.execute("SELECT settings_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        try:
            settings = json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}
        return settings if isinstance(settings, dict) else {}

    def run_started(self, run_id: int) -> datetime:
        """When the run started (profiles' activity is judged from there), aware UTC."""
        row = self.con.execute("SELECT started_at FROM runs WHERE id = ?", (run_id,)).fetchone()
        try:
            started = datetime.fromisoformat(row[0])
        except (TypeError, ValueError):
            return datetime.now(UTC)
        return started if started.tzinfo else started.replace(tzinfo=UTC)

    def unfinished_firm_ids(self, run_id: int) -> list[str]:
        """Firms of the run whose crawl has not ended (pending or interrupted)."""
        return [f for (f,) in self.con.execute(
            "SELECT firm_id FROM firms WHERE run_id = ? "
            "AND status NOT IN ('done', 'partial', 'failed') ORDER BY firm_id", (run_id,))]


def _profile_values(record: ProfileRecord) -> list[object]:
    values: list[object] = []
    for name in PROFILE_FIELDS:
        value = getattr(record, name)
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, str):
            value = value[:_TEXT_LIMITS.get(name, 300)]
        values.append(value)
    return values


def _evidence_row(run_id: int, firm_id: str, e: Evidence) -> tuple[object, ...]:
    return (run_id, firm_id, e.letter, e.rule_id, e.value[:500], e.url[:2000], e.location,
            e.snippet[:160], e.confidence)


def resolve_run(con: Connection, run: str) -> int:
    """`latest` or a run id → an existing run id."""
    con = as_database(con)
    if run == "latest":
        row = con.execute("SELECT max(id) FROM runs").fetchone()
        if row is None or row[0] is None:
            raise StorageError("the database holds no run yet: run 'auditor crawl' first")
        return int(row[0])
    if not run.isdigit():
        raise StorageError(f"bad run {run!r}: give a run number or 'latest'")
    if con.execute("SELECT 1 FROM runs WHERE id = ?", (int(run),)).fetchone() is None:
        raise StorageError(f"no run {run} in this database: 'auditor runs' lists them")
    return int(run)
