"""Plotly figures of the experiments (plain functions, no Streamlit: testable, exportable),
in the template, method colours and names of :mod:`.theme`."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from ..experiments.experiment1 import (
    CHECKPOINT,
    POSITIVE_RATE,
    RANDOM,
    RANDOM_SCORER,
    SOURCES,
    ZERO_SHOT,
    ZERO_SHOT_SCORER,
)
from ..experiments.experiment2 import CHOICES
from .theme import (
    group_color,
    group_label,
    in_template,
    method_color,
    method_label,
    reference_lines,
    task_label,
)

_HOVER = ("%{customdata[0]}<br>labels: %{customdata[1]:,.0f} (%{customdata[2]:,.0f} positive)"
          "<br>AP %{y:.3f} ± %{customdata[3]:.3f}<extra></extra>")
BAND = "band"  # the ``meta`` of a ± std band trace (the toggle's target)


def _custom(rows: pd.DataFrame, name: str) -> list:
    return [[name, r.n_train, r.n_pos, r.ap_std] for r in rows.itertuples()]


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _band(fig: go.Figure, rows: pd.DataFrame, x: str, color: str, name: str) -> None:
    """A light mean ± std band under a line, hidden and shown with the line's legend entry
    and with the chart's "± std bands" buttons."""
    fig.add_trace(go.Scatter(
        x=list(rows[x]) + list(rows[x])[::-1],
        y=list(rows.ap_mean + rows.ap_std) + list(rows.ap_mean - rows.ap_std)[::-1],
        mode="lines", fill="toself", fillcolor=_rgba(color, 0.10), line={"width": 0},
        hoverinfo="skip",
        showlegend=False, legendgroup=name, meta=BAND))


def _band_buttons(fig: go.Figure) -> None:
    """Buttons over the chart that show or hide every ± std band at once."""
    bands = [i for i, t in enumerate(fig.data) if t.meta == BAND]
    fig.update_layout(updatemenus=[{
        "type": "buttons", "direction": "right", "showactive": True, "active": 0,
        "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom", "pad": {"r": 0, "t": 0},
        "font": {"size": 12},
        "buttons": [{"label": "± std bands", "method": "restyle",
                     "args": [{"visible": True}, bands]},
                    {"label": "lines only", "method": "restyle",
                     "args": [{"visible": False}, bands]}]}])


def _count_axis(ns) -> dict:
    """A log axis of label counts whose ticks are the counts themselves (1,000, not 10³)."""
    ns = sorted({int(n) for n in ns})
    return {"type": "log", "tickvals": ns, "ticktext": [f"{n:,}" for n in ns],
            "minor": {"showgrid": False}}


def ap_vs_labels(table: pd.DataFrame, task: str) -> go.Figure:
    """One task's Experiment 1: AP against labels per source with bootstrap bands, the VA
    checkpoints as a line with points, and the zero-shot scorer, the random scorer AP and the
    positive rate as lines."""
    fig = go.Figure()
    ok = table.dropna(subset=["ap_mean"])
    for method in SOURCES:
        rows = ok[ok.method == method].sort_values("n")
        name = method_label(method)
        _band(fig, rows, "n", method_color(method), name)
        fig.add_trace(go.Scatter(x=rows.n, y=rows.ap_mean, name=name, mode="lines+markers",
                                 line={"color": method_color(method)}, legendgroup=name,
                                 customdata=_custom(rows, name), hovertemplate=_HOVER))
    rows = ok[ok.method == CHECKPOINT].sort_values("n_train")
    name = method_label(CHECKPOINT)
    _band(fig, rows, "n_train", method_color(CHECKPOINT), name)
    fig.add_trace(go.Scatter(
        x=rows.n_train, y=rows.ap_mean, name=name, mode="lines+markers", legendgroup=name,
        line={"color": method_color(CHECKPOINT), "width": 3}, marker={"size": 8},
        customdata=[[f"checkpoint {int(r.checkpoint)}", r.n_train, r.n_pos, r.ap_std]
                    for r in rows.itertuples()], hovertemplate=_HOVER))
    levels = []
    for method, dash, label in ((ZERO_SHOT_SCORER, "dash", "zero-shot scorer AP"),
                                (RANDOM_SCORER, "dashdot", "random scorer AP"),
                                (POSITIVE_RATE, "dot", "positive rate")):
        ref = ok[ok.method == method]
        if not ref.empty:
            level = ref.iloc[0].ap_mean
            levels.append(("y", level, f"{label} {level:.3f}", dash, method_color(method),
                           "top left" if method == POSITIVE_RATE else "bottom right"))
    reference_lines(fig, levels)
    _band_buttons(fig)
    fig.update_layout(**in_template(),
                      title=f"{task_label(task)}: AP versus number of labels",
                      xaxis={"title": "training labels (count, log scale)",
                             **_count_axis(ok.loc[ok.method.isin(SOURCES), "n"].dropna())},
                      yaxis={"title": "average precision on validation (0–1)"},
                      hovermode="closest")
    return fig


def share_curves(shares: pd.DataFrame, title: str, y_title: str) -> go.Figure:
    """Fig 7 / Fig 9 style: a share of tasks (0–1) against n, one line per method."""
    fig = go.Figure()
    for method, rows in shares.groupby("method", sort=False):
        name = method_label(method)
        fig.add_trace(go.Scatter(
            x=rows.n, y=rows.share, name=name, mode="lines+markers",
            line={"color": method_color(method)}, customdata=rows[["tasks"]],
            hovertemplate=f"{name}<br>n = %{{x:,}}<br>%{{y:.0%}} of %{{customdata[0]}} tasks"
                          "<extra></extra>"))
    fig.update_layout(**in_template(),
                      title=title, xaxis={"title": "labels per source (count, log scale)",
                                          **_count_axis(shares["n"])},
                      yaxis={"title": y_title, "tickformat": ".0%", "range": [0, 1.05]})
    return fig


def task_gain_bars(gains: pd.DataFrame, n: int) -> go.Figure:
    """Per-task gain of VA over the combined baseline at ``n`` labels, sorted."""
    rows = gains.dropna(subset=["gain"]).sort_values("gain")
    fig = go.Figure([go.Bar(x=g["gain"], y=[task_label(t) for t in g["task"]], orientation="h",
                            name=group_label(group), marker_color=group_color(group),
                            hovertemplate=f"%{{y}} ({group_label(group)})<br>"
                                          "gain %{x:+.1f} AP points<extra></extra>")
                     for group, g in rows.groupby("group", sort=False)])
    fig.update_layout(**in_template(),
                      title=f"AP gain of Video Annotator over combined at n = {n:,} per task",
                      xaxis_title="AP gain (points)", yaxis_title="task",
                      yaxis={"categoryorder": "array",
                             "categoryarray": [task_label(t) for t in rows["task"]]},
                      height=max(320, 18 * len(rows) + 120))
    return fig


SOURCE_SYMBOLS = dict(zip(CHOICES, ("circle", "diamond", "square")))
SOURCE_NAMES = {"agg": "agg", "zero_shot": "zero-shot", "random": "random"}


def policy_curves(steps: pd.DataFrame, task: str, va_best: float | None = None) -> go.Figure:
    """One task's Experiment 2: AP against training labels for each policy, one marker per
    step whose symbol is the source the step took (hover: step, source, reason), and Video
    Annotator's best checkpoint AP as a line."""
    fig = go.Figure()
    palette = qualitative.D3
    for i, (policy, rows) in enumerate(steps.dropna(subset=["step"]).groupby("policy",
                                                                             sort=False)):
        rows = rows.sort_values("step")
        fig.add_trace(go.Scatter(
            x=rows.n_train, y=rows.ap_mean, name=policy, mode="lines+markers",
            line={"color": palette[i % len(palette)], "width": 1.5},
            marker={"symbol": [SOURCE_SYMBOLS.get(c, "x") for c in rows.choice], "size": 8},
            customdata=[[int(r.step), SOURCE_NAMES.get(r.choice, r.choice), r.n_pos,
                         r.reason or ""] for r in rows.itertuples()],
            hovertemplate=(f"{policy}<br>step %{{customdata[0]}}: %{{customdata[1]}}<br>"
                           "labels: %{x:,} (%{customdata[2]:,} positive)<br>AP %{y:.3f}"
                           "<br>%{customdata[3]}<extra></extra>")))
    for choice, symbol in SOURCE_SYMBOLS.items():  # a legend of the markers
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=True,
                                 name=f"step from {SOURCE_NAMES[choice]}",
                                 marker={"symbol": symbol, "size": 8, "color": "gray"},
                                 hoverinfo="skip", legendgroup="sources"))
    if va_best is not None and not pd.isna(va_best):
        reference_lines(fig, [("y", va_best, f"best VA checkpoint {va_best:.3f}", "dash",
                               "gray", "bottom right")])
    fig.update_layout(**in_template(),
                      title=f"{task_label(task)}: decision processes, AP versus labels "
                            "(Experiment 2)",
                      xaxis={"title": "training labels (count)", "tickformat": ","},
                      yaxis={"title": "average precision on validation (0–1)"},
                      hovermode="closest")
    return fig


def lift_bars(lifts: pd.DataFrame, process: str) -> go.Figure:
    """Per task, a Table 3 process's lift over the best VA checkpoint (AP points), sorted."""
    rows = lifts[process].dropna().sort_values()
    fig = go.Figure(go.Bar(x=rows.to_numpy(), y=[task_label(t) for t in rows.index],
                           orientation="h", marker_color=method_color(CHECKPOINT),
                           hovertemplate="%{y}<br>lift %{x:+.1f} AP points<extra></extra>"))
    fig.update_layout(**in_template(),
                      title=f"Lift of {process} over the best Video Annotator checkpoint "
                            "per task",
                      xaxis_title="lift (AP points)", yaxis_title="task",
                      yaxis={"categoryorder": "array",
                             "categoryarray": [task_label(t) for t in rows.index]},
                      height=max(320, 18 * len(rows) + 120))
    return fig


def _strategy_colors(strategies) -> dict[str, str]:
    """The four-feed mix in Video Annotator's colour, random only and zero-shot only in the
    colours of the random and zero-shot sources, the single feeds in others."""
    fixed = {"four feeds": method_color(CHECKPOINT), "random only": method_color(RANDOM),
             "zero-shot only": method_color(ZERO_SHOT)}
    others = iter(qualitative.D3[4:] + qualitative.D3[:4])
    return {s: fixed.get(s) or next(others) for s in strategies}


def feed_study_medians(medians: pd.DataFrame) -> go.Figure:
    """Which feeds help: the median over tasks of the loop model's AP per strategy against the
    number of labels (``annotate.study.median_ap``; hover: how many tasks)."""
    fig = go.Figure()
    colors = _strategy_colors(medians["strategy"].unique())
    for strategy, rows in medians.groupby("strategy", sort=False):
        fig.add_trace(go.Scatter(
            x=rows.n_train, y=rows.median_ap, name=strategy, mode="lines",
            line={"color": colors[strategy], "width": 3 if strategy == "four feeds" else 1.5},
            customdata=rows[["tasks"]],
            hovertemplate=f"{strategy}<br>labels: %{{x:,}}<br>median AP %{{y:.3f}} over "
                          "%{customdata[0]} tasks<extra></extra>"))
    fig.update_layout(**in_template(),
                      title="Which feeds help: median AP over tasks versus number of labels",
                      xaxis={"title": "labels given in the simulated loop (count)",
                             "tickformat": ","},
                      yaxis={"title": "median average precision on validation (0–1)"},
                      hovermode="x unified")
    return fig


def feed_study_task(table: pd.DataFrame, task: str) -> go.Figure:
    """Which feeds help on one task: the loop model's AP per strategy against the number of
    labels, with ± std bands (hover: the batch's feed and positives)."""
    fig = go.Figure()
    ok = table.dropna(subset=["ap_mean"])
    colors = _strategy_colors(table["strategy"].unique())
    for strategy, rows in ok.groupby("strategy", sort=False):
        _band(fig, rows, "n_train", colors[strategy], strategy)
        fig.add_trace(go.Scatter(
            x=rows.n_train, y=rows.ap_mean, name=strategy, mode="lines", legendgroup=strategy,
            line={"color": colors[strategy], "width": 3 if strategy == "four feeds" else 1.5},
            customdata=[[strategy, r.n_train, r.n_pos, r.ap_std, r.feed]
                        for r in rows.itertuples()],
            hovertemplate=_HOVER.replace("<extra>", "<br>last batch from %{customdata[4]}"
                                                    "<extra>")))
    _band_buttons(fig)
    fig.update_layout(**in_template(),
                      title=f"{task_label(task)}: which feeds help, AP versus labels",
                      xaxis={"title": "labels given in the simulated loop (count)",
                             "tickformat": ","},
                      yaxis={"title": "average precision on validation (0–1)"},
                      hovermode="closest")
    return fig
