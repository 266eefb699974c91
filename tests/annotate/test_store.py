"""The annotation store: derived labels, undo, concurrency, crashes, read-only files, schema.

Every test that takes ``url`` or ``store`` runs on SQLite and on PostgreSQL (a server started
once per session, a new database per test: tests/annotate/conftest.py); ``sqlite_only`` marks
the few that depend on SQLite's files, and the test of a user without privileges runs on
PostgreSQL only.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import postgres
import pytest
from sqlalchemy import create_engine, event, text

from dashboard.annotate import database
from dashboard.annotate.store import VALUES, StoreError, default_url, open_store

WORKER = Path(__file__).with_name("store_worker.py")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """A new, empty database: a file in the test's folder, or one on the session's server."""
    if request.param == "sqlite":
        return default_url(tmp_path / "state")
    return request.getfixturevalue("postgres_url")


sqlite_only = pytest.mark.parametrize("url", ["sqlite"], indirect=True)


@pytest.fixture
def store(url):
    s = open_store(url)
    yield s
    s.close()


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


@contextmanager
def _sql(url: str):
    """A plain connection to the store's database, beside the store (one transaction)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _label_map(store, task, role="primary") -> dict[str, bool]:
    df = store.labels(task, role)
    return dict(zip(df["key"], df["label"]))


def _last_write_wins(events) -> dict[str, bool]:
    """Labels computed in Python from the raw log (ordered by id)."""
    out: dict[str, bool] = {}
    for value, key in zip(events.sort_values("id")["value"], events.sort_values("id")["key"]):
        if value in ("positive", "negative"):
            out[key] = value == "positive"
        elif value == "delete":
            out.pop(key, None)
    return out


def _spawn(url, task, count, per_record, pool, seed, session="", wait=False):
    """Run store_worker.py; with ``wait`` it starts writing on a line sent to its stdin."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, task, str(count), str(per_record), str(pool),
         str(seed), session] + (["wait"] if wait else []),
        stdin=subprocess.PIPE if wait else subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


# ---- 1. record and derived labels ------------------------------------------------------------

def test_default_url_creates_the_folder(tmp_path):
    url = default_url(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()
    assert url == f"sqlite:///{tmp_path / 'a' / 'b' / 'annotations.db'}"


def test_record_last_write_wins_skip_and_delete(store):
    store.create_task("t", primary="ann")
    a1 = store.record("t", ["k1", "k2", "k3"], "positive", annotator="ann", feed="search",
                      model_version=2, session="s")
    a2 = store.record("t", ["k1"], "negative", annotator="ann", session="s")
    a3 = store.record("t", ["k2", "k3"], ["skip", "delete"], annotator="ann", session="s")
    assert (a1, a2, a3) == tuple(sorted({a1, a2, a3}))  # one new id per call, increasing

    labels = store.labels("t")
    assert list(labels.columns) == ["key", "label", "annotator", "feed", "time",
                                    "model_version"]
    assert list(labels["key"]) == ["k1", "k2"]  # k3 deleted
    assert list(labels["label"]) == [False, True]  # k2: skip kept the positive
    k2 = labels.iloc[1]
    assert (k2["feed"], k2["model_version"]) == ("search", 2)
    assert labels["time"].dt.tz is not None
    assert pd.isna(labels.iloc[0]["model_version"])

    ev = store.events("t")
    assert len(ev) == 6
    assert list(ev.groupby("action").size()) == [3, 1, 2]
    assert list(ev["action"].unique()) == [a1, a2, a3]
    assert ev["time"].iloc[0].tzinfo is not None
    assert store.seen("t") == {"k1", "k2", "k3"}
    assert store.seen("t", session="other") == set()


def test_record_validates_values_and_task(store):
    store.create_task("t")
    with pytest.raises(ValueError, match="'maybe'"):
        store.record("t", ["k1", "k2"], ["positive", "maybe"], annotator="a")
    with pytest.raises(ValueError, match="unknown task 'nope'"):
        store.record("nope", ["k1"], "positive", annotator="a")
    with pytest.raises(ValueError, match="2 keys but 1 values"):
        store.record("t", ["k1", "k2"], ["positive"], annotator="a")
    with pytest.raises(ValueError, match="no keys"):
        store.record("t", [], "positive", annotator="a")
    assert len(store.events("t")) == 0  # nothing half-written


def test_tasks_create_and_duplicate(store):
    store.create_task("b", description="second", primary="ann", origin="import")
    store.create_task("a")
    with pytest.raises(StoreError, match="'a' already exists"):
        store.create_task("a")
    info = store.task("b")
    assert {k: info[k] for k in ("name", "description", "primary", "origin")} == {
        "name": "b", "description": "second", "primary": "ann", "origin": "import"}
    assert info["created"].tzinfo is not None
    assert abs((datetime.now(UTC) - info["created"]).total_seconds()) < 60
    assert store.task("zzz") is None
    df = store.tasks()
    assert list(df["name"]) == ["a", "b"]
    assert list(df.columns) == ["name", "description", "primary", "origin", "created"]


def test_keys_and_tasks_sort_as_python_sorts(store):
    """Case and punctuation sort by code point on every backend, whatever the server's locale
    (the test server sorts text by en-US rules, which put "a" before "B")."""
    keys = ["b", "B", "a-c", "ab", "A", "Zz|1", "zz|0", "_x"]
    for name in ("t", "T", "a-b", "ab"):
        store.create_task(name)
    store.record("t", keys, "positive", annotator="x")
    store.record("t", keys, "negative", annotator="X", role="secondary")
    store.record("t", keys, "negative", annotator="_y", role="secondary")
    assert list(store.labels("t")["key"]) == sorted(keys)
    votes = store.votes("t")
    assert list(zip(votes["key"], votes["annotator"])) == sorted(
        (k, a) for k in keys for a in ("X", "_y"))
    assert list(store.tasks()["name"]) == ["T", "a-b", "ab", "t"]
    assert list(store.stats()["task"]) == ["T", "a-b", "ab", "t"]


def test_votes_per_annotator(store):
    store.create_task("t")
    store.record("t", ["k1", "k2"], "positive", annotator="x", role="secondary")
    store.record("t", ["k1"], "negative", annotator="y", role="secondary")
    store.record("t", ["k2"], "delete", annotator="x", role="secondary")
    votes = store.votes("t")
    assert list(votes.columns) == ["key", "annotator", "label", "feed", "time", "model_version"]
    assert list(zip(votes["key"], votes["annotator"], votes["label"])) == [
        ("k1", "x", True), ("k1", "y", False)]
    assert store.labels("t").empty  # primary role untouched
    assert _label_map(store, "t", role="secondary") == {"k1": False}


def test_labels_fast_on_5000_events(store):
    store.create_task("t")
    for i in range(50):
        store.record("t", [f"k{(i * 37 + j) % 2000}" for j in range(100)],
                     [VALUES[(i + j) % 4] for j in range(100)], annotator="a")
    best = min(_timed(lambda: store.labels("t")) for _ in range(5))
    assert best < 0.05, f"labels() took {best * 1000:.1f} ms"
    assert _label_map(store, "t") == _last_write_wins(store.events("t"))


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_shared_across_threads(store):
    store.create_task("t")
    errors = []

    def work(n):
        try:
            for i in range(25):
                store.record("t", [f"t{n}-{i}"], "positive", annotator=f"a{n}")
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(store.labels("t")) == 100


# ---- 2. undo -----------------------------------------------------------------------------------

def test_undo_restores_previous_labels_exactly(store):
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="ann", feed="f1", model_version=1,
                 session="A")
    before = store.labels("t")
    store.record("t", ["k1", "k2", "k3"], "negative", annotator="ann", feed="rest",
                 model_version=2, session="A")  # "mark the rest negative"
    assert _label_map(store, "t") == {"k1": False, "k2": False, "k3": False}

    assert store.undo("t", "A") == ["k1", "k2", "k3"]
    after = store.labels("t")
    assert _label_map(store, "t") == {"k1": True}
    cols = ["key", "label", "annotator", "feed", "model_version"]
    assert after[cols].equals(before[cols])  # same label, who, feed and model as before

    assert store.undo("t", "A") == ["k1"]
    assert store.labels("t").empty
    assert store.undo("t", "A") == []
    assert store.undo("t", "A") == []

    ev = store.events("t")
    assert len(ev) == 1 + 3 + 3 + 1  # nothing is ever removed from the log
    undo_events = ev[ev["undoes"].notna()]
    assert list(undo_events["value"]) == ["positive", "delete", "delete", "delete"]
    assert store.seen("t") == set()  # undone keys may be shown again


def test_undo_is_per_session(store):
    store.create_task("t")
    store.record("t", ["a1"], "positive", annotator="ann", session="A")
    store.record("t", ["b1"], "negative", annotator="bob", session="B")
    store.record("t", ["a2"], "positive", annotator="ann", session="A")
    assert store.undo("t", "B") == ["b1"]
    assert store.undo("t", "B") == []
    assert _label_map(store, "t") == {"a1": True, "a2": True}
    assert store.undo("t", "A") == ["a2"]
    assert _label_map(store, "t") == {"a1": True}
    assert store.undo("other-task", "A") == []
    assert store.seen("t", session="A") == {"a1"}


def test_undo_keeps_a_newer_label_of_another_session(store):
    store.create_task("t")
    store.record("t", ["k"], "positive", annotator="ann", session="A")
    store.record("t", ["k"], "negative", annotator="bob", session="B")
    assert store.undo("t", "A") == []  # k was relabeled since: B's label stays
    assert _label_map(store, "t") == {"k": False}
    assert store.undo("t", "B") == ["k"]  # A's label was undone too: nothing left
    assert store.labels("t").empty


def test_undo_of_skips_and_secondary_votes(store):
    store.create_task("t")
    store.record("t", ["k"], "positive", annotator="x", role="secondary", session="X")
    store.record("t", ["k"], "negative", annotator="y", role="secondary", session="Y")
    store.record("t", ["k"], "negative", annotator="x", role="secondary", session="X")
    assert store.undo("t", "X") == ["k"]  # x's own previous vote comes back, y's untouched
    votes = store.votes("t")
    assert list(zip(votes["annotator"], votes["label"])) == [("x", True), ("y", False)]
    store.record("t", ["s1", "s2"], "skip", annotator="x", session="X")
    assert {"s1", "s2"} <= store.seen("t", "X")
    n = len(store.events("t"))
    assert store.undo("t", "X") == ["s1", "s2"]
    assert len(store.events("t")) == n  # nothing to restore for skips
    assert not {"s1", "s2"} & store.seen("t")


# ---- 3. several processes ----------------------------------------------------------------------

def test_three_processes_label_the_same_task(store, url):
    """Three annotators' servers, 1,000 clicks each on the same 40 shots: every committed click
    is in the log, and the labels are the last write per shot over that log."""
    store.create_task("t")
    clicks = 1000
    procs = [_spawn(url, "t", clicks, 1, 40, seed, session=f"p{seed}", wait=True)
             for seed in (1, 2, 3)]
    outs = _start_together(procs)
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert err.strip() == ""
        assert len(out.split()) == clicks
    ev = store.events("t")
    assert len(ev) == 3 * clicks
    assert ev["id"].is_unique and ev["action"].is_unique
    assert sorted(ev["action"]) == sorted(int(x) for out, _ in outs for x in out.split())
    assert list(ev.groupby("session").size()) == [clicks] * 3
    writers = ev["session"].tolist()  # in commit order: the processes really took turns
    assert sum(a != b for a, b in zip(writers, writers[1:])) >= 10
    assert _label_map(store, "t") == _last_write_wins(ev)
    assert store.stats("t")["annotators"].item() == 3


def _start_together(procs) -> list[tuple[str, str]]:
    for p in procs:
        assert p.stdout.readline() == "ready\n", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    return [p.communicate(timeout=120) for p in procs]


def test_processes_create_a_new_database_together(url):
    procs = [_spawn(url, "t", 5, 1, 3, seed, wait=True) for seed in range(4)]
    for p, (out, err) in zip(procs, _start_together(procs)):
        assert p.returncode == 0, err
        assert len(out.split()) == 5
    store = open_store(url)
    assert len(store.events("t")) == 20
    assert list(store.tasks()["name"]) == ["t"]
    store.close()


# ---- 4. killed mid-write -----------------------------------------------------------------------

def test_sigkill_mid_batch_loses_no_committed_action(store, url):
    store.create_task("t")
    proc = _spawn(url, "t", 1_000_000, 3, 0, 7)
    printed = []
    try:
        while len(printed) < 200:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            printed.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    printed += [int(x) for x in rest.split()]
    assert proc.returncode == -signal.SIGKILL

    store.close()
    if url.startswith("sqlite"):
        with _sql(url) as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    reopened = open_store(url)
    per_action = reopened.events("t").groupby("action").size()
    assert set(printed) <= set(per_action.index)
    assert (per_action == 3).all()  # no partial action
    assert len(per_action) - len(printed) <= 1  # at most the one committed as it was killed
    reopened.record("t", ["after"], "positive", annotator="a")  # still writable
    reopened.close()


# ---- 5. read-only, full, unreachable -----------------------------------------------------------

def _read_only(url: str) -> str:
    """The same database opened read-only: SQLite's mode=ro, or PostgreSQL sessions whose
    transactions are read-only."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{_sqlite_path(url)}?mode=ro&uri=true"
    return f"{url}?options=-c%20default_transaction_read_only%3Don"


def test_read_only_database(store, url):
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    store.close()

    ro = open_store(_read_only(url))
    with pytest.raises(StoreError) as info:
        ro.record("t", ["k2"], "negative", annotator="a")
    msg = str(info.value)
    assert ro.name in msg and "read-only" in msg and "Nothing already saved is lost" in msg
    assert info.value.database == ro.name
    assert _label_map(ro, "t") == {"k1": True}
    with pytest.raises(StoreError, match="read-only"):
        ro.undo("t", "")

    rw = open_store(url)
    rw.record("t", ["k2"], "negative", annotator="a")
    assert _label_map(ro, "t") == {"k1": True, "k2": False}
    assert len(rw.events("t")) == 2
    ro.close()
    rw.close()


@sqlite_only
def test_read_only_by_permissions_then_writable_again(store, url, tmp_path):
    path = _sqlite_path(url)
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    store.close()
    folder = path.parent
    try:
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        try:
            (folder / "probe").write_text("x")
        except OSError:
            pass
        else:
            (folder / "probe").unlink()
            pytest.skip("running as root: chmod does not make the database read-only "
                        "(test_read_only_database covers it with mode=ro)")
        with pytest.raises(StoreError, match="read-only"):
            store.record("t", ["k2"], "positive", annotator="a")
        assert _label_map(store, "t") == {"k1": True}
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
    store.record("t", ["k2"], "positive", annotator="a")  # the same Store works again
    assert _label_map(store, "t") == {"k1": True, "k2": True}


@sqlite_only
def test_full_disk_then_space_again(store, url):
    store.create_task("t")
    store.record("t", ["k0"], "positive", annotator="a")

    def cap(dbapi_conn, _record):  # the database may not grow: SQLite reports it as full
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    engine = store._engine
    event.listen(engine, "connect", cap)
    engine.dispose()
    big = [f"key-{i:06d}-" + "x" * 200 for i in range(500)]
    with pytest.raises(StoreError) as info:
        store.record("t", big, "negative", annotator="a")
    assert "disk is full" in str(info.value) and store.name in str(info.value)
    event.remove(engine, "connect", cap)

    assert _label_map(store, "t") == {"k0": True}  # nothing lost, nothing half-written
    store.record("t", big, "negative", annotator="a")  # fresh connection, no cap
    assert len(store.labels("t")) == 501


def test_unopenable_database(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "annotations.db"
    with pytest.raises(StoreError, match="Cannot open the annotation database") as info:
        open_store(f"sqlite:///{missing}")
    assert str(missing) in str(info.value)


def test_unreachable_server_is_named_without_its_password():
    with socket.socket() as s:  # a loopback port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match="its server is up") as info:
        open_store(f"postgresql+psycopg://ann:s3cret@127.0.0.1:{port}/labels")
    assert f"Cannot open the annotation database postgresql+psycopg://ann:***@127.0.0.1:{port}" \
           "/labels" in str(info.value)
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize("given, says", [
    ("postgres://ann:s3cret@db.example/labels", "postgres://ann:***@db.example/labels: "
     "SQLAlchemy knows no database kind 'postgres'; give a SQLAlchemy URL such as "
     "postgresql+psycopg://"),
    ("mysql://ann:s3cret@db.example/labels", "mysql://ann:***@db.example/labels: its driver "
     "is not installed (No module named 'MySQLdb'). For PostgreSQL use postgresql+psycopg://"),
    ("state/annotations.db", "'state/annotations.db': it is not a SQLAlchemy URL"),
])
def test_a_url_that_names_no_usable_database(given, says):
    with pytest.raises(StoreError) as info:
        open_store(given)
    assert str(info.value).startswith(f"Cannot open the annotation database {says}")
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize("url", ["postgresql"], indirect=True)
def test_a_user_without_privileges_is_told_so(store, url, postgres_server):
    store.create_task("t")
    role = f"viewer_{uuid.uuid4().hex[:8]}"  # roles belong to the whole server
    postgres_server.execute(f"CREATE ROLE {role} LOGIN")
    as_viewer = url.replace(f"//{postgres.USER}@", f"//{role}@")
    with pytest.raises(StoreError) as info:
        open_store(as_viewer)
    assert str(info.value) == (f"Cannot open the annotation database {as_viewer}: permission "
                               "denied for table schema_version")


def test_url_password_is_masked():
    from sqlalchemy.engine import make_url

    from dashboard.annotate.database import display_name
    name = display_name(make_url("postgresql://ann:s3cret@db.example/labels"))
    assert "s3cret" not in name and "db.example/labels" in name


# ---- 6. checkpoints and stats ------------------------------------------------------------------

def test_checkpoints_in_order(store):
    store.create_task("t")
    store.create_task("u")
    metrics = [{"quality_mean": 0.5 + i / 10, "quality_std": 0.01 * i, "data_score": 10.0 * i}
               for i in range(3)]
    seqs = [store.add_checkpoint("t", ["b", "a", f"p{i}"], ["z", "y"], model_version=i + 1,
                                 metrics=m) for i, m in enumerate(metrics)]
    assert seqs == [1, 2, 3]
    assert store.add_checkpoint("u", [], [], model_version=1, metrics={}) == 1
    got = store.checkpoints("t")
    assert [c["seq"] for c in got] == [1, 2, 3]
    assert [c["model_version"] for c in got] == [1, 2, 3]
    assert got[2]["pos"] == ["a", "b", "p2"] and got[2]["neg"] == ["y", "z"]
    assert [c["metrics"] for c in got] == metrics
    assert got[0]["time"].tzinfo is not None and got[0]["time"] <= got[2]["time"]
    with pytest.raises(ValueError, match="unknown task"):
        store.add_checkpoint("nope", [], [], model_version=1, metrics={})
    assert store.checkpoints("nope") == []


def test_labeled_tasks_are_those_a_primary_labeled(store):
    for name in ("c", "a", "b", "d", "e"):
        store.create_task(name)
    store.record("c", ["k1"], "negative", annotator="p")
    store.record("a", ["k1"], "positive", annotator="p")
    store.record("a", ["k1"], "delete", annotator="p")  # labeled once: still listed
    store.record("b", ["k1"], "skip", annotator="p")
    store.record("d", ["k1"], "positive", annotator="s", role="secondary")
    assert store.labeled_tasks() == ["a", "c"]


def test_stats_by_hand(store):
    store.create_task("t")
    store.create_task("empty")
    store.record("t", ["k1", "k2", "k3"], "positive", annotator="ann", session="A")
    store.record("t", ["k3", "k4"], "negative", annotator="bob", session="B")
    store.record("t", ["k2"], "delete", annotator="ann", session="A")
    store.record("t", ["k5"], "skip", annotator="ann", session="A")
    store.record("t", ["k1"], "negative", annotator="cy", role="secondary")
    store.add_checkpoint("t", ["k1"], ["k3"], model_version=1, metrics={"q": 1.0})
    store.add_checkpoint("t", ["k1"], ["k3", "k4"], model_version=2, metrics={"q": 2.0})
    # primary labels: k1 +, k3 -, k4 - ; k2 deleted, k5 skipped, cy's vote is secondary
    stats = store.stats()
    assert list(stats.columns) == ["task", "labels", "positives", "negatives", "events",
                                   "checkpoints", "annotators"]
    assert stats.to_dict("records") == [
        dict(task="empty", labels=0, positives=0, negatives=0, events=0, checkpoints=0,
             annotators=0),
        dict(task="t", labels=3, positives=1, negatives=2, events=8, checkpoints=2,
             annotators=3)]
    assert store.stats("t").to_dict("records") == stats.iloc[[1]].to_dict("records")
    assert store.stats("nope").empty


# ---- 7. schema version -------------------------------------------------------------------------

def test_newer_schema_is_refused(store, url):
    store.create_task("t")
    store.close()
    with _sql(url) as conn:
        conn.execute(text("UPDATE schema_version SET version = 999"))
    with pytest.raises(StoreError, match="schema version 999") as info:
        open_store(url)
    assert "Upgrade the app" in str(info.value)


def test_reopen_keeps_data(store, url):
    store.create_task("t", description="d")
    store.record("t", ["k1"], "positive", annotator="a")
    store.add_checkpoint("t", ["k1"], [], model_version=1, metrics={"q": 0.5})
    store.close()
    again = open_store(url)
    assert again.task("t")["description"] == "d"
    assert _label_map(again, "t") == {"k1": True}
    assert len(again.checkpoints("t")) == 1
    again.close()


def test_older_schema_is_migrated(store, url, monkeypatch):
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    store.close()
    calls = []

    def step(conn):
        calls.append(1)
        conn.execute(text("CREATE TABLE extra (x INTEGER)"))

    monkeypatch.setattr(database, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, step])
    migrated = open_store(url)
    assert calls == [1]
    assert _label_map(migrated, "t") == {"k1": True}
    migrated.close()
    open_store(url).close()
    assert calls == [1]  # already at version 3
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM extra")).scalar() == 0


def test_version_1_database_gains_the_team_tables(store, url):
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    store.close()
    with create_engine(url).begin() as conn:  # what the first release of the app wrote
        conn.execute(text("DROP TABLE assignments"))
        conn.execute(text("DROP TABLE baseline_items"))
        conn.execute(text("UPDATE schema_version SET version = 1"))
    migrated = open_store(url)
    assert _label_map(migrated, "t") == {"k1": True}
    migrated.assign_secondaries("t", ["b"])
    assert migrated.secondaries("t") == ["b"]
    migrated.close()
    with _sql(url) as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar() == 2


# ---- 8. delete_task ----------------------------------------------------------------------------

def test_delete_task_removes_only_that_task(store):
    for name in ("t", "u"):
        store.create_task(name)
        store.record(name, ["k1", "k2"], "positive", annotator="a", session="S")
        store.add_checkpoint(name, ["k1"], ["k2"], model_version=1, metrics={})
    store.undo("t", "S")
    store.delete_task("t")
    store.delete_task("never-existed")  # no-op
    assert store.task("t") is None
    assert store.events("t").empty and store.checkpoints("t") == []
    assert _label_map(store, "u") == {"k1": True, "k2": True}
    assert len(store.events("u")) == 2 and len(store.checkpoints("u")) == 1
    store.create_task("t")  # --replace: the name is free again
    assert store.labels("t").empty and store.undo("t", "S") == []
