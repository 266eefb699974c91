"""The AP-versus-labels charts: label counts on the axis, light toggleable bands, the
theme's method colours and names."""
import numpy as np
import pandas as pd

from dashboard.dataset.folder import RANDOM, ZERO_SHOT
from dashboard.experiments.experiment1 import CHECKPOINT, COMBINED, POSITIVE_RATE, VA
from dashboard.figures import experiments as fe
from dashboard.figures import theme

NS = (25, 50, 100, 500, 1000)


def _table() -> pd.DataFrame:
    rows = [{"method": m, "n": n, "checkpoint": np.nan, "ap_mean": 0.5 + n / 4000,
             "ap_std": 0.05, "n_train": n, "n_pos": n // 3, "reason": ""}
            for m in (RANDOM, ZERO_SHOT, COMBINED) for n in NS]
    rows += [{"method": CHECKPOINT, "n": np.nan, "checkpoint": i, "ap_mean": 0.6, "ap_std": 0.1,
              "n_train": size, "n_pos": size // 3, "reason": ""}
             for i, size in enumerate((40, 230, 1010), start=1)]
    rows.append({"method": POSITIVE_RATE, "n": np.nan, "checkpoint": np.nan, "ap_mean": 0.3,
                 "ap_std": np.nan, "n_train": np.nan, "n_pos": np.nan, "reason": ""})
    return pd.DataFrame(rows)


def test_ap_axis_shows_the_label_counts():
    fig = fe.ap_vs_labels(_table(), "car-chase")
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.xaxis.tickvals) == list(NS)
    assert list(fig.layout.xaxis.ticktext) == ["25", "50", "100", "500", "1,000"]
    assert fig.layout.title.text.startswith("car chase:")
    shares = pd.DataFrame({"method": [VA] * 5, "n": NS, "share": [0.5] * 5, "tasks": [4] * 5})
    assert list(fe.share_curves(shares, "t", "y").layout.xaxis.ticktext)[-1] == "1,000"


def test_bands_are_light_and_toggled_by_buttons_and_their_legend_entry():
    fig = fe.ap_vs_labels(_table(), "t")
    bands = [i for i, t in enumerate(fig.data) if t.meta == fe.BAND]
    assert len(bands) == 4  # three sources and the checkpoints
    for i in bands:
        band, line = fig.data[i], fig.data[i + 1]
        assert band.fillcolor.endswith(",0.1)") and band.legendgroup == line.legendgroup
        assert band.mode == "lines"  # no markers at the band's corners
    on, off = fig.layout.updatemenus[0].buttons
    assert list(on.args) == [{"visible": True}, tuple(bands)]
    assert list(off.args) == [{"visible": False}, tuple(bands)]


def test_methods_have_the_theme_colours_and_names():
    fig = fe.ap_vs_labels(_table(), "t")
    lines = {t.name: t.line.color for t in fig.data if t.meta != fe.BAND}
    assert lines == {"random": theme.method_color(RANDOM),
                     "zero-shot": theme.method_color(ZERO_SHOT),
                     "combined": theme.method_color(COMBINED),
                     "Video Annotator checkpoints": theme.method_color(VA)}
    gains = pd.DataFrame({"task": ["car-chase", "zoom"], "group": ["events_actions", "motion"],
                          "gain": [2.0, -1.0]})
    bars = fe.task_gain_bars(gains, 1000)
    assert {t.name: t.marker.color for t in bars.data} == {
        "events and actions": theme.group_color("events_actions"),
        "motion": theme.group_color("motion")}
    assert list(bars.layout.yaxis.categoryarray) == ["zoom", "car chase"]
