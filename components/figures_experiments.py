"""Plotly figures of the experiments (plain functions, no Streamlit: testable, exportable)."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.experiments.experiment1 import (
    CHECKPOINT,
    METHOD_NAMES,
    POSITIVE_RATE,
    RANDOM_SCORER,
    SOURCES,
    VA,
    ZERO_SHOT_SCORER,
)
from dashboard.experiments.experiment2 import CHOICES

COLORS = dict(zip((*SOURCES, VA, CHECKPOINT), px.colors.qualitative.Plotly))
_HOVER = ("%{customdata[0]}<br>labels: %{customdata[1]:.0f} (%{customdata[2]:.0f} positive)"
          "<br>AP %{y:.3f} ± %{customdata[3]:.3f}<extra></extra>")


def _custom(rows: pd.DataFrame, name: str) -> list:
    return [[name, r.n_train, r.n_pos, r.ap_std] for r in rows.itertuples()]


def _band(fig: go.Figure, rows: pd.DataFrame, x: str, color: str, name: str) -> None:
    """A translucent mean ± std band under a line."""
    fig.add_trace(go.Scatter(
        x=list(rows[x]) + list(rows[x])[::-1],
        y=list(rows.ap_mean + rows.ap_std) + list(rows.ap_mean - rows.ap_std)[::-1],
        fill="toself", fillcolor=color, opacity=0.15, line={"width": 0}, hoverinfo="skip",
        showlegend=False, legendgroup=name))


def ap_vs_labels(table: pd.DataFrame, task: str) -> go.Figure:
    """One task's Experiment 1: AP against labels per source with bootstrap bands, the VA
    checkpoints as a line with points, and the zero-shot scorer, the random scorer AP and the
    positive rate as lines."""
    fig = go.Figure()
    ok = table.dropna(subset=["ap_mean"])
    for method in SOURCES:
        rows = ok[ok.method == method].sort_values("n")
        name = METHOD_NAMES[method]
        _band(fig, rows, "n", COLORS[method], name)
        fig.add_trace(go.Scatter(x=rows.n, y=rows.ap_mean, name=name, mode="lines+markers",
                                 line={"color": COLORS[method]}, legendgroup=name,
                                 customdata=_custom(rows, name), hovertemplate=_HOVER))
    rows = ok[ok.method == CHECKPOINT].sort_values("n_train")
    _band(fig, rows, "n_train", COLORS[CHECKPOINT], "VA checkpoints")
    fig.add_trace(go.Scatter(
        x=rows.n_train, y=rows.ap_mean, name="VA checkpoints", mode="lines+markers",
        line={"color": COLORS[CHECKPOINT], "width": 3}, marker={"size": 8},
        customdata=[[f"checkpoint {int(r.checkpoint)}", r.n_train, r.n_pos, r.ap_std]
                    for r in rows.itertuples()], hovertemplate=_HOVER))
    for method, dash, label in ((ZERO_SHOT_SCORER, "dash", "zero-shot scorer AP"),
                                (RANDOM_SCORER, "dashdot", "random scorer AP"),
                                (POSITIVE_RATE, "dot", "positive rate")):
        ref = ok[ok.method == method]
        if not ref.empty:
            r = ref.iloc[0]
            fig.add_hline(y=r.ap_mean, line_dash=dash, line_color="gray",
                          annotation_text=f"{label} {r.ap_mean:.3f}",
                          annotation_position="bottom right" if method != POSITIVE_RATE
                          else "top left")
    fig.update_layout(title=f"{task}: AP versus number of labels",
                      xaxis={"title": "training labels (count, log scale)", "type": "log"},
                      yaxis={"title": "average precision on validation (0–1)"},
                      hovermode="closest", legend_title_text="method")
    return fig


def share_curves(shares: pd.DataFrame, title: str, y_title: str) -> go.Figure:
    """Fig 7 / Fig 9 style: a share of tasks (0–1) against n, one line per method."""
    fig = go.Figure()
    for method, rows in shares.groupby("method", sort=False):
        name = METHOD_NAMES.get(method, method)
        fig.add_trace(go.Scatter(
            x=rows.n, y=rows.share, name=name, mode="lines+markers",
            line={"color": COLORS.get(method)}, customdata=rows[["tasks"]],
            hovertemplate=f"{name}<br>n = %{{x}}<br>%{{y:.0%}} of %{{customdata[0]}} tasks"
                          "<extra></extra>"))
    fig.update_layout(title=title, xaxis={"title": "labels per source (count, log scale)",
                                          "type": "log"},
                      yaxis={"title": y_title, "tickformat": ".0%", "range": [0, 1.05]},
                      legend_title_text="method")
    return fig


def task_gain_bars(gains: pd.DataFrame, n: int) -> go.Figure:
    """Per-task gain of VA over the combined baseline at ``n`` labels, sorted."""
    rows = gains.dropna(subset=["gain"]).sort_values("gain")
    fig = px.bar(rows, x="gain", y="task", color="group", orientation="h",
                 hover_data={"gain": ":.1f", "group": True, "task": True},
                 title=f"AP gain of VA over combined at n = {n:,} per task",
                 labels={"gain": "AP gain (points)", "task": "task"})
    fig.update_layout(yaxis={"categoryorder": "total ascending"},
                      height=max(320, 18 * len(rows) + 120))
    return fig


SOURCE_SYMBOLS = dict(zip(CHOICES, ("circle", "diamond", "square")))
SOURCE_NAMES = {"agg": "agg", "zero_shot": "zero-shot", "random": "random"}


def policy_curves(steps: pd.DataFrame, task: str, va_best: float | None = None) -> go.Figure:
    """One task's Experiment 2: AP against training labels for each policy, one marker per
    step whose symbol is the source the step took (hover: step, source, reason), and Video
    Annotator's best checkpoint AP as a line."""
    fig = go.Figure()
    palette = px.colors.qualitative.D3
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
                           "labels: %{x} (%{customdata[2]} positive)<br>AP %{y:.3f}"
                           "<br>%{customdata[3]}<extra></extra>")))
    for choice, symbol in SOURCE_SYMBOLS.items():  # a legend of the markers
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=True,
                                 name=f"step from {SOURCE_NAMES[choice]}",
                                 marker={"symbol": symbol, "size": 8, "color": "gray"},
                                 hoverinfo="skip", legendgroup="sources"))
    if va_best is not None and not pd.isna(va_best):
        fig.add_hline(y=va_best, line_dash="dash", line_color="gray",
                      annotation_text=f"best VA checkpoint {va_best:.3f}",
                      annotation_position="bottom right")
    fig.update_layout(title=f"{task}: decision processes, AP versus labels (Experiment 2)",
                      xaxis={"title": "training labels (count)"},
                      yaxis={"title": "average precision on validation (0–1)"},
                      hovermode="closest", legend_title_text="policy / source")
    return fig


def lift_bars(lifts: pd.DataFrame, process: str) -> go.Figure:
    """Per task, a Table 3 process's lift over the best VA checkpoint (AP points), sorted."""
    rows = lifts[process].dropna().sort_values().rename("lift").reset_index()
    fig = px.bar(rows, x="lift", y="task", orientation="h",
                 hover_data={"lift": ":+.1f", "task": True},
                 title=f"Lift of {process} over the best VA checkpoint per task",
                 labels={"lift": "lift (AP points)", "task": "task"})
    fig.update_layout(yaxis={"categoryorder": "total ascending"},
                      height=max(320, 18 * len(rows) + 120))
    return fig
