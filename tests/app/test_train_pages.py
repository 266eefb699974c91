"""AppTest of "Train & tune" and "Search & score" on the generated dataset."""
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.formatting import plain

TASK = "closeup"


def _open(page: str, task: str = TASK) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=120)
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
    rate = float(_metric(train, "Positive rate"))
    random_ap = float(_metric(train, "Random scorer AP"))
    assert rate <= random_ap < mean  # random scorers beat the rate on a small set, not the model
    assert not any("baseline" in m.label.lower() for m in train.metric)
    assert "validation keys removed" in train.caption[0].value
    # one chart per tab, drawn only while its tab is open
    assert [c.key for c in train.get("plotly_chart")] == ["train_pr-chart"]
    for view, key in (("Score distribution", "train_hist"), ("ROC", "train_roc"),
                      ("Calibration", "train_cal"), ("CV of C", "train_cv"),
                      ("Precision–recall", "train_pr")):
        train.session_state["train_view"] = view
        train.run()
        assert [c.key for c in train.get("plotly_chart")] == [f"{key}-chart"]


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


def _view(at, tab: str):
    """Open a tab of Search & score (only the open tab is drawn)."""
    at.session_state["search_view"] = tab
    return at.run()


def test_search_page_lists_unlabeled_top_shots_and_neighbours(demo_dir, ds):
    at = _open("pages/search.py")
    assert not at.exception and not at.error
    top = at.dataframe[0].value
    assert len(at.dataframe) == 1  # only the open tab is drawn
    assert len(top) == 50 and top["score"].is_monotonic_decreasing
    nn = _view(at, "Query by example").dataframe[0].value
    assert ds.shots["key"].iloc[0] not in set(nn["key"]) and len(nn) == 20  # not itself
    at.text_input(key="search_example").set_value("not|a-key").run()
    assert any("Shot key: no shot has the key 'not|a-key'" in e.value for e in at.error)
    _view(at, "Top unlabeled")
    assert _view(at, "Query by example").text_input(key="search_example").value == "not|a-key"


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_upload_path_scores_every_task_and_rejects_bad_files(demo_dir, ds):
    at = _view(_open("pages/search.py"), "Your embeddings")
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
    from dashboard.live import model_io, runs
    from dashboard.live.estimators import ModelSpec
    from dashboard.live.sources import Source

    run = runs.train_run(ds, TASK, Source(), ModelSpec())
    at = _view(_open("pages/search.py"), "Saved model")
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


def test_checkpoint_too_small_for_cv_is_a_warning_not_a_crash(tiny_first_checkpoint):
    _, task = tiny_first_checkpoint
    at = _open("pages/train.py", task)
    at.sidebar.selectbox(key="model_source").set_value("checkpoint").run()
    at.sidebar.selectbox(key="model_checkpoint").set_value(0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("too few labels for 5-fold cross-validation (3 positive, 1 negative)" in w.value
               for w in at.warning)
    at.sidebar.selectbox(key="model_kind").set_value("lr_c").run()  # no CV: it fits
    assert not at.exception and not at.warning
    assert "Model AP" in [m.label for m in at.metric]


def test_broken_text_embeddings_leave_search_without_zero_shot_only(copy_of_demo, monkeypatch):
    (copy_of_demo / "text-embeddings.json").write_text("[1, 2")
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    at = _view(_open("pages/search.py"), "Zero-shot search")
    assert not at.exception, [e.value for e in at.exception]
    assert any(plain("text-embeddings.json: malformed JSON") in w.value for w in at.warning)


def test_keys_and_file_names_are_shown_as_text_not_markdown(demo_dir, ds):
    at = _view(_open("pages/search.py"), "Query by example")
    at.text_input(key="search_example").set_value("**bold** [x](http://e.com)").run()
    assert not at.exception
    assert any(r"no shot has the key '\*\*bold\*\* \[x\](http:\/\/e.com)'" in e.value
               for e in at.error)
    assert any("shot `**bold** [x](http://e.com)` (set it" in c.value
               for c in _view(at, "Every task's score").caption)
    at.session_state["search_upload"] = ("[a](http://e.com).npy", _npy(np.ones((2, 7))))
    at.session_state["search_model"] = ("`x`*y*.skops", b"\x80\x04not a zip")
    errors = [e.value for e in _view(at, "Your embeddings").error]
    assert any(e.startswith(r"\[a\](http:\/\/e.com).npy: has dimension 7") for e in errors)
    errors = [e.value for e in _view(at, "Saved model").error]
    assert any(e.startswith(r"\`x\`\*y\*.skops: is not a skops model file") for e in errors)


def test_a_model_file_over_the_upload_limit_is_refused_by_name(demo_dir, ds):
    from dashboard.live import uploads

    at = _view(_open("pages/search.py"), "Saved model")
    at.session_state["search_model"] = ("huge.skops", b"\0" * (uploads.MAX_BYTES + 1))
    at.run()
    assert not at.exception
    assert any(e.value.startswith("huge.skops: is 64.0 MiB; the limit is 64 MiB")
               for e in at.error)


def test_corpus_numbers_follow_the_threshold_and_a_rerun_reuses_them(demo_dir, ds,
                                                                      monkeypatch):
    from dashboard.live import corpus, estimators, runs
    from dashboard.live.estimators import ModelSpec
    from dashboard.live.sources import Source

    at = _open("pages/search.py")
    scores = estimators.score_rows(runs.train_run(ds, TASK, Source(), ModelSpec())
                                .model.estimator, ds.embeddings)
    at.slider(key="search_threshold").set_value(0.3).run()
    assert _metric(at, "Shots at or above the threshold") == f"{(scores >= 0.3).sum():,}"
    calls = []
    for name in ("top_rows", "labeled_rows", "score_histogram", "share_above_by_genre",
                 "count_above", "shots_at"):
        real = getattr(corpus, name)
        monkeypatch.setattr(corpus, name, lambda *a, _real=real, _name=name, **k:
                            calls.append(_name) or _real(*a, **k))
    at.run()
    assert not at.exception and calls == []  # nothing corpus-wide is computed again
    at.slider(key="search_threshold").set_value(0.6).run()
    assert sorted(calls) == ["count_above", "share_above_by_genre"]  # not the histogram
    assert _metric(at, "Shots at or above the threshold") == f"{(scores >= 0.6).sum():,}"


def test_the_model_file_is_written_only_when_downloaded(demo_dir, monkeypatch):
    from dashboard.live import model_io

    def refuse(*args, **kwargs):
        raise AssertionError("the model was serialised on a rerun")

    monkeypatch.setattr(model_io, "dump", refuse)
    monkeypatch.setattr(model_io, "card_json", refuse)
    at = _open("pages/train.py")
    assert not at.exception, [e.value for e in at.exception]
