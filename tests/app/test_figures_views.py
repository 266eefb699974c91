"""Every figure of the dataset views has a title, axis titles with units and hover text."""
import numpy as np
import pandas as pd
import pytest

from dashboard.dataset import browse, summary
from dashboard.experiments import checkpoints
from dashboard.experiments.experiment1 import NoSkill
from dashboard.figures import theme
from dashboard.figures import views as fv
from dashboard.figures.theme import group_label, task_label
from dashboard.method import agreement


@pytest.fixture(scope="module")
def figures(ds, tmp_path_factory):
    task = "car-chase"
    table = summary.agreement_table(ds)
    quality = summary.annotator_quality(ds)
    agg = ds.agg_votes(task)
    shots = browse.shot_table(ds, task, "agg")
    aps = pd.DataFrame({"checkpoint": [1, 2], "n_train": [20, 40], "n_pos": [5, 9],
                        "ap_mean": [0.5, np.nan], "ap_std": [0.1, np.nan],
                        "reason": ["", "one class only"]})
    lvb = pd.DataFrame({"task": ["a"], "group": ["motion"], "last_checkpoint": [3],
                        "last_ap": [0.7], "best_checkpoint": [2], "best_ap": [0.8],
                        "zero_shot_ap": [0.5], "positive_rate": [0.3],
                        "random_scorer_ap": [0.34]})
    tasks = table.rename(columns={"unanimity": "agreement"})
    return {
        "distribution": fv.group_distribution(tasks, "agreement", "Agreement (% of shots)"),
        "genre": fv.positive_rate_by_genre(browse.positive_rate_by_genre(shots), task, "agg"),
        "cohen": fv.cohen_heatmap(agreement.pairwise_cohen(agg), task),
        "annotators": fv.annotator_bars(agreement.annotator_table(agg), task),
        "ranked": fv.ranked_agreement(table, "gwet_ac1"),
        "scatter": fv.agreement_vs_pos_rate(table, "unanimity"),
        "by_group": fv.agreement_by_group(table, "fleiss_kappa"),
        "quality": fv.annotator_quality(quality),
        "timeline": fv.checkpoint_timeline(checkpoints.timeline(ds, task), task),
        "ap": fv.checkpoint_ap(aps, 0.6, NoSkill(0.3, np.nan, np.nan), task),
        "last_vs_best": fv.last_vs_best(lvb),
    }


@pytest.mark.parametrize("name", ["distribution", "genre", "cohen", "annotators", "ranked",
                                  "scatter", "by_group", "quality", "timeline", "ap",
                                  "last_vs_best"])
def test_figure_is_labelled(figures, name):
    fig = figures[name]
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    if name != "cohen":  # both axes of the heatmap are annotators, its scale is the colour bar
        assert "(" in fig.layout.xaxis.title.text + fig.layout.yaxis.title.text  # unit or range
    assert fig.data and all(t.hovertemplate for t in fig.data)


def test_ranked_chart_shows_every_task_in_order(ds, figures):
    fig = figures["ranked"]
    assert fig.layout.yaxis.dtick == 1
    order = list(fig.layout.yaxis.categoryarray)
    assert sorted(order) == sorted(task_label(t) for t in ds.tasks)
    values = summary.agreement_table(ds).set_index("task")["gwet_ac1"]
    values.index = values.index.map(task_label)
    assert list(values[order]) == sorted(values)


def test_ranked_chart_highlights_the_selected_task(ds):
    fig = fv.ranked_agreement(summary.agreement_table(ds), "unanimity", highlight="car-chase")
    widths = {y: w for t in fig.data for y, w in zip(t.y, t.marker.line.width)}
    assert widths.pop("car chase") > 0 and not any(widths.values())
    assert "<b>car chase</b>" in fig.layout.yaxis.ticktext
    assert sum(text.startswith("<b>") for text in fig.layout.yaxis.ticktext) == 1


def test_groups_have_the_theme_colours_and_names(ds, figures):
    colours = {t.name: t.marker.color for t in figures["ranked"].data}
    assert colours["shot types"] == theme.group_color("shot_types")
    assert {t.name for t in figures["by_group"].data} == {group_label(ds.group(t))
                                                           for t in ds.tasks}


def test_one_annotator_order_on_every_chart(ds, figures):
    order = sorted(ds.agg_votes("car-chase").annotators)
    assert list(figures["cohen"].data[0].x) == list(figures["cohen"].data[0].y) == order
    assert [x.split(" ")[0] for x in figures["annotators"].data[0].x] == order
    assert figures["quality"].layout.xaxis.categoryorder == "category ascending"


def test_genre_bars_show_counts():
    rates = pd.DataFrame({"genre": ["drama", "horror"], "shots": [1200, 3],
                          "positives": [300, 1], "pos_rate": [0.25, 1 / 3]})
    assert list(fv.positive_rate_by_genre(rates, "t", "agg").data[0].text) == \
        ["300 of 1,200", "1 of 3"]


def test_undefined_kappa_cell_shows_a_dash():
    m = pd.DataFrame([[1.0, np.nan], [np.nan, 1.0]], index=["A", "B"], columns=["A", "B"])
    assert fv.cohen_heatmap(m, "t").data[0].text[0][1] == "—"


def test_ap_figure_reference_lines(figures):
    names = [t.name for t in figures["ap"].data]
    assert names == ["Video Annotator", "Zero-shot", "Positive rate"]  # NaN levels left out
    one = pd.DataFrame({"checkpoint": [1], "n_train": [20], "n_pos": [5], "ap_mean": [0.5],
                        "ap_std": [0.1]})
    both = fv.checkpoint_ap(one, np.nan, NoSkill(0.3, 0.34, 0.05), "t")
    assert [t.name for t in both.data] == ["Video Annotator", "Random scorer AP",
                                           "Positive rate"]


def test_text_from_data_files_is_escaped():
    rates = pd.DataFrame({"genre": ["<b>x</b>"], "shots": [2], "positives": [1],
                          "pos_rate": [0.5]})
    assert fv.positive_rate_by_genre(rates, "t", "agg").data[0].x[0] == "&lt;b&gt;x&lt;/b&gt;"
    m = pd.DataFrame([[1.0]], index=["<i>A"], columns=["<i>A"])
    assert fv.cohen_heatmap(m, "t").data[0].y[0] == "&lt;i&gt;A"
