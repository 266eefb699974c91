"""The presentation-ready finish of the pages, as a new user sees them (AppTest)."""
from __future__ import annotations

import json

import apptest_support
import pandas as pd
import pytest
from apptest_support import APP
from streamlit.testing.v1 import AppTest

from components.formatting import competition_rank
from dashboard import Dataset
from dashboard.dataset import browse

TASK = "car-chase"


def run_page(page: str, task: str | None = TASK) -> AppTest:
    """The page on the polish tests' task unless told otherwise."""
    return apptest_support.run_page(page, task)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_task_picker_shows_names_as_people_write_them(ds):
    at = run_page("pages/browse.py")
    assert "car chase" in at.selectbox(key="browse_task").options
    assert at.selectbox(key="browse_task").value == TASK  # the id, as in the URL
    assert at.title[0].value == "Browse a task: car chase"


def test_browse_header_figures_follow_the_label_source(ds):
    at = run_page("pages/browse.py")
    agg = browse.shot_table(ds, TASK, "agg")
    assert metrics(at)["Positives"] == f"{int(agg['label'].sum()):,}"
    at.selectbox(key="browse_source").set_value("cmp random").run()
    cmp = browse.shot_table(ds, TASK, "cmp random")
    m = metrics(at)
    assert m["Positives"] == f"{int(cmp['label'].sum()):,}"
    assert m["Negatives"] == f"{int((~cmp['label']).sum()):,}"
    assert m["Positive rate"] == f"{cmp['label'].mean():.1%}" and "Agreement" not in m


@pytest.fixture
def random_list_without_votes(copy_of_demo, monkeypatch):
    """A copy of the demo whose cmp random list of TASK holds only shots outside agg."""
    ds = Dataset(copy_of_demo)
    voted = set(ds.agg_votes(TASK).table["key"])
    path = copy_of_demo / "cmp" / f"{TASK}.json"
    lists = json.loads(path.read_text())
    lists["random"] = [{"key": k, "value": i % 3 == 0} for i, k in
                       enumerate(k for k in ds.shots["key"] if k not in voted) if i < 60]
    path.write_text(json.dumps(lists))
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    return ds


def test_browse_shows_vote_columns_only_where_the_source_has_votes(random_list_without_votes):
    ds = random_list_without_votes
    at = run_page("pages/browse.py")
    names = sorted(ds.agg_votes(TASK).annotators)
    order = list(at.dataframe[0].proto.column_order)
    assert [c for c in order if c in names] == names  # by name, the primary marked
    assert {"agg", "pos_cnt"} <= set(order)
    at.selectbox(key="browse_source").set_value("cmp random").run()
    assert not set(at.dataframe[0].proto.column_order) & {*names, "agg", "pos_cnt"}


def test_ap_vs_labels_offers_every_computed_group(ds, tmp_path, monkeypatch):
    from dashboard.experiments import runner

    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    runner.run(ds, "experiment1", ["zoom"])
    at = run_page("pages/experiments.py", "zoom")
    at.session_state["exp_view"] = "All tasks"
    at.run()
    assert at.multiselect(key="exp_groups").value == ["motion"]
    runner.run(ds, "experiment1", [TASK])  # the rest computed, here or by the CLI
    at.run()
    assert at.multiselect(key="exp_groups").value == sorted(["motion", ds.group(TASK)])
    assert "events and actions" in at.multiselect(key="exp_groups").options


def test_compute_button_is_gone_once_results_are_shown(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    at = run_page("pages/experiments.py", "zoom")
    at.button(key="exp_compute_one").click().run()
    assert not at.exception
    assert any("zoom: AP versus number of labels" in c.proto.spec
               for c in at.get("plotly_chart"))
    assert not [b for b in at.button if b.key == "exp_compute_one"]


def _badges(at: AppTest) -> list[str]:
    return [m.value for m in at.sidebar.markdown if "Demo data" in m.value]


def test_clearing_the_data_folder_box_opens_the_demo_with_its_badge(demo_dir, tmp_path,
                                                                    monkeypatch):
    import shutil

    import components.data_source as source

    generated = tmp_path / "demo-4000-0-vtest"  # as the app names its demo, in the cache
    shutil.copytree(demo_dir, generated)
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(source, "_demo_with_progress", lambda: generated)
    monkeypatch.setattr(source, "_shell_checked", False)  # AppTest: app.py around the page
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not _badges(at)  # a configured folder (VA_DATA_DIR), even if generated elsewhere
    monkeypatch.setattr(source, "_shell_checked", False)
    cleared = AppTest.from_file(APP, default_timeout=180)
    cleared.session_state["data_dir"] = ""  # the box as the user left it
    cleared.run()
    assert not cleared.exception, [e.value for e in cleared.exception]
    assert cleared.text_input(key="data_dir").value == str(generated)
    assert _badges(cleared) and not cleared.error


def test_thumbnails_are_off_by_default_when_they_cannot_load(ds, monkeypatch):
    import components.data_source as source

    monkeypatch.setattr(source, "_thumbnail_host_answers", lambda: False)
    at = run_page("pages/browse.py")
    assert not at.toggle(key="browse_thumbnails").value
    assert "thumbnail" not in at.dataframe[0].proto.column_order
    at.toggle(key="browse_thumbnails").set_value(True).run()
    assert "thumbnail" in at.dataframe[0].proto.column_order
    monkeypatch.setattr(source, "_thumbnail_host_answers", lambda: True)
    assert source.thumbnails_load(ds.root)  # a real folder, YouTube reachable
    assert not source.thumbnails_load(source.config.cache_dir() / "demo-20000-0-v3")


def test_agreement_one_annotator_order_and_the_task_highlighted(ds):
    at = run_page("pages/agreement.py")
    names = sorted(ds.agg_votes(TASK).annotators)
    disputed = next(d for d in at.dataframe if "open" in d.value.columns)
    assert [c for c in disputed.proto.column_order if c in names] == names
    at.session_state["agreement_view"] = "Across tasks"
    at.run()
    ranked = next(c for c in at.get("plotly_chart") if "Tasks ranked by" in c.proto.spec)
    assert "<b>car chase</b>" in json.loads(ranked.proto.spec)["layout"]["yaxis"]["ticktext"]


def test_train_roc_marks_the_threshold_point(ds):
    at = run_page("pages/train.py")
    at.slider(key="train_threshold").set_value(0.3).run()
    at.session_state["train_view"] = "ROC"
    at.run()
    roc = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert roc["data"][-1]["name"] == "threshold 0.30"
    recall = float(metrics(at)["Recall"])  # shown with 3 decimals
    assert abs(roc["data"][-1]["y"][0] - recall) < 5e-4


def test_search_by_example_leaves_the_shot_out_and_ties_share_a_rank(ds):
    at = run_page("pages/search.py")
    at.session_state["search_view"] = "Query by example"
    at.run()
    near = at.dataframe[0].value
    assert ds.shots["key"].iloc[0] not in set(near["key"]) and len(near) == 20
    assert near["rank"].tolist() == near["score"].rank(method="min", ascending=False).tolist()
    assert competition_rank(pd.Series([0.9, 0.7, 0.7, 0.1])).tolist() == [1, 2, 2, 4]


def test_uploaded_embedding_scores_are_rounded_and_narrow(ds):
    import io

    import numpy as np

    buf = io.BytesIO()
    np.save(buf, ds.embeddings[:2])
    at = run_page("pages/search.py")
    at.session_state["search_upload"] = ("mine.npy", buf.getvalue())
    at.session_state["search_view"] = "Your embeddings"
    at.run()
    assert not at.exception
    frame = at.dataframe[-1]
    columns = json.loads(frame.proto.columns)
    assert columns[TASK]["width"] == 80 and columns[TASK]["label"] == "car chase"
    shown = frame.proto.arrow_data.styler.display_values  # the cells as drawn
    assert f"{frame.value[TASK].iloc[0]:.3f}".encode() in shown
    assert f"{frame.value[TASK].iloc[0]:.6f}".encode() not in shown


@pytest.mark.parametrize("page", ["overview", "browse", "agreement", "checkpoints",
                                  "experiments", "train", "search", "annotate"])
def test_each_page_opens_with_one_sentence_on_what_it_shows(demo_dir, page):
    at = run_page(f"pages/{page}.py")
    children = list(at.main.children.values())
    kinds = [type(c).__name__ for c in children]
    intro = children[kinds.index("Title") + 1]
    assert type(intro).__name__ == "Markdown"
    assert intro.value.endswith(".") and ". " not in intro.value and len(intro.value) > 80
