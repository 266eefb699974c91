"""Which feeds help: the study's table, its agreement with ``simulate``, its cache and CLI."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cli
from dashboard.annotate import study
from dashboard.annotate.simulate import Plan, simulate
from dashboard.annotate.store import default_url, open_store
from dashboard.annotate.study import COLUMNS, STRATEGIES, STUDY, StudyConfig, median_ap
from dashboard.experiments import runner
from dashboard.figures.experiments import BAND, feed_study_medians, feed_study_task
from dashboard.figures.theme import task_label

PAGE = Path(__file__).resolve().parents[2] / "pages" / "experiments.py"
TASK = "zoom"
SMALL = StudyConfig(budget=100, batch=25)


@pytest.fixture(scope="module")
def table(ds):
    return study.study(ds, TASK, SMALL)


def test_one_row_per_strategy_and_batch(table):
    assert list(table.columns) == COLUMNS == [
        "task", "group", "strategy", "batch", "feed", "n_train", "n_pos", "ap_mean", "ap_std",
        "reason"]
    assert list(STRATEGIES) == ["four feeds", "top", "bottom", "borderline", "random",
                                "random only", "zero-shot only"]
    assert table["strategy"].unique().tolist() == list(STRATEGIES)
    assert (table["task"] == TASK).all() and (table["group"] == "motion").all()
    for _, rows in table.groupby("strategy"):
        assert rows["batch"].tolist() == [1, 2, 3, 4]
        assert rows["n_train"].tolist() == [25, 50, 75, 100]
    assert table["ap_mean"].between(0, 1).all() and (table["reason"] == "").all()


def test_each_strategy_takes_its_feeds(table):
    feeds = table.groupby("strategy", sort=False)["feed"].agg(list).to_dict()
    assert feeds["random only"] == ["random"] * 4
    assert feeds["zero-shot only"] == ["search"] * 4
    for feed in ("top", "bottom", "borderline", "random"):  # search until a model exists
        assert feeds[feed][0] == "search" and set(feeds[feed][1:]) == {feed}
    assert feeds["four feeds"] == ["search", "top", "bottom", "borderline"]


def test_the_mix_is_what_simulate_measures(ds, table, tmp_path):
    with open_store(default_url(tmp_path)) as store:
        sim = simulate(ds, store, TASK, Plan(budget=100, batch=25))
    mix = table[table["strategy"] == "four feeds"]
    assert mix["feed"].tolist() == sim["feed"].tolist()
    np.testing.assert_allclose(mix["ap_mean"], sim["ap_mean"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mix["n_pos"], sim["positives"])


def test_a_task_without_a_validation_positive_gives_its_reason(ds):
    table = study.study(ds, "timelapse", SMALL)
    assert table["strategy"].tolist() == list(STRATEGIES)
    assert table["ap_mean"].isna().all()
    assert table["reason"].str.contains("no positive").all()


def test_median_ap_by_hand():
    rows = [("a", "top", 25, 0.2), ("b", "top", 25, 0.4), ("c", "top", 25, 0.9),
            ("a", "top", 50, 0.5), ("a", "four feeds", 25, 0.3), ("b", "four feeds", 25, np.nan)]
    table = pd.DataFrame(rows, columns=["task", "strategy", "n_train", "ap_mean"])
    out = median_ap(table)
    assert out.to_dict("records") == [
        {"strategy": "four feeds", "n_train": 25, "median_ap": 0.3, "tasks": 1},
        {"strategy": "top", "n_train": 25, "median_ap": 0.4, "tasks": 3},
        {"strategy": "top", "n_train": 50, "median_ap": 0.5, "tasks": 1}]


@pytest.mark.parametrize("kwargs, field", [
    (dict(budget=0), "StudyConfig.budget"), (dict(batch=0), "StudyConfig.batch"),
    (dict(strategies=("top", "nope")), "StudyConfig.strategies"),
    (dict(strategies=()), "StudyConfig.strategies")])
def test_config_is_checked(kwargs, field):
    with pytest.raises(ValueError, match=field):
        StudyConfig(**kwargs)


def test_cached_per_task_and_resumed(ds, fresh_cache):
    config = StudyConfig(budget=50, batch=25, strategies=("four feeds", "random only"))
    first = runner.run(ds, STUDY, ["zoom", "pan"], config)
    assert sorted(first.seconds) == ["pan", "zoom"] and first.fits > 0
    folders = list((fresh_cache / "experiments").glob(f"{STUDY}-*"))
    assert len(folders) == 1
    assert sorted(p.name for p in folders[0].iterdir()) == ["pan.parquet", "zoom.parquet"]
    again = runner.run(ds, STUDY, ["zoom", "pan"], config)
    assert again.seconds == {} and again.fits == 0
    pd.testing.assert_frame_equal(first.table, again.table)
    (folders[0] / "pan.parquet").unlink()
    resumed = runner.run(ds, STUDY, ["zoom", "pan"], config)
    assert list(resumed.seconds) == ["pan"]
    pd.testing.assert_frame_equal(first.table, resumed.table)
    assert runner.cached(ds, STUDY, ["zoom"], config)["task"].unique().tolist() == ["zoom"]


def test_cli_study_prints_the_medians_and_reads_the_cache(demo_dir, fresh_cache, tmp_path,
                                                           capsys):
    out = tmp_path / "study.csv"
    args = ["simulate", str(demo_dir), "--study", "--tasks", "pan", "--jobs", "1",
            "--out", str(out)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "1 tasks computed" in printed and "Median AP" in printed
    lines = printed.splitlines()
    header = next(ln for ln in lines if ln.split()[:1] == ["strategy"])
    assert header.split() == ["strategy", "25", "50", "100", "250", "500", "1000"][
        :len(header.split())]
    assert [ln.split()[0] for ln in lines[lines.index(header) + 1:]][:4] == [
        "four", "top", "bottom", "borderline"]
    written = pd.read_csv(out)
    assert list(written.columns) == COLUMNS and set(written["strategy"]) == set(STRATEGIES)
    assert written["n_train"].max() <= 1000
    assert cli.main(args) == 0
    assert "0 tasks computed" in capsys.readouterr().out


def test_cli_simulate_without_study_needs_task_and_budget(demo_dir, capsys):
    assert cli.main(["simulate", str(demo_dir), "--budget", "10"]) == 1
    assert "--task and --budget" in capsys.readouterr().err


def test_page_shows_which_feeds_help_and_computes_a_task(ds, fresh_cache, monkeypatch):
    """The AP vs labels page's "Which feeds help" tab: the median over the cached tasks and
    the chosen task's curves; a task not computed yet has its button (the page runs the
    default configuration, shortened here)."""
    monkeypatch.setitem(runner.EXPERIMENTS, STUDY, (study.study, lambda: SMALL))
    runner.run(ds, STUDY, ["zoom"], SMALL)
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.query_params["task"] = "zoom"
    at.session_state["exp_view"] = "Which feeds help"
    at.run()
    assert not at.exception and not at.error
    assert any(f"feed study is cached for 1 of {len(ds.tasks)}" in c.value for c in at.caption)
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    medians = next(s for s in specs if "median AP over tasks" in s)
    assert all(name in medians for name in STRATEGIES)
    assert any("which feeds help, AP versus labels" in s for s in specs)
    at.selectbox(key="feeds_task").set_value("pan").run()
    assert any(f"feed study of **{task_label('pan')}** is not computed yet" in i.value
               for i in at.info)
    at.button(key="feeds_compute_one").click().run()
    assert not at.exception and not at.error
    assert runner.cached(ds, STUDY, ["pan"], SMALL) is not None
    assert any(f"cached for 2 of {len(ds.tasks)}" in c.value for c in at.caption)


def test_figures_of_the_study(table):
    medians = median_ap(table)
    fig = feed_study_medians(medians)
    assert [t.name for t in fig.data] == list(STRATEGIES)
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    mix = fig.data[0]
    assert list(mix.x) == [25, 50, 75, 100] and list(mix.y) == medians["median_ap"][:4].tolist()
    fig = feed_study_task(table, TASK)
    lines = [t for t in fig.data if t.meta != BAND]
    assert [t.name for t in lines] == list(STRATEGIES)
    assert "which feeds help" in fig.layout.title.text
    assert all("AP" in t.hovertemplate for t in lines)
