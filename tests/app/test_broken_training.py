"""Train and Search over broken task files (defects 2 and 3) and a rejected upload (6)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dataset"))
from broken_folders import CASES, TASK, broken_folder, good_folder  # noqa: E402,F401

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _page(path: Path, page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["data_dir"] = str(path)
    for key, value in state.items():
        at.session_state[key] = value
    at.query_params["task"] = TASK
    at.switch_page(f"pages/{page}.py")
    return at.run()


def _case(name: str):
    return next(c for c in CASES if c.name == name)


def test_the_checkpoint_source_of_a_broken_checkpoints_file_is_a_message(broken_folder):
    path = broken_folder(_case("truncated_checkpoints"))
    for page in ("train", "search"):
        at = _page(path, page, _model_source="checkpoint")
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any("checkpoints/zoom.json: malformed JSON" in e.value for e in at.sidebar.error)


def test_a_broken_snapshot_leaves_every_source_usable(broken_folder):
    path = broken_folder(_case("checkpoint_key_on_both_sides"))
    for source in ("agg", "checkpoint"):
        at = _page(path, "train", _model_source=source)
        assert not at.exception and not at.error
        assert "Model AP" in {m.label for m in at.metric}  # a model was trained
    at = _page(path, "checkpoints")
    assert any("snapshot 3 of" in w.value and "left out" in w.value for w in at.warning)


def test_a_broken_ave_file_costs_the_ave_ap_only(broken_folder):
    path = broken_folder(_case("ave_pos_is_text"))
    at = _page(path, "train")
    assert not at.exception and not at.error
    assert any(w.value.startswith("No AVE AP: ") and "ave/validation/zoom.json" in w.value
               for w in at.warning)
    at = _page(path, "search", search_view="Every task's score", search_every=True)
    assert not at.exception and not at.error
    assert at.get("plotly_chart")  # every task's model scored the shot


def test_a_rejected_upload_is_not_kept(good_folder):
    buf = io.BytesIO()
    np.save(buf, np.ones((2, 7), np.float32))
    at = _page(good_folder, "search", search_view="Your embeddings",
               search_upload=("bad.npy", buf.getvalue()))
    assert any(e.value.startswith("bad.npy: has dimension 7") for e in at.error)
    assert "search_upload" not in at.session_state  # the bytes are dropped
    assert at.session_state["search_upload_version"] == 1  # and the uploader emptied


def test_a_garbage_experiment_file_reads_as_not_computed(good_folder):
    """Defect 1: the AP vs labels page used to show pyarrow's raw exception."""
    from dashboard import Dataset
    from dashboard.experiments.experiment1 import Exp1Config
    from dashboard.experiments.results_cache import ResultsCache

    cache = ResultsCache("experiment1", Dataset(good_folder).fingerprint, Exp1Config())
    cache.folder.mkdir(parents=True, exist_ok=True)
    (cache.folder / f"{TASK}.parquet").write_bytes(b"PAR1 and then nothing")
    at = _page(good_folder, "experiments")
    assert not at.exception and not at.error
    assert any("is not computed yet" in i.value for i in at.info)
