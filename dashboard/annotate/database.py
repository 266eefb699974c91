"""The annotation database itself: its tables, schema version and migrations, the engine
(SQLite in WAL mode, or any SQLAlchemy URL), and the user-facing error for a database that
cannot be opened or written. :mod:`.store` is the API over it."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    exc,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import URL, Connection

from ..dataset.folder import RANDOM, ZERO_SHOT

VALUES = ("positive", "negative", "skip", "delete")
LABEL_VALUES = ("positive", "negative", "delete")  # the values that change a label
PRIMARY = "primary"
SECONDARY = "secondary"
BASELINES = (RANDOM, ZERO_SHOT)  # the baseline (cmp) lists; each is also the role of its labels
RETRIES = 5  # for writes that lose a race on a unique constraint (undo, checkpoint seq, schema)

SCHEMA_VERSION = 2



class StoreError(RuntimeError):
    """The annotation database cannot be used; ``str(err)`` names it and says what is wrong.

    ``database`` is the file path (SQLite) or the URL without its password.
    """

    def __init__(self, database: str, message: str):
        self.database = database
        super().__init__(message)


class _UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value}: give a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Text that sorts by code point on every backend, as SQLite and Python's sorted() do: on
# PostgreSQL a database's default collation (e.g. en_US) would put "a" before "B" and skip
# punctuation, so labels "sorted by key" came back in another order than on SQLite.
_SORTED_TEXT = Text().with_variant(Text(collation="C"), "postgresql")

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: one row
    Column("version", Integer, nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("name", _SORTED_TEXT, primary_key=True),
    Column("description", Text, nullable=False),
    Column("primary_annotator", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("created", _UTCDateTime, nullable=False),
)

actions = Table(
    "actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task", Text, ForeignKey("tasks.name"), nullable=False),
    Column("session", Text, nullable=False),
    Column("time", _UTCDateTime, nullable=False),
    # set on an undo action: the action it reversed (unique: an action is undone at most once)
    Column("undoes", Integer, nullable=True, unique=True),
    Index("ix_actions_task_session", "task", "session"),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", Integer, ForeignKey("actions.id"), nullable=False),
    Column("task", Text, ForeignKey("tasks.name"), nullable=False),
    Column("key", _SORTED_TEXT, nullable=False),
    Column("value", Text, nullable=False),
    Column("annotator", _SORTED_TEXT, nullable=False),
    Column("role", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("model_version", Integer, nullable=True),
    Column("time", _UTCDateTime, nullable=False),
    Column("session", Text, nullable=False),
    Column("undoes", Integer, nullable=True),
    Index("ix_events_task_key", "task", "key"),
    Index("ix_events_task_session", "task", "session"),
)

# the secondaries asked to re-label a task's primary labels (blind), in the order asked
assignments = Table(
    "assignments", metadata,
    Column("task", Text, ForeignKey("tasks.name"), primary_key=True),
    Column("annotator", Text, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("time", _UTCDateTime, nullable=False),
)

# a task's baseline samples (cmp lists): the keys of each list in the order they are labeled
baseline_items = Table(
    "baseline_items", metadata,
    Column("task", Text, ForeignKey("tasks.name"), primary_key=True),
    Column("list", Text, primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("key", Text, nullable=False),
)

checkpoints = Table(
    "checkpoints", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task", Text, ForeignKey("tasks.name"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("time", _UTCDateTime, nullable=False),
    Column("model_version", Integer, nullable=False),
    Column("pos", Text, nullable=False),      # JSON list of keys, sorted
    Column("neg", Text, nullable=False),      # JSON list of keys, sorted
    Column("metrics", Text, nullable=False),  # JSON object name -> float
    UniqueConstraint("task", "seq", name="uq_checkpoints_task_seq"),
)


def _add_team_tables(conn: Connection) -> None:
    """Version 1 to 2: the tables of blind re-labeling and of the baseline lists."""
    for table in (assignments, baseline_items):
        table.create(conn, checkfirst=True)


# MIGRATIONS[i] upgrades a database from schema version i + 1 to i + 2, inside the open
# transaction; keep len(MIGRATIONS) == SCHEMA_VERSION - 1.
MIGRATIONS: list[Callable[[Connection], None]] = [_add_team_tables]


def display_name(url: URL) -> str:
    """The file path of a SQLite URL, else the URL with its password masked."""
    if url.get_backend_name() == "sqlite":
        db = url.database or ":memory:"
        return db.removeprefix("file:").split("?", 1)[0]
    return url.render_as_string(hide_password=True)


def _journal_in_wal(cur, error: type[Exception], patience_s: float = 30) -> None:
    """Switch the database to WAL. On a new file, processes opening it at once switch together
    and SQLite answers "locked" at once to all but one (its busy handler does not wait for
    that switch), so "locked" is retried for ``patience_s``, as the busy timeout would."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except error as err:
            if "readonly" in str(err):
                return  # a read-only database not in WAL mode is still readable as it is
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: URL) -> Engine:
    """The engine; for SQLite, set WAL, full sync, a 30 s busy timeout and foreign keys."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    import sqlite3

    engine = create_engine(url, connect_args={"timeout": 30})  # file db: QueuePool, any thread

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA busy_timeout=30000")
            _journal_in_wal(cur, sqlite3.OperationalError)
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    return engine


def explain(name: str, doing: str, err: exc.DBAPIError) -> str:
    """A user-facing message for a database error while ``doing`` ("save to", "read", "open")."""
    detail = str(getattr(err, "orig", None) or err).strip()
    low = detail.lower()
    head = f"Cannot {doing} the annotation database {name}"
    kept = "Nothing already saved is lost"
    if ("readonly" in low or "read-only" in low or "read only" in low
            or "unable to open" in low and _in_read_only_folder(name)):
        return f"{head}: it is read-only. {kept}; labeling resumes when it is writable again."
    if "disk is full" in low or "no space" in low:
        return (f"{head}: the disk is full. {kept}; labeling resumes when there is space "
                "again.")
    if "database is locked" in low or "database is busy" in low:
        return (f"{head}: another program kept it locked for more than 30 s. {kept}; "
                "try again.")
    if "unable to open" in low or "could not connect" in low or "connection refused" in low:
        return (f"Cannot open the annotation database {name}: check that it exists, that its "
                f"folder is readable and writable, or that its server is up ({detail}).")
    return f"{head}: {detail}"


def explain_url(url: str, err: Exception) -> str:
    """A user-facing message for a URL that names no database this app can open: not a URL,
    a kind SQLAlchemy does not know (``postgres://`` is not one of them), or a missing
    driver. ``url`` is shown with its password masked where it parses."""
    example = ("a SQLAlchemy URL such as postgresql+psycopg://user@host/database or "
               "sqlite:////path/to/annotations.db")
    if isinstance(err, ImportError):
        return (f"Cannot open the annotation database {url}: its driver is not installed "
                f"({err}). For PostgreSQL use postgresql+psycopg://, whose driver comes with "
                "requirements.txt.")
    if isinstance(err, exc.NoSuchModuleError):
        return (f"Cannot open the annotation database {url}: SQLAlchemy knows no database "
                f"kind {url.split(':', 1)[0]!r}; give {example}.")
    return f"Cannot open the annotation database {url!r}: it is not {example}."


def _in_read_only_folder(name: str) -> bool:
    """A SQLite file that exists in a folder that cannot be written (a read-only file
    system, or permissions): SQLite then says only "unable to open", since WAL mode needs to
    write beside the file even to read it (tests/annotate/test_store_faults.py)."""
    path = Path(name)
    return path.is_file() and not os.access(path.parent, os.W_OK)


def prepare_schema(engine: Engine, name: str) -> None:
    """Create the schema of a new database, or check and migrate an existing one."""
    for attempt in range(RETRIES):
        try:
            with engine.begin() as conn:
                _migrate(conn, name)
            return
        except (exc.IntegrityError, exc.OperationalError, exc.ProgrammingError) as err:
            racing = isinstance(err, exc.IntegrityError) or "already exists" in str(err)
            if not racing or attempt == RETRIES - 1:  # another process creates it too: retry
                raise


def _migrate(conn: Connection, name: str) -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION - 1, "one migration step per schema version"
    found = None
    if inspect(conn).has_table(schema_version.name):
        found = conn.scalar(select(schema_version.c.version).where(schema_version.c.id == 1))
    if found is None:  # a new database (maybe being created by another process right now)
        metadata.create_all(conn)
        conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION))
        return
    if found < 1:
        raise StoreError(name, f"The annotation database {name} has no valid schema version "
                               f"({found!r}); it was not made by this app.")
    if found > SCHEMA_VERSION:
        raise StoreError(name, f"The annotation database {name} was written by a newer "
                               f"version of the app (schema version {found}; this app knows "
                               f"up to {SCHEMA_VERSION}). Upgrade the app to open it; nothing "
                               "was changed.")
    for step in MIGRATIONS[found - 1:]:
        step(conn)
    if found < SCHEMA_VERSION:
        conn.execute(update(schema_version).where(schema_version.c.id == 1)
                     .values(version=SCHEMA_VERSION))
    metadata.create_all(conn)  # checkfirst: adds only what is missing
