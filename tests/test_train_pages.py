"""AppTest of "Train & tune" and "Search & score" on the generated dataset."""
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

TASK = "closeup"


def _open(page: str, task: str = TASK) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["task"] = task
    at.switch_page(page)
    return at.run()


def _metric(at, label):
    return next(m for m in at.metric if m.label == label).value


@pytest.fixture
def train(demo_dir):
    return _open("pages/train.py")


def test_train_page_trains_and_shows_ap(train, ds):
    assert not train.exception and not train.error
    ap = next(m for m in train.metric if m.label == "Model AP")
    mean, std = float(ap.value), float(ap.delta.removeprefix("± "))
    assert 0.5 < mean <= 1 and std >= 0
    assert float(_metric(train, "Baseline")) < mean
    assert "validation keys removed" in train.caption[0].value
    assert len(train.get("plotly_chart")) == 5  # PR, histogram, ROC, calibration, CV of C


def test_moving_the_threshold_changes_precision_and_recall(train):
    before = (_metric(train, "Precision"), _metric(train, "Recall"))
    train.slider(key="train_threshold").set_value(0.9).run()
    after = (_metric(train, "Precision"), _metric(train, "Recall"))
    assert not train.exception
    assert float(after[1]) < float(before[1]) and after != before


def test_other_source_and_model_and_a_reason_when_untrainable(train):
    train.sidebar.selectbox(key="model_source").set_value("random").run()
    train.sidebar.select_slider(key="model_n").set_value(25).run()
    train.sidebar.selectbox(key="model_kind").set_value("lr_c").run()
    assert not train.exception
    assert "first 25 of cmp random" in train.caption[0].value
    assert "fixed C" in train.caption[0].value
    assert train.warning or "Model AP" in [m.label for m in train.metric]


def test_search_page_lists_unlabeled_top_shots_and_neighbours(demo_dir, ds):
    at = _open("pages/search.py")
    assert not at.exception and not at.error
    top = at.dataframe[0].value
    assert len(top) == 50 and top["score"].is_monotonic_decreasing
    nn = at.dataframe[2].value
    assert nn["key"].iloc[0] == ds.shots["key"].iloc[0]
    at.text_input(key="search_example").set_value("not|a-key").run()
    assert any("Shot key: no shot has the key 'not|a-key'" in e.value for e in at.error)


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_upload_path_scores_every_task_and_rejects_bad_files(demo_dir, ds):
    at = _open("pages/search.py")
    at.session_state["search_upload"] = ("mine.npy", _npy(ds.embeddings[:3]))
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert len(table) == 3 and TASK in table.columns
    assert table[TASK].between(0, 1).all()
    at.session_state["search_upload"] = ("bad.npy", _npy(np.ones((2, 7), np.float32)))
    at.run()
    assert any("bad.npy: has dimension 7" in e.value for e in at.error)


def test_a_saved_model_file_scores_the_corpus_and_a_bad_one_is_refused(demo_dir, ds):
    from dashboard import model_io, tuning
    from dashboard.sources import Source
    from dashboard.trainer import ModelSpec

    run = tuning.train_run(ds, TASK, Source(), ModelSpec())
    at = _open("pages/search.py")
    at.session_state["search_model"] = ("closeup.skops", model_io.dump(run.model.estimator))
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert len(table) == 50 and table["score"].is_monotonic_decreasing
    at.session_state["search_model"] = ("evil.skops", b"\x80\x04not a zip")
    at.run()
    assert any(e.value.startswith("evil.skops: is not a skops model file") for e in at.error)


def test_the_model_chosen_on_train_is_the_one_searched_with(train):
    train.sidebar.selectbox(key="model_kind").set_value("lr_c").run()
    train.switch_page("pages/search.py").run()
    assert not train.exception
    assert "fixed C" in train.caption[0].value
    assert train.sidebar.selectbox(key="model_kind").value == "lr_c"
