"""Running experiments over tasks: the disk cache, the Dask backend, the CLI and the page."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import Dataset, cli
from dashboard.experiments import runner, summaries
from dashboard.experiments.experiment1 import Exp1Config
from dashboard.experiments.experiment2 import Exp2Config
from dashboard.experiments.results_cache import ResultsCache

TASKS = ["zoom", "pan", "timelapse"]  # two cheap tasks and one whose split has no val positive
SMALL = Exp1Config(ns=(25, 100))
PAGE = Path(__file__).resolve().parents[2] / "pages" / "experiments.py"


def test_cache_is_reused_and_invalidated_by_changed_data(copy_of_demo, fresh_cache):
    """Also through worker processes, which outlive a run and must not keep old data."""
    tasks = ["zoom", "pan"]  # each worker reads text-embeddings.json for its task
    first = runner.run(Dataset(copy_of_demo), "experiment1", tasks, SMALL, jobs=2)
    assert sorted(first.seconds) == sorted(tasks) and first.fits > 0
    again = runner.run(Dataset(copy_of_demo), "experiment1", tasks, SMALL, jobs=2)
    assert again.seconds == {} and again.fits == 0
    pd.testing.assert_frame_equal(first.table, again.table)

    text = copy_of_demo / "text-embeddings.json"
    raw = json.loads(text.read_text())
    raw["zoom"] = [-v for v in raw["zoom"]]
    text.write_text(json.dumps(raw))
    changed = Dataset(copy_of_demo)
    assert runner.cached(changed, "experiment1", tasks, SMALL) is None
    redone = runner.run(changed, "experiment1", tasks, SMALL, jobs=2)
    assert sorted(redone.seconds) == sorted(tasks)

    def zero_shot(table):
        return table.query("task == 'zoom' and method == 'zero-shot scorer'").ap_mean.iloc[0]
    assert zero_shot(redone.table) != pytest.approx(zero_shot(first.table))


def test_interrupted_run_resumes(ds, fresh_cache):
    def stop_after_first(done, total, task):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(ds, "experiment1", TASKS, SMALL, progress=stop_after_first)
    resumed = runner.run(ds, "experiment1", TASKS, SMALL)
    assert len(resumed.seconds) == len(TASKS) - 1
    assert sorted(resumed.table["task"].unique()) == sorted(TASKS)


def test_dask_cluster_gives_the_local_table(ds, tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path / "local"))
    local = runner.run(ds, "experiment1", TASKS, SMALL).table
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path / "dask"))
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = runner.run(ds, "experiment1", TASKS, SMALL, jobs=2,
                                       backend="dask", scheduler=cluster.scheduler_address)
    assert len(remote.seconds) == len(TASKS)
    pd.testing.assert_frame_equal(local, remote.table)


def test_cli_runs_caches_and_exports(demo_dir, fresh_cache, tmp_path, capsys):
    out = tmp_path / "exp1.csv"
    args = ["experiment1", str(demo_dir), "--tasks", "zoom,timelapse", "--jobs", "1",
            "--out", str(out)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "2 tasks computed" in printed and "Table 2" in printed and "Fig 7" in printed
    assert set(pd.read_csv(out)["task"]) == {"zoom", "timelapse"}
    assert cli.main(args) == 0
    assert "0 tasks computed" in capsys.readouterr().out
    assert cli.main(["experiment1", str(demo_dir), "--tasks", "nope"]) == 1


def _page(view: str = "One task") -> AppTest:
    """The page, opened on its tab ``view``."""
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["exp_view"] = view
    return at


def _steps(task: str = "zoom") -> pd.DataFrame:
    """Two cached Experiment 2 runs of two steps each."""
    return pd.DataFrame({"task": task, "group": "motion",
                         "policy": ["round-robin"] * 2 + ["ucb-0.01"] * 2, "step": [0, 1] * 2,
                         "choice": ["agg", "zero_shot"] * 2, "ap_mean": [.5, .6, .55, .7],
                         "ap_std": 0.0, "n_train": [25, 50] * 2, "n_pos": [5, 9] * 2,
                         "reason": ""}).astype({"step": "Int64"})


def _captions(at) -> str:
    return " | ".join(c.value for c in at.caption)


def test_page_renders_from_the_cache_and_computes_on_demand(ds, fresh_cache):
    runner.run(ds, "experiment1", ["zoom"])
    ResultsCache("experiment2", ds.fingerprint, Exp2Config()).save("zoom", _steps())
    at = _page()
    at.query_params["task"] = "zoom"
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 2  # the task's Experiment 1 and 2 curves
    at.session_state["exp_view"] = "All tasks"  # drawn only once open
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 4  # Fig 7, Fig 9, gains per task, UCB lift per task
    assert "Experiment 1 is cached for 1 of" in _captions(at)
    assert "Experiment 2 (the authors' seven policies) is cached for 1 of" in _captions(at)
    table3 = at.dataframe[1].value  # Table 3 from the cached steps, the authors' grouping
    assert list(table3.index) == ["round-robin", "UCB (best of c = 0.01, 0.1)"]
    assert "Experiment 1 + 2 (UCB (best of c = 0.01, 0.1))" in set(at.dataframe[2].value.method)

    at.session_state["exp_view"] = "One task"
    at.query_params["task"] = "pan"
    at.run()
    assert not at.exception
    assert any("Experiment 1 for **pan** is not computed yet" in i.value for i in at.info)
    at.button(key="exp_compute_one").click().run()
    assert not at.exception and not at.error
    assert runner.cached(ds, "experiment1", ["pan"]) is not None
    assert not any("Experiment 1 for **pan**" in i.value for i in at.info)
    assert any("Experiment 2 for **pan** is not computed yet" in i.value for i in at.info)
    at.session_state["exp_view"] = "All tasks"
    at.run()
    assert "Experiment 1 is cached for 2 of" in _captions(at)


def test_page_reports_a_task_without_validation_positive(ds, fresh_cache):
    runner.run(ds, "experiment1", ["timelapse"])
    at = _page()
    at.query_params["task"] = "timelapse"
    at.run()
    assert not at.exception
    assert any("validation split" in e.value for e in at.error)


def test_page_names_a_broken_file_without_traceback(copy_of_demo, fresh_cache):
    (copy_of_demo / "cmp" / "zoom.json").write_text("{not json")
    (copy_of_demo / "text-embeddings.json").write_text("[]")
    at = _page()
    at.session_state["data_dir"] = str(copy_of_demo)
    at.query_params["task"] = "zoom"
    at.run()
    at.button(key="exp_compute_one").click().run()
    assert not at.exception
    assert any("cmp/zoom.json" in e.value for e in at.error)
    at.query_params["task"] = "pan"
    at.run()
    at.button(key="exp_compute_one").click().run()
    assert not at.exception and not at.error
    assert any("text-embeddings.json" in w.value for w in at.warning)


def test_page_reruns_read_no_results_and_show_a_new_run(ds, fresh_cache, monkeypatch):
    runner.run(ds, "experiment1", ["zoom"])
    at = _page("All tasks")
    at.query_params["task"] = "zoom"
    at.run()
    assert not at.exception and "1 of" in at.caption[0].value
    reads = []
    real = pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    summarised = []
    real_tables = summaries.page_tables
    monkeypatch.setattr(summaries, "page_tables",
                        lambda *a: summarised.append(1) or real_tables(*a))
    at.run()
    assert not at.exception and reads == [] and summarised == []  # nothing read or summarised
    runner.run(ds, "experiment1", ["pan"])  # as the CLI or another session would
    at.run()
    assert not at.exception and "2 of" in at.caption[0].value
    assert summarised == [1]
    at.multiselect(key="exp_groups").set_value(["motion"]).run()
    assert not at.exception


def test_page_tables_are_the_single_summaries(ds, fresh_cache):
    exp1 = runner.run(ds, "experiment1", ["zoom", "pan"], SMALL).table
    steps = _steps()
    tables = summaries.page_tables(exp1, None)
    assert "table3" not in tables and tables["exp1_tasks"] == 2
    pd.testing.assert_frame_equal(tables["table2"], summaries.median_gain_table(exp1))
    gains = summaries.task_gains(exp1)
    pd.testing.assert_frame_equal(tables["gains"], gains[gains["n"] == 100])
    with_exp2 = summaries.page_tables(exp1, steps)
    assert with_exp2["exp2_tasks"] == 1
    pd.testing.assert_frame_equal(with_exp2["table3"], summaries.lift_percentiles(steps, exp1))
    pd.testing.assert_frame_equal(with_exp2["lifts"], summaries.table3_lifts(steps, exp1))
    pd.testing.assert_frame_equal(with_exp2["cumulative"],
                                  summaries.cumulative_gain(steps, exp1))


def test_page_computes_experiment2_for_a_task_with_the_cli_cache(ds, fresh_cache, monkeypatch):
    """The button runs the default configuration into the cache the CLI reads (shortened
    here to two steps) and the page then draws the task's processes."""
    short = Exp2Config(max_labels=50, policies=("round-robin", "ucb-0.1"))
    monkeypatch.setitem(runner.EXPERIMENTS, "experiment2",
                        (runner.EXPERIMENTS["experiment2"][0], lambda: short))
    at = _page()
    at.query_params["task"] = "pan"
    at.run()
    assert any("Experiment 2 for **pan** is not computed yet" in i.value for i in at.info)
    at.button(key="exp2_compute_one").click().run()
    assert not at.exception and not at.error
    steps = runner.cached(ds, "experiment2", ["pan"], short)
    assert steps is not None and list(steps.step[:2]) == [0, 1]
    assert cli_table_columns() <= set(steps.columns)
    fig = next(c for c in at.get("plotly_chart") if "decision processes" in c.proto.spec)
    assert "round-robin" in fig.proto.spec and "ucb-0.1" in fig.proto.spec
    at.session_state["exp_view"] = "All tasks"
    at.run()
    assert at.button(key="exp2_compute_all")  # the other tasks can be computed from here


def cli_table_columns() -> set[str]:
    return {"task", "policy", "step", "choice", "n_train", "n_pos", "ap_mean", "ap_std",
            "reason"}
