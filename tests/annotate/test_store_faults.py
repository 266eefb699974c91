"""The annotation store on a real full disk and a real read-only file system (a small tmpfs
mounted for the test, see tests/faults.py): a clear message, nothing saved lost, and the same
Store writes again once there is space or the file system is writable."""
from __future__ import annotations

import pytest

from dashboard.annotate.store import StoreError, open_store
from tests.faults import fill, remount, tmpfs


@pytest.fixture
def mnt(tmp_path):
    with tmpfs(tmp_path / "mnt", "1m") as folder:
        yield folder


def _labels(store, task="t") -> dict[str, bool]:
    df = store.labels(task)
    return dict(zip(df["key"], df["label"]))


def test_disk_full_keeps_every_saved_label_and_resumes_with_space(mnt):
    path = mnt / "annotations.db"
    store = open_store(f"sqlite:///{path}")
    store.create_task("t")
    saved = {}
    with pytest.raises(StoreError) as info:
        for i in range(10_000):  # until the disk is full
            key = f"k{i:05d}-" + "x" * 200
            store.record("t", [key], "positive" if i % 2 else "negative", annotator="a")
            saved[key] = bool(i % 2)
    msg = str(info.value)
    assert str(path) in msg and "the disk is full" in msg
    assert "Nothing already saved is lost" in msg and "resumes when there is space" in msg
    assert len(saved) > 0 and _labels(store) == saved  # every committed click, nothing more

    remount(mnt, "size=4m")  # space again: the same Store goes on
    store.record("t", ["after"], "positive", annotator="a")
    assert _labels(store) == {**saved, "after": True}
    store.close()


def test_a_filler_file_fills_the_disk_and_removing_it_resumes(mnt):
    path = mnt / "annotations.db"
    store = open_store(f"sqlite:///{path}")
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    filler = fill(mnt)
    with pytest.raises(StoreError, match="the disk is full"):
        store.record("t", [f"k{i}" for i in range(2, 2000)], "negative", annotator="a")
    with pytest.raises(StoreError, match="the disk is full"):
        store.add_checkpoint("t", ["k1"], [], model_version=1, metrics={})
    assert _labels(store) == {"k1": True} and store.checkpoints("t") == []
    filler.unlink()
    store.record("t", [f"k{i}" for i in range(2, 2000)], "negative", annotator="a")
    assert len(_labels(store)) == 1999 and store.add_checkpoint(
        "t", ["k1"], [], model_version=1, metrics={}) == 1
    store.close()


def test_read_only_file_system_then_writable_again(mnt):
    path = mnt / "annotations.db"
    store = open_store(f"sqlite:///{path}")
    store.create_task("t")
    store.record("t", ["k1"], "positive", annotator="a")
    store.close()  # no file open for writing: the file system may turn read-only
    remount(mnt, "ro")
    with pytest.raises(StoreError) as info:
        store.record("t", ["k2"], "negative", annotator="a")
    msg = str(info.value)
    assert str(path) in msg and "read-only" in msg and "Nothing already saved is lost" in msg
    remount(mnt, "rw")
    store.record("t", ["k2"], "negative", annotator="a")  # the same Store resumes
    assert _labels(store) == {"k1": True, "k2": False}
    store.close()


class _Switching:
    """A cursor whose WAL switch answers with ``answers`` in turn (an exception, or None)."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), 0

    def execute(self, _sql):
        self.calls += 1
        answer = self.answers.pop(0)
        if answer is not None:
            raise answer


def test_the_wal_switch_waits_out_another_process_switching_a_new_file():
    from dashboard.annotate.database import _journal_in_wal

    locked = RuntimeError("database is locked")
    cur = _Switching(locked, locked, None)
    _journal_in_wal(cur, RuntimeError)
    assert cur.calls == 3  # retried while locked, done once switched
    _journal_in_wal(_Switching(RuntimeError("attempt to write a readonly database")),
                    RuntimeError)  # read-only: used as it is
    with pytest.raises(RuntimeError, match="disk I/O error"):
        _journal_in_wal(_Switching(RuntimeError("disk I/O error")), RuntimeError)
    with pytest.raises(RuntimeError, match="locked"):  # not forever
        _journal_in_wal(_Switching(*[locked] * 100), RuntimeError, patience_s=0.1)
