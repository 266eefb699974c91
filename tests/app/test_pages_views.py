"""AppTest of the dataset views: overview, browse, agreement, checkpoints."""
from __future__ import annotations

import json
import re

import pytest
from apptest_support import APP, run_page
from streamlit.testing.v1 import AppTest

from components.formatting import plain
from dashboard import Dataset
from dashboard.dataset import browse, config
from dashboard.dataset.summary import group_summary, task_table
from dashboard.experiments import checkpoints
from dashboard.figures.theme import group_label, task_label
from dashboard.method import agreement

PAGES = ["pages/overview.py", "pages/browse.py", "pages/agreement.py", "pages/checkpoints.py"]
TASK = "car-chase"


def shown_count(at: AppTest) -> tuple[int, int]:
    """(shown, total) from the browse page's '<n> of <m> shots' caption."""
    text = next(c.value for c in at.caption if " shots of " in c.value)
    shown, total = re.match(r"([\d,]+) of ([\d,]+) shots", text).groups()
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(demo_dir, page):
    at = run_page(page, TASK)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_overview_groups_and_browse_links(ds):
    at = run_page("pages/overview.py")
    tasks = next(d.value for d in at.dataframe if "browse" in d.value.columns)
    assert tasks.set_index("task").loc[task_label(TASK), "browse"] == f"browse?task={TASK}"
    assert not at.get("plotly_chart")  # the groups' figures: in their tab, drawn once open
    at.session_state["overview_view"] = "Groups"
    at.run()
    groups = next(d.value for d in at.dataframe if "tasks" in d.value.columns)
    expected = group_summary(task_table(ds))
    assert groups["group"].tolist() == expected["group"].map(group_label).tolist()
    assert groups["agreement"].tolist() == pytest.approx(expected["agreement"].tolist())
    at.segmented_control(key="overview_metric").set_value("data_score").run()
    assert not at.exception and "Data diversity score" in at.get("plotly_chart")[0].proto.spec
    at.session_state["overview_view"] = "Tasks"
    at.run()
    at.pills(key="overview_groups").set_value(["motion", "focus"]).run()
    shown = next(d.value for d in at.dataframe if "browse" in d.value.columns)
    assert set(shown["group"]) == {"motion", "focus"}
    assert len(shown) == sum(ds.group(t) in ("motion", "focus") for t in ds.tasks)


def test_browse_url_selects_task(ds):
    task = ds.tasks[5]
    at = run_page("pages/browse.py", task)
    assert at.selectbox(key="browse_task").value == task
    assert at.title[0].value.endswith(task_label(task))
    assert at.query_params["task"] == task
    assert metrics(at)["Agreement"] == f"{ds.agg_votes(task).agreement:.1%}"


def test_browse_filters_change_row_counts(ds):
    table = browse.shot_table(ds, TASK, "agg")
    at = run_page("pages/browse.py", TASK)
    assert shown_count(at) == (len(table), len(table))
    for kind in ("positive", "negative", "unanimous", "disputed"):
        at.segmented_control(key="browse_filter").set_value(kind).run()
        assert shown_count(at)[0] == len(browse.filter_shots(table, kind)), kind
    at.segmented_control(key="browse_filter").set_value("all").run()
    genre = table["genre"].value_counts().index[0]
    at.multiselect(key="browse_genres").set_value([genre]).run()
    assert shown_count(at)[0] == (table["genre"] == genre).sum()
    at.multiselect(key="browse_genres").set_value([]).run()
    key = table["key"].iloc[3]
    at.text_input(key="browse_search").input(key).run()
    assert shown_count(at)[0] == 1
    assert at.dataframe[0].value["key"].tolist() == [key]


def test_browse_sources_paging_and_thumbnails(ds, monkeypatch):
    import components.data_source

    monkeypatch.setattr(components.data_source, "_thumbnail_host_answers", lambda: True)
    at = run_page("pages/browse.py", TASK)
    assert at.selectbox(key="browse_source").options == browse.sources(ds, TASK)
    at.selectbox(key="browse_source").set_value("cmp random").run()
    n = len(ds.cmp(TASK).random)
    assert shown_count(at) == (n, n)
    assert len(at.dataframe[0].value) == min(n, 50)
    assert "thumbnail" in at.dataframe[0].proto.column_order
    at.toggle(key="browse_thumbnails").set_value(False).run()
    assert "thumbnail" not in at.dataframe[0].proto.column_order
    last = browse.n_pages(n, 50)
    at.number_input(key="browse_page").set_value(last).run()
    assert len(at.dataframe[0].value) == n - 50 * (last - 1)
    assert at.download_button(key="browse_csv") is not None


@pytest.mark.parametrize("source", [None, "cmp random", "checkpoint 2"])
def test_browse_source_and_search_from_url(ds, source):
    labels = browse.source_labels(ds, TASK, source or "agg")
    key = labels.index[-1]
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["task"] = TASK
    at.query_params["search"] = key
    if source:
        at.query_params["source"] = source
    at.switch_page("pages/browse.py")
    at.run()
    assert at.selectbox(key="browse_source").value == (source or "agg")
    assert at.query_params["source"] == (source or "agg")
    assert shown_count(at) == (1, len(labels))


def test_agreement_values_match_core(ds):
    at = run_page("pages/agreement.py", TASK)
    stats = agreement.task_stats(ds.agg_votes(TASK))
    m = metrics(at)
    assert m["Unanimity (paper)"] == f"{ds.agg_votes(TASK).agreement:.1%}"
    assert m["Fleiss' kappa"] == f"{stats['fleiss_kappa']:.3f}"
    assert m["Krippendorff's alpha"] == f"{stats['krippendorff_alpha']:.3f}"
    assert m["Gwet's AC1"] == f"{stats['gwet_ac1']:.3f}"
    disputed = next(d.value for d in at.dataframe if "open" in d.value.columns)
    assert len(disputed) == len(browse.filter_shots(browse.shot_table(ds, TASK, "agg"),
                                                    "disputed"))
    assert disputed["open"].iloc[0] == f"browse?task={TASK}&search=" + \
        disputed["key"].iloc[0].replace("|", "%7C")
    assert len(at.get("plotly_chart")) == 2  # this task's tab only: Cohen heatmap, annotators
    at.session_state["agreement_view"] = "Across tasks"
    at.run()
    assert len(at.get("plotly_chart")) == 4 and not at.get("metric")
    at.segmented_control(key="agreement_stat").set_value("gwet_ac1").run()
    assert not at.exception


@pytest.fixture
def no_positive_task(copy_of_demo, monkeypatch):
    """A copy of the demo where the first task has no positive vote at all."""
    task = Dataset(copy_of_demo).tasks[0]
    path = copy_of_demo / "agg" / f"{task}.json"
    raw = json.loads(path.read_text())
    for item in raw["data"]:
        item.update(primary=False, agg=False, pos_cnt=0,
                    secondaries={k: False for k in item["secondaries"]})
    path.write_text(json.dumps(raw))
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    return task


def test_agreement_undefined_kappa_shows_dash(no_positive_task):
    at = run_page("pages/agreement.py", no_positive_task)
    assert not at.exception
    m = metrics(at)
    assert m["Unanimity (paper)"] == "100.0%"
    assert m["Fleiss' kappa"] == "—" and m["Krippendorff's alpha"] == "—"
    assert m["Gwet's AC1"] == "1.000"


def test_checkpoints_compute_then_reopen_from_disk(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))  # cold: other tests may fill the cache
    at = run_page("pages/checkpoints.py", TASK)
    assert any("Not computed yet" in i.value for i in at.info)
    at.button(key="checkpoints_compute").click().run()
    assert not at.exception
    result = checkpoints.cached_aps(ds, TASK, config.cache_dir())
    assert result is not None and result.error == ""
    m = metrics(at)
    assert m["Last checkpoint AP"] == f"{result.table['ap_mean'].iloc[-1]:.3f}"
    assert m["Positive rate"] == f"{result.no_skill.positive_rate:.3f}"
    assert m["Random scorer AP"] == f"{result.no_skill.random_scorer:.3f}"
    assert "baseline" not in " ".join(m).lower()
    again = run_page("pages/checkpoints.py", TASK)  # a new session: read from disk, no button
    assert metrics(again) == m
    assert not any("Not computed yet" in i.value for i in again.info)
    diffs = next(d.value for d in again.dataframe if "removed" in d.value.columns)
    assert len(diffs) == len(ds.checkpoints(TASK)) - 1
    changed = next(d.value for d in again.dataframe if "change" in d.value.columns)
    last = len(ds.checkpoints(TASK))
    assert changed["open"].iloc[0] == (f"browse?task={TASK}&source=checkpoint+{last}&search="
                                       + changed["key"].iloc[0].replace("|", "%7C"))


def test_checkpoints_no_validation_positive_is_a_message(no_positive_task, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    at = run_page("pages/checkpoints.py", no_positive_task)
    at.button(key="checkpoints_compute").click().run()
    assert not at.exception
    assert any("no positive" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES[1:])
def test_broken_task_file_is_an_error_in_the_page(copy_of_demo, monkeypatch, page):
    task = Dataset(copy_of_demo).tasks[0]
    (copy_of_demo / "agg" / f"{task}.json").write_text("[1, 2")
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    at = run_page(page, task)
    assert not at.exception
    assert any(f"{task}.json" in e.value for e in at.error)


def test_checkpoints_compute_all_tasks(ds, tmp_path, monkeypatch):
    """The across-tasks button computes every missing task (a fast stand-in for the fits)."""
    import pandas as pd

    def fake(ds, task, progress=None):
        progress(1.0, "done")
        return checkpoints.CheckpointAPs(task, pd.DataFrame(
            {"checkpoint": [1, 2], "n_train": [10, 20], "n_pos": [3, 6], "ap_mean": [0.8, 0.6],
             "ap_std": [0.1, 0.1], "reason": ["", ""]}), 0.5, 0.05,
            checkpoints.NoSkill(0.3, 0.34, 0.05))

    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(checkpoints, "compute_aps", fake)
    at = run_page("pages/checkpoints.py", TASK)
    assert any("No task computed yet" in i.value for i in at.info)
    at.button(key="checkpoints_compute_all").click().run()
    assert not at.exception
    lvb = checkpoints.last_vs_best(ds, tmp_path)
    assert len(lvb) == len(ds.tasks)
    assert (lvb["best_checkpoint"] == 1).all() and (lvb["last_ap"] == 0.6).all()
    assert not any("No task computed yet" in i.value for i in at.info)


def test_unreadable_data_folder_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    """A folder the app may not read (faked: tests may run as root, who reads anything)."""
    import components.data_source

    folder = tmp_path / "locked"
    folder.mkdir()

    def refuse(path):
        if str(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(folder / "agg"))
        return real(path)
    real = components.data_source.fingerprint_of
    monkeypatch.setattr(components.data_source, "fingerprint_of", refuse)
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["data_dir"] = str(folder)  # as if typed into the sidebar
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and all(e.value == f"Cannot open the dataset. {folder / 'agg'}: "
                                       "Permission denied" for e in at.error)


@pytest.mark.parametrize("page", PAGES[1:])
def test_dataset_without_tasks_names_the_agg_folder(copy_of_demo, monkeypatch, page):
    for path in (copy_of_demo / "agg").glob("*.json"):
        path.unlink()
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert any(plain(f"no task files in {copy_of_demo / 'agg'}") in e.value for e in at.error)


def test_checkpoints_page_empty_checkpoint_list_is_a_warning(copy_of_demo, tmp_path,
                                                             monkeypatch):
    (copy_of_demo / "checkpoints" / f"{TASK}.json").write_text("[]")
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    at = run_page("pages/checkpoints.py", TASK)
    at.button(key="checkpoints_compute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no checkpoints" in w.value for w in at.warning)


def test_checkpoints_page_without_text_embeddings_says_why(copy_of_demo, tmp_path,
                                                           monkeypatch):
    (copy_of_demo / "text-embeddings.json").write_text("{")
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    from dashboard.experiments import task_fits
    from dashboard.method.training import TrainingResult

    monkeypatch.setattr(task_fits, "fit_and_score",  # the fits are not the point here
                        lambda train, val, seed: TrainingResult(len(train), 0, None, "skipped"))
    at = run_page("pages/checkpoints.py", TASK)
    at.button(key="checkpoints_compute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No zero-shot reference" in c.value and "text-embeddings.json" in c.value
               for c in at.caption)


def test_browse_writes_no_csv_until_a_download(demo_dir, monkeypatch):
    import pandas as pd

    def refuse(*args, **kwargs):
        raise AssertionError("a CSV was written on a rerun")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    at = run_page("pages/browse.py", TASK)
    assert not at.exception, [e.value for e in at.exception]


def test_checkpoint_results_are_read_again_only_when_the_cache_changes(ds, tmp_path,
                                                                       monkeypatch):
    import pandas as pd

    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    reads = []
    real = checkpoints.cached_aps
    monkeypatch.setattr(checkpoints, "cached_aps",
                        lambda *a, **k: reads.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(checkpoints, "compute_aps", lambda ds, task, progress=None:
                        checkpoints.CheckpointAPs(task, pd.DataFrame(
                            {"checkpoint": [1], "n_train": [10], "n_pos": [3],
                             "ap_mean": [0.75], "ap_std": [0.1], "reason": [""]}),
                            0.5, 0.05, checkpoints.NoSkill(0.3, 0.34, 0.05)))
    at = run_page("pages/checkpoints.py", TASK)
    assert reads and any("Not computed yet" in i.value for i in at.info)
    reads.clear()
    at.run()
    assert reads == []  # a rerun reads no JSON
    checkpoints.checkpoint_aps(ds, TASK, tmp_path)  # computed elsewhere (CLI, other session)
    reads.clear()
    at.run()
    assert not at.exception and metrics(at)["Last checkpoint AP"] == "0.750"
    assert TASK in reads


@pytest.mark.parametrize("text, shown", [
    ("agg/car-chase.json: malformed JSON", "agg/car-chase.json: malformed JSON"),
    ("/tmp/my_data/agg (one file per task)", "/tmp/my_data/agg (one file per task)"),
    ("[x](http://e.com) ![i](a.png)", r"\[x\](http:\/\/e.com) !\[i\](a.png)"),
    ("**b** _i_ `c` $x$ <b> ~s~ &amp;", r"\*\*b\*\* \_i\_ \`c\` \$x\$ \<b> \~s\~ \&amp;"),
    ("# h\n- item :material/home: www.e.com", r"\# h - item :material\/home: www\.e.com"),
    ("1. first", r"1\. first"),
])
def test_plain_text_escapes_what_markdown_would_read(text, shown):
    from components.formatting import code, plain

    assert plain(text) == shown
    assert code("a`b") == "`a'b`"


@pytest.mark.parametrize("page, key", [("pages/browse.py", "browse_task"),
                                       ("pages/agreement.py", "agreement_task"),
                                       ("pages/checkpoints.py", "checkpoints_task"),
                                       ("pages/train.py", "train_task")])
def test_picking_another_task_is_not_undone_by_the_url(ds, page, key):
    at = run_page(page, TASK)
    assert at.selectbox(key=key).value == TASK and at.query_params["task"] == TASK
    other = next(t for t in ds.tasks if t != TASK and ds.group(t) == ds.group(TASK))
    at.selectbox(key=key).set_value(other).run()
    assert not at.exception
    assert at.selectbox(key=key).value == other and at.query_params["task"] == other
    at.run()  # and it stays
    assert at.selectbox(key=key).value == other
