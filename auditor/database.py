"""One small connection interface over SQLite and PostgreSQL, chosen by the `--db` string.

A path means an SQLite file; `postgresql://user@host:port/dbname` means a PostgreSQL
database, for runs that outgrow one file or one machine. SQL is written once, in the SQLite
dialect with `?` placeholders; the PostgreSQL side translates the few differences (the
placeholders, `INSERT OR IGNORE`, the column types of the schema), so the writer and the
readers seldom branch on the backend (`dialect` says which it is when they must). Readers get pandas frames built from the cursor, the
same way for both backends, so a report reads the same values from either.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeAlias
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:  # pandas costs a crawl process ~90 MB: imported by readers only
    import pandas as pd

SQLITE, POSTGRESQL = "sqlite", "postgresql"
PG_SCHEMES = ("postgresql", "postgres")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is reported, not waited for


class DatabaseError(Exception):
    """The database cannot be reached or opened; the message is one line for the user."""


class Cursor(Protocol):
    """What both drivers' cursors offer and the callers use."""

    rowcount: int

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def is_postgres(db: str | Path) -> bool:
    """Whether `--db` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(db, str) and db.split("://", 1)[0].lower() in PG_SCHEMES and "://" in db


def is_url(db: str | Path) -> bool:
    """Whether `--db` is a URL (of any scheme) rather than a file path."""
    return isinstance(db, str) and _URL.match(db) is not None


def masked(db: str | Path) -> str:
    """`--db` as it may be shown: a URL's password (user:PASSWORD@ or ?password=) as `***`."""
    text = str(db)
    if not _URL.match(text):
        return text
    text = re.sub(r"([?&]password=)[^&#]*", r"\1***", text, flags=re.IGNORECASE)
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return text.split("://", 1)[0] + "://***"


def _without_password(message: str, db: str) -> str:
    """The driver's message on one line, the URL's password masked should it appear."""
    try:
        password = urlsplit(db).password
    except ValueError:
        password = None
    line = " ".join(message.split())
    line = re.sub(r"^connection (?:is bad|failed): ", "", line)
    if password:
        line = re.sub(rf"(?<!\w){re.escape(password)}(?!\w)", "***", line)
    return line


class Database:
    """An open database: parameterised statements, frames, transactions, introspection."""

    dialect: str
    errors: tuple[type[Exception], ...]  # the driver's errors, for callers that report them

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        raise NotImplementedError

    def executescript(self, script: str) -> None:
        """Run several statements (the schema); SQLite types, translated where needed."""
        raise NotImplementedError

    def insert_id(self, sql: str, params: Sequence[object]) -> int:
        """Run an INSERT into a table with an `id` column; return the new row's id."""
        raise NotImplementedError

    def insert_each(self, sql: str, rows: Sequence[Sequence[object]]) -> list[bool]:
        """Run an `INSERT OR IGNORE` once per row; say for each row whether it was inserted."""
        raise NotImplementedError

    con: Any  # the driver's connection: both drivers commit, roll back and close alike

    def commit(self) -> None:
        self.con.commit()

    def rollback(self) -> None:
        self.con.rollback()

    def close(self) -> None:
        self.con.close()

    def table_exists(self, name: str) -> bool:
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        """The table's column names, in order ([] when there is no such table)."""
        raise NotImplementedError

    def read_frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame, built the way pandas builds one from SQLite."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        import pandas as pd

        return pd.DataFrame.from_records(cur.fetchall(), columns=names, coerce_float=True)

    def dicts(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        """A query's rows as dicts keyed by column name."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Commit the transaction, or roll it back when the block raised."""
        if kind is None:
            self.commit()
        else:
            self.rollback()


class SQLiteDatabase(Database):
    """sqlite3, statements passed through untouched (the SQL is written for it)."""

    dialect = SQLITE
    errors = (sqlite3.Error,)

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        # the crawl's hot path: the driver's own methods, no wrapper call in between
        self.execute = con.execute  # type: ignore[method-assign,assignment]
        self.executemany = con.executemany  # type: ignore[method-assign,assignment]

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self.con.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.con.executemany(sql, rows)

    def executescript(self, script: str) -> None:
        self.con.executescript(script)

    def insert_id(self, sql: str, params: Sequence[object]) -> int:
        cur = self.con.execute(sql, params)
        assert cur.lastrowid is not None
        return cur.lastrowid

    def insert_each(self, sql: str, rows: Sequence[Sequence[object]]) -> list[bool]:
        execute = self.con.execute
        return [execute(sql, row).rowcount > 0 for row in rows]

    def table_exists(self, name: str) -> bool:
        return self.con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (name,)).fetchone() is not None

    def columns(self, table: str) -> list[str]:
        return [row[1] for row in self.con.execute("SELECT * FROM pragma_table_info(?)", (table,))]


@lru_cache(maxsize=512)
def to_postgres(sql: str) -> str:
    """SQLite-dialect SQL → PostgreSQL: `?` → `%s` outside string literals, `%` doubled
    (psycopg reads `%` as a placeholder), `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`."""
    out: list[str] = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted  # '' inside a literal toggles twice: still inside
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    text = "".join(out)
    ignore = re.match(r"\s*INSERT\s+OR\s+IGNORE\s+INTO\b", text, re.IGNORECASE)
    if ignore:
        text = "INSERT INTO" + text[ignore.end():] + " ON CONFLICT DO NOTHING"
    return text


def postgres_ddl(script: str) -> str:
    """SQLite DDL → PostgreSQL: integer keys become identity columns, integers 64-bit,
    REAL double precision; everything else (TEXT, defaults, constraints) is shared."""
    script = re.sub(r"\bINTEGER PRIMARY KEY\b",
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
    script = re.sub(r"\bINTEGER\b", "BIGINT", script)
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", script)


def _text(value: object) -> object:
    # PostgreSQL text cannot hold NUL; hostile pages can. SQLite keeps it, PostgreSQL drops it.
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _params(params: Sequence[object]) -> Sequence[object]:
    return [_text(v) for v in params]


class PostgresDatabase(Database):
    """psycopg 3, autocommit off: the writer commits its batches as with SQLite."""

    dialect = POSTGRESQL

    def __init__(self, con: Any) -> None:
        import psycopg

        self.con = con
        self.errors = (psycopg.Error,)

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self.con.execute(to_postgres(sql), _params(params))  # type: ignore[no-any-return]

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self.con.cursor() as cur:
            cur.executemany(to_postgres(sql), [_params(r) for r in rows])

    def executescript(self, script: str) -> None:
        self.con.execute(postgres_ddl(script))

    def insert_id(self, sql: str, params: Sequence[object]) -> int:
        row = self.execute(sql + " RETURNING id", params).fetchone()
        return int(row[0])

    def insert_each(self, sql: str, rows: Sequence[Sequence[object]]) -> list[bool]:
        """One round trip for the batch (psycopg pipelines executemany), a result per row."""
        inserted: list[bool] = []
        if not rows:
            return inserted
        with self.con.cursor() as cur:
            cur.executemany(to_postgres(sql) + " RETURNING 1", [_params(r) for r in rows],
                            returning=True)
            while True:
                inserted.append(cur.fetchone() is not None)
                if not cur.nextset():
                    break
        return inserted

    def table_exists(self, name: str) -> bool:
        return bool(self.columns(name))

    def columns(self, table: str) -> list[str]:
        return [name for (name,) in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]


# What the readers accept: an open Database, or (notebooks, older callers) an sqlite3 connection.
Connection: TypeAlias = Database | sqlite3.Connection


def as_database(con: Connection) -> Database:
    """A Database for a reader's argument; an sqlite3 connection is wrapped as it is."""
    return SQLiteDatabase(con) if isinstance(con, sqlite3.Connection) else con


def open_sqlite(path: str | Path, *, readonly: bool) -> SQLiteDatabase:
    """An SQLite file (created for writers), in WAL mode with foreign keys on."""
    file = Path(path)
    try:
        if readonly:
            con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(file)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{str(file)!r} is not an auditor database ({exc}): "
                            "pass another --db") from None
    return SQLiteDatabase(con)


def open_postgres(url: str, *, readonly: bool) -> PostgresDatabase:
    """A PostgreSQL database by URL; DatabaseError (one line, no password) when it cannot be."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    shown = masked(url)
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise DatabaseError(f"bad PostgreSQL URL {shown!r}: write "
                            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME") from None
    try:
        con = psycopg.connect(url, autocommit=False, connect_timeout=CONNECT_TIMEOUT,
                              application_name="auditor")
    except psycopg.Error as exc:
        reason = _without_password(str(exc), url)
        if "connection to server" not in reason:  # libpq refused the URL before connecting
            raise DatabaseError(f"bad PostgreSQL URL {shown!r} ({reason}): write "
                                "postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME") from None
        raise DatabaseError(f"cannot connect to PostgreSQL at {shown} ({reason}): start the "
                            "server, create the database or fix --db") from None
    con.read_only = readonly
    return PostgresDatabase(con)


def open_database(db: str | Path, *, readonly: bool = False) -> Database:
    """`--db` → an open database: a PostgreSQL URL, else an SQLite file path."""
    if is_postgres(db):
        return open_postgres(str(db), readonly=readonly)
    if is_url(db):
        raise DatabaseError(f"unsupported database URL {masked(db)!r}: give an SQLite file "
                            "path or postgresql://USER@HOST:PORT/DBNAME")
    return open_sqlite(db, readonly=readonly)
