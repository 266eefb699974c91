"""Annotate's labeling area on a real full disk and a real read-only file system (a tmpfs
mounted for the test, see tests/faults.py): the message in the page, the click not shown as
saved, nothing saved lost, and labeling resumes in the same session."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.annotate import exchange
from dashboard.annotate.store import open_store
from tests.faults import fill, remount, tmpfs

TASK = "zoom"


def _annotate(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("VA_STATE_DB", url)
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.query_params["task"] = TASK
    at.run()
    at.switch_page("pages/annotate.py")
    at.session_state["annotate_annotator"] = "ann"
    return at.run()


def _messages(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_disk_full_while_labeling_then_space_again(ds, tmp_path, monkeypatch):
    with tmpfs(tmp_path / "mnt", "2m") as mnt:
        path = mnt / "annotations.db"
        store = open_store(f"sqlite:///{path}")
        exchange.import_task(store, ds.root, TASK, start="empty", annotator="ann")
        at = _annotate(monkeypatch, f"sqlite:///{path}")
        assert not at.exception, [e.value for e in at.exception]
        first = at.session_state["annotate_batch"].keys[0]

        filler = fill(mnt)
        at.button(key=f"annotate_positive_{first}").click().run()
        assert not at.exception
        assert any("the disk is full" in m and str(path) in m for m in _messages(at)), \
            _messages(at)
        assert first in at.session_state["annotate_batch"].open_keys  # not shown as labeled
        assert store.labels(TASK).empty  # nothing half-written

        filler.unlink()  # space again: the same click now saves, the message goes
        at.button(key=f"annotate_positive_{first}").click().run()
        assert not at.exception and not _messages(at)
        assert first not in at.session_state["annotate_batch"].open_keys
        saved = store.labels(TASK)
        assert saved[["key", "label", "annotator"]].values.tolist() == [[first, True, "ann"]]
        store.close()


def test_read_only_file_system_shows_why_then_labeling_resumes(ds, tmp_path, monkeypatch):
    with tmpfs(tmp_path / "mnt", "8m") as mnt:
        path = mnt / "annotations.db"
        store = open_store(f"sqlite:///{path}")
        exchange.import_task(store, ds.root, TASK, start="checkpoint", annotator="ann")
        before = store.labels(TASK)
        store.close()
        remount(mnt, "ro")
        at = _annotate(monkeypatch, f"sqlite:///{path}")
        assert not at.exception, [e.value for e in at.exception]
        assert any("read-only" in m and str(path) in m and "Nothing already saved is lost" in m
                   for m in _messages(at)), _messages(at)

        remount(mnt, "rw")
        at.run()
        assert not at.exception and not _messages(at)
        first = at.session_state["annotate_batch"].keys[0]
        at.button(key=f"annotate_negative_{first}").click().run()
        assert not at.exception and not _messages(at)
        after = open_store(f"sqlite:///{path}")
        labels = after.labels(TASK)
        assert len(labels) == len(before) + 1  # all that was saved, and the new click
        assert not labels.set_index("key").loc[first, "label"]  # saved as negative
        after.close()
