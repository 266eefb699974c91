"""Figures of the dataset views (overview, browse, agreement, checkpoints).

Plain functions from tidy tables to ``plotly.graph_objects.Figure``: no Streamlit here, so
they can be tested and exported on their own. Each has a title, axis titles with units and
hover text, in the template of :mod:`.theme` with its group colours and names as
people write them. Plotly renders some HTML tags in labels, so text read from data files
(genres, annotator names) is escaped; task names are checked safe names.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..experiments.experiment1 import (
    POSITIVE_RATE,
    RANDOM_SCORER,
    VA,
    ZERO_SHOT_SCORER,
    NoSkill,
)
from ..method.agreement import STAT_NAMES
from .theme import (
    NEGATIVE,
    POSITIVE,
    REFERENCE,
    group_color,
    group_label,
    in_template,
    method_color,
    task_label,
)

RATE_COLUMNS = {"pos_rate", "agreement", "unanimity", "majority_agreement"}
LINE = "#262730"  # lines that are neither a method nor a group (rates and scores)
ROLE_COLORS = {"primary": LINE, "secondary": "#a0a0a0"}
# graph_objects, not plotly.express: express takes 30-40 ms per figure, several times a page
# rerun's budget


def _escaped(values: pd.Series | pd.Index) -> list[str]:
    return [html.escape(str(v)) for v in values]


def _labels(tasks) -> list[str]:
    return [task_label(t) for t in tasks]


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 420) -> go.Figure:
    fig.update_layout(**in_template(), title=title, xaxis_title=x, yaxis_title=y,
                      height=height)
    return fig


def _rate_axis(axis, column: str) -> None:
    if column in RATE_COLUMNS:
        axis.update(tickformat=".0%")


def _boxes(table: pd.DataFrame, column: str, label: str) -> list[go.Box]:
    """One box per group, every task drawn as a point (hover: task and value)."""
    fmt = ":.1%" if column in RATE_COLUMNS else ":.3~f"
    return [go.Box(x=[group_label(group)] * len(g), y=g[column], name=group_label(group),
                   text=_labels(g["task"]), boxpoints="all", jitter=0.4, pointpos=0,
                   marker_color=group_color(group),
                   hovertemplate=f"%{{text}}<br>{label} %{{y{fmt}}}<extra>%{{x}}</extra>")
            for group, g in table.groupby("group", sort=False)]


def group_distribution(tasks: pd.DataFrame, column: str, label: str) -> go.Figure:
    """Box per group with every task as a point (hover: task and value)."""
    fig = go.Figure(_boxes(tasks, column, label.split(" (")[0]))
    fig.update_layout(showlegend=False)
    _rate_axis(fig.layout.yaxis, column)
    return _layout(fig, f"{label.split(' (')[0]} of the tasks, by group", "Group", label)


def positive_rate_by_genre(rates: pd.DataFrame, task: str, source: str) -> go.Figure:
    """Bar per genre of the share of positive shots, labelled with positives of shots."""
    fig = go.Figure(go.Bar(
        x=_escaped(rates["genre"]), y=rates["pos_rate"], marker_color=POSITIVE,
        customdata=rates[["shots", "positives"]],
        text=[f"{p:,} of {n:,}" for p, n in zip(rates["positives"], rates["shots"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{x}<br>positive rate %{y:.1%}<br>%{customdata[1]:,} of "
                      "%{customdata[0]:,} shots<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return _layout(fig, f"Positive rate by genre: {task_label(task)} ({source})", "Genre",
                   "Positive rate (% of shots)", height=380)


def cohen_heatmap(matrix: pd.DataFrame, task: str) -> go.Figure:
    """Pairwise Cohen's kappa between annotators in name order; undefined cells show "—"."""
    order = sorted(matrix.index)
    matrix = matrix.loc[order, order]
    text = matrix.map(lambda v: "—" if np.isnan(v) else f"{v:.2f}")
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=_escaped(matrix.columns), y=_escaped(matrix.index),
        text=text.to_numpy(),
        texttemplate="%{text}", zmin=-1, zmax=1, colorscale="RdBu",
        colorbar={"title": "kappa (-1 to 1)"},
        hovertemplate="%{y} vs %{x}: Cohen's kappa %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"Pairwise Cohen's kappa: {task_label(task)}", "Annotator", "Annotator",
                   height=360)


def annotator_bars(table: pd.DataFrame, task: str) -> go.Figure:
    """Per annotator of a task, in name order: positive rate and agreement with the majority."""
    table = table.sort_values("annotator")
    names = _escaped(table["annotator"] + " (" + table["role"] + ")")
    fig = go.Figure([
        go.Bar(name="Positive rate", x=names, y=table["pos_rate"], marker_color=POSITIVE,
               hovertemplate="%{x}<br>positive rate %{y:.1%}<extra></extra>"),
        go.Bar(name="Agreement with majority", x=names, y=table["majority_agreement"],
               marker_color=REFERENCE,
               hovertemplate="%{x}<br>agrees with the majority on %{y:.1%} of shots"
                             "<extra></extra>"),
    ])
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, f"Annotators of {task_label(task)}", "Annotator (role)",
                   "Share of shots (%)", height=360)


def _stat_axis(stat: str) -> str:
    return (f"{STAT_NAMES[stat]} (% of shots)" if stat in RATE_COLUMNS
            else f"{STAT_NAMES[stat]} (-1 to 1)")


def _highlight(fig: go.Figure, task: str | None) -> None:
    """Outline the bar of ``task`` in black and write its tick label in bold."""
    if task is None:
        return
    for trace in fig.data:
        hit = [task_label(task) == y for y in trace.y]
        trace.marker.line = {"color": ["black" if h else "rgba(0,0,0,0)" for h in hit],
                             "width": [2.5 if h else 0 for h in hit]}
    fig.update_yaxes(ticktext=[f"<b>{y}</b>" if y == task_label(task) else y
                               for y in fig.layout.yaxis.categoryarray],
                     tickvals=list(fig.layout.yaxis.categoryarray))


def ranked_agreement(table: pd.DataFrame, stat: str, highlight: str | None = None) -> go.Figure:
    """Horizontal bar per task, ranked by ``stat``, coloured by group; the ``highlight`` task
    is outlined and its name bold."""
    t = table.sort_values(stat, ascending=True)
    fig = go.Figure([go.Bar(x=g[stat], y=_labels(g["task"]), orientation="h",
                            name=group_label(group), marker_color=group_color(group),
                            customdata=g[["pos_rate", "shots"]],
                            hovertemplate=f"%{{y}}: {STAT_NAMES[stat]} %{{x:.3f}}<br>"
                                          "positive rate %{customdata[0]:.1%}, "
                                          "%{customdata[1]:,} shots<extra></extra>")
                     for group, g in t.groupby("group", sort=False)])
    fig.update_yaxes(categoryorder="array", categoryarray=_labels(t["task"]), dtick=1,
                     tickfont={"size": 11})
    _highlight(fig, highlight)
    _rate_axis(fig.layout.xaxis, stat)
    return _layout(fig, f"Tasks ranked by {STAT_NAMES[stat]}", _stat_axis(stat), "Task",
                   height=max(420, 16 * len(t)))


def agreement_vs_pos_rate(table: pd.DataFrame, stat: str) -> go.Figure:
    """One point per task: positive rate against ``stat``, coloured by group."""
    fig = go.Figure([go.Scatter(x=g["pos_rate"], y=g[stat], mode="markers",
                                name=group_label(group), text=_labels(g["task"]),
                                marker={"size": 9, "color": group_color(group)},
                                hovertemplate=f"%{{text}}<br>positive rate %{{x:.1%}}<br>"
                                              f"{STAT_NAMES[stat]} %{{y:.3f}}<extra>"
                                              f"{group_label(group)}</extra>")
                     for group, g in table.groupby("group", sort=False)])
    fig.update_xaxes(tickformat=".0%")
    _rate_axis(fig.layout.yaxis, stat)
    return _layout(fig, f"{STAT_NAMES[stat]} versus positive rate", "Positive rate (% of shots)",
                   _stat_axis(stat))


def agreement_by_group(table: pd.DataFrame, stat: str) -> go.Figure:
    """Box per group of ``stat`` over its tasks."""
    fig = go.Figure(_boxes(table, stat, STAT_NAMES[stat]))
    fig.update_layout(showlegend=False)
    _rate_axis(fig.layout.yaxis, stat)
    return _layout(fig, f"{STAT_NAMES[stat]} by group", "Group", _stat_axis(stat))


def annotator_quality(quality: pd.DataFrame) -> go.Figure:
    """Per annotator over all tasks: agreement with the majority, split by role."""
    fig = go.Figure([go.Box(x=_escaped(g["annotator"]), y=g["majority_agreement"], name=role,
                            text=_labels(g["task"]), boxpoints="all", jitter=0.4, pointpos=0,
                            customdata=g[["pos_rate"]], marker_color=ROLE_COLORS.get(role),
                            hovertemplate="%{text}: annotator %{x} agrees with the majority "
                                          "on %{y:.1%}<br>positive rate %{customdata[0]:.1%}"
                                          f"<extra>{role}</extra>")
                     for role, g in quality.groupby("role", sort=True)])
    fig.update_layout(boxmode="group")
    fig.update_xaxes(categoryorder="category ascending")
    fig.update_yaxes(tickformat=".0%")
    return _layout(fig, "Agreement of each annotator with the majority, over all tasks",
                   "Annotator", "Agreement with majority (% of shots)")


def checkpoint_timeline(timeline: pd.DataFrame, task: str) -> go.Figure:
    """Stacked positives/negatives per checkpoint, with positive rate and data score lines."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for col, color in (("positives", POSITIVE), ("negatives", NEGATIVE)):
        fig.add_bar(x=timeline["checkpoint"], y=timeline[col], name=col.capitalize(),
                    marker_color=color,
                    hovertemplate=f"checkpoint %{{x}}<br>%{{y:,}} {col}<extra></extra>")
    for col, name, dash in (("pos_rate", "Positive rate", "dot"),
                            ("data_score", "Data diversity score", "solid")):
        fig.add_scatter(x=timeline["checkpoint"], y=timeline[col], name=name,
                        mode="lines+markers", secondary_y=True,
                        line={"color": LINE, "dash": dash},
                        hovertemplate=f"checkpoint %{{x}}<br>{name} %{{y:.2f}}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="Rate or score (0 to 1)", range=[0, 1.05], dtick=0.2,
                     showgrid=False, secondary_y=True)
    return _layout(fig, f"Checkpoints of {task_label(task)}: size and composition",
                   "Checkpoint (in order)", "Labels (count)")


def checkpoint_ap(aps: pd.DataFrame, zero_shot: float, no_skill: NoSkill,
                  task: str) -> go.Figure:
    """AP (bootstrap mean ± std) per checkpoint, with lines at the zero-shot AP, the random
    scorer AP and the positive rate (NaN levels left out)."""
    fig = go.Figure(go.Scatter(
        x=aps["checkpoint"], y=aps["ap_mean"], mode="lines+markers", name="Video Annotator",
        line={"color": method_color(VA)},
        error_y={"type": "data", "array": aps["ap_std"], "visible": True},
        customdata=aps[["n_train", "n_pos", "ap_std"]],
        hovertemplate="checkpoint %{x}: AP %{y:.3f} ± %{customdata[2]:.3f}<br>"
                      "trained on %{customdata[0]:,} labels (%{customdata[1]:,} positive)"
                      "<extra></extra>"))
    for value, name, dash, method in (
            (zero_shot, "Zero-shot", "dash", ZERO_SHOT_SCORER),
            (no_skill.random_scorer, "Random scorer AP", "dashdot", RANDOM_SCORER),
            (no_skill.positive_rate, "Positive rate", "dot", POSITIVE_RATE)):
        if not np.isnan(value):
            fig.add_scatter(x=[aps["checkpoint"].min(), aps["checkpoint"].max()],
                            y=[value, value], mode="lines", name=name,
                            line={"dash": dash, "color": method_color(method)},
                            hovertemplate=f"{name}: {value:.3f}<extra></extra>")
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, f"Average precision per checkpoint: {task_label(task)}",
                   "Checkpoint (in order)", "Average precision (0 to 1)")


def last_vs_best(table: pd.DataFrame) -> go.Figure:
    """Per computed task: AP of the last checkpoint against the best one."""
    t = table.sort_values("best_ap")
    fig = go.Figure()
    for col, ckpt, name, color in (("last_ap", "last_checkpoint", "Last checkpoint", REFERENCE),
                                   ("best_ap", "best_checkpoint", "Best checkpoint",
                                    method_color(VA))):
        fig.add_scatter(x=t[col], y=_labels(t["task"]), mode="markers", name=name,
                        marker={"size": 10, "color": color}, customdata=t[[ckpt]],
                        hovertemplate=f"%{{y}}<br>{name.lower()} (%{{customdata[0]}}): "
                                      "AP %{x:.3f}<extra></extra>")
    fig.update_xaxes(range=[0, 1.02])
    return _layout(fig, "Average precision of the last versus the best checkpoint",
                   "Average precision (0 to 1)", "Task", height=max(300, 30 * len(t) + 120))
