"""One Plotly template and one colour per method and per group, on every chart."""
import plotly.io as pio
import pytest

from dashboard.dataset.folder import RANDOM, ZERO_SHOT
from dashboard.dataset.tasks import OTHER_GROUP, TASK_GROUPS
from dashboard.experiments.experiment1 import COMBINED, VA
from dashboard.figures import theme


def test_template_is_registered():
    assert pio.templates[theme.TEMPLATE].layout.font.size == 14


def test_one_distinct_colour_per_method_and_per_group():
    methods = [theme.method_color(m) for m in (VA, RANDOM, ZERO_SHOT, COMBINED)]
    assert len(set(methods)) == 4
    groups = [theme.group_color(g) for g in TASK_GROUPS]
    assert len(set(groups)) == len(TASK_GROUPS) and not set(groups) & set(methods)
    assert theme.group_color("a group made in the app") == theme.group_color(OTHER_GROUP)


def test_names_as_people_write_them():
    assert theme.task_label("car-chase") == "car chase"
    assert theme.task_label("sci-fi") == "sci-fi"
    assert theme.task_label("extreme-close-up") == "extreme close-up"
    assert theme.task_label("my_task") == "my task"
    assert theme.group_label("shot_types") == "shot types"
    assert theme.group_label("events_actions") == "events and actions"
    assert theme.method_label(VA) == "Video Annotator"


def test_every_figure_module_draws_in_the_template_whatever_the_default(monkeypatch):
    """Importing Streamlit makes its own template the default: figures must not rely on it."""
    import numpy as np
    import pandas as pd

    from dashboard.figures import annotate as figures_annotate
    from dashboard.figures import experiments as figures_experiments
    from dashboard.figures import train as figures_train
    from dashboard.figures import views as figures_views
    from dashboard.live import quality

    monkeypatch.setattr(pio.templates, "default", "plotly")
    ours = pio.templates[theme.TEMPLATE].layout.font.family
    y = np.arange(40) < 12
    shares = pd.DataFrame({"method": [VA] * 2, "n": [25, 50], "share": [0.5, 1], "tasks": 2})
    history = pd.DataFrame({"labels": [25], "seq": [1], "positives": [5], "negatives": [20],
                            "quality_mean": [0.5], "quality_std": [0.1], "data_score": [0.3]})
    rates = pd.DataFrame({"genre": ["drama"], "shots": [4], "positives": [1], "pos_rate": [0.25]})
    for fig in (figures_views.positive_rate_by_genre(rates, "t", "agg"),
                figures_train.roc_figure(quality.roc_curve(y, np.linspace(0, 1, 40))),
                figures_experiments.share_curves(shares, "t", "y"),
                figures_annotate.history_figure(history, "t")):
        assert fig.layout.template.layout.font.family == ours


@pytest.mark.parametrize("axis, corner", [("y", "top right"), ("y", "bottom right"),
                                          ("y", "top left"), ("x", "top right")])
def test_reference_lines_are_plotlys_own_level_lines(axis, corner):
    """The same shape and label as add_hline / add_vline, in one layout update."""
    import plotly.graph_objects as go

    ours, plotly_s = (go.Figure(go.Scatter(x=[0, 1], y=[0, 1])) for _ in range(2))
    theme.reference_lines(ours, [(axis, 0.3, "level 0.300", "dash", "gray", corner)])
    add = plotly_s.add_hline if axis == "y" else plotly_s.add_vline
    add(0.3, line_dash="dash", line_color="gray", annotation_text="level 0.300",
        annotation_position=corner)
    assert ours.layout.shapes[0].to_plotly_json() == plotly_s.layout.shapes[0].to_plotly_json()
    assert (ours.layout.annotations[0].to_plotly_json()
            == plotly_s.layout.annotations[0].to_plotly_json())
