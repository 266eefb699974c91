"""AppTest of *Annotate* (start a task, label by clicks, undo, review, progress and export)
and of the "annotations" training source of *Train & tune*, on the generated dataset.

Each test gets a fresh annotation store: VA_STATE_DIR points at its own tmp folder, so the
store URL (the key of ``components.cache.annotation_store``) is new too.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from apptest_support import open_annotate
from apptest_support import run as _run
from streamlit.testing.v1 import AppTest

from dashboard import Dataset
from dashboard.annotate.config import store_url
from dashboard.annotate.store import open_store

TASK = "zoom"
WHO = "alice"


@pytest.fixture
def state(demo_dir, tmp_path, monkeypatch):
    """A fresh, empty state folder for the app's annotation store."""
    folder = tmp_path / "state"
    monkeypatch.setenv("VA_STATE_DIR", str(folder))
    monkeypatch.delenv("VA_STATE_DB", raising=False)
    return folder


@pytest.fixture
def store(state):
    """The same store the app opens, read from the test (its own connections)."""
    opened = open_store(store_url())
    yield opened
    opened.close()


def _open(who: str = WHO) -> AppTest:
    """The Annotate page with the annotator's name typed (starting a task needs one)."""
    return open_annotate(who)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _metric(at: AppTest, label: str) -> str:
    return next(m for m in at.metric if m.label == label).value


def _start(at: AppTest, task: str = TASK, start: str = "checkpoint") -> AppTest:
    """Submit the "Continue a task of the data folder" form."""
    at.selectbox(key="annotate_from_task").set_value(task)
    at.radio(key="annotate_from").set_value(start)
    _button(at, "Start").click()
    return _run(at)


def _name(at: AppTest, who: str = WHO) -> AppTest:
    at.sidebar.text_input(key="annotate_annotator").set_value(who)
    return _run(at)


def _batch(at: AppTest) -> list[str]:
    """The keys of the open shots of the batch on screen, in order."""
    prefix = "annotate_positive_"
    return [b.key.removeprefix(prefix) for b in at.button
            if b.key and b.key.startswith(prefix)]


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return _run(at)


def _labels(store, task: str = TASK) -> dict[str, bool]:
    return _labels_of(store.labels(task))


def _labels_of(frame: pd.DataFrame) -> dict[str, bool]:
    return dict(zip(frame["key"], frame["label"]))


def _cp_labels(cp) -> dict[str, bool]:
    return {**dict.fromkeys(cp.pos, True), **dict.fromkeys(cp.neg, False)}


def test_starting_a_task_needs_the_annotators_name(store):
    at = _open(who="")
    assert all(b.disabled for b in at.button if b.label in ("Start", "Create"))
    assert any("Type your name in the sidebar first" in c.value for c in at.caption)


def test_without_a_task_the_start_forms_show_and_unsafe_names_are_refused(store):
    at = _open()
    assert any(i.value.startswith("Start a task above") for i in at.info)
    assert {"Start", "Create"} <= {b.label for b in at.button}
    assert not at.metric and not at.tabs  # nothing to label yet
    at.text_input(key="annotate_new_name").set_value("../x")
    _button(at, "Create").click()
    _run(at)
    assert any("task name '../x' is not a safe file name" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert store.tasks().empty
    at.text_input(key="annotate_new_name").set_value(" rainy-street ")
    at.text_input(key="annotate_new_description").set_value("wet roads at night")
    _button(at, "Create").click()
    _run(at)
    assert not at.error, [e.value for e in at.error]
    tasks = store.tasks()
    assert tasks["name"].tolist() == ["rainy-street"]
    assert tasks["description"].tolist() == ["wet roads at night"]
    assert store.labels("rainy-street").empty and store.checkpoints("rainy-street") == []
    assert [t.value for t in at.toast] == ["Created rainy-street."]
    assert at.query_params["task"] == "rainy-street"
    assert at.subheader[0].value == "rainy-street"
    # a new task has no text embedding: no search query, so no batch, until one is chosen
    assert any(w.value.startswith("Choose a search query") for w in at.warning)
    assert not _batch(at)
    at.multiselect(key="annotate_query_tasks").set_value([TASK])
    _run(at)
    assert not at.warning and len(_batch(at)) == 10
    assert _metric(at, "Labels") == "0" and _metric(at, "Model") == "—"


def test_continue_a_task_from_its_latest_checkpoint(store, ds):
    cps = ds.checkpoints(TASK)
    latest = cps[-1]
    at = _start(_open())
    assert not at.error, [e.value for e in at.error]
    assert _labels(store) == _cp_labels(latest)
    assert len(store.labels(TASK)) == len(latest)
    assert set(store.events(TASK)["feed"]) == {"import"}
    assert [(c["pos"], c["neg"]) for c in store.checkpoints(TASK)] == \
        [(sorted(c.pos), sorted(c.neg)) for c in cps]
    assert [t.value for t in at.toast] == [f"Started {TASK} with {len(latest):,} labels."]
    assert _metric(at, "Labels") == f"{len(latest):,}"
    assert _metric(at, "Positives / negatives") == f"{latest.pos_cnt:,} / {latest.neg_cnt:,}"
    # the first model is trained on exactly the latest checkpoint: no new checkpoint
    assert _metric(at, "Model") == f"v{len(cps)}"
    assert len(store.checkpoints(TASK)) == len(cps)
    # starting the same task again is refused and changes nothing
    _start(at)
    assert any(f"task '{TASK}' already exists" in e.value for e in at.error)
    assert _labels(store) == _cp_labels(latest)


def test_label_a_batch_by_clicks_retrains_and_undo_restores(store, ds):
    n_cps = len(ds.checkpoints(TASK))
    at = _name(_start(_open()), "")  # a name is needed to start; then it is cleared
    imported = store.labels(TASK)
    # without a name the buttons are disabled
    assert all(at.button(key=f"annotate_{v}_{_batch(at)[0]}").disabled
               for v in ("positive", "negative", "skip"))
    at = _name(at)
    batch = _batch(at)
    assert len(batch) == 10 and not set(batch) & set(imported["key"])
    assert not at.button(key=f"annotate_positive_{batch[0]}").disabled
    _click(at, f"annotate_positive_{batch[0]}")
    _click(at, f"annotate_negative_{batch[1]}")
    _click(at, f"annotate_skip_{batch[2]}")
    assert _batch(at) == batch[3:]
    assert any(c.value.startswith("7 of 10 shots left") for c in at.caption)
    assert _metric(at, "Labels") == f"{len(imported) + 2:,}"
    clicked = store.labels(TASK)
    _click(at, "annotate_rest")
    assert not at.error, [e.value for e in at.error]

    events = store.events(TASK)
    mine = events[events["feed"] != "import"]
    expected = [(batch[0], "positive"), (batch[1], "negative"), (batch[2], "skip"),
                *[(k, "negative") for k in batch[3:]]]
    assert list(zip(mine["key"], mine["value"])) == expected
    assert set(mine["feed"]) == {"search"} and set(mine["annotator"]) == {WHO}
    assert set(mine["role"]) == {"primary"} and mine["session"].nunique() == 1
    assert mine["model_version"].tolist() == [n_cps] * 10  # the model on screen: checkpoint 6
    assert mine["action"].nunique() == 4  # three clicks and one "mark the rest negative"

    labels = _labels(store)
    want = {**_labels_of(imported), batch[0]: True, batch[1]: False,
            **dict.fromkeys(batch[3:], False)}
    assert labels == want and batch[2] not in labels  # skip labels nothing

    # the batch is done: a retrain recorded a checkpoint of exactly these labels
    cps = store.checkpoints(TASK)
    assert len(cps) == n_cps + 1 and cps[-1]["seq"] == n_cps + 1
    assert cps[-1]["pos"] == sorted(k for k, v in labels.items() if v)
    assert cps[-1]["neg"] == sorted(k for k, v in labels.items() if not v)
    assert 0 <= cps[-1]["metrics"]["quality_mean"] <= 1
    assert _metric(at, "Labels") == f"{len(labels):,}"
    pos = sum(labels.values())
    assert _metric(at, "Positives / negatives") == f"{pos:,} / {len(labels) - pos:,}"
    assert _metric(at, "Model") == f"v{n_cps + 1}"
    assert any(t.value.startswith(f"Retrained: model {n_cps + 1}, quality ") for t in at.toast)
    fresh = _batch(at)
    assert len(fresh) == 10 and not set(fresh) & (set(batch) | set(imported["key"]))

    # undo, action by action, back to the imported labels exactly
    _click(at, "annotate_undo")
    assert any(c.value == "Undid the last action (7 shots)." for c in at.caption)
    pd.testing.assert_frame_equal(store.labels(TASK), clicked)
    assert _metric(at, "Labels") == f"{len(clicked):,}"
    for shots in (1, 1, 1):  # skip, negative, positive
        _click(at, "annotate_undo")
        assert any(c.value == f"Undid the last action ({shots} shots)." for c in at.caption)
    pd.testing.assert_frame_equal(store.labels(TASK), imported)
    assert _metric(at, "Labels") == f"{len(imported):,}"
    _click(at, "annotate_undo")  # the import is not this session's: nothing more to undo
    assert any(c.value == "Nothing to undo in this session." for c in at.caption)
    pd.testing.assert_frame_equal(store.labels(TASK), imported)


def _tab(at: AppTest, name: str) -> AppTest:
    """Open a tab (Review and Progress are computed only while open)."""
    at.session_state["annotate_view"] = name
    return _run(at)


def _review(at: AppTest):
    return next(d for d in at.dataframe if "disagreement" in d.value.columns)


def _select(at: AppTest, rows: list[int]) -> AppTest:
    """Select ``rows`` of the review table, as a click on their checkboxes does."""
    at.session_state[_review(at).key] = {"selection": {"rows": rows, "columns": [],
                                                       "cells": []}}
    return _run(at)


def test_review_lists_every_label_most_suspicious_first(store, ds):
    at = _start(_open())
    store.record(TASK, "not-a-shot|1", "positive", annotator="bob")  # a key the folder lacks
    assert not any("disagreement" in d.value.columns for d in at.dataframe)  # tab closed
    at = _tab(at, "Review")
    table = _review(at).value
    labels = store.labels(TASK)
    assert len(table) == len(labels) == len(ds.checkpoints(TASK)[-1]) + 1
    assert sorted(table["key"]) == labels["key"].tolist()
    assert _labels_of(table) == _labels_of(labels)
    assert any(c.value.startswith(f"{len(labels):,} labels, the most likely label errors first")
               for c in at.caption)
    d = table["disagreement"]
    known = d.dropna()
    assert len(known) == len(labels) - 1 and d.isna().tolist()[-1]  # NaN (unknown key) last
    assert table["key"].iloc[-1] == "not-a-shot|1" and table["title"].iloc[-1] == ""
    assert (known.diff().dropna() <= 0).all()  # non-increasing
    assert known.to_numpy() == pytest.approx(
        (table["label"].astype(float) - table["oof_score"]).abs().dropna().to_numpy())
    assert known.iloc[0] > 0.5  # the top row is a label the model contradicts


def test_review_flips_and_deletes_the_selected_labels_then_clears_the_selection(store):
    at = _select(_tab(_name(_start(_open()), ""), "Review"), [0])
    assert at.button(key="annotate_flip").disabled  # no name
    at = _select(_name(at), [0])
    top, n = _review(at).value.iloc[0], len(store.labels(TASK))
    assert at.button(key="annotate_flip").label == "Flip 1 selected"
    _click(at, "annotate_flip")
    flipped = store.labels(TASK).set_index("key").loc[top["key"]]
    assert flipped["label"] == (not top["label"]) and len(store.labels(TASK)) == n
    assert (flipped["feed"], flipped["annotator"]) == ("review", WHO)
    # the table is sorted again: the selection by row position must not carry over to
    # whichever label is now first
    table = _review(at).value
    assert table["key"].iloc[0] != top["key"]
    assert at.button(key="annotate_flip").label == "Flip 0 selected"
    assert at.button(key="annotate_flip").disabled
    at = _select(at, [0, 1])
    gone = _review(at).value["key"].iloc[:2].tolist()
    _click(at, "annotate_delete")
    labels = store.labels(TASK)
    assert len(labels) == n - 2 and not set(gone) & set(labels["key"])
    assert len(_review(at).value) == n - 2
    assert at.button(key="annotate_delete").label == "Delete 0 selected"


def test_progress_chart_after_a_retrain_and_export_loads_as_a_data_folder(
        store, state, copy_of_demo):
    at = _tab(_start(_name(_open()), start="empty"), "Progress & export")  # named: primary
    assert store.labels(TASK).empty and store.checkpoints(TASK) == []
    assert not at.get("plotly_chart")
    assert any(i.value.startswith("No retrain yet") for i in at.info)
    batch = _batch(at)
    _click(at, f"annotate_positive_{batch[0]}")
    _click(at, f"annotate_positive_{batch[1]}")
    _click(at, "annotate_rest")
    labels = _labels(store)
    assert len(labels) == 10 and sum(labels.values()) == 2
    assert len(store.checkpoints(TASK)) == 1
    assert len(at.get("plotly_chart")) == 1  # the labeling history
    stats = next(d.value for d in at.dataframe if "checkpoints" in d.value.columns)
    assert stats.iloc[0][["labels", "positives", "negatives", "checkpoints"]].tolist() == \
        [10, 2, 8, 1]

    out = state / "exports" / TASK  # fixed on the server: nothing typed becomes a path
    assert not [t for t in at.text_input if t.key == "annotate_export_dir"]
    _click(at, "annotate_export")
    assert not at.error, [e.value for e in at.error]
    agg, cp = out / "agg" / f"{TASK}.json", out / "checkpoints" / f"{TASK}.json"
    assert agg.is_file() and cp.is_file()
    assert any(str(agg) in s.value and str(cp) in s.value for s in at.success)
    # dropped into a copy of the data folder, the files are the task's labels there
    shutil.copy(agg, copy_of_demo / "agg" / agg.name)
    shutil.copy(cp, copy_of_demo / "checkpoints" / cp.name)
    copy = Dataset(copy_of_demo)
    assert _cp_labels(copy.agg_labeled(TASK)) == labels
    assert [(sorted(c.pos), sorted(c.neg)) for c in copy.checkpoints(TASK)] == \
        [(c["pos"], c["neg"]) for c in store.checkpoints(TASK)]
    assert copy.agg_votes(TASK).primary == WHO


def test_train_on_annotations_uses_the_app_labels_minus_validation(store, ds):
    at = _name(_start(_open()))
    batch = _batch(at)
    _click(at, f"annotate_positive_{batch[0]}")
    _click(at, f"annotate_negative_{batch[1]}")
    labels = _labels(store)
    _, val = ds.agg_labeled(TASK).split()
    val_keys = val.pos | val.neg
    kept = {k: v for k, v in labels.items() if k not in val_keys}
    removed = len(labels) - len(kept)
    assert removed > 0  # the checkpoint holds validation keys: they must be dropped

    at.switch_page("pages/train.py")
    _run(at)
    assert at.query_params["task"] == TASK
    at.sidebar.selectbox(key="model_source").set_value("annotations")
    _run(at)
    assert not at.warning, [w.value for w in at.warning]
    caption = at.caption[0].value
    assert f"**{TASK}** · {len(labels):,} labels made in the app ·" in caption
    assert f"{removed:,} validation keys removed from the source" in caption
    trained = next(m for m in at.metric if m.label == "Training labels")
    assert trained.value == f"{len(kept):,}"
    assert trained.delta == f"{sum(kept.values()):,} positive"
    assert 0 < float(_metric(at, "Model AP")) <= 1

    # a task without app labels has no model, and says why
    at.query_params["task"] = "pan"
    _run(at)
    assert any("No labels made in the app for pan yet" in c.value for c in at.sidebar.caption)
    assert any(w.value.startswith("No model for this choice: no labels") for w in at.warning)
