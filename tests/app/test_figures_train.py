"""Every chart of the train and search pages has a title, axis titles and hover text."""
import numpy as np
import pandas as pd

from dashboard.figures import train as figs
from dashboard.live import corpus, quality


def test_every_figure_is_labeled_and_has_hover():
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.3
    s = np.clip(y * 0.4 + rng.random(200) * 0.6, 0, 1)
    pr = quality.pr_curve(y, s)
    share = pd.DataFrame({"genre": ["<b>x</b>", "drama"], "shots": [10, 20], "above": [1, 5],
                          "share": [0.1, 0.25]})
    ranking = pd.DataFrame({"task": ["a", "b"], "group": ["g", "g"], "score": [0.9, 0.1]})
    built = [
        figs.pr_figure(pr, 0.5, 0.3, 0.5, (0.4, 0.6), quality.pr_curve(y, rng.random(200))),
        figs.roc_figure(quality.roc_curve(y, s)),
        figs.cv_figure(quality.cv_curve(rng.random((5, 10))), 2.78),
        figs.score_histogram_figure(quality.score_table(y, s), 0.5),
        figs.calibration_figure(quality.calibration(y, s)),
        figs.corpus_histogram_figure(corpus.score_histogram(s), 0.5, "Scores of all shots"),
        figs.genre_share_figure(share, 0.5),
        figs.task_scores_figure(ranking, "Every task's score of shot <i>k|0"),
    ]
    for fig in built:
        assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
        assert all(t.hovertemplate or t.hoverinfo == "skip" for t in fig.data)
    assert "&lt;b&gt;x&lt;/b&gt;" in list(built[-2].data[0].x)  # data text is escaped
    assert "&lt;i&gt;k|0" in built[-1].layout.title.text


def test_histogram_bars_keep_their_legend_colour():
    y = np.arange(100) < 30
    fig = figs.score_histogram_figure(quality.score_table(y, np.linspace(0, 1, 100)), 0.5)
    assert fig.layout.barmode == "group"
    assert all(t.opacity in (None, 1) for t in fig.data)
    assert [t.marker.color for t in fig.data] == [figs.NEG, figs.POS]


def test_roc_marks_the_threshold_point():
    rng = np.random.default_rng(1)
    y = rng.random(200) < 0.3
    s = np.clip(y * 0.4 + rng.random(200) * 0.6, 0, 1)
    m = quality.at_threshold(y, s, 0.5)
    fpr = m.fp / (m.fp + m.tn)
    fig = figs.roc_figure(quality.roc_curve(y, s), m)
    point = fig.data[-1]
    assert point.name == "threshold 0.50" and (point.x[0], point.y[0]) == (fpr, m.recall)


def test_c_axis_ticks_are_decades_written_out():
    curve = quality.cv_curve(np.random.default_rng(0).random((5, 10)))
    axis = figs.cv_figure(curve, 1.0).layout.xaxis
    assert axis.type == "log" and list(axis.ticktext) == [
        "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1,000", "10,000"]
