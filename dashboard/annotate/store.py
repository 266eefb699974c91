"""The annotation store: the API over the database that holds the human labels made in the
app (tables, engine and migrations in :mod:`.database`; undo in :mod:`.undo`).

Owns the tasks, the append-only event log, the derived labels and the retrain checkpoints.
SQLite in WAL mode by default (``annotations.db`` in the state folder), or any
SQLAlchemy URL (e.g. PostgreSQL for a team server). Only portable SQLAlchemy Core is used; the
one SQLite-specific part is :func:`.database.make_engine` (PRAGMAs on connect), the one
PostgreSQL-specific part the C collation of the columns that results are sorted by (so that
keys come back in the same order on both). tests/annotate/test_store.py runs on both.

The log is append-only: one *action* (one user click) writes one *event* per key, in one
transaction. Current labels are never stored, they are derived from the events: the last
positive/negative/delete event of a key wins (by event id); ``skip`` never changes a label.
Undo appends events that restore the previous labels.

A :class:`Store` may be shared across threads (each call takes a pooled connection), and several
processes may write the same database at once.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    delete,
    distinct,
    exc,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, make_url

from .database import (
    BASELINES,
    LABEL_VALUES,
    PRIMARY,
    RETRIES,
    VALUES,
    StoreError,
    actions,
    assignments,
    baseline_items,
    checkpoints,
    display_name,
    events,
    explain,
    explain_url,
    make_engine,
    prepare_schema,
    tasks,
)
from .undo import undo_action, undone_ids


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


class Store:
    """The annotation database. ``url`` is its URL with the password masked; ``name`` is the
    file path (SQLite) or that URL, as used in messages."""

    def __init__(self, url: str):
        try:
            parsed = make_url(url)
        except exc.ArgumentError as err:
            raise StoreError(url, explain_url(url, err)) from err
        self.url = parsed.render_as_string(hide_password=True)
        self.name = display_name(parsed)
        try:
            self._engine = make_engine(parsed)
        except (exc.ArgumentError, ImportError) as err:  # no such dialect, or no driver
            raise StoreError(self.url, explain_url(self.url, err)) from err
        try:
            with self._guard("open"):
                prepare_schema(self._engine, self.name)
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
        except (exc.OperationalError, exc.InternalError, exc.ProgrammingError) as err:
            self._engine.dispose()
            raise StoreError(self.name, explain(self.name, doing, err)) from err

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

    def labeled_tasks(self) -> list[str]:
        """Names of the tasks whose primary has given a label (even one deleted since), sorted;
        one indexed lookup per task, cheap enough for every page run."""
        e = events.c
        given = (select(e.id).where(e.task == tasks.c.name, e.role == PRIMARY,
                                    e.value.in_(("positive", "negative"))).exists())
        with self._read() as conn:
            return list(conn.scalars(select(tasks.c.name).where(given).order_by(tasks.c.name)))

    def delete_task(self, name: str) -> None:
        """Remove a task with its events, actions and checkpoints (no-op if unknown)."""
        with self._write() as conn:
            for table in (events, checkpoints, actions, assignments, baseline_items):
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
        for _ in range(RETRIES):
            try:
                with self._write() as conn:
                    return undo_action(conn, task, session)
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
                        e.c.action.not_in(undone_ids(task))))
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

    # ---- the team: secondaries and baseline lists -----------------------------------------------

    def assign_secondaries(self, task: str, names: list[str]) -> list[str]:
        """Ask ``names`` to re-label the task's primary labels (blind); returns the
        secondaries after the change, in the order asked. Names already asked are kept;
        the primary annotator cannot be a secondary (ValueError)."""
        names = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
        primary = (self.task(task) or {}).get("primary", "")
        if primary and primary in names:
            raise ValueError(f"{primary!r} is the primary annotator of {task!r}: a secondary "
                             "re-labels someone else's shots")
        for _ in range(RETRIES):
            try:
                with self._write() as conn:
                    self._require_task(conn, task)
                    have = self._secondaries(conn, task)
                    new = [n for n in names if n not in have]
                    if new:
                        seq = 1 + conn.scalar(select(func.coalesce(func.max(assignments.c.seq),
                                                                   0)).where(
                            assignments.c.task == task))
                        conn.execute(insert(assignments), [
                            dict(task=task, annotator=n, seq=seq + i, time=_now())
                            for i, n in enumerate(new)])
                return have + new
            except exc.IntegrityError:  # asked concurrently: look again
                continue
        return self.secondaries(task)

    def remove_secondary(self, task: str, name: str) -> None:
        """Stop asking ``name`` (the votes already given stay in the log)."""
        with self._write() as conn:
            conn.execute(delete(assignments).where(assignments.c.task == task,
                                                   assignments.c.annotator == name))

    def secondaries(self, task: str) -> list[str]:
        """The secondaries asked to re-label ``task``, in the order asked."""
        with self._read() as conn:
            return self._secondaries(conn, task)

    @staticmethod
    def _secondaries(conn: Connection, task: str) -> list[str]:
        a = assignments.c
        return list(conn.scalars(select(a.annotator).where(a.task == task).order_by(a.seq)))

    def set_baseline(self, task: str, name: str, keys: list[str]) -> None:
        """Fix the keys of baseline list ``name`` (one of BASELINES) in labeling order.

        A list is drawn once: ValueError if the task already has it (its labels would no
        longer match its sample).
        """
        if name not in BASELINES:
            raise ValueError(f"unknown baseline list {name!r}: use one of "
                             f"{', '.join(BASELINES)}")
        keys = list(dict.fromkeys(map(str, keys)))
        if not keys:
            raise ValueError(f"baseline list {name!r} needs at least one key")
        try:
            with self._write() as conn:
                self._require_task(conn, task)
                conn.execute(insert(baseline_items), [
                    dict(task=task, list=name, position=i, key=k) for i, k in enumerate(keys)])
        except exc.IntegrityError as err:
            raise ValueError(f"task {task!r} already has its {name!r} baseline list") from err

    def baseline(self, task: str, name: str) -> list[str]:
        """The keys of baseline list ``name`` in labeling order ([] when not drawn)."""
        b = baseline_items.c
        with self._read() as conn:
            return list(conn.scalars(select(b.key).where(b.task == task, b.list == name)
                                     .order_by(b.position)))

    def revision(self, task: str) -> str:
        """A token that changes whenever anything of ``task`` changes (labels, votes,
        checkpoints, secondaries, baselines): a cache key for what is derived from it."""
        e = events.c
        with self._read() as conn:
            events_now = select(func.count(), func.max(e.id)).where(e.task == task)
            parts = [*conn.execute(events_now).one(),
                     conn.scalar(select(func.max(checkpoints.c.seq))
                                 .where(checkpoints.c.task == task)),
                     conn.scalar(select(func.count()).select_from(baseline_items)
                                 .where(baseline_items.c.task == task)),
                     *self._secondaries(conn, task)]
        return "-".join(str(p or 0) for p in parts)

    # ---- checkpoints and summary -------------------------------------------------------------

    def add_checkpoint(self, task: str, pos: list[str], neg: list[str], *, model_version: int,
                       metrics: dict[str, float]) -> int:
        """Record one retrain of ``task`` (its training keys and metrics, e.g. quality_mean,
        quality_std, data_score); returns its sequence number in the task (1, 2, ...)."""
        row = dict(task=task, model_version=int(model_version),
                   pos=json.dumps(sorted(map(str, pos))), neg=json.dumps(sorted(map(str, neg))),
                   metrics=json.dumps({str(k): float(v) for k, v in metrics.items()}))
        for _ in range(RETRIES):
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
