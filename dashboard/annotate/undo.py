"""Undo in the append-only log: reverse a browser session's latest action by appending
events that restore each key's previous label exactly (value, annotator, feed and model
version), never by deleting or editing an event."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from .database import LABEL_VALUES, PRIMARY, actions, events


def undone_ids(task: str):
    """A subquery of the action ids of ``task`` that were undone."""
    return select(actions.c.undoes).where(actions.c.task == task, actions.c.undoes.is_not(None))


def _slot(role: str, key: str, annotator: str) -> tuple:
    """What one label belongs to: the key in the primary role, else (key, annotator)."""
    return (role, key) if role == PRIMARY else (role, key, annotator)


def undo_action(conn: Connection, task: str, session: str) -> list[str]:
    """Undo inside an open write transaction (see :meth:`.store.Store.undo`)."""
    a, e = actions, events
    target = conn.scalar(select(func.max(a.c.id)).where(
        a.c.task == task, a.c.session == session, a.c.undoes.is_(None),
        a.c.id.not_in(undone_ids(task))))
    if target is None:
        return []
    now = datetime.now(UTC)
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
               e.c.action.not_in(undone_ids(task)))
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


