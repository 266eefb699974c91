"""Figures of the dataset views (overview, browse, agreement, checkpoints).

Plain functions from tidy tables to ``plotly.graph_objects.Figure``: no Streamlit here, so
they can be tested and exported on their own. Each has a title, axis titles with units and
hover text.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.agreement import STAT_NAMES

RATE_COLUMNS = {"pos_rate", "agreement", "unanimity", "majority_agreement"}


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 420) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, height=height,
                      margin={"t": 60, "l": 10, "r": 10, "b": 10}, legend_title_text="")
    return fig


def group_distribution(tasks: pd.DataFrame, column: str, label: str) -> go.Figure:
    """Box per group with every task as a point (hover: task and value)."""
    fig = px.box(tasks, x="group", y=column, points="all", color="group",
                 hover_data={"task": True, "group": False})
    fig.update_layout(showlegend=False)
    if column in RATE_COLUMNS:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, f"{label} of the tasks, by group", "Group", label)


def positive_rate_by_genre(rates: pd.DataFrame, task: str, source: str) -> go.Figure:
    """Bar per genre of the share of positive shots (hover: shots and positives)."""
    fig = go.Figure(go.Bar(
        x=rates["genre"], y=rates["pos_rate"], customdata=rates[["shots", "positives"]],
        hovertemplate="%{x}<br>positive rate %{y:.1%}<br>%{customdata[1]} of "
                      "%{customdata[0]} shots<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return _layout(fig, f"Positive rate by genre: {task} ({source})", "Genre",
                   "Positive rate (% of shots)", height=360)


def cohen_heatmap(matrix: pd.DataFrame, task: str) -> go.Figure:
    """Pairwise Cohen's kappa between annotators; undefined cells show "—"."""
    text = matrix.map(lambda v: "—" if np.isnan(v) else f"{v:.2f}")
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=list(matrix.columns), y=list(matrix.index), text=text.to_numpy(),
        texttemplate="%{text}", zmin=-1, zmax=1, colorscale="RdBu",
        colorbar={"title": "kappa"},
        hovertemplate="%{y} vs %{x}: Cohen's kappa %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"Pairwise Cohen's kappa: {task}", "Annotator", "Annotator", height=360)


def annotator_bars(table: pd.DataFrame, task: str) -> go.Figure:
    """Per annotator of a task: positive rate and agreement with the majority."""
    names = table["annotator"] + " (" + table["role"] + ")"
    fig = go.Figure([
        go.Bar(name="Positive rate", x=names, y=table["pos_rate"],
               hovertemplate="%{x}<br>positive rate %{y:.1%}<extra></extra>"),
        go.Bar(name="Agreement with majority", x=names, y=table["majority_agreement"],
               hovertemplate="%{x}<br>agrees with the majority on %{y:.1%} of shots"
                             "<extra></extra>"),
    ])
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, f"Annotators of {task}", "Annotator (role)", "Share of shots (%)",
                   height=360)


def ranked_agreement(table: pd.DataFrame, stat: str) -> go.Figure:
    """Horizontal bar per task, ranked by ``stat``, coloured by group."""
    t = table.sort_values(stat, ascending=True)
    fig = px.bar(t, x=stat, y="task", color="group", orientation="h",
                 hover_data={"pos_rate": ":.1%", "shots": True, stat: ":.3f"})
    fig.update_yaxes(categoryorder="array", categoryarray=t["task"].tolist(), dtick=1,
                     tickfont={"size": 10})
    if stat in RATE_COLUMNS:
        fig.update_xaxes(tickformat=".0%")
    return _layout(fig, f"Tasks ranked by {STAT_NAMES[stat]}", _stat_axis(stat), "Task",
                   height=max(420, 16 * len(t)))


def _stat_axis(stat: str) -> str:
    return (f"{STAT_NAMES[stat]} (% of shots)" if stat in RATE_COLUMNS
            else f"{STAT_NAMES[stat]} (-1 to 1)")


def agreement_vs_pos_rate(table: pd.DataFrame, stat: str) -> go.Figure:
    """One point per task: positive rate against ``stat``, coloured by group."""
    fig = px.scatter(table, x="pos_rate", y=stat, color="group", hover_name="task",
                     hover_data={"shots": True, "pos_rate": ":.1%", stat: ":.3f"})
    fig.update_xaxes(tickformat=".0%")
    if stat in RATE_COLUMNS:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, f"{STAT_NAMES[stat]} versus positive rate", "Positive rate (% of shots)",
                   _stat_axis(stat))


def agreement_by_group(table: pd.DataFrame, stat: str) -> go.Figure:
    """Box per group of ``stat`` over its tasks."""
    fig = px.box(table, x="group", y=stat, points="all", color="group",
                 hover_data={"task": True, "group": False})
    fig.update_layout(showlegend=False)
    if stat in RATE_COLUMNS:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, f"{STAT_NAMES[stat]} by group", "Group", _stat_axis(stat))


def annotator_quality(quality: pd.DataFrame) -> go.Figure:
    """Per annotator over all tasks: agreement with the majority, split by role."""
    fig = px.box(quality, x="annotator", y="majority_agreement", color="role", points="all",
                 hover_data={"task": True, "pos_rate": ":.1%", "majority_agreement": ":.1%"})
    fig.update_yaxes(tickformat=".0%")
    return _layout(fig, "Agreement of each annotator with the majority, over all tasks",
                   "Annotator", "Agreement with majority (% of shots)")


def checkpoint_timeline(timeline: pd.DataFrame, task: str) -> go.Figure:
    """Stacked positives/negatives per checkpoint, with positive rate and data score lines."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for col, color in (("positives", "#E50914"), ("negatives", "#8c8c8c")):
        fig.add_bar(x=timeline["checkpoint"], y=timeline[col], name=col.capitalize(),
                    marker_color=color,
                    hovertemplate=f"checkpoint %{{x}}<br>%{{y}} {col}<extra></extra>")
    for col, name in (("pos_rate", "Positive rate"), ("data_score", "Data diversity score")):
        fig.add_scatter(x=timeline["checkpoint"], y=timeline[col], name=name,
                        mode="lines+markers", secondary_y=True,
                        hovertemplate=f"checkpoint %{{x}}<br>{name} %{{y:.2f}}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="Rate or score (0 to 1)", range=[0, 1.05], dtick=0.2,
                     showgrid=False, secondary_y=True)
    return _layout(fig, f"Checkpoints of {task}: size and composition", "Checkpoint (in order)",
                   "Labels (count)")


def checkpoint_ap(aps: pd.DataFrame, zero_shot: float, baseline: float, task: str) -> go.Figure:
    """AP (bootstrap mean ± std) per checkpoint, with zero-shot and positive-rate lines."""
    fig = go.Figure(go.Scatter(
        x=aps["checkpoint"], y=aps["ap_mean"], mode="lines+markers", name="Video Annotator",
        error_y={"type": "data", "array": aps["ap_std"], "visible": True},
        customdata=aps[["n_train", "n_pos", "ap_std"]],
        hovertemplate="checkpoint %{x}: AP %{y:.3f} ± %{customdata[2]:.3f}<br>"
                      "trained on %{customdata[0]} labels (%{customdata[1]} positive)"
                      "<extra></extra>"))
    for value, name, dash in ((zero_shot, "Zero-shot", "dash"),
                              (baseline, "Positive-rate baseline", "dot")):
        if not np.isnan(value):
            fig.add_scatter(x=[aps["checkpoint"].min(), aps["checkpoint"].max()],
                            y=[value, value], mode="lines", name=name,
                            line={"dash": dash}, hovertemplate=f"{name}: {value:.3f}<extra></extra>")
    fig.update_yaxes(range=[0, 1.02])
    return _layout(fig, f"Average precision per checkpoint: {task}", "Checkpoint (in order)",
                   "Average precision (0 to 1)")


def last_vs_best(table: pd.DataFrame) -> go.Figure:
    """Per computed task: AP of the last checkpoint against the best one."""
    t = table.sort_values("best_ap")
    fig = go.Figure()
    for col, ckpt, name in (("last_ap", "last_checkpoint", "Last checkpoint"),
                            ("best_ap", "best_checkpoint", "Best checkpoint")):
        fig.add_scatter(x=t[col], y=t["task"], mode="markers", name=name,
                        marker={"size": 10}, customdata=t[[ckpt]],
                        hovertemplate=f"%{{y}}<br>{name.lower()} (%{{customdata[0]}}): "
                                      "AP %{x:.3f}<extra></extra>")
    fig.update_xaxes(range=[0, 1.02])
    return _layout(fig, "Average precision of the last versus the best checkpoint",
                   "Average precision (0 to 1)", "Task", height=max(300, 30 * len(t) + 120))
