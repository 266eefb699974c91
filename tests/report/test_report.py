"""The report: sections chosen, one inlined plotly.js, escaped text, missing results named,
and every number it states equal to the engine's summaries."""
from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest

from dashboard import cli
from dashboard.experiments import runner, summaries
from dashboard.experiments.experiment1 import COMBINED, VA
from dashboard.figures.theme import task_label
from dashboard.live import runs
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import CHECKPOINT, Source
from dashboard.report import (
    Chart,
    Note,
    Report,
    Section,
    Table,
    build_report,
    resolve_sections,
    resolve_tasks,
    to_html,
)
from dashboard.report.document import plotly_js
from dashboard.report.inputs import ReportData

TASKS = ["car-chase", "zoom"]  # both have Experiment 1 in report_cache; car-chase Experiment 2


@pytest.fixture
def cached(report_cache, monkeypatch):
    monkeypatch.setenv("VA_CACHE_DIR", str(report_cache))


def sentences(report: Report, key: str) -> list[str]:
    section = next(s for s in report.sections if s.key == key)
    return [b.sentence if isinstance(b, Chart) else b.text for b in section.blocks
            if not isinstance(b, Table)]


def test_cli_writes_one_file_with_the_chosen_sections(cached, demo_dir, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", str(demo_dir), "--out", str(out), "--tasks", ",".join(TASKS),
                     "--sections", "experiment2,dataset,ap-vs-labels"]) == 0
    page = out.read_text()
    assert re.findall(r'<section id="([^"]+)"', page) == ["dataset", "ap-vs-labels",
                                                          "experiment2"]
    assert page.count(plotly_js()[:200]) == 1  # inlined once, not per chart
    assert "<script src" not in page and "cdn.plot.ly/plotly" not in page.replace(
        plotly_js(), "")
    # dataset: group chart; AP: Fig 7, Fig 9, gains, one curve per task; Experiment 2: lift
    # bars and car-chase's policy curves (a report of three tasks or fewer has them)
    assert page.count('class="plotly-graph-div"') == 1 + 3 + len(TASKS) + 2
    assert "<table>" in page and "Table 2" in page and "Table 3" in page
    assert "Experiment 2 is not computed for 1 of the 2 tasks (zoom)" in page
    assert "zoom" in capsys.readouterr().out  # the CLI lists what is missing


def test_stated_numbers_equal_the_engine_summaries(cached, ds):
    report = build_report(ds, TASKS, ["ap-vs-labels", "experiment2", "model"])
    exp1 = runner.cached(ds, "experiment1", TASKS)
    exp2 = runner.cached(ds, "experiment2", TASKS)

    text = " ".join(sentences(report, "ap-vs-labels"))
    beats = summaries.va_beats(exp1)
    n = beats["n"].max()
    row = beats[(beats["method"] == COMBINED) & (beats["n"] == n)].iloc[0]
    gain = summaries.median_gain_table(exp1).loc["all", n]
    assert (f"beats the combined baseline on {round(row.share * row.tasks)} of {row.tasks} "
            f"tasks at n = {n:,}; median gain {gain:.1f} AP points") in text
    for task, rows in exp1.groupby("task"):
        va = rows[rows["method"] == VA].dropna(subset=["ap_mean"])
        best_n = va["n"].max()
        ap = va.loc[va["n"] == best_n, "ap_mean"].iloc[0]
        assert (f"{task_label(task)}: Video Annotator reaches AP {ap:.3f} at "
                f"n = {int(best_n):,}") in text

    table3 = summaries.lift_percentiles(exp2, exp1).loc[summaries.HEADLINE_PROCESS]
    assert (f"median lift {table3['p50']:+.1f} AP points over the best Video Annotator "
            f"checkpoint across {int(table3['tasks'])} tasks") in " ".join(
        sentences(report, "experiment2"))

    # the current model's AP is Experiment 1's newest checkpoint and the live model's AP
    current = ReportData(ds, ["car-chase"]).current_models.iloc[0]
    live = runs.train_run(ds, "car-chase", Source(CHECKPOINT), ModelSpec())
    assert current["ap_mean"] == pytest.approx(live.quality.ap.mean, abs=1e-9)
    assert f"AP {current['ap_mean']:.3f} ± {current['ap_std']:.3f}" in " ".join(
        sentences(build_report(ds, ["car-chase"], ["model"]), "model"))


def test_sections_say_which_results_are_missing(cached, ds):
    report = build_report(ds, ["pan"], ["ap-vs-labels", "model"])
    for section in report.sections:
        (note,) = section.blocks
        assert note.kind == "missing" and "(pan)" in note.text
        assert f"python -m dashboard experiment1 {ds.root} --tasks pan" in note.text
    assert report.charts == []


def test_every_text_is_escaped():
    report = Report("<b>title</b>", datetime(2026, 1, 2), "<i>data</i>",
                    "f00", ("t",), (Section("s", "<em>s</em>", (
                        Note("<script>alert(1)</script>"),
                        Table(pd.DataFrame({"<c>": ["<img src=x>"]}),
                              "<u>cap</u>"))),))
    page = to_html(report).replace(plotly_js(), "")
    for raw in ("<b>title", "<i>data", "<em>s", "<script>alert", "<c>", "<img src=x>",
                "<u>cap"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x&gt;" in page


def test_tasks_and_sections_are_checked_where_they_enter(ds):
    assert resolve_tasks(ds, "motion") == [t for t in ds.tasks if ds.group(t) == "motion"]
    assert resolve_tasks(ds, "zoom, car-chase") == ["zoom", "car-chase"]  # dataset order
    assert resolve_sections("model,dataset") == ["dataset", "model"]
    with pytest.raises(ValueError, match="nope"):
        resolve_tasks(ds, "zoom,nope")
    with pytest.raises(ValueError, match="charts"):
        resolve_sections("charts")
