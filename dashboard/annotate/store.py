"""The annotation store: the database that holds the human labels made in the app.

Owns the schema and its version, the tasks, the append-only event log, undo, and the retrain
checkpoints. SQLite in WAL mode by default (``annotations.db`` in the state folder), or any
SQLAlchemy URL (e.g. PostgreSQL for a team server). Only portable SQLAlchemy Core is used; the
one SQLite-specific part is :func:`_make_engine` (PRAGMAs on connect).

The log is append-only: one *action* (one user click) writes one *event* per key, in one
transaction. Current labels are never stored, they are derived from the events: the last
positive/negative/delete event of a key wins (by event id); ``skip`` never changes a label.
Undo appends events that restore the previous labels.

A :class:`Store` may be shared across threads (each call takes a pooled connection), and several
processes may write the same database at once.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
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
    delete,
    distinct,
    event,
    exc,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import URL, Connection, make_url

VALUES = ("positive", "negative", "skip", "delete")
LABEL_VALUES = ("positive", "negative", "delete")  # the values that change a label
PRIMARY = "primary"

SCHEMA_VERSION = 1
# MIGRATIONS[i] upgrades a database from schema version i + 1 to i + 2, inside the open
# transaction; keep len(MIGRATIONS) == SCHEMA_VERSION - 1.
MIGRATIONS: list[Callable[[Connection], None]] = []

_RETRIES = 5  # for writes that lose a race on a unique constraint (undo, checkpoint seq, schema)


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


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: one row
    Column("version", Integer, nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("name", Text, primary_key=True),
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
    Column("key", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("annotator", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("model_version", Integer, nullable=True),
    Column("time", _UTCDateTime, nullable=False),
    Column("session", Text, nullable=False),
    Column("undoes", Integer, nullable=True),
    Index("ix_events_task_key", "task", "key"),
    Index("ix_events_task_session", "task", "session"),
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


def default_url(state_dir: Path) -> str:
    """``sqlite:///<state_dir>/annotations.db`` (absolute); creates the folder."""
    state_dir = Path(state_dir).expanduser().resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{state_dir / 'annotations.db'}"


def open_store(url: str) -> Store:
    """Open the store at a SQLAlchemy URL, creating or migrating its schema.

    Raises :class:`StoreError` if the database cannot be opened or was written by a newer app.
    """
    return Store(url)


def _now() -> datetime:
    return datetime.now(UTC)


def _display_name(url: URL) -> str:
    """The file path of a SQLite URL, else the URL with its password masked."""
    if url.get_backend_name() == "sqlite":
        db = url.database or ":memory:"
        return db.removeprefix("file:").split("?", 1)[0]
    return url.render_as_string(hide_password=True)


def _make_engine(url: URL) -> Engine:
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
            try:
                cur.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as err:
                if "readonly" not in str(err):
                    raise  # a read-only database not in WAL mode is still readable as it is
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    return engine


def _explain(name: str, doing: str, err: exc.DBAPIError) -> str:
    """A user-facing message for a database error while ``doing`` ("save to", "read", "open")."""
    detail = str(getattr(err, "orig", None) or err).strip()
    low = detail.lower()
    head = f"Cannot {doing} the annotation database {name}"
    kept = "Nothing already saved is lost"
    if "readonly" in low or "read-only" in low or "read only" in low:
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


class Store:
    """The annotation database. ``url`` is its URL with the password masked; ``name`` is the
    file path (SQLite) or that URL, as used in messages."""

    def __init__(self, url: str):
        parsed = make_url(url)
        self.url = parsed.render_as_string(hide_password=True)
        self.name = _display_name(parsed)
        self._engine = _make_engine(parsed)
        try:
            with self._guard("open"):
                _prepare_schema(self._engine, self.name)
        except BaseException:
            self._engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections (a later call opens new ones)."""
        self._engine.dispose()

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn database failures into StoreError and drop the pool so the next call starts
        afresh (e.g. once the file is writable again)."""
        try:
            yield
        except (exc.OperationalError, exc.InternalError) as err:
            self._engine.dispose()
            raise StoreError(self.name, _explain(self.name, doing, err)) from err

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guard("save to"), self._engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._guard("read"), self._engine.connect() as conn:
            yield conn

    # ---- tasks -------------------------------------------------------------------------------

    def create_task(self, name: str, description: str = "", primary: str = "",
                    origin: str = "new") -> None:
        """Add a task; StoreError if one of that name exists."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"task name must be a non-empty string, not {name!r}")
        try:
            with self._write() as conn:
                conn.execute(insert(tasks).values(
                    name=name, description=description, primary_annotator=primary,
                    origin=origin, created=_now()))
        except exc.IntegrityError as err:
            raise StoreError(self.name, f"Task {name!r} already exists in the annotation "
                                        f"database {self.name}.") from err

    def task(self, name: str) -> dict | None:
        """``{name, description, primary, origin, created (UTC datetime)}``, None if unknown."""
        with self._read() as conn:
            row = conn.execute(select(tasks).where(tasks.c.name == name)).mappings().first()
        return None if row is None else _task_dict(row)

    def tasks(self) -> pd.DataFrame:
        """One row per task, sorted by name. Columns: name, description, primary (the primary
        annotator, "" if not set), origin, created (UTC datetime)."""
        with self._read() as conn:
            rows = conn.execute(select(tasks).order_by(tasks.c.name)).mappings().all()
        df = pd.DataFrame([_task_dict(r) for r in rows],
                          columns=["name", "description", "primary", "origin", "created"])
        df["created"] = pd.to_datetime(df["created"], utc=True)
        return df

    def delete_task(self, name: str) -> None:
        """Remove a task with its events, actions and checkpoints (no-op if unknown)."""
        with self._write() as conn:
            for table in (events, checkpoints, actions):
                conn.execute(delete(table).where(table.c.task == name))
            conn.execute(delete(tasks).where(tasks.c.name == name))

    # ---- writing labels ----------------------------------------------------------------------

    def record(self, task: str, keys: list[str], values: str | list[str], *, annotator: str,
               role: str = PRIMARY, feed: str = "", model_version: int | None = None,
               session: str = "") -> int:
        """Append one action: one event per key, all in one transaction; returns the action id.

        ``values`` is one of :data:`VALUES` for every key, or one per key. ``feed`` names where
        the keys were shown, ``model_version`` the model that ranked them (None: no model),
        ``session`` the browser session (what :meth:`undo` reverses). ValueError for an unknown
        value or task, or no keys; a single key may be given as a str.
        """
        keys = [keys] if isinstance(keys, str) else list(keys)
        vals = [values] * len(keys) if isinstance(values, str) else list(values)
        if not keys:
            raise ValueError("record(): no keys to label")
        if len(vals) != len(keys):
            raise ValueError(f"record(): {len(keys)} keys but {len(vals)} values")
        bad = sorted({str(v) for v in vals if v not in VALUES})
        if bad:
            raise ValueError(f"unknown label value {', '.join(map(repr, bad))}: "
                             f"use one of {', '.join(VALUES)}")
        if not annotator:
            raise ValueError("record(): annotator is required")
        model_version = None if model_version is None else int(model_version)
        now = _now()
        try:
            with self._write() as conn:
                self._require_task(conn, task)
                action = conn.execute(insert(actions).values(
                    task=task, session=session, time=now)).inserted_primary_key[0]
                conn.execute(insert(events), [
                    dict(action=action, task=task, key=str(k), value=v, annotator=annotator,
                         role=role, feed=feed, model_version=model_version, time=now,
                         session=session, undoes=None)
                    for k, v in zip(keys, vals)])
        except exc.IntegrityError as err:  # the task was deleted meanwhile
            raise ValueError(f"unknown task {task!r} in {self.name}") from err
        return int(action)

    def undo(self, task: str, session: str) -> list[str]:
        """Reverse the latest not-yet-undone action of ``session`` in ``task``; returns its keys
        ([] when there is nothing to undo). Undo itself cannot be undone.

        Appends events that restore each key's label from before the action exactly (the
        previous positive/negative event's value, annotator, feed and model version, or a
        'delete' if it had none), ignoring undone actions. A key whose label was changed since
        by another action keeps that newer label and is not returned. In the primary role a
        label is one per key; in other roles one per (key, annotator), as in :meth:`votes`.
        """
        for _ in range(_RETRIES):
            try:
                with self._write() as conn:
                    return _undo(conn, task, session)
            except exc.IntegrityError:  # the same action was undone concurrently: look again
                continue
        return []

    # ---- reading labels ----------------------------------------------------------------------

    def labels(self, task: str, role: str = PRIMARY) -> pd.DataFrame:
        """The current label per key in ``role``, sorted by key (empty for an unknown task).

        Columns: key; label (bool, True = positive); annotator, feed (who set it, from which
        feed; "" if none); time (UTC datetime it was set); model_version (Int64, <NA> when
        no model ranked the key).
        """
        return self._current(task, role, per_annotator=False)

    def votes(self, task: str, role: str = "secondary") -> pd.DataFrame:
        """The current label per (key, annotator) in ``role``, sorted by key then annotator.

        Columns as :meth:`labels`: key, annotator, label (bool), feed, time (UTC),
        model_version (Int64, <NA> = none).
        """
        return self._current(task, role, per_annotator=True)

    def _current(self, task: str, role: str, per_annotator: bool) -> pd.DataFrame:
        e = events
        group = [e.c.key, e.c.annotator] if per_annotator else [e.c.key]
        last = (select(func.max(e.c.id).label("id"))
                .where(e.c.task == task, e.c.role == role, e.c.value.in_(LABEL_VALUES))
                .group_by(*group).subquery())
        query = (select(e.c.key, e.c.annotator, e.c.value, e.c.feed, e.c.time,
                        e.c.model_version)
                 .select_from(e.join(last, e.c.id == last.c.id))
                 .where(e.c.value != "delete")
                 .order_by(e.c.key, e.c.annotator))
        with self._read() as conn:
            rows = conn.execute(query).all()
        df = _frame(rows, ["key", "annotator", "value", "feed", "time", "model_version"])
        df.insert(1, "label", (df.pop("value") == "positive").astype(bool))
        df["time"] = pd.to_datetime(df["time"], utc=True)
        df["model_version"] = df["model_version"].astype("Int64")
        if per_annotator:
            return df[["key", "annotator", "label", "feed", "time", "model_version"]]
        return df.reset_index(drop=True)

    def seen(self, task: str, session: str | None = None) -> set[str]:
        """Keys with any event (skip included) in ``task``, only of ``session`` if given.

        Events of undone actions, and undo events, do not count: undoing makes keys new again.
        """
        e = events
        query = (select(e.c.key).distinct()
                 .where(e.c.task == task, e.c.undoes.is_(None),
                        e.c.action.not_in(_undone_ids(task))))
        if session is not None:
            query = query.where(e.c.session == session)
        with self._read() as conn:
            return set(conn.scalars(query).all())

    def events(self, task: str) -> pd.DataFrame:
        """The raw log of ``task``, oldest first.

        Columns: id (event id, the write order); action (action id: one per record()/undo()
        call); task; key; value (one of VALUES); annotator; role; feed ("" if none);
        model_version (Int64, <NA> = no model); time (UTC datetime); session ("" if none);
        undoes (Int64: on undo events the action id they reverse, else <NA>).
        """
        with self._read() as conn:
            rows = conn.execute(select(events).where(events.c.task == task)
                                .order_by(events.c.id)).all()
        df = _frame(rows, [c.name for c in events.columns])
        for col in ("id", "action"):
            df[col] = df[col].astype("int64")
        for col in ("model_version", "undoes"):
            df[col] = df[col].astype("Int64")
        df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    # ---- checkpoints and summary -------------------------------------------------------------

    def add_checkpoint(self, task: str, pos: list[str], neg: list[str], *, model_version: int,
                       metrics: dict[str, float]) -> int:
        """Record one retrain of ``task`` (its training keys and metrics, e.g. quality_mean,
        quality_std, data_score); returns its sequence number in the task (1, 2, ...)."""
        row = dict(task=task, model_version=int(model_version),
                   pos=json.dumps(sorted(map(str, pos))), neg=json.dumps(sorted(map(str, neg))),
                   metrics=json.dumps({str(k): float(v) for k, v in metrics.items()}))
        for _ in range(_RETRIES):
            try:
                with self._write() as conn:
                    self._require_task(conn, task)
                    seq = 1 + conn.scalar(select(func.coalesce(func.max(checkpoints.c.seq), 0))
                                          .where(checkpoints.c.task == task))
                    conn.execute(insert(checkpoints).values(seq=seq, time=_now(), **row))
                return int(seq)
            except exc.IntegrityError:  # another writer took this seq: take the next one
                continue
        raise StoreError(self.name, f"Cannot save a checkpoint of task {task!r} to the "
                                    f"annotation database {self.name}: too many concurrent "
                                    "writers; try again.")

    def checkpoints(self, task: str) -> list[dict]:
        """The retrains of ``task``, oldest first: ``{seq, time (UTC datetime), model_version,
        pos (sorted list), neg (sorted list), metrics (dict name -> float)}``."""
        c = checkpoints.c
        with self._read() as conn:
            rows = conn.execute(select(c.seq, c.time, c.model_version, c.pos, c.neg, c.metrics)
                                .where(c.task == task).order_by(c.seq)).mappings().all()
        return [dict(seq=r["seq"], time=r["time"], model_version=r["model_version"],
                     pos=json.loads(r["pos"]), neg=json.loads(r["neg"]),
                     metrics=json.loads(r["metrics"])) for r in rows]

    def stats(self, task: str | None = None) -> pd.DataFrame:
        """One row per task (only ``task`` if given; none if unknown), sorted by task.

        Columns (all int): task; labels, positives, negatives (current labels of the primary
        role); events (all events, undo events included); checkpoints; annotators (distinct
        annotators with any event, any role).
        """
        e, c = events, checkpoints

        def only(query, col):
            return query if task is None else query.where(col == task)

        last = (only(select(func.max(e.c.id).label("id")), e.c.task)
                .where(e.c.role == PRIMARY, e.c.value.in_(LABEL_VALUES))
                .group_by(e.c.task, e.c.key).subquery())
        with self._read() as conn:
            names = conn.scalars(only(select(tasks.c.name), tasks.c.name)
                                 .order_by(tasks.c.name)).all()
            counts = {t: (n, a) for t, n, a in conn.execute(
                only(select(e.c.task, func.count(), func.count(distinct(e.c.annotator))),
                     e.c.task).group_by(e.c.task))}
            ckpts = dict(conn.execute(only(select(c.c.task, func.count()), c.c.task)
                                      .group_by(c.c.task)).all())
            current = conn.execute(select(e.c.task, e.c.value)
                                   .select_from(e.join(last, e.c.id == last.c.id))).all()
        pos, neg = {}, {}
        for t, value in current:
            if value == "positive":
                pos[t] = pos.get(t, 0) + 1
            elif value == "negative":
                neg[t] = neg.get(t, 0) + 1
        rows = [dict(task=t, labels=pos.get(t, 0) + neg.get(t, 0), positives=pos.get(t, 0),
                     negatives=neg.get(t, 0), events=counts.get(t, (0, 0))[0],
                     checkpoints=ckpts.get(t, 0), annotators=counts.get(t, (0, 0))[1])
                for t in names]
        cols = ["task", "labels", "positives", "negatives", "events", "checkpoints",
                "annotators"]
        df = pd.DataFrame(rows, columns=cols)
        return df.astype({col: "int64" for col in cols[1:]})

    def _require_task(self, conn: Connection, task: str) -> None:
        if conn.scalar(select(tasks.c.name).where(tasks.c.name == task)) is None:
            raise ValueError(f"unknown task {task!r} in {self.name}: create it first")


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """A DataFrame of result rows (as plain tuples: much faster for pandas than Row objects)."""
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _task_dict(row) -> dict:
    return dict(name=row["name"], description=row["description"],
                primary=row["primary_annotator"], origin=row["origin"], created=row["created"])


def _undone_ids(task: str):
    """A subquery of the action ids of ``task`` that were undone."""
    return select(actions.c.undoes).where(actions.c.task == task, actions.c.undoes.is_not(None))


def _slot(role: str, key: str, annotator: str) -> tuple:
    """What one label belongs to: the key in the primary role, else (key, annotator)."""
    return (role, key) if role == PRIMARY else (role, key, annotator)


def _undo(conn: Connection, task: str, session: str) -> list[str]:
    """Undo inside an open write transaction (see Store.undo)."""
    a, e = actions, events
    target = conn.scalar(select(func.max(a.c.id)).where(
        a.c.task == task, a.c.session == session, a.c.undoes.is_(None),
        a.c.id.not_in(_undone_ids(task))))
    if target is None:
        return []
    now = _now()
    # claim the action first: a concurrent undo of it fails on the unique constraint
    new = conn.execute(insert(a).values(task=task, session=session, time=now,
                                        undoes=target)).inserted_primary_key[0]
    mine = conn.execute(select(e).where(e.c.action == target).order_by(e.c.id)).mappings().all()
    # the effective history of those keys: label events not undone and not undo events
    history = conn.execute(
        select(e.c.id, e.c.key, e.c.role, e.c.annotator, e.c.value, e.c.feed,
               e.c.model_version)
        .where(e.c.task == task, e.c.key.in_(select(e.c.key).where(e.c.action == target)),
               e.c.value.in_(LABEL_VALUES), e.c.undoes.is_(None),
               e.c.action.not_in(_undone_ids(task)))
        .order_by(e.c.id)).all()
    by_slot: dict[tuple, list] = {}
    for h in history:
        by_slot.setdefault(_slot(h.role, h.key, h.annotator), []).append(h)

    first: dict[tuple, int] = {}
    last_label: dict[tuple, dict] = {}
    for ev in mine:
        s = _slot(ev["role"], ev["key"], ev["annotator"])
        first.setdefault(s, ev["id"])
        if ev["value"] in LABEL_VALUES:
            last_label[s] = ev
    touched, restore = [], []
    for s, start in first.items():
        ev = last_label.get(s)
        if ev is None:  # only skipped: nothing to restore, the key is simply unseen again
            touched.append(s[1])
            continue
        hist = by_slot.get(s, [])
        if any(h.id > ev["id"] for h in hist):
            continue  # relabeled since by another action: keep the newer label
        before = [h for h in hist if h.id < start]
        # the previous label as it was (who, from which feed and model), or a delete
        src = before[-1]._mapping if before else dict(ev, value="delete")
        restore.append(dict(action=new, task=task, key=ev["key"], value=src["value"],
                            annotator=src["annotator"], role=ev["role"], feed=src["feed"],
                            model_version=src["model_version"], time=now, session=session,
                            undoes=target))
        touched.append(s[1])
    if restore:
        conn.execute(insert(e), restore)
    return list(dict.fromkeys(touched))


def _prepare_schema(engine: Engine, name: str) -> None:
    """Create the schema of a new database, or check and migrate an existing one."""
    for attempt in range(_RETRIES):
        try:
            with engine.begin() as conn:
                _migrate(conn, name)
            return
        except (exc.IntegrityError, exc.OperationalError, exc.ProgrammingError) as err:
            racing = isinstance(err, exc.IntegrityError) or "already exists" in str(err)
            if not racing or attempt == _RETRIES - 1:  # another process creates it too: retry
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
