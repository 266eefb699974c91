"""Overview's headline figures: the data folder's read from the derived cache, the same as
computed; with app-made tasks, computed over every task."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.annotate.store import default_url, open_store
from dashboard.annotate.workspace import Workspace
from dashboard.dataset import derived, summary
from tests.annotate.team_support import copy_task

APP = str(Path(__file__).resolve().parents[2] / "app.py")
COUNTS = ["shots", "tasks", "agg_labels", "all_labels", "unique_labeled_shots"]  # shown first


def headline(at: AppTest) -> list[str]:
    return [m.value for m in at.metric][:len(COUNTS)]


def expected(ds) -> list[str]:
    figures = summary.dataset_summary(ds, summary.task_table(ds))
    return [f"{figures[name]:,}" for name in COUNTS]


def test_folder_figures_come_from_the_derived_cache(ds, fresh_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path / "state"))  # no annotation store
    first = AppTest.from_file(APP, default_timeout=120).run()
    assert not first.exception
    assert headline(first) == expected(ds)
    assert derived.path_of(ds, "dataset_summary", fresh_cache).is_file()
    again = AppTest.from_file(APP, default_timeout=120).run()  # a new session reads the file
    assert headline(again) == expected(ds)


def test_app_made_tasks_count_in_the_figures(ds, fresh_cache, monkeypatch, tmp_path):
    state = tmp_path / "state"
    monkeypatch.setenv("VA_STATE_DIR", str(state))
    store = open_store(default_url(state))
    copy_task(ds, store)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert headline(at) == expected(Workspace(ds, store))
    assert headline(at)[1] == str(len(ds.tasks) + 1)
    store.close()
