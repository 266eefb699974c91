"""AppTest of the Report page (compute what is missing, build, download) and of the Embedding
map page (every colouring)."""
from __future__ import annotations

import re

import pytest
from apptest_support import run_page

from dashboard import Dataset
from dashboard.experiments import runner
from dashboard.figures.theme import task_label


def test_report_page_computes_what_is_missing_then_builds_the_file(report_cache, demo_dir,
                                                                   monkeypatch):
    monkeypatch.setenv("VA_CACHE_DIR", str(report_cache))
    task = "handheld"  # not in report_cache: the page offers to compute it
    at = run_page("pages/report.py")
    at.segmented_control(key="report_scope").set_value("One task").run()
    at.selectbox(key="report_task").set_value(task).run()
    at.multiselect(key="report_sections").set_value(["ap-vs-labels", "dataset"]).run()
    assert [i.value for i in at.info] == ["Experiment 1 is not computed for 1 of these 1 "
                                          "tasks; without it the report says what is missing."]
    at.button(key="report_experiment1").click().run()
    assert not at.exception and not at.info
    assert runner.cached(Dataset(demo_dir), "experiment1", [task]) is not None

    at.button(key="report_build").click().run()
    assert not at.exception
    html = at.session_state["report_html"][1]
    assert re.findall(r'<section id="([^"]+)"', html) == ["dataset", "ap-vs-labels"]
    assert f"{task_label(task)}: Video Annotator reaches AP" in html
    assert [d.label for d in at.get("download_button")][0] == "Report (HTML)"
    at.selectbox(key="report_task").set_value("zoom").run()  # another choice: build again
    assert "build again" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("color_by", ["label", "agreement", "score"])
def test_embedding_map_page_draws_each_colouring(demo_dir, color_by):
    at = run_page("pages/embedding_map.py", "car-chase")
    at.segmented_control(key="map_color").set_value(color_by).run()
    assert not at.exception and not at.warning
    assert at.title[0].value == "Embedding map: car chase"
    assert len(at.get("plotly_chart")) == 1
    assert any("select some with the lasso or box tool" in c.value for c in at.caption)
